/**
 * YAML text → validated, normalised `Roster`, or every problem in it at once, each with its place.
 * Pure: no I/O. Shape rules live in `schema.ts`; this file ties zod's paths back to lines and columns
 * and checks what spans entries (duplicate agent IDs, team references).
 */
import { type Alias, type Document, isAlias, isMap, isPair, isSeq, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { agentIdProblem } from '../agent-id.js';
import { isMapping } from '../own-record.js';
import { printable, quote } from '../text/printable.js';
import {
  byPlace,
  deref,
  keepAsWritten,
  keyText,
  type Place,
  type Placer,
  parseYaml,
  unresolvedAlias,
  wholeFile,
  type YamlFile,
  type YamlPath,
  yamlMessage,
} from '../yaml-place.js';
import { readPlainYaml } from '../yaml-plain.js';
import { type RosterInput, type RotationInput, type ShiftInput, validateRoster } from './schema.js';
import type { Agent, AgentId, CsvColumns, Include, Roster, RosterIssue, Rotation, Shift } from './types.js';

/** The header names an included CSV's fields have unless its `columns` says otherwise. */
const DEFAULT_COLUMNS: CsvColumns = { agent: 'agent', date: 'date', start: 'start', end: 'end' };

/** How many values aliases (`*name`) may add to the file when expanded: far above any real roster. */
const MAX_ALIAS_EXPANSION = 100_000;

type Doc = Document.Parsed;

const issue = (place: Place, message: string, severity: RosterIssue['severity'] = 'error'): RosterIssue => ({
  ...place,
  severity,
  message,
});

/** An issue about the file as a whole (line 0). */
export const fileIssue = (file: string, message: string): RosterIssue => issue(wholeFile(file), message);

function yamlIssue(error: YAMLError, where: YamlFile, severity: RosterIssue['severity']) {
  const message = yamlMessage(error, where.text, { kind: 'a roster' });
  return issue(where.offsetPlace(error.pos[0], []), `YAML: ${message}`, severity);
}

/**
 * Aliases (`*name`) copy what their anchor (`&name`) holds, and nested ones multiply ("billion
 * laughs"). Count what expanding them would add, in document order, without expanding anything; the
 * alias that crosses the limit (or refers to its own container) is the problem. So is one that names
 * no anchor, which yaml leaves unresolved until it throws.
 */
function aliasProblem(doc: Doc, where: YamlFile): RosterIssue | undefined {
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
  /**
   * The alias that names no anchor or crosses the limit, with its path built on the way back out: most
   * nodes need none.
   */
  const find = (node: unknown): { alias: Alias; path: PropertyKey[]; message: string } | undefined => {
    if (isAlias(node)) {
      const dangling = unresolvedAlias(doc, node);
      if (dangling !== undefined) return { alias: node, path: [], message: dangling };
      added += size(node) - 1;
      const message = `the alias *${node.source} makes the file expand to more than ${MAX_ALIAS_EXPANSION} values, or contains itself; write the entries out, or share shifts through teams`;
      return added > MAX_ALIAS_EXPANSION ? { alias: node, path: [], message } : undefined;
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
  return issue(where.offsetPlace(found.alias.range?.[0] ?? 0, found.path), found.message);
}

/**
 * Agent IDs and phone numbers are text even when written without quotes: taken from the source so
 * `0123` keeps its zero and `+919876543210` its plus, by both readers (`keepSourceText`, `keptAsWritten`).
 */
const AGENT_TEXT_FIELDS = new Set<unknown>(['id', 'phone']);

/** The agent fields as written, in a document read by `yaml`. */
function keepSourceText(doc: Doc): void {
  const agents = deref(doc, doc.get('agents', true));
  if (!isSeq(agents)) return;
  for (const item of agents.items) {
    const agent = deref(doc, item);
    if (!isMap(agent)) continue;
    for (const key of AGENT_TEXT_FIELDS) keepAsWritten(agent.get(key, true), 'numbers');
  }
}

function zodIssues(issues: readonly z.core.$ZodIssue[], where: Placer): RosterIssue[] {
  return issues.flatMap((zodIssue) =>
    zodIssue.code === 'unrecognized_keys'
      ? zodIssue.keys.map((key) =>
          issue(where.keyAt(zodIssue.path, key), `${quote(key)} ${zodIssue.message}`),
        )
      : [issue(where.at(zodIssue.path), zodIssue.message)],
  );
}

/** The warning for an agent who would never be logged in; `id` when it is a valid agent ID. */
export function idleAgentWarning(place: Place, id: string | undefined): RosterIssue {
  const who = id !== undefined ? `agent ${quote(id)}` : 'this agent';
  return issue(place, `${who} has no team and no shifts, so rota never logs them in`, 'warning');
}

const written = (value: unknown) => value !== undefined && value !== null;

/** Whether team `name` of the raw data has a rotation. */
function teamRotates(data: Record<string, unknown>, name: unknown): boolean {
  const teams = data.teams;
  if (typeof name !== 'string' || !isMapping(teams) || !Object.hasOwn(teams, name)) return false;
  const team = teams[name];
  return isMapping(team) && written(team.rotation);
}

/** Rules across entries, on the raw data so they are reported even when other parts are wrong. */
function crossCheck(data: unknown, where: Placer): RosterIssue[] {
  if (!isMapping(data) || !Array.isArray(data.agents)) return [];
  const teams = isMapping(data.teams) ? Object.keys(data.teams) : data.teams == null ? [] : undefined;
  // Included files may give an agent with nothing here its shifts: `loadRoster` warns once it has read them.
  const includes = Array.isArray(data.include) && data.include.length > 0;
  const firstById = new Map<string, number>();
  const issues: RosterIssue[] = [];
  for (const [i, agent] of data.agents.entries()) {
    if (!isMapping(agent)) continue;
    const { id, team, shifts, rotation, rotation_offset: offset } = agent;
    // An ID that is not one is reported by the schema, once; repeating it here would add nothing.
    const validId = typeof id === 'string' && agentIdProblem(id) === undefined ? id : undefined;
    if (validId !== undefined) {
      const first = firstById.get(validId);
      if (first === undefined) firstById.set(validId, i);
      else {
        const line = where.at(['agents', first, 'id']).line;
        issues.push(
          issue(
            where.at(['agents', i, 'id']),
            `agent ID ${quote(validId)} is already used at line ${line}; list each agent once`,
          ),
        );
      }
    }
    if (typeof team === 'string' && teams && !teams.includes(team)) {
      const known =
        teams.length > 0
          ? `known teams: ${teams.map(printable).join(', ')}`
          : 'the roster has no teams section';
      issues.push(issue(where.at(['agents', i, 'team']), `there is no team ${quote(team)}; ${known}`));
    }
    const noShifts = shifts == null || (Array.isArray(shifts) && shifts.length === 0);
    if (team == null && noShifts && !written(rotation) && !includes) {
      issues.push(idleAgentWarning(where.at(['agents', i]), validId));
    }
    if (written(offset) && !written(rotation) && !teamRotates(data, team)) {
      const none =
        typeof team === 'string'
          ? `neither team ${quote(team)} nor the agent has one`
          : 'the agent has none, and no team';
      issues.push(
        issue(
          where.at(['agents', i, 'rotation_offset']),
          `rotation_offset moves an agent within a rotation, but ${none}; ` +
            'give the team or the agent a rotation, or remove rotation_offset',
        ),
      );
    }
  }
  return issues;
}

function buildRoster(input: RosterInput, file: string, where: Placer): Roster {
  const placed = (shifts: ShiftInput[], path: YamlPath): Shift[] =>
    shifts.map((shift, j) => ({ ...shift, place: where.at([...path, j]) }));
  // Keys only where written, so a roster without the newer features keeps its revision.
  const rotated = (rotation: RotationInput | undefined, path: YamlPath): { rotation?: Rotation } =>
    rotation === undefined
      ? {}
      : {
          rotation: {
            start: rotation.start,
            weeks: rotation.weeks.map((week, k) => ({
              shifts: placed(week.shifts, [...path, 'weeks', k, 'shifts']),
            })),
            place: where.at(path),
          },
        };
  const agents = input.agents.map(
    ({ id, phone, team, timezone, shifts, off, rotation, rotation_offset }, i): Agent => ({
      id: id as AgentId,
      phone,
      ...(team === undefined ? {} : { team }),
      timezone: timezone ?? input.timezone,
      shifts: placed(shifts, ['agents', i, 'shifts']),
      off,
      ...rotated(rotation, ['agents', i, 'rotation']),
      ...(rotation_offset === undefined ? {} : { rotationOffset: rotation_offset }),
      place: where.at(['agents', i]),
      phonePlace: where.at(['agents', i, 'phone']),
    }),
  );
  // Team names are the user's: in an object with no prototype, `__proto__` or `constructor` is a team.
  const teams: Roster['teams'] = Object.create(null);
  for (const [name, team] of Object.entries(input.teams)) {
    teams[name] = {
      name,
      shifts: placed(team.shifts, ['teams', name, 'shifts']),
      ...rotated(team.rotation, ['teams', name, 'rotation']),
    };
  }
  const includes = input.include.map(
    ({ csv, columns }, i): Include => ({
      csv,
      columns: { ...DEFAULT_COLUMNS, ...columns },
      place: where.at(['include', i, 'csv']),
    }),
  );
  return {
    version: 1,
    file,
    timezone: input.timezone,
    holidays: input.holidays,
    teams,
    agents,
    ...(includes.length > 0 ? { includes } : {}),
  };
}

/** `agents[i].id` and `agents[i].phone` for the plain reader, as `keepSourceText` for `yaml`'s. */
export const keptAsWritten = (path: readonly PropertyKey[]) =>
  path.length === 3 && path[0] === 'agents' && typeof path[1] === 'number' && AGENT_TEXT_FIELDS.has(path[2]);

/** Validate a roster's data, read from `file`; `where` places what is found in it. */
function checkRoster(
  data: unknown,
  file: string,
  where: Placer,
  warnings: RosterIssue[],
): { roster?: Roster; issues: RosterIssue[] } {
  const result = validateRoster(data);
  const issues = [...warnings, ...crossCheck(data, where)];
  if (!result.success) issues.push(...zodIssues(result.error.issues, where));
  issues.sort(byPlace);
  if (!result.success || issues.some((i) => i.severity === 'error')) return { issues };
  return { roster: buildRoster(result.data, file, where), issues };
}

/**
 * Parse and validate a roster. `roster` is present only when no issue is an error. A plain file (most
 * are) is read quickly; any other is read with `yaml`, which says what is wrong with it and where.
 */
export function parseRoster(text: string, file: string): { roster?: Roster; issues: RosterIssue[] } {
  const plain = readPlainYaml(text, file, { keepAsWritten: keptAsWritten });
  if (plain !== undefined) return checkRoster(plain.data, file, plain.where, []);

  const where = parseYaml(text, file);
  const { doc } = where;
  const warnings = doc.warnings.map((w) => yamlIssue(w, where, 'warning'));
  if (doc.errors.length > 0) {
    return {
      issues: [...doc.errors.map((e) => yamlIssue(e, where, 'error')), ...warnings].sort(byPlace),
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
  return checkRoster(doc.toJS({ maxAliasCount: -1 }), file, where, warnings);
}
