import { UsageError } from '../errors/index.js';
import { expandRoster } from '../roster/expand.js';
import { sessionActions } from '../roster/sessions.js';
import type { RosterIssue, Session } from '../roster/types.js';
import { formatDuration, readDate } from '../time/grammar.js';
import { localDaysWindow, localToday, ZoneClocks } from '../time/zone-clock.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { nameFile, printIssues, readRosterFile, rosterArgument } from './roster-file.js';
import { inUtc, inZone } from './show.js';
import { table } from './table.js';

const DEFAULT_DAYS = 7;
const MAX_DAYS = 366;

function readFrom(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const read = readDate(text);
  if (!read.ok) throw new UsageError(`--from ${read.message} (in the roster's zone)`);
  return read.value;
}

function readDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DAYS;
  const days = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1 && days <= MAX_DAYS)) {
    throw new UsageError(
      `--days "${text}" is not a number of days; give a whole number from 1 to ${MAX_DAYS}`,
    );
  }
  return days;
}

/** `rota plan [FILE] [--from DATE] [--days N] [--agent ID] [--json]`: the sessions and actions a roster yields. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, {
    from: { type: 'string' },
    days: { type: 'string' },
    agent: { type: 'string' },
    json: { type: 'boolean' },
  });
  const file = rosterArgument(positionals);
  const from = readFrom(values.from);
  const days = readDays(values.days);
  const { shown, roster, issues: parsed } = await readRosterFile(file, io);
  if (!roster) {
    printIssues(io, parsed);
    return 1;
  }
  if (values.agent !== undefined && !roster.agents.some((agent) => agent.id === values.agent)) {
    throw new UsageError(`--agent "${values.agent}": ${shown} has no agent with that ID`);
  }
  const first = from ?? localToday(roster.timezone, Date.now());
  const window = localDaysWindow(roster.timezone, first, days);
  const expanded = expandRoster(roster, window);
  const issues: RosterIssue[] = [...parsed, ...nameFile(expanded.issues, roster.file, shown)];
  if (issues.some((issue) => issue.severity === 'error')) {
    printIssues(io, issues);
    return 1;
  }
  const picked = (session: Session) => values.agent === undefined || session.agentId === values.agent;
  const sessions = expanded.sessions.filter(picked);
  const actions = sessionActions(sessions, window);
  const clocks = new ZoneClocks();
  const iso = (zone: string, ms: number) => clocks.get(zone).iso(ms);

  if (values.json) {
    printJson(io, {
      file: shown,
      window: {
        zone: roster.timezone,
        from: iso(roster.timezone, window.from),
        fromMs: window.from,
        to: iso(roster.timezone, window.to),
        toMs: window.to,
      },
      sessions: sessions.map(({ agentId, phone, zone, start, end }) => ({
        agentId,
        phone,
        zone,
        start: iso(zone, start),
        startMs: start,
        end: iso(zone, end),
        endMs: end,
        durationMs: end - start,
      })),
      actions: actions.map(({ kind, agentId, phone, zone, at }) => ({
        action: kind,
        agentId,
        phone,
        zone,
        at: iso(zone, at),
        atMs: at,
      })),
      warnings: issues,
    });
    return 0;
  }

  printIssues(io, issues);
  const to = iso(roster.timezone, window.to - 1);
  io.stdout(
    `${shown}: ${first} to ${to.slice(0, 10)} (${days} day${days === 1 ? '' : 's'}, ${roster.timezone})` +
      `${values.agent === undefined ? '' : `, agent ${values.agent}`}\n\n`,
  );
  io.stdout(`${sessions.length} session${sessions.length === 1 ? '' : 's'}\n`);
  if (sessions.length > 0) {
    io.stdout(
      table(
        ['agent', 'phone', 'zone', 'start', 'end', 'start (UTC)', 'end (UTC)', 'duration'],
        sessions.map(({ agentId, phone, zone, start, end }) => [
          agentId,
          phone,
          zone,
          inZone(clocks.get(zone), start, 'minutes'),
          inZone(clocks.get(zone), end, 'minutes'),
          inUtc(start, 'minutes'),
          inUtc(end, 'minutes'),
          formatDuration(end - start),
        ]),
      ),
    );
  }
  io.stdout(`\n${actions.length} action${actions.length === 1 ? '' : 's'}\n`);
  if (actions.length > 0) {
    io.stdout(
      table(
        ['at (UTC)', 'at (agent zone)', 'action', 'agent', 'phone'],
        actions.map(({ kind, agentId, phone, zone, at }) => [
          inUtc(at, 'minutes'),
          inZone(clocks.get(zone), at, 'minutes'),
          kind,
          agentId,
          phone,
        ]),
      ),
    );
  }
  return 0;
};
