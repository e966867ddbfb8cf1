import type { JobState } from 'bullmq';
import {
  type ActionJobData,
  CATCH_UP_LOGOUT_MS,
  type DesiredJob,
  jobId,
  LOGOUT_DEADLINE_MS,
  parseJobId,
} from '../plan/jobs.js';
import type { Session } from '../roster/types.js';
import type { AgentLoginState } from '../store/store.js';
import { UNFINISHED_STATES } from './queue.js';

/**
 * The difference between what the queue holds and what the plan wants, computed purely; the queue
 * adapter applies it in one place. Level-triggered: the same inputs give the same diff, and applying it
 * twice changes nothing the second time.
 */

const UNFINISHED: ReadonlySet<JobState> = new Set(UNFINISHED_STATES);
/** The IDs `parseJobId` may read as a logout. */
const LOGOUT_ID = /^(?:logout|release|manual-logout)-/;

export interface ReconcileInput {
  desired: DesiredJob[];
  /** Every job ID in the queue with its state. */
  existing: ReadonlyMap<string, JobState>;
  agents: ReadonlyMap<string, AgentLoginState>;
  sessions: Session[];
  /** Jobs a person cancelled: job ID → its `cancelMark` then. */
  cancelled: ReadonlyMap<string, string>;
  now: number;
  revision: string;
}

export interface SyncDiff {
  add: DesiredJob[];
  remove: string[];
  unchanged: number;
  /** Added jobs whose instant had passed: a login for a session in progress, a missed logout. */
  caughtUp: number;
  /** Logouts added for agents rota logged in who are, by the new plan, outside every session. */
  released: number;
  /** Wanted jobs left out because a person cancelled them and their session has not changed since. */
  cancelled: number;
  /** Cancel marks of jobs whose instant is past every window a sync looks at: no longer needed. */
  expiredCancelMarks: string[];
}

/**
 * Identifies a session as planned: a cancelled roster action stays cancelled until the roster changes
 * the session it belongs to.
 */
export function sessionKey(session: { start: number; end: number }): string {
  return `${session.start}-${session.end}`;
}

/**
 * What a person's cancel of this job is tied to: a roster action, its session as planned; a release, the
 * login it releases (its ID names that login's instant, so a new login makes a new release). A manual
 * job has none: a sync never adds one back.
 */
export function cancelMark(data: ActionJobData): string | undefined {
  if (data.kind === 'release') return 'release';
  return data.kind === 'roster' && data.session ? sessionKey(data.session) : undefined;
}

function isCancelled(job: DesiredJob, cancelled: ReadonlyMap<string, string>): boolean {
  const mark = cancelled.get(job.id);
  return mark !== undefined && mark === cancelMark(job.data);
}

/** A cancel mark no sync needs any more: the roster action is past every window, the release stale. */
function markExpired(id: string, input: ReconcileInput): boolean {
  const parsed = parseJobId(id);
  if (!parsed) return true;
  if (parsed.kind !== 'release') return parsed.at < input.now - CATCH_UP_LOGOUT_MS;
  const state = input.agents.get(parsed.agentId);
  return !state?.loggedIn || state.since !== parsed.at;
}

export function reconcile(input: ReconcileInput): SyncDiff {
  const { desired, existing, now } = input;
  const wanted = new Set(desired.map((job) => job.id));
  const add: DesiredJob[] = [];
  let unchanged = 0;
  let cancelled = 0;
  for (const job of desired) {
    if (existing.has(job.id)) unchanged++;
    else if (isCancelled(job, input.cancelled)) cancelled++;
    else add.push(job);
  }
  const remove: string[] = [];
  for (const [id, state] of existing) {
    if (state === 'delayed' && !wanted.has(id) && parseJobId(id)?.kind === 'roster') remove.push(id);
  }
  const caughtUp = add.filter((job) => job.data.at < now).length;
  const releases = planReleases(input, add, new Set(remove));
  const keptOut = releases.filter((job) => isCancelled(job, input.cancelled));
  const released = releases.filter((job) => !keptOut.includes(job));
  const expiredCancelMarks = [...input.cancelled.keys()].filter((id) => markExpired(id, input));
  return {
    add: [...add, ...released],
    remove,
    unchanged,
    caughtUp,
    released: released.length,
    cancelled: cancelled + keptOut.length,
    expiredCancelMarks,
  };
}

/**
 * A roster change never strands an agent: whoever rota logged in by the roster and who is now outside
 * every session, with no logout pending, gets a logout now.
 */
function planReleases(input: ReconcileInput, adding: DesiredJob[], removing: Set<string>): DesiredJob[] {
  const { existing, agents, sessions, now, revision } = input;
  const inside = new Set(
    sessions.filter((s) => s.start <= now && now < s.end).map((s) => s.agentId as string),
  );
  // Usually every agent rota logged in is inside a session: then no job needs a look.
  const outside = [...agents].filter(
    ([agentId, state]) => state.loggedIn && state.source !== 'manual' && !inside.has(agentId),
  );
  if (outside.length === 0) return [];
  const logoutPending = new Set<string>();
  for (const [id, state] of existing) {
    // Only a logout's ID starts so (a roster logout, a release, a manual logout): the others need no parse.
    if (!UNFINISHED.has(state) || removing.has(id) || !LOGOUT_ID.test(id)) continue;
    const parsed = parseJobId(id);
    if (parsed?.action === 'logout' && parsed.at <= now) logoutPending.add(parsed.agentId);
  }
  for (const job of adding) {
    if (job.data.action === 'logout' && job.runAt <= now) logoutPending.add(job.data.agentId);
  }
  // A person who cancelled an agent's logout meant the agent to stay logged in.
  for (const id of input.cancelled.keys()) {
    const parsed = parseJobId(id);
    const state = parsed && agents.get(parsed.agentId);
    if (
      parsed?.kind === 'roster' &&
      parsed.action === 'logout' &&
      state &&
      parsed.at >= state.since &&
      parsed.at <= now
    ) {
      logoutPending.add(parsed.agentId);
    }
  }
  const releases: DesiredJob[] = [];
  for (const [agentId, state] of outside) {
    if (logoutPending.has(agentId)) continue;
    const id = jobId('release', 'logout', agentId, state.since);
    if (existing.has(id)) continue;
    releases.push({
      id,
      runAt: now,
      data: {
        action: 'logout',
        agentId,
        ...(state.phone ? { phone: state.phone } : {}),
        at: now,
        kind: 'release',
        revision,
        deadline: now + LOGOUT_DEADLINE_MS,
      },
    });
  }
  return releases;
}
