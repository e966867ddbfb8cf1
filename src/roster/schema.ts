/**
 * The roster file's shape, as zod schemas: the single source of truth for which keys exist, which are
 * required and how each value is written. Every schema carries its own plain-language messages, so a
 * zod issue that comes out of here is ready to show to an operations person. The schemas also
 * normalise: times become `LocalTime`, `days` become sorted weekday numbers, durations milliseconds.
 * Places in the file, cross-entry rules (unknown teams, duplicate IDs) and defaults that depend on
 * other entries are `parse.ts`'s job.
 */
import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { agentIdProblem } from '../agent-id.js';
import { isMapping, ownRecord } from '../own-record.js';
import { quote } from '../text/printable.js';
import { ok, type Read, readClockTime, readDate, readDuration, wrong } from '../time/grammar.js';
import type { Weekday } from './types.js';

/** Only for an issue no schema above words itself; every schema here is meant to. */
const fallbackError = (issue: { input?: unknown }) => `${describeInput(issue.input)} is not allowed here`;

/** How a value the user wrote reads back to them. */
export function describeInput(input: unknown): string {
  if (input === null || input === undefined) return 'nothing';
  if (typeof input === 'string') return quote(input);
  if (typeof input === 'number') return `the number ${input}`;
  if (typeof input === 'boolean') return `${input}, which YAML reads as yes/no`;
  if (Array.isArray(input)) return 'a list';
  return 'a mapping';
}

/** The message for a value of the wrong kind: missing, empty, or a number where text was wanted. */
function typeError(what: string, hint: string) {
  return (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return `missing; ${hint}`;
    if (issue.input === null) return `empty; ${hint}`;
    return `expected ${what}, not ${describeInput(issue.input)}; ${hint}`;
  };
}

/** A string read by `read` into a normalised value; `what` and `hint` explain a value of the wrong kind. */
function text<T>(what: string, hint: string, read: (s: string) => Read<T>) {
  return z.string({ error: typeError(what, hint) }).transform((s, ctx) => {
    const result = read(s);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });
}

/**
 * A mapping that allows exactly the keys of `shape`. For an unknown key the message is the part after
 * the key's name, so `parse.ts` can report each unknown key at its own place, and it lists every
 * allowed key (a misspelt `rotaton:` is answered with `rotation` among them).
 */
function strict<S extends z.ZodRawShape>(what: string, hint: string, shape: S) {
  const allowed = Object.keys(shape).join(', ');
  const wrongType = typeError(what, hint);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `is not allowed in ${what}; allowed keys: ${allowed}`
        : wrongType(issue),
  });
}

/** An optional list: absent or written empty (`off:` with nothing after it) both mean none. */
function list<T extends z.ZodType>(item: T, what: string, hint: string) {
  return z
    .array(item, { error: typeError(what, hint) })
    .nullish()
    .transform((items) => items ?? []);
}

// ---------------------------------------------------------------------------------------------------
// Values

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function dayNumber(name: string): Weekday | undefined {
  const index = DAY_NAMES.indexOf(name.trim().toLowerCase() as (typeof DAY_NAMES)[number]);
  return index < 0 ? undefined : ((index + 1) as Weekday);
}

/** `mon`, or a range `mon-fri`; a range may wrap past Sunday (`fri-mon` is fri, sat, sun, mon). */
function readDays(s: string): Read<Weekday[]> {
  const parts = s.split('-');
  const first = parts[0] === undefined ? undefined : dayNumber(parts[0]);
  const last = parts.length === 1 ? first : parts.length === 2 && parts[1] ? dayNumber(parts[1]) : undefined;
  if (first === undefined || last === undefined) {
    return wrong(
      `${quote(s)} is not a day; use mon, tue, wed, thu, fri, sat or sun, or a range like mon-fri`,
    );
  }
  const days: Weekday[] = [];
  for (let d = first; ; d = ((d % 7) + 1) as Weekday) {
    days.push(d);
    if (d === last) return ok(days);
  }
}

const DAY_MS = 24 * 3_600_000;

