import { loadConfig } from '../config/env.js';
import { UsageError } from '../errors/index.js';
import { byRunOrder, type DesiredJob, parseJobId, planJobs, syncWindow } from '../plan/jobs.js';
import { expandRoster } from '../roster/expand.js';
import { rosterRevision } from '../roster/revision.js';
import { sessionWeeks } from '../roster/rotation.js';
import type { RosterIssue, Session } from '../roster/types.js';
import { quote } from '../text/printable.js';
import { table } from '../text/table.js';
import { formatDuration } from '../time/grammar.js';
import { localDaysWindow, localToday, ZoneClocks } from '../time/zone-clock.js';
import { sessionsCalendar } from '../views/calendar.js';
import { actionRow, inUtc, inZone, isoWriter, planWindowRow, sessionRow } from '../views/show.js';
import { dateFlag, JsonRows, parseFlags, printJson, type Verb } from './io.js';
import { nameFile, printIssues, readRosterFile, rosterArgument } from './roster-file.js';

const DEFAULT_DAYS = 7;
const MAX_DAYS = 366;

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

const FORMATS = ['table', 'json', 'ics'] as const;
type Format = (typeof FORMATS)[number];

function readFormat(text: string | undefined, json: boolean | undefined, agent: string | undefined): Format {
  if (json && text !== undefined && text !== 'json') {
    throw new UsageError(`--json and --format ${quote(text)} ask for two things; give one of them`);
  }
  const format = json ? 'json' : (text ?? 'table');
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format ${quote(format)} is not one of ${FORMATS.join(', ')}`);
  }
  if (format === 'ics' && agent === undefined) {
    throw new UsageError("--format ics is one agent's calendar; give the agent with --agent ID");
  }
  return format as Format;
}

/**
 * `rota plan [FILE] [--from DATE] [--days N] [--agent ID] [--json | --format table|json|ics]`: the
 * sessions a roster yields and the actions a sync would schedule for them — by default exactly what
 * `rota sync` would add to an empty queue now (catch-up, handover order, horizon); with --from/--days,
 * the actions that would run on those days of the roster zone. Sessions of agents on a rotation show
 * their cycle week. `--format ics` writes one agent's sessions as an iCalendar file on stdout.
 */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, {
    from: { type: 'string' },
    days: { type: 'string' },
    agent: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
  });
  const file = rosterArgument(positionals);
  const from = dateFlag('from', values.from, " (in the roster's zone)");
  const days = readDays(values.days);
  const format = readFormat(values.format, values.json, values.agent);
  const config = loadConfig(io.env);
  const { shown, roster, issues: parsed } = await readRosterFile(file, io);
  if (!roster) {
    printIssues(io, parsed);
    return 1;
  }
  if (values.agent !== undefined && !roster.agents.some((agent) => agent.id === values.agent)) {
    throw new UsageError(`--agent ${quote(values.agent)}: ${shown} has no agent with that ID`);
  }
  const now = io.now();
  const explicit = values.from !== undefined || values.days !== undefined;
  const window = explicit
    ? { now, ...localDaysWindow(roster.timezone, from ?? localToday(roster.timezone, now), days) }
    : syncWindow(now, config.ROTA_HORIZON);
  const expanded = expandRoster(roster, window);
  const issues: RosterIssue[] = [...parsed, ...nameFile(expanded.issues, roster.file, shown)];
  if (issues.some((issue) => issue.severity === 'error')) {
    printIssues(io, issues);
    return 1;
  }
  const picked = (session: Session) => values.agent === undefined || session.agentId === values.agent;
  const sessions = expanded.sessions.filter(picked);
  if (format === 'ics') {
    printIssues(io, issues);
    io.stdout(sessionsCalendar(values.agent as string, sessions, now));
    return 0;
  }
  const weekOf = sessionWeeks(roster);
  const revision = rosterRevision(roster);
  const jobs = planJobs(sessions, window, revision).sort(byRunOrder);
  const zoneOf = new Map(sessions.map((session) => [session.agentId as string, session.zone]));
  const clocks = new ZoneClocks();
  const iso = isoWriter();
  const zone = (job: DesiredJob) => zoneOf.get(job.data.agentId) ?? roster.timezone;

  if (format === 'json') {
    printJson(io, {
      file: shown,
      revision,
      window: planWindowRow(iso, roster.timezone, window),
      sessions: new JsonRows(sessions, (session) => sessionRow(iso, session, weekOf(session))),
      actions: new JsonRows(jobs, (job) => actionRow(iso, job, zone(job))),
      warnings: issues,
    });
    return 0;
  }

  printIssues(io, issues);
  const last = iso(roster.timezone, window.to - 1).slice(0, 10);
  const span = !explicit
    ? `what a sync now schedules: ${inZone(clocks.get(roster.timezone), window.from, 'minutes')} to ` +
      `${inZone(clocks.get(roster.timezone), window.to, 'minutes')}`
    : `${iso(roster.timezone, window.from).slice(0, 10)} to ${last} (${days} day${days === 1 ? '' : 's'}, ${roster.timezone})`;
  io.stdout(`${shown}: ${span}${values.agent === undefined ? '' : `, agent ${values.agent}`}\n\n`);
  io.stdout(`${sessions.length} session${sessions.length === 1 ? '' : 's'}\n`);
  if (sessions.length > 0) {
    // The cycle week, only when some agent shown is on a rotation.
    const weeks = sessions.some((session) => weekOf(session) !== undefined);
    io.stdout(
      table(
        [
          'agent',
          'phone',
          'zone',
          'start',
          'end',
          'start (UTC)',
          'end (UTC)',
          'duration',
          ...(weeks ? ['week'] : []),
        ],
        sessions.map((session) => {
          const { agentId, phone, zone, start, end } = session;
          return [
            agentId,
            phone,
            zone,
            inZone(clocks.get(zone), start, 'minutes'),
            inZone(clocks.get(zone), end, 'minutes'),
            inUtc(start, 'minutes'),
            inUtc(end, 'minutes'),
            formatDuration(end - start),
            ...(weeks ? [String(weekOf(session) ?? '')] : []),
          ];
        }),
      ),
    );
  }
  io.stdout(`\n${jobs.length} action${jobs.length === 1 ? '' : 's'}\n`);
  if (jobs.length > 0) {
    const note = (job: DesiredJob) =>
      job.runAt > job.data.at
        ? 'catch-up: runs now'
        : job.data.after
          ? `handover: waits for ${parseJobId(job.data.after)?.agentId ?? job.data.after}'s logout`
          : '';
    const notes = jobs.some((job) => note(job) !== '');
    io.stdout(
      table(
        ['at (UTC)', 'at (agent zone)', 'action', 'agent', 'phone', ...(notes ? ['note'] : [])],
        jobs.map((job) => [
          inUtc(job.data.at, 'minutes'),
          inZone(clocks.get(zone(job)), job.data.at, 'minutes'),
          job.data.action,
          job.data.agentId,
          job.data.phone ?? '',
          ...(notes ? [note(job)] : []),
        ]),
      ),
    );
  }
  return 0;
};
