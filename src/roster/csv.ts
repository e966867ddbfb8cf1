/**
 * Included CSV files (WFM exports from NICE, Verint, Genesys or a spreadsheet) → one-off shifts of
 * roster agents. A header row names the columns; `include[].columns` maps other names to the four
 * fields (agent, date, start, end) and any other column is ignored. Each row is a one-off shift in its
 * agent's zone, `end <= start` ending the next day, read with the one grammar of dates and times.
 * Every problem is an issue at `file.csv:LINE`, all of them at once. Pure: `load.ts` reads the files.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { quote } from '../text/printable.js';
import { type LocalTime, type Read, readClockTime, readDate, timeMs } from '../time/grammar.js';
import { clockTime } from '../time/zone-clock.js';
import { idleAgentWarning } from './parse.js';
import type { Agent, CsvColumns, DateShift, Include, Place, Roster, RosterIssue } from './types.js';

/** An included file as read: the include entry, the path its issues name, and its text. */
export interface IncludedText {
  include: Include;
  file: string;
  text: string;
}

const FIELDS = ['agent', 'date', 'start', 'end'] as const;
type Field = (typeof FIELDS)[number];
const FIELD_NAMES: Record<Field, string> = { agent: 'agent ID', date: 'date', start: 'start', end: 'end' };

/** The separators spreadsheets write: `,`, `;` (where `,` is the decimal mark), tab. */
const DELIMITERS = [',', ';', '\t'] as const;

/** The separator the header line uses most (outside quotes); `,` when it has none. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return DELIMITERS.reduce((best, d) => ((counts.get(d) ?? 0) > (counts.get(best) ?? 0) ? d : best));
}

/** csv-parse's errors, worded for the person who exported the file. */
function syntaxMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted value goes on after its closing quote; put the whole value in quotes, and write a quote inside it as ""';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened on this row is never closed; close it, and write a quote inside a value as ""';
    case 'INVALID_OPENING_QUOTE':
      return 'a value has a quote inside it but does not start with one; put the value in quotes, and write the quote as ""';
    default:
      return `this is not valid CSV: ${error.message}`;
  }
}

/** The 1-based line a record starts on: csv-parse counts lines to its end, and a quoted value may span several. */
const startLine = (endLine: number, raw: string | undefined) =>
  endLine - (raw?.match(/\n/g)?.length ?? 0) + (raw?.endsWith('\n') ? 1 : 0);

interface CsvRecord {
  cells: string[];
  line: number;
}

