import { DateTime } from 'luxon';
import type { Action } from '../cloudagent/types.js';
import { formatDuration } from '../duration.js';
import { DAY_MS, type ZoneClock } from '../roster/expand-zone.js';
import type { IsoDate, Session, Window } from '../roster/types.js';
import { decide } from './decide.js';
import { type ActionJobData, type DesiredJob, jobId, LOGOUT_DEADLINE_MS } from './jobs.js';

/**
 * The pure side of the admin verbs (`status`, `jobs`, `history`, `requeue`, `login`, `logout`, `cancel`):
 * reading TIME and DATE, building manual jobs, choosing jobs and shaping them for a person or a script.
 * Takes `now`, returns values.
 */

/** The job states an admin can list, in the order they are shown. */
export const JOB_STATES = ['delayed', 'waiting', 'prioritized', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States of a job that has not run yet: the ones `cancel` removes. */
export const PENDING_STATES = ['delayed', 'waiting', 'prioritized'] as const satisfies readonly JobState[];

/** One job as the queue holds it, read for a person. */
export interface JobView {
  id: string;
  data: ActionJobData;
  state: JobState;
  attemptsMade: number;
  /** Pending jobs: when a worker may take it (epoch ms). */
  runAt?: number;
  finishedOn?: number;
  /** A completed job's outcome and message, `already: Agent already logged in`. */
  result?: string;
  /** Why the last attempt failed (a failed job, or a pending one between retries). */
  failedReason?: string;
}

/** A job that is not in one of `JOB_STATES` (BullMQ's `waiting-children`, `unknown`) is none of rota's. */
export function isJobState(state: string): state is JobState {
  return (JOB_STATES as readonly string[]).includes(state);
}

const TIME_HELP =
  'give an ISO 8601 time with an offset like 2026-12-01T09:00:00+05:30, or HH:MM[:SS] today in the roster zone';

const CLOCK = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * TIME: ISO 8601 with an offset, or `HH:MM[:SS]` today in `zone` (a time in a spring-forward gap moves
 * forward by the gap, one in an autumn overlap takes the earlier instant). Undefined when it is neither.
 */
export function parseTime(text: string, clock: ZoneClock, now: number): number | undefined {
  const wall = CLOCK.exec(text);
  if (wall) {
    const [hour, minute, second] = [Number(wall[1]), Number(wall[2]), Number(wall[3] ?? 0)];
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    const sinceMidnight = ((hour * 60 + minute) * 60 + second) * 1000;
    return clock.resolve(clock.day(now) * DAY_MS + sinceMidnight).instant;
  }
  if (!ISO_WITH_OFFSET.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** A TIME this far in the past (typed a moment ago) still counts: the action runs now. */
const PAST_GRACE_MS = 60_000;

/** When a manual action runs: now without `--at`, else at TIME, which must not be in the past. */
export function manualInstant(
  text: string | undefined,
  clock: ZoneClock,
  now: number,
): { at: number } | { error: string } {
  if (text === undefined) return { at: now };
  const at = parseTime(text, clock, now);
  if (at === undefined) return { error: `--at "${text}" is not a time; ${TIME_HELP}` };
  if (at < now - PAST_GRACE_MS) {
    return {
      error: `--at "${text}" is ${relative(at, now)}; give a time ahead, or leave --at out to act now`,
    };
  }
  return { at: Math.max(at, now) };
}

/** DATE: a real calendar date written `YYYY-MM-DD`. */
export function parseDate(text: string): IsoDate | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? text : undefined;
}

/** A manual action as a job: never touched by a sync, retried for 30 minutes from its instant. */
export function manualJob(action: Action, agentId: string, phone: string, at: number): DesiredJob {
  return {
    id: jobId('manual', action, agentId, at),
    runAt: at,
    data: {
      action,
      agentId,
      phone,
      at,
      kind: 'manual',
      revision: 'manual',
      deadline: at + LOGOUT_DEADLINE_MS,
    },
  };
}

/**
 * The data of a job run again by a person: a fresh conflict window, and a deadline at least 30 minutes
 * from now (a roster login keeps its session's end as its deadline).
 */
export function requeuedData(data: ActionJobData, now: number): ActionJobData {
  const { conflictSince: _dropped, ...rest } = data;
  return rest.deadline === undefined
    ? rest
    : { ...rest, deadline: Math.max(rest.deadline, now + LOGOUT_DEADLINE_MS) };
}

/** Why the worker will skip this job if it runs now (SPEC 3: never against the current plan), if it will. */
export function planCheckNote(
  data: ActionJobData,
  sessions: readonly Session[],
  now: number,
): string | undefined {
  const decision = decide(data, sessions, now, 0);
  return decision.call ? undefined : decision.reason;
}

export interface JobFilter {
  agentId?: string;
  /** Scheduled instants in `[from, to)`. */
  window?: Window;
}

/** The jobs of one agent and/or scheduled in one window, by scheduled instant. */
export function pickJobs(jobs: readonly JobView[], filter: JobFilter): JobView[] {
  const { agentId, window } = filter;
  return jobs
    .filter((job) => agentId === undefined || job.data.agentId === agentId)
    .filter((job) => !window || (job.data.at >= window.from && job.data.at < window.to))
    .sort((a, b) => a.data.at - b.data.at || a.id.localeCompare(b.id));
}

/** The first `count` jobs to run: by run time, logouts before logins at one instant. */
export function nextActions(pending: readonly JobView[], count: number): JobView[] {
  const order = (job: JobView) => (job.data.action === 'logout' ? 0 : 1);
  return [...pending]
    .sort((a, b) => (a.runAt ?? 0) - (b.runAt ?? 0) || order(a) - order(b) || a.data.at - b.data.at)
    .slice(0, count);
}

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
