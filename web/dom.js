// rota console: building elements. Text always goes in as text nodes, never as HTML.

/**
 * `h('button', { class: 'x', 'aria-label': 'Go', onclick }, 'Go')`. Attributes whose value is
 * undefined, null or false are left out; `true` sets an empty attribute; functions under `on…` are
 * listeners; strings and numbers among the children become text nodes.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `element` holds. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** The element by ID (the page's fixed parts, from index.html). */
export const $ = (id) => document.getElementById(id);

/** Keeps the focus on the element with the same `data-key` when `container` is drawn again. */
export function keepFocus(container, draw) {
  const key = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  draw();
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}
