/**
 * YAML text → validated, normalised `Roster`, or every problem in it at once, each with its place.
 * Pure: no I/O. Shape rules live in `schema.ts`; this file ties zod's paths back to lines and columns
 * and checks what spans entries (duplicate agent IDs, team references).
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { type RosterInput, type ShiftInput, validateRoster } from './schema.js';
import type { Agent, AgentId, Place, Roster, RosterIssue, Shift } from './types.js';

/** How many values aliases (`*name`) may add to the file when expanded: far above any real roster. */
export const MAX_ALIAS_EXPANSION = 100_000;

type Path = readonly PropertyKey[];

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `agents[3].shifts[0].end`; a key that is not a plain word is quoted: `teams["night shift"]`. */
export function formatPath(path: Path): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      if (!/^[A-Za-z_][\w-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

type Doc = Document.Parsed;

const deref = (doc: Doc, node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

/** The deepest node along `path` (through aliases), and how many segments of the path were found. */
function nodeAt(doc: Doc, path: Path): { node: unknown; found: number } {
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

/** Places things in the file: a node's first character, as 1-based line and column. */
function placer(file: string, doc: Doc, lines: LineCounter) {
  const offsetPlace = (offset: number, path: Path): Place => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: formatPath(path) };
  };
  const nodePlace = (node: unknown, path: Path): Place =>
    offsetPlace((node as Partial<Node>).range?.[0] ?? 0, path);

  /** The place of the value at `path`; for a missing key, the mapping that lacks it. */
  const at = (path: Path): Place => {
    const { node, found } = nodeAt(doc, path);
    // A short form (`- 2026-12-25` for `{ date: 2026-12-25 }`) has no node for the rest of the path.
    return nodePlace(node, isScalar(node) ? path.slice(0, found) : path);
  };

  /** The place of key `key` in the mapping at `path`. */
  const keyAt = (path: Path, key: string): Place => {
    const map = deref(doc, nodeAt(doc, path).node);
    const pair = isMap(map) ? map.items.find((p) => keyText(p.key) === key) : undefined;
    return nodePlace(pair?.key ?? map, [...path, key]);
  };

  return { at, keyAt, offsetPlace };
}

type Placer = ReturnType<typeof placer>;

const issue = (place: Place, message: string, severity: RosterIssue['severity'] = 'error'): RosterIssue => ({
  ...place,
  severity,
  message,
});

/** An issue about the file as a whole (line 0). */
export const fileIssue = (file: string, message: string): RosterIssue =>
  issue({ file, line: 0, column: 0, path: '' }, message);

/** The key written at `start` (`phone` in `phone: "+91..."`, also when quoted). */
function keySource(text: string, start: number): string {
  const m = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n]*?))\s*:/.exec(text.slice(start, start + 200));
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? '';
}

/** yaml's own wording is kept except where it is obscure to a non-programmer. */
const YAML_MESSAGES: Record<string, (text: string, start: number) => string> = {
  DUPLICATE_KEY: (text, start) =>
    `the key ${JSON.stringify(keySource(text, start))} is written twice in the same mapping; keep one`,
  TAB_AS_INDENT: () => 'a tab is used for indentation; indent YAML with spaces',
  MULTIPLE_DOCS: () => 'a second YAML document starts here (---); a roster is one document',
};

function yamlIssue(error: YAMLError, text: string, where: Placer, severity: RosterIssue['severity']) {
  const start = error.pos[0];
  const message = error.message.includes('call stack')
    ? 'lists or mappings are nested too deeply here'
    : (YAML_MESSAGES[error.code]?.(text, start) ?? error.message.split('\n')[0]);
  return issue(where.offsetPlace(start, []), `YAML: ${message}`, severity);
}

/**
 * Aliases (`*name`) copy what their anchor (`&name`) holds, and nested ones multiply ("billion
 * laughs"). Count what expanding them would add, in document order, without expanding anything; the
 * alias that crosses the limit (or refers to its own container) is the problem.
 */
function aliasProblem(doc: Doc, where: Placer): RosterIssue | undefined {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const size = (node: unknown): number => {
    const target = deref(doc, node);
    const known = sizes.get(target);
    if (known !== undefined) return known;
    if (open.has(target)) return Number.POSITIVE_INFINITY;
    open.add(target);
    let total = 1;
    if (isMap(target) || isSeq(target)) {
      for (const item of target.items) total += isPair(item) ? size(item.key) + size(item.value) : size(item);
    }
    open.delete(target);
    sizes.set(target, total);
    return total;
  };
  let added = 0;
  /** The alias that crosses the limit, with its path built on the way back out: most nodes need none. */
  const find = (node: unknown): { alias: Alias; path: PropertyKey[] } | undefined => {
    if (isAlias(node)) {
      added += size(node) - 1;
      return added > MAX_ALIAS_EXPANSION ? { alias: node, path: [] } : undefined;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const inKey = find(pair.key);
        if (inKey) return inKey;
        const inValue = find(pair.value);
        if (inValue) {
          inValue.path.unshift(keyText(pair.key));
          return inValue;
        }
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = find(node.items[i]);
        if (found) {
          found.path.unshift(i);
          return found;
        }
      }
    }
    return undefined;
  };
  const found = find(doc.contents);
  if (!found) return undefined;
  const message = `the alias *${found.alias.source} makes the file expand to more than ${MAX_ALIAS_EXPANSION} values, or contains itself; write the entries out, or share shifts through teams`;
  return issue(where.offsetPlace(found.alias.range?.[0] ?? 0, found.path), message);
}