/** A shift's length: a duration of more than nothing and at most a day. */
function readShiftDuration(s: string): Read<number> {
  const read = readDuration(s);
  if (!read.ok) return read;
  if (read.value === 0) return wrong(`a shift cannot last ${s}; give a duration like 8h30m`);
  if (read.value > DAY_MS) return wrong(`${s} is longer than 24 h; a shift may last at most 24h`);
  return read;
}

const CRON_FIELDS = [
  ['minute', '0-59'],
  ['hour', '0-23'],
  ['day of month', '1-31'],
  ['month', '1-12 or jan-dec'],
  ['weekday', '0-7 or sun-sat, 0 and 7 both Sunday'],
] as const;
const CRON_EXAMPLE = 'like "30 21 * * 5" (21:30 every Friday)';

function cronAccepts(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression);
    return true;
  } catch {
    return false;
  }
}

/** Five fields; when cron-parser refuses the line, find the field it refuses to say which one is wrong. */
function readCron(s: string): Read<string> {
  const fields = s.trim().split(/\s+/);
  if (fields.length !== 5 || s.trim() === '') {
    const count = s.trim() === '' ? 0 : fields.length;
    return wrong(
      `${quote(s)} has ${count} field${count === 1 ? '' : 's'}; a cron line has five (minute hour day month weekday), ${CRON_EXAMPLE}`,
    );
  }
  if (cronAccepts(fields.join(' '))) return ok(fields.join(' '));
  for (const [index, [name, range]] of CRON_FIELDS.entries()) {
    const alone = CRON_FIELDS.map((_, i) => (i === index ? fields[i] : '*')).join(' ');
    if (!cronAccepts(alone)) {
      return wrong(
        `the ${name} field ${quote(fields[index] ?? '')} of ${quote(s)} is not valid; use ${range}, ${CRON_EXAMPLE}`,
      );
    }
  }
  return wrong(`${quote(s)} never matches a real date; ${CRON_EXAMPLE}`);
}

/**
 * Zone names already found valid. Luxon checks a zone by building an `Intl.DateTimeFormat` each time,
 * which costs more than the rest of an agent's validation, and a roster repeats a few zones thousands
 * of times. Only valid names are kept: there are few of them, while invalid ones are unbounded.
 */
const validZones = new Set<string>();

function readZone(s: string): Read<string> {
  if (validZones.has(s)) return ok(s);
  if (IANAZone.isValidZone(s)) {
    validZones.add(s);
    return ok(s);
  }
  return wrong(`${quote(s)} is not a time zone; use an IANA name like Asia/Kolkata or Europe/London`);
}

/** A phone number as CloudAgent takes it: the roster's rule, and `rota login --phone`'s. */
export function readPhone(s: string): Read<string> {
  if (/^\+?\d{6,15}$/.test(s)) return ok(s);
  return wrong(
    `${quote(s)} is not a phone number; use 6 to 15 digits with no spaces, optionally after a +, like "+919876543210"`,
  );
}

function readAgentId(s: string): Read<string> {
  const problem = agentIdProblem(s);
  return problem === undefined ? ok(s) : wrong(problem);
}

const date = text('a date', 'write dates as YYYY-MM-DD, like 2026-12-25', readDate);
const time = text('a time', 'write times in quotes, like "09:00"', readClockTime);
const zone = text('a time zone', 'use an IANA name like Asia/Kolkata', readZone);
const label = (what: string) => z.string({ error: typeError(what, `write the ${what} in quotes`) });

