import type { DesiredJob } from '../plan/jobs.js';
import type { JobView } from '../queue/admin.js';
import type { Session } from '../roster/types.js';
import { formatDuration } from '../time/grammar.js';
import { type ZoneClock, ZoneClocks } from '../time/zone-clock.js';

/**
 * How rota shows times, durations and jobs to a person, on the command line and in the console (and the
 * rows of their JSON): the roster zone and UTC, spans, relative times.
 */

/** To the second (`09:00:00`) or, where a plan is read, to the minute (`09:00`). */
export type Precision = 'seconds' | 'minutes';
const CLOCK_END: Record<Precision, number> = { seconds: 19, minutes: 16 };

/** `2026-12-01 09:00:00 +05:30`. */
export function inZone(clock: ZoneClock, ms: number, precision: Precision = 'seconds'): string {
  const iso = clock.iso(ms);
  return `${iso.slice(0, 10)} ${iso.slice(11, CLOCK_END[precision])} ${iso.slice(-6)}`;
}

/** `2026-12-01 03:30:00Z`. */
export function inUtc(ms: number, precision: Precision = 'seconds'): string {
  return `${new Date(ms).toISOString().slice(0, CLOCK_END[precision]).replace('T', ' ')}Z`;
}

/**
 * `clock.iso` by zone name, each (zone, instant) written once: the rows of a plan repeat a few instants
 * for thousands of agents, and each `iso` asks the zone for its offset.
 */
export function isoWriter(): (zone: string, ms: number) => string {
  const clocks = new ZoneClocks();
  const written = new Map<string, Map<number, string>>();
  return (zone, ms) => {
    let byInstant = written.get(zone);
    if (!byInstant) {
      byInstant = new Map();
      written.set(zone, byInstant);
    }
    let text = byInstant.get(ms);
    if (text === undefined) {
      text = clocks.get(zone).iso(ms);
      byInstant.set(ms, text);
    }
    return text;
  };
}

/** Writes an instant in a zone (`isoWriter`). */
export type IsoWrite = ReturnType<typeof isoWriter>;

/** A plan's window in the roster zone, as `rota plan --json` and `/api/plan` write it. */
export function planWindowRow(iso: IsoWrite, zone: string, window: { from: number; to: number }) {
  return {
    zone,
    from: iso(zone, window.from),
    fromMs: window.from,
    to: iso(zone, window.to),
    toMs: window.to,
  };
}

/**
 * One session of a plan, as `rota plan --json` and `/api/plan` write it: with the agent's team when it has
 * one, and the cycle week when given (an agent on a rotation). Rows are plain literals, keys in their
 * order: a plan has one or two per agent and day.
 */
export function sessionRow(iso: IsoWrite, session: Session, week?: number): Record<string, unknown> {
  const { agentId, team, phone, zone, start, end } = session;
  const from = iso(zone, start);
  const to = iso(zone, end);
  // Spelled out twice: with a spread into the literal, `rota plan --json` of 10,000 agents took about 0.1 s more.
  const row: Record<string, unknown> =
    team === undefined
      ? { agentId, phone, zone, start: from, startMs: start, end: to, endMs: end, durationMs: end - start }
      : {
          agentId,
          team,
          phone,
          zone,
          start: from,
          startMs: start,
          end: to,
          endMs: end,
          durationMs: end - start,
        };
  if (week !== undefined) row.week = week;
  return row;
}

/** One action of a plan, at its instant in `zone` (its agent's), as `rota plan --json` and `/api/plan` write it. */
export function actionRow(iso: IsoWrite, job: DesiredJob, zone: string): Record<string, unknown> {
  const { action, agentId, phone, at, after } = job.data;
  const row: Record<string, unknown> = {
    id: job.id,
    action,
    agentId,
    phone,
    zone,
    at: iso(zone, at),
    atMs: at,
    runAtMs: job.runAt,
  };
  if (after) row.after = after;
  return row;
}

/** Lateness or latency: `312ms` under 10 s, else `1m30s` (negative: early). */
export function span(ms: number): string {
  if (Math.abs(ms) < 10_000) return `${ms}ms`;
  return `${ms < 0 ? '-' : ''}${formatDuration(Math.abs(ms))}`;
}

/** `in 5m`, `2h ago`, `now`. */
export function relative(ms: number, now: number): string {
  const distance = formatDuration(Math.abs(ms - now));
  if (distance === '0s') return 'now';
  return ms > now ? `in ${distance}` : `${distance} ago`;
}

/** A job as a row of `rota jobs` (and its JSON). */
export function jobRow(job: JobView, clock: ZoneClock) {
  return {
    id: job.id,
    kind: job.data.kind,
    action: job.data.action,
    agentId: job.data.agentId,
    scheduled: inZone(clock, job.data.at),
    scheduledUtc: inUtc(job.data.at),
    scheduledMs: job.data.at,
    state: job.state,
    attempts: job.attemptsMade,
    result: job.result ?? job.failedReason ?? '',
    ...(job.finishedOn ? { finished: inZone(clock, job.finishedOn), finishedMs: job.finishedOn } : {}),
  };
}

/** A pending job as a row of `rota status` (and its JSON): when it is due and when it will run. */
export function nextRow(job: JobView, clock: ZoneClock, now: number) {
  return {
    id: job.id,
    action: job.data.action,
    agentId: job.data.agentId,
    kind: job.data.kind,
    scheduled: inZone(clock, job.data.at),
    scheduledMs: job.data.at,
    runsAt: inZone(clock, job.runAt ?? now),
    runsAtMs: job.runAt ?? now,
  };
}

/** A failed job as a row of `rota status` (and its JSON). */
export function failureRow(job: JobView, clock: ZoneClock, now: number) {
  return {
    id: job.id,
    agentId: job.data.agentId,
    failedAt: inZone(clock, job.finishedOn ?? now),
    failedAtMs: job.finishedOn ?? now,
    reason: job.failedReason ?? '',
  };
}
