import type { Action } from '../cloudagent/types.js';
import { compareIds } from '../roster/sessions.js';
import type { Session } from '../roster/types.js';

/**
 * What the queue should hold: one login and one logout per session, as deterministic, colon-free job
 * IDs built from (action, agent, instant). Pure: takes `now`, returns values.
 */

/** Where a job came from. Manual jobs are never touched by a sync. */
export type JobKind = 'roster' | 'release' | 'manual';

/** Where an admin action came from: a person on the command line or the web console, or rota itself. */
export type ActionSource = 'cli' | 'web' | 'rota';

/** BullMQ job data. Never a password or API key. */
export interface ActionJobData {
  action: Action;
  agentId: string;
  /** Sent on login (and on logout when known). */
  phone?: string;
  /** The scheduled instant (epoch ms): lateness is measured from it. */
  at: number;
  kind: JobKind;
  /** The session this job belongs to, as planned when the job was added. */
  session?: { start: number; end: number };
  /** Roster revision that planned the job; `manual` for admin actions. */
  revision: string;
  /** Logouts and manual actions: retries stop here (epoch ms). Roster logins stop at their session's end. */
  deadline?: number;
  /** A logout of another agent releasing the same phone at the same instant: wait for it (handover). */
  after?: string;
  /** Set by the worker at the first phone conflict: conflicts are retried for 2 minutes from here. */
  conflictSince?: number;
  /** A manual action, or a job a person requeued: where they asked for it. */
  source?: ActionSource;
}

export interface DesiredJob {
  id: string;
  data: ActionJobData;
  /** When the job should run: the scheduled instant, or now when catching up on a missed instant. */
  runAt: number;
}

/** A logout that did not happen while nothing ran is still sent if its session ended within this. */
export const CATCH_UP_LOGOUT_MS = 12 * 3_600_000;
/** Retries of a logout stop this long after it was due (SPEC 4). */
export const LOGOUT_DEADLINE_MS = 30 * 60_000;

/** `20261201T033000Z` (milliseconds added only when not zero): sortable, no `:`. */
export function instantKey(ms: number): string {
  const iso = new Date(ms).toISOString();
  const compact = iso.replace(/[-:]/g, '');
  return compact.endsWith('.000Z') ? compact.replace('.000Z', 'Z') : compact;
}

