/**
 * Where things stand in a YAML file, for every file rota reads as YAML (the roster, the credentials
 * file, the simulator config): parse with line tracking, place a path or a key as file, line, column
 * and YAML path, and word yaml's own errors. Pure: no I/O.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
  YAMLParseError,
} from 'yaml';
import { quote } from './text/printable.js';

/** Where something stands in a file: what a person needs to find and fix it. */
export interface Place {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole. */
  line: number;
  /** 1-based; 0 when the problem is the file as a whole, or a whole line (a CSV row). */
  column: number;
  /** YAML path like `agents[3].shifts[0].end`; empty for the whole file. */
  path: string;
}

/** Keys and list indexes from the top of the document down, as zod reports them. */
export type YamlPath = readonly PropertyKey[];

/** The place of the file as a whole (line 0). */
export const wholeFile = (file: string): Place => ({ file, line: 0, column: 0, path: '' });

/** `agents[3].shifts[0].end`; a key that is not a plain word is quoted: `teams["night shift"]`. */
export function formatPath(path: YamlPath): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      if (!/^[A-Za-z_][\w-]*$/.test(key)) return `[${quote(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

/**
 * `file:line:column path: message`, as a person reads it: no line for the whole file, no column for a
 * whole line (`week-49.csv:7: message`), no path for none.
 */
export function formatPlaced(placed: Place & { message: string }): string {
  const { file, line, column } = placed;
  const place = line === 0 ? file : column === 0 ? `${file}:${line}` : `${file}:${line}:${column}`;
  const where = placed.path === '' ? place : `${place} ${placed.path}`;
  return `${where}: ${placed.message}`;
}

/** Places in reading order: by line, then column. */
export const byPlace = (a: Place, b: Place) => a.line - b.line || a.column - b.column;

type Doc = Document.Parsed;

/** The node an alias (`*name`) stands for; any other node as it is. */
export const deref = (doc: Doc, node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

/** Why `node` is an alias that stands for nothing (no anchor of its name before it), if it is one. */
export function unresolvedAlias(doc: Doc, node: unknown): string | undefined {
  if (!isAlias(node) || node.resolve(doc) !== undefined) return undefined;
  return `the alias *${node.source} names no anchor; put &${node.source} on a value before it, or write the value out`;
}

/** A mapping key as text (`1001:` and `"1001":` alike). */
export const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

/**
 * A scalar's text as written in the file: `007` stays "007" and `true` "true", where YAML would read
 * a number or a yes/no; undefined for a list or a mapping.
 */
export function writtenText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

/**
 * Make a scalar read as it is written (in place, before `toJS`): `numbers` only, so `0123` keeps its
 * zero and `+919876543210` its plus, or `all` plain values, true, false and `~` included.
 */
export function keepAsWritten(node: unknown, which: 'numbers' | 'all'): void {
  if (!isScalar(node) || typeof node.value === 'string' || node.source === undefined) return;
  if (which === 'all' || typeof node.value === 'number') node.value = node.source;
}

/**
 * Keys written twice in one mapping, keys being the same when written the same (`7:` and `007:` are two
 * agents, `1001:` and `"1001":` one), as yaml's own DUPLICATE_KEY errors. One pass with a set per
 * mapping: yaml's `uniqueKeys` with a comparison function compares every pair (10,000 agents: 1.2 s).
 */
function duplicateWrittenKeys(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        const written = writtenText(key);
        if (written === undefined || !isScalar(key)) continue;
        if (seen.has(written)) {
          const [start = 0, end = start] = key.range ?? [];
          errors.push(new YAMLParseError([start, end], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(written);
      }
    },
  });
  return errors;
}

/** The deepest node along `path` (through aliases), and how many segments of the path were found. */
function nodeAt(doc: Doc, path: YamlPath): { node: unknown; found: number } {
  let node: unknown = doc.contents;
  for (const [i, segment] of path.entries()) {
    const here = deref(doc, node);
    let next: unknown;
    if (isSeq(here) && typeof segment === 'number') next = here.items[segment];
    else if (isMap(here)) {
      const pair = here.items.find((p) => keyText(p.key) === String(segment));
      next =
        pair && (isScalar(pair.value) && pair.value.value === null ? pair.key : (pair.value ?? pair.key));
    }
    if (next === undefined) return { node: here, found: i };
    node = next;
  }
  return { node: deref(doc, node), found: path.length };
}

/** What can say where a value of a YAML file is written. */
export interface Placer {
  /** The place of the value at `path`; for a missing key, the mapping that lacks it; for an empty
   * document, the file as a whole. */
  at(path: YamlPath): Place;
  /** The place of key `key` in the mapping at `path`. */
  keyAt(path: YamlPath, key: string): Place;
}

/** A parsed YAML file that can say where things are in it. */
export interface YamlFile extends Placer {
  file: string;
  text: string;
  doc: Doc;
  /** The place of a character offset in the text. */
  offsetPlace(offset: number, path: YamlPath): Place;
  /** The place of a node's first character. */
  nodePlace(node: unknown, path: YamlPath): Place;
}

/**
 * Parse one YAML document, keeping lines for places; a key written twice is a YAML error. With
 * `keysAsWritten`, keys are compared as written (`7` and `007` differ), for files keyed by agent ID.
 */
export function parseYaml(text: string, file: string, options: { keysAsWritten?: boolean } = {}): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: !options.keysAsWritten,
  });
  if (options.keysAsWritten) doc.errors.push(...duplicateWrittenKeys(doc));
  const offsetPlace = (offset: number, path: YamlPath): Place => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: formatPath(path) };
  };
  const nodePlace = (node: unknown, path: YamlPath): Place =>
    offsetPlace((node as Partial<Node> | undefined)?.range?.[0] ?? 0, path);
  return {
    file,
    text,
    doc,
    offsetPlace,
    nodePlace,
    at(path) {
      if (doc.contents === null) return { ...wholeFile(file), path: formatPath(path) };
      const { node, found } = nodeAt(doc, path);
      // A short form (`- 2026-12-25` for `{ date: 2026-12-25 }`) has no node for the rest of the path.
      return nodePlace(node, isScalar(node) ? path.slice(0, found) : path);
    },
    keyAt(path, key) {
      const map = deref(doc, nodeAt(doc, path).node);
      const pair = isMap(map) ? map.items.find((p) => keyText(p.key) === key) : undefined;
      return nodePlace(pair?.key ?? map, [...path, key]);
    },
  };
}

/** The key written at `start` (`phone` in `phone: "+91..."`, also when quoted). */
function keySource(text: string, start: number): string {
  const m = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n]*?))\s*:/.exec(text.slice(start, start + 200));
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? '';
}

/** yaml's own wording is kept except where it is obscure to a non-programmer. */
const YAML_MESSAGES: Partial<Record<string, (text: string, start: number, kind: string) => string>> = {
  DUPLICATE_KEY: (text, start) =>
    `the key ${quote(keySource(text, start))} is written twice in the same mapping; keep one`,
  TAB_AS_INDENT: () => 'a tab is used for indentation; indent YAML with spaces',
  MULTIPLE_DOCS: (_text, _start, kind) => `a second YAML document starts here (---); ${kind} is one document`,
};

/** Wordings for the errors in which yaml quotes part of the file (a file with secrets must not). */
const UNQUOTED_MESSAGES: Partial<Record<string, string>> = {
  BAD_DQ_ESCAPE: 'a backslash in double quotes starts an escape YAML does not know; use single quotes',
  BAD_SCALAR_START: 'a value cannot start with this character unless it is in quotes; put it in quotes',
  TAG_RESOLVE_FAILED: 'a value starts with ! (a YAML tag); put it in quotes',
  BAD_COLLECTION_TYPE: 'a YAML tag (!) does not fit this value; remove it',
};

/**
 * One line saying what yaml found wrong at `error.pos[0]` of `text`, a file that is `kind` ("a
 * roster"). With `quoting: false` no part of the file is repeated (yaml puts the text it quotes after
 * a colon), for files that hold secrets.
 */
export function yamlMessage(
  error: YAMLError,
  text: string,
  options: { kind: string; quoting?: boolean },
): string {
  if (error.message.includes('call stack')) return 'lists or mappings are nested too deeply here';
  const own = YAML_MESSAGES[error.code]?.(text, error.pos[0], options.kind);
  if (own !== undefined) return own;
  const line = error.message.split('\n')[0] ?? '';
  if (options.quoting !== false) return line;
  return UNQUOTED_MESSAGES[error.code] ?? line.split(': ')[0] ?? line;
}
