/**
 * Plain YAML read quickly: js-yaml's event parser, with values resolved exactly as `yaml` (YAML 1.2,
 * core schema) resolves them and places exactly where `parseYaml` puts them. `yaml` keeps lines and
 * columns and words errors well, and costs for it: a 10,000-agent roster (1.1 MiB) takes it about 0.6 s
 * and 0.9 GB of allocation, this about 60 ms.
 *
 * Only the plain subset is read here: one document of block and single-line flow collections, plain and
 * quoted scalars on one line each, keys that are text, no tab. Anything else — directives, tags, anchors
 * and aliases, block scalars, scalars or flow collections over several lines, a value alone on the line
 * below its key, a key written twice or that is not text, a syntax error — gives `undefined`, and the
 * caller reads the file with `yaml` (`parseYaml`), which also reports what is wrong with it. So a file
 * means the same, and its places are the same, whichever way it was read: the tests compare the two on
 * every YAML file of the project and on generated ones. Pure: no I/O.
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
import { isScalar, LineCounter, type ScalarTag, Schema } from 'yaml';
import { formatPath, type Place, type Placer, type YamlPath } from './yaml-place.js';

/** `yaml`'s own core-schema tags that read plain scalars (null, bool, int, float), in its order. */
const PLAIN_TAGS = new Schema({ schema: 'core' }).tags.filter(
  (tag): tag is ScalarTag & { test: RegExp } => tag.default === true && tag.test !== undefined,
);

/** A plain scalar as `yaml` reads it: by the first of its core tags that matches, else text. */
function resolvePlain(text: string): unknown {
  const tag = PLAIN_TAGS.find(({ test }) => test.test(text));
  if (tag === undefined) return text;
  // The core tags resolve whatever their test lets through: nothing to report.
  const value = tag.resolve(text, () => {}, { intAsBigInt: false });
  return isScalar(value) ? value.value : value;
}

/** A key longer than this is left to `yaml`, which limits implicit keys to 1,024 characters. */
const MAX_KEY_LENGTH = 1000;

/**
 * Left to `yaml` from the text alone: a tab anywhere (YAML forbids some, and the two parsers do not
 * agree on which), a carriage return not ending a line, a line that starts with a flow collection's end
 * (`yaml` may warn about its indentation).
 */
const LEFT_TO_YAML = /\t|\r(?!\n)|^ *[\]}]/m;

/** Where a scalar starts as `yaml` counts it: at its opening quote, if it has one. */
const scalarStart = (scalar: ScalarEvent) =>
  scalar.valueStart - (scalar.style === SCALAR_STYLE.PLAIN ? 0 : 1);

/** Whether nothing but indentation comes before the scalar (and its opening quote) on its line. */
function firstOnLine(text: string, scalar: ScalarEvent): boolean {
  let i = scalarStart(scalar) - 1;
  while (i >= 0 && text[i] === ' ') i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

/**
 * Where a value is written. A scalar is its offset; a mapping's value that is null is `KEY` (`yaml`
 * places it at its key).
 */
type Spot = number | SeqSpot | MapSpot;
interface SeqSpot {
  start: number;
  items: Spot[];
}
interface MapSpot {
  start: number;
  keys: string[];
  keyStarts: number[];
  values: Spot[];
}
const KEY = -2;

/** An open collection while reading, with the key its next value goes under (mappings). */
interface Frame {
  value: Record<string, unknown> | unknown[];
  spot: SeqSpot | MapSpot;
  /** Where a flow collection starts; -1 for a block one. */
  flowStart: number;
  /** The furthest offset a scalar in it (or under it) reached. */
  reach: number;
  key: string | undefined;
}

const isMapSpot = (spot: Spot): spot is MapSpot => typeof spot === 'object' && 'keys' in spot;

/** Places in the text, as `parseYaml`'s `at` and `keyAt` find them. */
function spotPlacer(text: string, file: string, root: Spot): Placer {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const place = (offset: number, path: YamlPath): Place => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: formatPath(path) };
  };
  /** The deepest spot along `path`, its offset, and how many segments of the path were found. */
  const spotAt = (path: YamlPath): { spot: Spot; offset: number; found: number } => {
    let spot = root;
    let offset = typeof root === 'number' ? root : root.start;
    for (const [i, segment] of path.entries()) {
      if (typeof spot === 'number') return { spot, offset, found: i };
      let next: Spot | undefined;
      if (isMapSpot(spot)) {
        const k = spot.keys.indexOf(String(segment));
        if (k !== -1) {
          next = spot.values[k] as Spot;
          if (next === KEY) {
            offset = spot.keyStarts[k] as number;
            spot = KEY;
            continue;
          }
        }
      } else if (typeof segment === 'number') next = spot.items[segment];
      if (next === undefined) return { spot, offset, found: i };
      spot = next;
      offset = typeof next === 'number' ? next : next.start;
    }
    return { spot, offset, found: path.length };
  };
  return {
    at(path) {
      const { spot, offset, found } = spotAt(path);
      return place(offset, typeof spot === 'number' ? path.slice(0, found) : path);
    },
    keyAt(path, key) {
      const { spot, offset } = spotAt(path);
      const k = isMapSpot(spot) ? spot.keys.indexOf(key) : -1;
      return place(k === -1 ? offset : ((spot as MapSpot).keyStarts[k] as number), [...path, key]);
    },
  };
}

