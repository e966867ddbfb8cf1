// rota console: the timeline. One row per agent under a heading per team; sessions as bars, actions as
// marks. Only the rows in view (plus a margin) are in the document, at a fixed height over a spacer, so
// 2,000 agents scroll as lightly as 20.

import { h, keepFocus } from './dom.js';
import { MARKS } from './model.js';

const HOUR_MS = 3_600_000;
const ROW_HEIGHT = 34;
/** Rows drawn beyond the ones in view, above and below. */
const MARGIN = 12;
/** Marks closer than this (px) are pushed apart, so each can be pointed at. */
const MARK_GAP = 18;
const MARK_SIZE = 18;

/** `onScroll` runs after the rows in view have been drawn, once a frame while the timeline scrolls. */
export function createTimeline(scroller, { pxPerHour, onScroll }) {
  const corner = h('div', { class: 'tl-corner' });
  const ticks = h('div', { class: 'tl-ticks', 'aria-hidden': 'true' });
  const axis = h('div', { class: 'tl-axis' }, corner, ticks);
  const grid = h('div', { class: 'tl-grid', 'aria-hidden': 'true' });
  const rowsBox = h('div', { class: 'tl-rows', role: 'list', 'aria-label': 'Agents' });
  // The now line crosses the rows (above the bars), the other lines run behind them.
  const nowLine = h('div', { class: 'now-line', 'aria-hidden': 'true' });
  const body = h('div', { class: 'tl-body' }, grid, rowsBox, nowLine);
  const canvas = h('div', { class: 'tl-canvas' }, axis, body);
  scroller.replaceChildren(canvas);

  let view = { rows: [], from: 0, to: 0, pxPerHour, now: 0, clock: null, actions: false };
  let laneWidth = 0;
  let first = 0;
  let last = -1;
  const drawn = new Map();
  const nowLines = [];

  const x = (ms) => ((ms - view.from) / HOUR_MS) * view.pxPerHour;
  const labelWidth = () => Number.parseFloat(getComputedStyle(scroller).getPropertyValue('--label-w')) || 160;

  function drawAxis() {
    const { from, to, pxPerHour, clock } = view;
    const step = [1, 2, 3, 4, 6, 12].find((s) => s * pxPerHour >= 44) ?? 24;
    const { days, hours } = clock.ticks(from, to, step);
    const axisItems = [];
    const gridItems = [];
    for (const at of [from, ...days]) {
      const left = x(at);
      axisItems.push(positioned(h('span', { class: 'tick day' }, clock.day(at)), left));
      if (at !== from) gridItems.push(positioned(h('div', { class: 'line day' }), left));
    }
    for (const { at, hour } of hours) {
      const left = x(at);
      axisItems.push(
        positioned(h('span', { class: 'tick hour' }, `${String(hour).padStart(2, '0')}:00`), left),
      );
      gridItems.push(positioned(h('div', { class: 'line hour' }), left));
    }
    nowLines.length = 0;
    const nowTick = h('span', { class: 'tick now' }, 'now');
    nowLines.push(nowTick, nowLine);
    ticks.replaceChildren(...axisItems, nowTick);
    grid.replaceChildren(...gridItems);
    placeNow();
  }

  function placeNow() {
    const left = x(view.now);
    for (const element of nowLines) {
      element.hidden = left < 0 || left > laneWidth;
      element.style.left = `${left}px`;
    }
  }

  function rowElement(index) {
    const row = view.rows[index];
    const element = row.heading ? headingRow(row) : agentRow(row.agent);
    element.style.top = `${index * ROW_HEIGHT}px`;
    return element;
  }

  function headingRow(row) {
    const name = row.team === '' ? 'No team' : `Team ${row.team}`;
    return h(
      'div',
      { class: 'tl-row tl-heading', role: 'listitem', dataset: { key: row.key } },
      h('div', { class: 'tl-label' }, h('strong', {}, name), h('span', { class: 'sub' }, ` · ${row.count}`)),
    );
  }

  function agentRow(agent) {
    const lane = h('div', { class: 'tl-lane' });
    for (const s of agent.sessions) {
      const start = Math.max(s.startMs, view.from);
      const end = Math.min(s.endMs, view.to);
      if (end <= start) continue;
      const state = s.endMs <= view.now ? 'past' : s.startMs <= view.now ? 'current' : 'future';
      const bar = h('div', { class: `bar ${state}` });
      bar.style.left = `${x(start)}px`;
      bar.style.width = `${Math.max(2, x(end) - x(start))}px`;
      lane.append(bar);
    }
    let previous = -Infinity;
    for (const mark of agent.marks) {
      if (mark.atMs < view.from || mark.atMs > view.to) continue;
      const centre = Math.max(x(mark.atMs), previous + MARK_GAP);
      previous = centre;
      const kind = MARKS[mark.kind];
      const button = h(
        'button',
        {
          type: 'button',
          class: `mark mark-${mark.kind} ${mark.action}`,
          'aria-label': `${agent.id} ${mark.action} ${kind.name}, ${view.clock.full(mark.atMs)}`,
          dataset: { key: `mark:${mark.key}`, mark: mark.key, outcome: kind.name },
        },
        kind.letter,
      );
      button.style.left = `${centre - MARK_SIZE / 2}px`;
      lane.append(button);
    }
    const label = h(
      'div',
      { class: 'tl-label' },
      h(
        'span',
        { class: 'who' },
        h('span', { class: 'id' }, agent.id),
        h('span', { class: 'sub' }, agent.phones.join(', ')),
      ),
      view.actions
        ? h(
            'span',
            { class: 'row-actions' },
            actButton('login', agent.id, 'In', `Log ${agent.id} in now`),
            actButton('logout', agent.id, 'Out', `Log ${agent.id} out now`),
          )
        : null,
    );
    const name = `Agent ${agent.id}${agent.team ? `, team ${agent.team}` : ''}`;
    return h(
      'div',
      { class: 'tl-row', role: 'listitem', 'aria-label': name, dataset: { key: `agent:${agent.id}` } },
      label,
      lane,
    );
  }

  function actButton(action, agentId, text, label) {
    return h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-label': label,
        dataset: { key: `act:${action}:${agentId}`, act: action, agent: agentId },
      },
      text,
    );
  }

  /** Draws the rows in view plus the margin; rows already drawn stay (and keep their focus). */
  function drawRows(force = false) {
    const count = view.rows.length;
    const top = Math.floor(scroller.scrollTop / ROW_HEIGHT);
    const bottom = Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW_HEIGHT);
    if (!force && top >= first && Math.min(bottom, count - 1) <= last) return;
    const from = Math.max(0, top - MARGIN);
    const to = Math.min(count - 1, bottom + MARGIN);
    for (const [index, element] of drawn) {
      if (index < from || index > to) {
        element.remove();
        drawn.delete(index);
      }
    }
    let previous = null;
    for (let index = from; index <= to; index++) {
      let element = drawn.get(index);
      if (!element) {
        element = rowElement(index);
        drawn.set(index, element);
      }
      if (element.previousElementSibling !== previous || element.parentNode !== rowsBox) {
        rowsBox.insertBefore(element, previous ? previous.nextElementSibling : rowsBox.firstElementChild);
      }
      previous = element;
    }
    first = from;
    last = to;
  }

  /** The corner names the day at the left edge of the lanes in view. */
  function nameDay() {
    if (view.clock)
      corner.textContent = view.clock.day(view.from + (scroller.scrollLeft / view.pxPerHour) * HOUR_MS);
  }

  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawRows();
      nameDay();
      onScroll?.();
    });
  });

  /** Everything again (new data, filter or scale); the element in focus is found again by its key. */
  function redraw() {
    keepFocus(rowsBox, () => {
      laneWidth = Math.max(0, x(view.to));
      const width = labelWidth() + laneWidth;
      canvas.style.width = `${width}px`;
      body.style.height = `${view.rows.length * ROW_HEIGHT}px`;
      drawAxis();
      for (const element of drawn.values()) element.remove();
      drawn.clear();
      first = 0;
      last = -1;
      drawRows(true);
      nameDay();
    });
  }

  /** The instant at the middle of the lanes in view. */
  const middle = () =>
    view.from +
    ((scroller.scrollLeft + (scroller.clientWidth - labelWidth()) / 2) / view.pxPerHour) * HOUR_MS;

  return {
    /** rows, from, to, now, clock, actions (buttons on rows). */
    show(next) {
      view = { ...view, ...next };
      redraw();
    },
    setNow(now) {
      view.now = now;
      placeNow();
    },
    /** Zooms, keeping the instant in the middle where it was. */
    setScale(pxPerHour) {
      const centre = middle();
      view.pxPerHour = pxPerHour;
      redraw();
      this.scrollTo(centre, 0.5);
    },
    /** Scrolls so `ms` is at `fraction` of the lanes' visible width. */
    scrollTo(ms, fraction = 0.25) {
      scroller.scrollLeft = Math.max(0, x(ms) - (scroller.clientWidth - labelWidth()) * fraction);
      nameDay();
    },
    /** Scrolls the row with `key` into view and returns its element (null when no row has that key). */
    reveal(key) {
      const index = view.rows.findIndex((row) => row.key === key);
      if (index < 0) return null;
      const top = index * ROW_HEIGHT;
      if (top < scroller.scrollTop || top > scroller.scrollTop + scroller.clientHeight - 2 * ROW_HEIGHT) {
        scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
      }
      drawRows(true);
      return drawn.get(index) ?? null;
    },
    get pxPerHour() {
      return view.pxPerHour;
    },
  };
}

function positioned(element, left) {
  element.style.left = `${left}px`;
  return element;
}