/** The file's records, and the syntax error that ended the reading early, if one did. */
function records(text: string): { rows: CsvRecord[]; error?: { line: number; message: string } } {
  const rows: CsvRecord[] = [];
  try {
    parse(text, {
      bom: true,
      delimiter: detectDelimiter(text),
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // With `raw`, csv-parse hands over `{ record, raw }`, which its types do not say.
      on_record: (value, context) => {
        const { record, raw } = value as unknown as { record: string[]; raw: string };
        rows.push({ cells: record, line: startLine(context.lines, raw) });
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const lines = typeof error.lines === 'number' ? error.lines : (rows.at(-1)?.line ?? 0) + 1;
    const raw = typeof error.raw === 'string' ? error.raw : undefined;
    return { rows, error: { line: startLine(lines, raw), message: syntaxMessage(error) } };
  }
  return { rows };
}

/** Readers of repeated text: an export repeats a handful of dates and times thousands of times. */
function cached<T>(read: (s: string) => Read<T>): (s: string) => Read<T> {
  const known = new Map<string, Read<T>>();
  return (s) => {
    let result = known.get(s);
    if (!result) {
      result = read(s);
      known.set(s, result);
    }
    return result;
  };
}

const clockText = (time: LocalTime) => clockTime(timeMs(time));

/** Where each field is in the header, or an issue for each field the header lacks. */
function headerColumns(
  header: CsvRecord,
  columns: CsvColumns,
  place: (line: number) => Place,
): { index: Record<Field, number> } | { issues: RosterIssue[] } {
  const names = header.cells.map((cell) => cell.trim().toLowerCase());
  const index = {} as Record<Field, number>;
  const issues: RosterIssue[] = [];
  for (const field of FIELDS) {
    const found = names.indexOf(columns[field].trim().toLowerCase());
    if (found >= 0) index[field] = found;
    else {
      issues.push({
        ...place(header.line),
        severity: 'error',
        message:
          `no column ${quote(columns[field])} for the ${FIELD_NAMES[field]}; the header has ` +
          `${header.cells.map(quote).join(', ')}; name the right one in the roster's include, like ` +
          `columns: { ${field}: "..." }`,
      });
    }
  }
  return issues.length > 0 ? { issues } : { index };
}

/** One included file's rows as shifts of roster agents, and every problem in it. */
function readShifts(
  included: IncludedText,
  agents: ReadonlyMap<string, Agent>,
  seen: Map<string, { file: string; shown: string; line: number }>,
): { shifts: { agent: Agent; shift: DateShift }[]; issues: RosterIssue[] } {
  const { include, file, text } = included;
  const place = (line: number): Place => ({ file, line, column: 0, path: '' });
  const { rows, error } = records(text);
  const issues: RosterIssue[] = [];
  const shifts: { agent: Agent; shift: DateShift }[] = [];
  const [header, ...body] = rows;
  if (header === undefined) {
    if (error)
      return { shifts, issues: [{ ...place(error.line), severity: 'error', message: error.message }] };
    const message = `the file is empty; it needs a header row, like ${FIELDS.join(',')}, and a row per shift`;
    return { shifts, issues: [{ ...place(0), severity: 'error', message }] };
  }
  const columns = headerColumns(header, include.columns, place);
  if ('issues' in columns) return { shifts, issues: columns.issues };
  const date = cached(readDate);
  const time = cached(readClockTime);
  for (const row of body) {
    const problems: string[] = [];
    const cell = (field: Field) => {
      const value = row.cells[columns.index[field]] ?? '';
      if (value === '')
        problems.push(`the ${FIELD_NAMES[field]} is missing (column ${quote(include.columns[field])})`);
      return value;
    };
    const read = <T>(field: Field, reader: (s: string) => Read<T>): T | undefined => {
      const value = cell(field);
      if (value === '') return undefined;
      const result = reader(value);
      if (result.ok) return result.value;
      problems.push(`the ${FIELD_NAMES[field]} (column ${quote(include.columns[field])}): ${result.message}`);
      return undefined;
    };
    const id = cell('agent');
    const agent = agents.get(id);
    if (id !== '' && !agent) {
      problems.push(
        `agent ${quote(id)} is not on the roster; add them to the roster's agents, or take the row out`,
      );
    }
    const day = read('date', date);
    const start = read('start', time);
    const end = read('end', time);
    if (agent && day !== undefined && start && end) {
      const key = `${id}\n${day}\n${clockText(start)}\n${clockText(end)}`;
      const first = seen.get(key);
      if (first) {
        const where = first.file === file ? `line ${first.line}` : `${first.shown}:${first.line}`;
        problems.push(
          `the same shift as ${where} (agent ${id} on ${day}, ${clockText(start)} to ${clockText(end)}); list each shift once`,
        );
      } else {
        seen.set(key, { file, shown: include.csv, line: row.line });
        shifts.push({ agent, shift: { kind: 'date', date: day, start, end, place: place(row.line) } });
      }
    }
    for (const message of problems) issues.push({ ...place(row.line), severity: 'error', message });
  }
  if (error) issues.push({ ...place(error.line), severity: 'error', message: error.message });
  return { shifts, issues };
}

const byDateAndTime = (a: DateShift, b: DateShift) =>
  (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
  timeMs(a.start) - timeMs(b.start) ||
  timeMs(a.end) - timeMs(b.end);

/**
 * The roster with the included files' shifts added to their agents (after the agent's own, in date
 * and time order, so the order of rows and files does not change the revision), or every problem.
 * Also warns of agents who, even with the included files, have no shift at all.
 */
export function addIncludedShifts(
  roster: Roster,
  files: readonly IncludedText[],
): { roster?: Roster; issues: RosterIssue[] } {
  const agents = new Map(roster.agents.map((agent) => [agent.id as string, agent]));
  const seen = new Map<string, { file: string; shown: string; line: number }>();
  const added = new Map<Agent, DateShift[]>();
  const issues: RosterIssue[] = [];
  for (const included of files) {
    const read = readShifts(included, agents, seen);
    issues.push(...read.issues);
    for (const { agent, shift } of read.shifts) {
      const list = added.get(agent);
      if (list) list.push(shift);
      else added.set(agent, [shift]);
    }
  }
  const merged = roster.agents.map((agent) => {
    const extra = added.get(agent);
    return extra ? { ...agent, shifts: [...agent.shifts, ...extra.sort(byDateAndTime)] } : agent;
  });
  // Files that could not be read in full say nothing about who is left with no shift.
  if (issues.some((issue) => issue.severity === 'error')) return { issues };
  const idle = merged
    .filter((agent) => agent.team === undefined && agent.shifts.length === 0 && !agent.rotation)
    .map((agent) => idleAgentWarning(agent.place, agent.id));
  return { roster: { ...roster, agents: merged }, issues: [...idle, ...issues] };
}