/** `from`/`until` (or `from`/`to`) must not run backwards; reported at the later key. */
function inOrder<T extends { from?: string | undefined }>(
  later: 'until' | 'to',
  value: (v: T) => string | undefined,
) {
  return (v: T, ctx: z.RefinementCtx) => {
    const end = value(v);
    if (v.from !== undefined && end !== undefined && end < v.from) {
      ctx.addIssue({
        code: 'custom',
        path: [later],
        message: `${later} ${end} is before from ${v.from}; it must be on or after it`,
      });
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// Shifts: three forms, told apart by their keys

const days = z
  .array(text('a day', 'write days like mon or mon-fri', readDays), {
    error: typeError('a list of days', 'write days as a list, like [mon-fri] or [mon, wed, fri]'),
  })
  .min(1, { error: 'no days listed; write days as a list, like [mon-fri]' })
  .transform((lists) => [...new Set(lists.flat())].sort((a, b) => a - b));

const SHIFT_HINT = 'write a shift like { days: [mon-fri], start: "09:00", end: "18:00" }';

const weeklyShift = strict('a weekly shift (one with days)', SHIFT_HINT, {
  days,
  start: time,
  end: time,
  from: date.optional(),
  until: date.optional(),
})
  .superRefine(inOrder('until', (v) => v.until))
  .transform((v) => ({ kind: 'weekly' as const, ...v }));

const dateShift = strict('a one-off shift (one with date)', SHIFT_HINT, {
  date,
  start: time,
  end: time,
}).transform((v) => ({ kind: 'date' as const, ...v }));

const cronShift = strict('a cron shift (one with cron)', SHIFT_HINT, {
  cron: text('a cron line', `write it in quotes, ${CRON_EXAMPLE}`, readCron),
  duration: text('a duration', 'write a duration with its unit, like 8h30m, 90m or 45s', readShiftDuration),
  from: date.optional(),
  until: date.optional(),
})
  .superRefine(inOrder('until', (v) => v.until))
  .transform(({ duration, ...v }) => ({ kind: 'cron' as const, ...v, durationMs: duration }));

const SHIFT_FORMS = [
  { key: 'days', schema: weeklyShift, keys: ['days', 'start', 'end', 'from', 'until'] },
  { key: 'date', schema: dateShift, keys: ['date', 'start', 'end'] },
  { key: 'cron', schema: cronShift, keys: ['cron', 'duration', 'from', 'until'] },
] as const;

/** The form a shift entry was meant to be: the one whose keys it uses most (first on a tie). */
function shiftForm(entry: object) {
  const keys = Object.keys(entry);
  const score = (form: (typeof SHIFT_FORMS)[number]) =>
    (keys.includes(form.key) ? 100 : 0) +
    keys.filter((k) => (form.keys as readonly string[]).includes(k)).length;
  return SHIFT_FORMS.reduce((best, form) => (score(form) > score(best) ? form : best));
}

/**
 * Validate with the schema `pick` chooses for the input, keeping that schema's issues as they are
 * (a zod union would report every alternative's complaints at once).
 */
function dispatch<T extends z.ZodType>(pick: (input: unknown) => T | { problem: string }) {
  return z.unknown().transform((input, ctx): z.output<T> => {
    const schema = pick(input);
    if ('problem' in schema) {
      ctx.addIssue({ code: 'custom', message: schema.problem });
      return z.NEVER;
    }
    const result = schema.safeParse(input, { error: fallbackError });
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, input: undefined });
    return z.NEVER;
  });
}

const shift = dispatch((input) => {
  if (!isMapping(input)) return { problem: `expected a shift, not ${describeInput(input)}; ${SHIFT_HINT}` };
  const form = shiftForm(input);
  if (!Object.hasOwn(input, form.key)) {
    return {
      problem:
        'a shift needs "days" (weekly, like [mon-fri]), "date" (one day, like 2026-12-24) or "cron" (like "30 21 * * 5")',
    };
  }
  return form.schema;
});

const shifts = list(shift, 'a list of shifts', 'write shifts as a list, one "- " entry per shift');

// ---------------------------------------------------------------------------------------------------
// Holidays, leave, teams, agents, the roster
// (each form is built once, not per entry: building a zod schema costs far more than using it)

const holidayDate = date.transform((d) => ({ date: d }));
const holidayEntry = strict(
  'a holiday',
  'write a date like 2026-12-25, or { date: 2026-12-25, name: Christmas }',
  { date, name: label('holiday name').optional() },
);
const holiday = dispatch((input) => (typeof input === 'string' ? holidayDate : holidayEntry));

const leaveDate = date.transform((d) => ({ from: d, to: d }));
const leaveRange = strict(
  'a leave entry',
  'write a date like 2026-12-31, or { from: 2026-12-01, to: 2026-12-05, reason: leave }',
  { from: date, to: date, reason: label('reason').optional() },
).superRefine(inOrder('to', (v) => v.to));
const leave = dispatch((input) => (typeof input === 'string' ? leaveDate : leaveRange));

// Rotations: a cycle of weeks, each with its own shifts, counted from `start`.

const ROTATION_HINT =
  'write a rotation like { start: 2026-12-07, weeks: [ { shifts: [ ... ] }, { shifts: [] } ] }';

const rotationWeek = strict(
  'a rotation week',
  'write each week like { shifts: [ ... ] }, or { shifts: [] } for a week off',
  { shifts },
);

const rotation = strict('a rotation', ROTATION_HINT, {
  start: date,
  weeks: z
    .array(rotationWeek, {
      error: typeError('a list of weeks', 'write weeks as a list, one "- shifts: [ ... ]" entry per week'),
    })
    .min(1, { error: `no weeks listed; ${ROTATION_HINT}` }),
});

const rotationOffset = z
  .number({
    error: typeError('a whole number of weeks', 'write it without quotes, like rotation_offset: 1'),
  })
  .int({
    error: (issue) =>
      `${describeInput(issue.input)} is not a whole number of weeks; write it like rotation_offset: 1`,
  });

const team = strict('a team', 'write a team like morning: { shifts: [ ... ] }', {
  shifts,
  rotation: rotation.optional(),
});

const agent = strict('an agent', 'write each agent as a mapping with id, phone and shifts or team', {
  id: text('an agent ID', 'write the CloudAgent agent ID, like id: "1001"', readAgentId),
  phone: text('a phone number', 'write the phone number in quotes, like "+919876543210"', readPhone),
  team: label('team name').optional(),
  timezone: zone.optional(),
  shifts,
  off: list(leave, 'a list of leave dates', 'write leave as a list, one "- " entry per date or range'),
  rotation: rotation.optional(),
  rotation_offset: rotationOffset.optional(),
});

// Included files: dated shifts from a WFM export.

const COLUMNS_HINT =
  'name the header\'s columns, like columns: { agent: "Agent ID", date: "Date", start: "Start", end: "End" }';
const column = z
  .string({ error: typeError('a column name', 'write the column name in quotes, like "Agent ID"') })
  .min(1, { error: 'the column name is empty; write it as the header row has it, like "Agent ID"' });

const include = strict('an include', 'write an include like - csv: exports/week-49.csv', {
  csv: z
    .string({
      error: typeError(
        'a file name',
        "write the CSV file's path, relative to the roster, like exports/week-49.csv",
      ),
    })
    .min(1, { error: "the file name is empty; write the CSV file's path, like exports/week-49.csv" }),
  columns: strict('columns', COLUMNS_HINT, {
    agent: column.optional(),
    date: column.optional(),
    start: column.optional(),
    end: column.optional(),
  }).optional(),
});

export const rosterSchema = strict('the roster', 'a roster starts with version: 1, timezone and agents', {
  version: z.literal(1, {
    error: (issue) =>
      issue.input === undefined
        ? 'missing; start the roster with version: 1'
        : typeof issue.input === 'number'
          ? `version ${issue.input} is not supported; this rota reads version: 1`
          : `expected the number 1, not ${describeInput(issue.input)}; write version: 1 without quotes`,
  }),
  timezone: zone,
  holidays: list(holiday, 'a list of holidays', 'write holidays as a list, one "- " entry per date'),
  teams: ownRecord(team, {
    error: typeError('teams', 'write teams as a mapping from team name to its shifts'),
  })
    .nullish()
    .transform((teams) => teams ?? {}),
  agents: z
    .array(agent, { error: typeError('a list of agents', 'list the agents, one "- id: ..." entry each') })
    .min(1, { error: 'no agents listed; a roster needs at least one agent' }),
  include: list(
    include,
    'a list of included files',
    'write include as a list, one "- csv: FILE" entry per file',
  ),
});

export type RosterInput = z.output<typeof rosterSchema>;
export type ShiftInput = z.output<typeof shift>;
export type RotationInput = z.output<typeof rotation>;

/** Validate the plain data of a roster file (YAML already turned into JS values). */
export function validateRoster(data: unknown) {
  return rosterSchema.safeParse(data, { error: fallbackError });
}