function instantFromKey(key: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d{3})?Z$/.exec(key);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms ?? ''}Z`);
}

/** Agent IDs go into job IDs with `:` and `~` escaped (BullMQ forbids `:` in IDs). */
function agentKey(agentId: string): string {
  if (!/[~:\s]/.test(agentId)) return agentId;
  return agentId.replace(/[~:\s]/g, (ch) => `~${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function agentFromKey(key: string): string {
  return key.replace(/~([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Roster jobs: `login-1001-20261201T033000Z`; releases: `release-1001-…`; manual: `manual-login-1001-…`. */
export function jobId(
  kind: JobKind,
  action: Action,
  agentId: string,
  instant: number,
  keyOf: (ms: number) => string = instantKey,
): string {
  const base = `${agentKey(agentId)}-${keyOf(instant)}`;
  switch (kind) {
    case 'roster':
      return `${action}-${base}`;
    case 'release':
      return `release-${base}`;
    case 'manual':
      return `manual-${action}-${base}`;
  }
}

export interface ParsedJobId {
  kind: JobKind;
  action: Action;
  agentId: string;
  at: number;
}

/** The inverse of `jobId`; undefined for IDs rota did not make. */
export function parseJobId(id: string): ParsedJobId | undefined {
  const match = /^(login|logout|release|manual-login|manual-logout)-(.+)-([0-9T.]+Z)$/.exec(id);
  if (!match) return undefined;
  const [, head, agent, instant] = match as unknown as [string, string, string, string];
  const at = instantFromKey(instant);
  if (at === undefined) return undefined;
  const agentId = agentFromKey(agent);
  if (head === 'release') return { kind: 'release', action: 'logout', agentId, at };
  if (head.startsWith('manual-')) return { kind: 'manual', action: head.slice(7) as Action, agentId, at };
  return { kind: 'roster', action: head as Action, agentId, at };
}

/** Which actions to plan: those that would run in `[from, to)`, judged at `now`. */
export interface PlanWindow {
  now: number;
  from: number;
  to: number;
}

/** What a sync looks at: every action still worth running, up to the horizon. */
export function syncWindow(now: number, horizonMs: number): PlanWindow {
  return { now, from: now - CATCH_UP_LOGOUT_MS, to: now + horizonMs };
}

/**
 * The one derivation of actions from sessions, for `rota sync` and `rota plan` alike: for each session,
 * its login while the session has not ended and its logout while it ended less than 12 h ago, each
 * when it would run (its instant, or now when that has passed: catch-up) within the window. At one
 * instant a login that takes over another agent's phone waits for that agent's logout (`after`).
 * Whether a catch-up job runs at all (it must never have existed) is `reconcile`'s to decide.
 */
export function planJobs(sessions: readonly Session[], window: PlanWindow, revision: string): DesiredJob[] {
  const { now, from, to } = window;
  const within = (runAt: number) => runAt >= from && runAt < to;
  // Thousands of agents share a few instants: each instant's key is made once.
  const keys = new Map<number, string>();
  const keyOf = (ms: number) => {
    let key = keys.get(ms);
    if (key === undefined) {
      key = instantKey(ms);
      keys.set(ms, key);
    }
    return key;
  };
  const jobs: DesiredJob[] = [];
  /** Instant → phone → the logout there. */
  const logoutsAt = new Map<number, Map<string, string>>();
  for (const session of sessions) {
    const runAt = Math.max(session.end, now);
    if (session.end >= now - CATCH_UP_LOGOUT_MS && within(runAt)) {
      const id = jobId('roster', 'logout', session.agentId, session.end, keyOf);
      let byPhone = logoutsAt.get(session.end);
      if (!byPhone) {
        byPhone = new Map();
        logoutsAt.set(session.end, byPhone);
      }
      byPhone.set(session.phone, id);
      jobs.push({
        id,
        runAt,
        data: {
          action: 'logout',
          agentId: session.agentId,
          phone: session.phone,
          at: session.end,
          kind: 'roster',
          session: { start: session.start, end: session.end },
          revision,
          deadline: runAt + LOGOUT_DEADLINE_MS,
        },
      });
    }
  }
  for (const session of sessions) {
    const runAt = Math.max(session.start, now);
    if (session.end > now && within(runAt)) {
      const after = logoutsAt.get(session.start)?.get(session.phone);
      const data: ActionJobData = {
        action: 'login',
        agentId: session.agentId,
        phone: session.phone,
        at: session.start,
        kind: 'roster',
        session: { start: session.start, end: session.end },
        revision,
      };
      if (after) data.after = after;
      jobs.push({ id: jobId('roster', 'login', session.agentId, session.start, keyOf), runAt, data });
    }
  }
  return jobs;
}

/** In the order they reach the API: by run time, logouts before logins at one instant, then by agent. */
export function byRunOrder(a: DesiredJob, b: DesiredJob): number {
  const rank = (job: DesiredJob) => (job.data.action === 'logout' ? 0 : 1);
  return a.runAt - b.runAt || rank(a) - rank(b) || compareIds(a.data.agentId, b.data.agentId);
}

/** Retries of this action stop here: its own deadline, else its session's end. */
export function actionDeadline(data: ActionJobData): number {
  return data.deadline ?? data.session?.end ?? data.at + LOGOUT_DEADLINE_MS;
}

/**
 * A manual action as a job: never touched by a sync, retried for 30 minutes from its instant. A logout
 * may have no phone (CloudAgent needs one only to log in): then it sends none.
 */
export function manualJob(
  action: Action,
  agentId: string,
  phone: string | undefined,
  at: number,
  source: ActionSource = 'cli',
): DesiredJob {
  return {
    id: jobId('manual', action, agentId, at),
    runAt: at,
    data: {
      action,
      agentId,
      ...(phone === undefined ? {} : { phone }),
      at,
      kind: 'manual',
      revision: 'manual',
      deadline: at + LOGOUT_DEADLINE_MS,
      source,
    },
  };
}