export interface PlainYamlOptions {
  /**
   * Whether the number-like plain scalar at `path` keeps its text as written (`0123` stays "0123"),
   * as `keepAsWritten(node, 'numbers')` does on the full path. Asked only for scalars read as numbers.
   */
  keepAsWritten?: (path: readonly PropertyKey[]) => boolean;
}

/**
 * The data of one plain YAML document of `file` and where its values are, or undefined when `yaml`
 * should read the text (see above).
 */
export function readPlainYaml(
  text: string,
  file: string,
  options: PlainYamlOptions = {},
): { data: unknown; where: Placer } | undefined {
  if (LEFT_TO_YAML.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const frames: Frame[] = [];
  let documents = 0;
  let root: { data: unknown; spot: Spot } | undefined;
  /** The key or index the next value of `frame` goes under. */
  const nextAt = (frame: Frame): PropertyKey =>
    Array.isArray(frame.value) ? frame.value.length : (frame.key as string);
  const pathTo = () => frames.map(nextAt);

  /** Adds a value to the open collection (or makes it the root); false when `yaml` should decide. */
  const add = (value: unknown, spot: Spot, keyEvent?: ScalarEvent): boolean => {
    const parent = frames.at(-1);
    if (parent === undefined) {
      root = { data: value, spot };
      return true;
    }
    if (Array.isArray(parent.value)) {
      parent.value.push(value);
      (parent.spot as SeqSpot).items.push(spot);
      return true;
    }
    const map = parent.spot as MapSpot;
    if (parent.key === undefined) {
      // A key: text, or a plain scalar yaml would write as the same text (`7:` is "7").
      if (keyEvent === undefined || keyEvent.valueEnd - keyEvent.valueStart > MAX_KEY_LENGTH) return false;
      if (value === null || typeof value === 'object') return false;
      const key = String(value);
      if (Object.hasOwn(parent.value, key)) return false;
      parent.key = key;
      map.keys.push(key);
      map.keyStarts.push(spot as number);
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
    map.values.push(value === null ? KEY : spot);
    parent.key = undefined;
    return true;
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
        if (parent !== undefined && !Array.isArray(parent.value) && parent.key === undefined) {
          return undefined;
        }
        const { start } = event;
        frames.push(
          event.type === EVENT_ID.SEQUENCE
            ? { value: [], spot: { start, items: [] }, flowStart: -1, reach: start, key: undefined }
            : {
                value: {},
                spot: { start, keys: [], keyStarts: [], values: [] },
                flowStart: -1,
                reach: start,
                key: undefined,
              },
        );
        if (event.style === COLLECTION_STYLE.FLOW) (frames.at(-1) as Frame).flowStart = start;
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        const { style } = event;
        if (style === SCALAR_STYLE.LITERAL_BLOCK || style === SCALAR_STYLE.FOLDED_BLOCK) return undefined;
        const parent = frames.at(-1);
        const isKey = parent !== undefined && !Array.isArray(parent.value) && parent.key === undefined;
        if (event.valueStart === -1) {
          // Nothing written: only a mapping's value may be so (null, placed at its key).
          if (parent === undefined || Array.isArray(parent.value) || isKey) return undefined;
          if (!add(null, KEY)) return undefined;
          break;
        }
        // A scalar over several lines is folded; what the parsers make of odd folds is yaml's to say.
        const newline = text.indexOf('\n', event.valueStart);
        if (newline !== -1 && newline < event.valueEnd) return undefined;
        // A value alone on its line (below its key) is read differently by the two after some lines.
        if (!isKey && parent !== undefined && firstOnLine(text, event)) return undefined;
        const source = getScalarValue(text, event);
        let value: unknown = style === SCALAR_STYLE.PLAIN ? resolvePlain(source) : source;
        if (typeof value === 'number' && !isKey && options.keepAsWritten?.(pathTo())) value = source;
        if (parent !== undefined && event.valueEnd > parent.reach) parent.reach = event.valueEnd;
        if (!add(value, scalarStart(event), isKey ? event : undefined)) return undefined;
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
        if (!add(frame.value, frame.spot)) return undefined;
        break;
      }
    }
  }
  if (documents !== 1 || root === undefined) return undefined;
  return { data: root.data, where: spotPlacer(text, file, root.spot) };
}
