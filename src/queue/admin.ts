import type { Job } from 'bullmq';
import {
  isJobState,
  type JobState,
  type JobView,
  nextActions,
  PENDING_STATES,
  planCheckNote,
  requeuedData,
} from '../plan/admin.js';
import type { ActionJobData, DesiredJob } from '../plan/jobs.js';
import { sessionKey } from '../plan/reconcile.js';
import { type ActionQueue, jobOptions } from './queue.js';
import type { PlanMeta, Store } from './store.js';

/**
 * The queue operations of the admin verbs, in one place: read jobs and the status, requeue, cancel, add
 * manual actions, pause and resume. What to choose and how to show it is in `plan/admin.ts`.
 */

function jobView(job: Job<ActionJobData>, state: JobState, runAt?: number): JobView {
  const result = job.returnvalue as { outcome?: string; message?: string } | null;
  return {
    id: job.id ?? '',
    data: job.data,
    state,
    attemptsMade: job.attemptsMade,
    ...(runAt !== undefined ? { runAt } : {}),
    ...(job.finishedOn ? { finishedOn: job.finishedOn } : {}),
    ...(result?.outcome ? { result: `${result.outcome}: ${result.message ?? ''}` } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
  };
}

/** Every job in these states. */
export async function readJobs(queue: ActionQueue, states: readonly JobState[]): Promise<JobView[]> {
  const views: JobView[] = [];
  for (const state of states) {
    for (const job of await queue.getJobs([state])) views.push(jobView(job, state));
  }
  return views;
}

/** One job with its current state, or undefined when there is no such job. */
async function readJob(
  queue: ActionQueue,
  id: string,
): Promise<{ job: Job<ActionJobData>; view: JobView } | undefined> {
  const job = await queue.getJob(id);
  if (!job) return undefined;
  const state = await job.getState();
  return isJobState(state) ? { job, view: jobView(job, state) } : undefined;
}

/** The zone the roster is written in, as the last good plan recorded it; UTC before any sync. */
export async function rosterZone(store: Store): Promise<string> {
  return (await store.planMeta())?.zone ?? 'UTC';
}

export interface Status {
  counts: Record<JobState, number>;
  /** Set when the queue is paused; the reason is empty when it was paused other than by `rota pause`. */
  paused?: { reason: string; at?: number };
  plan?: PlanMeta;
  /** Agents rota logged in and has not logged out since. */
  loggedIn: number;
  next: JobView[];
  /** The most recent failures, newest first. */
  failures: JobView[];
}

export async function readStatus(queue: ActionQueue, store: Store, now: number, count = 10): Promise<Status> {
  const [counts, isPaused, pausedBecause, plan, agents] = await Promise.all([
    queue.getJobCounts(...PENDING_STATES, 'active', 'completed', 'failed'),
    queue.isPaused(),
    store.pausedBecause(),
    store.planMeta(),
    store.agentStates(),
  ]);
  const ready: JobView[] = [];
  for (const state of ['waiting', 'prioritized'] as const) {
    for (const job of await queue.getJobs([state], 0, count - 1)) ready.push(jobView(job, state, now));
  }
  // The delayed set is ordered by run time, earliest first; a delayed job runs at its timestamp + delay.
  const delayed = (await queue.getJobs(['delayed'], 0, count - 1, true)).map((job) =>
    jobView(job, 'delayed', job.timestamp + job.delay),
  );
  const failed = await queue.getJobs(['failed'], 0, count - 1, false);
  return {
    counts: counts as Record<JobState, number>,
    ...(isPaused ? { paused: pausedBecause ?? { reason: '' } } : {}),
    ...(plan ? { plan } : {}),
    loggedIn: [...agents.values()].filter((state) => state.loggedIn).length,
    next: nextActions([...ready, ...delayed], count),
    failures: failed.map((job) => jobView(job, 'failed')),
  };
}

/** What became of one job a person asked to requeue or cancel. */
export type Attempt =
  | { id: string; ok: true; job: JobView; note?: string }
  | { id: string; ok: false; reason: string };

/**
 * Runs a failed or completed job again now, with a fresh attempt count. `note` says why the worker will
 * skip it anyway, when the current plan says so.
 */
export async function requeueJob(
  queue: ActionQueue,
  store: Store,
  id: string,
  now: number,
): Promise<Attempt> {
  const found = await readJob(queue, id);
  if (!found) return { id, ok: false, reason: `no job ${id}` };
  const { job, view } = found;
  if (view.state !== 'failed' && view.state !== 'completed') {
    const doing = view.state === 'active' ? 'is running now' : `has not run yet (${view.state})`;
    return { id, ok: false, reason: `${id} ${doing}; only a failed or finished job can be requeued` };
  }
  try {
    await job.updateData(requeuedData(job.data, now));
    await job.retry(view.state, { resetAttemptsMade: true, resetAttemptsStarted: true });
  } catch (error) {
    return { id, ok: false, reason: `${id}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const sessions = job.data.kind === 'manual' ? [] : await store.agentSessions(job.data.agentId);
  const note = planCheckNote(job.data, sessions, now);
  return { id, ok: true, job: view, ...(note ? { note } : {}) };
}

/**
 * Removes a pending job. A cancelled roster job is remembered with its session, so a sync does not add it
 * back until the roster changes that session; the mark is dropped again if a worker took the job first.
 */
export async function cancelJob(queue: ActionQueue, store: Store, id: string): Promise<Attempt> {
  const view = (await readJob(queue, id))?.view;
  if (!view) return { id, ok: false, reason: `no job ${id}` };
  if (view.state === 'active')
    return { id, ok: false, reason: `${id} is running now; it cannot be cancelled` };
  if (view.state === 'completed' || view.state === 'failed') {
    return { id, ok: false, reason: `${id} has already run (${view.state}); nothing to cancel` };
  }
  const { session } = view.data;
  const mark = view.data.kind === 'roster' && session !== undefined;
  if (mark) await store.markCancelled(id, sessionKey(session));
  if ((await queue.remove(id)) === 0) {
    if (mark) await store.dropCancelMarks([id]);
    return { id, ok: false, reason: `${id} is running now; it cannot be cancelled` };
  }
  return { id, ok: true, job: view };
}

/** Adds a manual job; an existing job with its ID is left as it is and its state returned. */
export async function addManualJob(
  queue: ActionQueue,
  job: DesiredJob,
  now: number,
): Promise<{ added: true } | { added: false; state: string }> {
  const existing = await queue.getJob(job.id);
  if (existing) return { added: false, state: await existing.getState() };
  await queue.add(job.data.action, job.data, jobOptions(job, now));
  return { added: true };
}

/** Stops the workers taking jobs; returns the pause already in force, if any (then nothing changes). */
export async function pauseActions(
  queue: ActionQueue,
  store: Store,
  reason: string,
  now: number,
): Promise<{ reason: string; at: number } | undefined> {
  const already = await store.pausedBecause();
  if (already && (await queue.isPaused())) return already;
  await queue.pause();
  await store.setPaused(reason, now);
  return undefined;
}

/** Lets the workers take jobs again; returns whether the queue was paused. */
export async function resumeActions(queue: ActionQueue, store: Store): Promise<boolean> {
  const wasPaused = await queue.isPaused();
  await queue.resume();
  await store.clearPaused();
  return wasPaused;
}