/**
 * Agent IDs and phone numbers are text even when written without quotes: take them from the source
 * so `0123` keeps its zero and `+919876543210` its plus.
 */
function keepSourceText(doc: Doc): void {
  const agents = deref(doc, doc.get('agents', true));
  if (!isSeq(agents)) return;
  for (const item of agents.items) {
    const agent = deref(doc, item);
    if (!isMap(agent)) continue;
    for (const key of ['id', 'phone']) {
      const value = agent.get(key, true);
      if (isScalar(value) && typeof value.value === 'number' && value.source !== undefined)
        value.value = value.source;
    }
  }
}

function zodIssues(issues: readonly z.core.$ZodIssue[], where: Placer): RosterIssue[] {
  return issues.flatMap((zodIssue) =>
    zodIssue.code === 'unrecognized_keys'
      ? zodIssue.keys.map((key) => issue(where.keyAt(zodIssue.path, key), `"${key}" ${zodIssue.message}`))
      : [issue(where.at(zodIssue.path), zodIssue.message)],
  );
}

/** Rules across entries, on the raw data so they are reported even when other parts are wrong. */
function crossCheck(data: unknown, where: Placer): RosterIssue[] {
  if (!isMapping(data) || !Array.isArray(data.agents)) return [];
  const teams = isMapping(data.teams) ? Object.keys(data.teams) : data.teams == null ? [] : undefined;
  const firstById = new Map<string, number>();
  const issues: RosterIssue[] = [];
  for (const [i, agent] of data.agents.entries()) {
    if (!isMapping(agent)) continue;
    const { id, team, shifts } = agent;
    if (typeof id === 'string' && id !== '') {
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, i);
      else {
        const line = where.at(['agents', first, 'id']).line;
        issues.push(
          issue(
            where.at(['agents', i, 'id']),
            `agent ID "${id}" is already used at line ${line}; list each agent once`,
          ),
        );
      }
    }
    if (typeof team === 'string' && teams && !teams.includes(team)) {
      const known = teams.length > 0 ? `known teams: ${teams.join(', ')}` : 'the roster has no teams section';
      issues.push(issue(where.at(['agents', i, 'team']), `there is no team "${team}"; ${known}`));
    }
    if (team == null && (shifts == null || (Array.isArray(shifts) && shifts.length === 0))) {
      const who = typeof id === 'string' && id !== '' ? `agent "${id}"` : 'this agent';
      issues.push(
        issue(
          where.at(['agents', i]),
          `${who} has no team and no shifts, so rota never logs them in`,
          'warning',
        ),
      );
    }
  }
  return issues;
}

function buildRoster(input: RosterInput, file: string, where: Placer): Roster {
  const placed = (shifts: ShiftInput[], path: Path): Shift[] =>
    shifts.map((shift, j) => ({ ...shift, place: where.at([...path, j]) }));
  const agents = input.agents.map(
    ({ id, phone, team, timezone, shifts, off }, i): Agent => ({
      id: id as AgentId,
      phone,
      ...(team === undefined ? {} : { team }),
      timezone: timezone ?? input.timezone,
      shifts: placed(shifts, ['agents', i, 'shifts']),
      off,
      place: where.at(['agents', i]),
      phonePlace: where.at(['agents', i, 'phone']),
    }),
  );
  const teams = Object.fromEntries(
    Object.entries(input.teams).map(([name, team]) => [
      name,
      { name, shifts: placed(team.shifts, ['teams', name, 'shifts']) },
    ]),
  );
  return { version: 1, file, timezone: input.timezone, holidays: input.holidays, teams, agents };
}

const byPlace = (a: RosterIssue, b: RosterIssue) => a.line - b.line || a.column - b.column;

/** Parse and validate a roster. `roster` is present only when no issue is an error. */
export function parseRoster(text: string, file: string): { roster?: Roster; issues: RosterIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = placer(file, doc, lines);
  const warnings = doc.warnings.map((w) => yamlIssue(w, text, where, 'warning'));
  if (doc.errors.length > 0) {
    return {
      issues: [...doc.errors.map((e) => yamlIssue(e, text, where, 'error')), ...warnings].sort(byPlace),
    };
  }
  if (doc.contents === null) {
    return {
      issues: [fileIssue(file, 'the file is empty; a roster needs version: 1, a timezone and agents')],
    };
  }
  const bomb = aliasProblem(doc, where);
  if (bomb) return { issues: [bomb] };

  keepSourceText(doc);
  // Expansion is bounded above, so yaml's own alias counter (which also trips on modest reuse) is off.
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  const result = validateRoster(data);
  const issues = [...warnings, ...crossCheck(data, where)];
  if (!result.success) issues.push(...zodIssues(result.error.issues, where));
  issues.sort(byPlace);
  if (!result.success || issues.some((i) => i.severity === 'error')) return { issues };
  return { roster: buildRoster(result.data, file, where), issues };
}
