/**
 * Plain YAML read quickly: js-yaml's event parser, with values resolved exactly as `yaml` (YAML 1.2,
 * core schema) resolves them. `yaml` keeps lines and columns and words errors well, and costs for it:
 * a 10,000-agent roster (1.1 MiB) takes it about 0.6 s and 0.9 GB of allocation, this about 50 ms.
 *
 * Only the plain subset is read here: one document of block and single-line flow collections, plain
 * and quoted scalars on one line each, keys that are text, no tab. Anything else — directives, tags,
 * anchors and aliases, block scalars, scalars or flow collections over several lines, a key written
 * twice or that is not text, a syntax error — gives `undefined`, and the caller reads the file with `yaml` (`parseYaml`), which also
 * reports what is wrong with it. So a file means the same whichever way it was read; the tests compare
 * the two on every roster they have and on generated ones. Pure: no I/O.
 */
import {
  COLLECTION_STYLE,
  EVENT_ID,
  type Event,
  getScalarValue,
  parseEvents,
  SCALAR_STYLE,
  type ScalarEvent,
} from 'js-yaml';

/** A plain scalar as `yaml`'s core schema reads it (same tests, same order, same conversions). */
function resolvePlain(text: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}

/** A key longer than this is left to `yaml`, which limits implicit keys to 1,024 characters. */
const MAX_KEY_LENGTH = 1000;

/**
 * Left to `yaml` from the text alone: a tab anywhere (YAML forbids some, and the two parsers do not
 * agree on which), a line that starts with a flow collection's end (`yaml` may warn about its indent).
 */
const LEFT_TO_YAML = /\t|^ *[\]}]/m;

/** Whether nothing but indentation comes before the scalar (and its opening quote) on its line. */
function firstOnLine(text: string, scalar: ScalarEvent): boolean {
  let i = scalar.valueStart - (scalar.style === SCALAR_STYLE.PLAIN ? 1 : 2);
  while (i >= 0 && text[i] === ' ') i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

/** An open collection while reading, with the key its next value goes under (mappings). */
interface Frame {
  value: Record<string, unknown> | unknown[];
  /** Where a flow collection starts; -1 for a block one. */
  flowStart: number;
  /** The furthest offset a scalar in it (or under it) reached. */
  reach: number;
  /** Its key or index in its parent; undefined for the root. */
  at: PropertyKey | undefined;
  key: string | undefined;
}

export interface PlainYamlOptions {
  /**
   * Whether the number-like plain scalar at `path` keeps its text as written (`0123` stays "0123"),
   * as `keepAsWritten(node, 'numbers')` does on the full path. Asked only for scalars read as numbers.
   */
  keepAsWritten?: (path: readonly PropertyKey[]) => boolean;
}

/** The data of one plain YAML document, or undefined when `yaml` should read the text (see above). */
export function readPlainYaml(text: string, options: PlainYamlOptions = {}): { data: unknown } | undefined {
  if (LEFT_TO_YAML.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const frames: Frame[] = [];
  let documents = 0;
  let root: { data: unknown } | undefined;
  const pathTo = (last: PropertyKey) => [...frames.slice(1).map((frame) => frame.at as PropertyKey), last];

  /** Adds a value to the open collection (or makes it the root); false when `yaml` should decide. */
  const add = (value: unknown, keyEvent?: ScalarEvent): boolean => {
    const parent = frames.at(-1);
    if (parent === undefined) {
      root = { data: value };
      return true;
    }
    if (Array.isArray(parent.value)) {
      parent.value.push(value);
      return true;
    }
    if (parent.key === undefined) {
      // A key: text, or a plain scalar yaml would write as the same text (`7:` is "7").
      if (keyEvent === undefined || keyEvent.valueEnd - keyEvent.valueStart > MAX_KEY_LENGTH) return false;
      if (value === null || typeof value === 'object') return false;
      const key = String(value);
      if (Object.hasOwn(parent.value, key)) return false;
      parent.key = key;
      return true;
    }
    if (parent.key === '__proto__') {
      Object.defineProperty(parent.value, parent.key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else parent.value[parent.key] = value;
    parent.key = undefined;
    return true;
  };
  /** The key or index the next value of the open collection goes under. */
  const nextAt = (): PropertyKey | undefined => {
    const parent = frames.at(-1);
    if (parent === undefined) return undefined;
    return Array.isArray(parent.value) ? parent.value.length : parent.key;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || event.directives.length > 0) return undefined;
        break;
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        const parent = frames.at(-1);
        // A collection as a mapping's key is not text.
        if (parent !== undefined && !Array.isArray(parent.value) && parent.key === undefined)
          return undefined;
        const flowStart = event.style === COLLECTION_STYLE.FLOW ? event.start : -1;
        frames.push({
          value: event.type === EVENT_ID.SEQUENCE ? [] : {},
          flowStart,
          reach: event.start,
          at: nextAt(),
          key: undefined,
        });
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        const { style } = event;
        if (style === SCALAR_STYLE.LITERAL_BLOCK || style === SCALAR_STYLE.FOLDED_BLOCK) return undefined;
        // A scalar over several lines is folded; what the parsers make of odd folds is yaml's to say.
        const newline = text.indexOf('\n', event.valueStart);
        if (newline !== -1 && newline < event.valueEnd) return undefined;
        const parent = frames.at(-1);
        const isKey = parent !== undefined && !Array.isArray(parent.value) && parent.key === undefined;
        // A value alone on its line (below its key) is read differently by the two after some lines.
        if (!isKey && parent !== undefined && firstOnLine(text, event)) return undefined;
        const source = getScalarValue(text, event);
        let value: unknown = style === SCALAR_STYLE.PLAIN ? resolvePlain(source) : source;
        if (typeof value === 'number' && !isKey && options.keepAsWritten?.(pathTo(nextAt() as PropertyKey))) {
          value = source;
        }
        if (parent !== undefined && event.valueEnd > parent.reach) parent.reach = event.valueEnd;
        if (!add(value, isKey ? event : undefined)) return undefined;
        break;
      }
      case EVENT_ID.POP: {
        const frame = frames.pop();
        if (frame === undefined) break; // the document's end
        if (frame.flowStart !== -1) {
          const newline = text.indexOf('\n', frame.flowStart);
          if (newline !== -1 && newline < frame.reach) return undefined;
        }
        const parent = frames.at(-1);
        if (parent !== undefined && frame.reach > parent.reach) parent.reach = frame.reach;
        if (!add(frame.value)) return undefined;
        break;
      }
    }
  }
  return documents === 1 ? root : undefined;
}
