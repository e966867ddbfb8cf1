import type { Job, JobState } from 'bullmq';
import { decide } from '../plan/decide.js';
import { type ActionJobData, type ActionSource, type DesiredJob, LOGOUT_DEADLINE_MS } from '../plan/jobs.js';
import type { AdminEntry, PlanMeta, RosterError, Store } from '../store/store.js';
import type { Window } from '../time/zone-clock.js';
import { type ActionQueue, isListedState, JOB_STATES, jobOptions } from './queue.js';
import { cancelMark } from './reconcile.js';

/**
 * The queue operations of the admin verbs, in one place: read jobs and the status, choose among them,
 * requeue, cancel, add manual actions, pause and resume. How they are shown is `views/show.ts`'s.
 */

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

/**
 * The data of a job run again by a person: a fresh conflict window, and a deadline at least 30 minutes
 * from now (a roster login keeps its session's end as its deadline).
 */
export function requeuedData(data: ActionJobData, now: number, source?: ActionSource): ActionJobData {
  const { conflictSince: _dropped, ...rest } = data;
  const marked = source === undefined ? rest : { ...rest, source };
  return marked.deadline === undefined
    ? marked
    : { ...marked, deadline: Math.max(marked.deadline, now + LOGOUT_DEADLINE_MS) };
}

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
  const lists = await Promise.all(states.map((state) => queue.getJobs([state])));
  return states.flatMap((state, i) => (lists[i] ?? []).map((job) => jobView(job, state)));
}

/** One job with its current state, or undefined when there is no such job. */
async function readJob(
  queue: ActionQueue,
  id: string,
): Promise<{ job: Job<ActionJobData>; view: JobView } | undefined> {
  const job = await queue.getJob(id);
  if (!job) return undefined;
  const state = await job.getState();
  return isListedState(state) ? { job, view: jobView(job, state) } : undefined;
}

export interface Status {
  counts: Record<JobState, number>;
  /** Set when the queue is paused; the reason is empty when it was paused other than by `rota pause`. */
  paused?: { reason: string; at?: number };
  plan?: PlanMeta;
  /** The roster error since the last good plan (or since the start, when there has been none). */
  rosterError?: RosterError;
  /** Agents rota logged in and has not logged out since. */
  loggedIn: number;
  next: JobView[];
  /** The most recent failures, newest first. */
  failures: JobView[];
}

export async function readStatus(queue: ActionQueue, store: Store, now: number, count = 10): Promise<Status> {
  const [counts, isPaused, pausedBecause, plan, rosterError, agents, waiting, prioritized, due, failed] =
    await Promise.all([
      queue.getJobCounts(...JOB_STATES),
      queue.isPaused(),
      store.pausedBecause(),
      store.planMeta(),
      store.rosterError(),
      store.agentStates(),
      queue.getJobs(['waiting'], 0, count - 1),
      queue.getJobs(['prioritized'], 0, count - 1),
      // The delayed set is ordered by due time, earliest first.
      queue.getJobs(['delayed'], 0, count - 1, true),
      queue.getJobs(['failed'], 0, count - 1, false),
    ]);
  const ready = [
    ...waiting.map((job) => jobView(job, 'waiting', now)),
    ...prioritized.map((job) => jobView(job, 'prioritized', now)),
  ];
  // A first attempt runs at its instant (it is due a little before); a retry at the end of its backoff.
  const delayed = due.map((job) =>
    jobView(job, 'delayed', job.attemptsMade === 0 ? job.data.at : job.timestamp + job.delay),
  );
  return {
    counts: counts as Record<JobState, number>,
    ...(isPaused ? { paused: pausedBecause ?? { reason: '' } } : {}),
    ...(plan ? { plan } : {}),
    ...(rosterError ? { rosterError } : {}),
    loggedIn: [...agents.values()].filter((state) => state.loggedIn).length,
    next: nextActions([...ready, ...delayed], count),
    failures: failed.map((job) => jobView(job, 'failed')),
  };
}

/** What became of one job a person asked to requeue or cancel. */
export type Attempt =
  | { id: string; ok: true; job: JobView; note?: string }
  | { id: string; ok: false; reason: string; missing?: true };

/** Who asked for an admin action, and when: it is recorded in the admin history. */
export interface Actor {
  source: ActionSource;
  at: number;
}

async function note(store: Store, by: Actor | undefined, entry: Omit<AdminEntry, 'at' | 'source'>) {
  if (by) await store.recordAdmin({ at: by.at, source: by.source, ...entry });
}

/**
 * Runs a failed or completed job again now, with a fresh attempt count. `note` says why the worker will
 * skip it anyway, when the current plan says so.
 */
export async function requeueJob(
  queue: ActionQueue,
  store: Store,
  id: string,
  now: number,
  source?: ActionSource,
): Promise<Attempt> {
  const found = await readJob(queue, id);
  if (!found) return { id, ok: false, reason: `no job ${id}`, missing: true };
  const { job, view } = found;
  if (view.state !== 'failed' && view.state !== 'completed') {
    const doing = view.state === 'active' ? 'is running now' : `has not run yet (${view.state})`;
    return { id, ok: false, reason: `${id} ${doing}; only a failed or finished job can be requeued` };
  }
  try {
    await job.updateData(requeuedData(job.data, now, source));
    await job.retry(view.state, { resetAttemptsMade: true, resetAttemptsStarted: true });
  } catch (error) {
    return { id, ok: false, reason: `${id}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const sessions = job.data.kind === 'manual' ? [] : await store.agentSessions(job.data.agentId);
  const decision = decide(job.data, sessions, now, 0);
  await note(store, source && { source, at: now }, { verb: 'requeue', jobId: id, agentId: job.data.agentId });
  return { id, ok: true, job: view, ...(decision.call ? {} : { note: decision.reason }) };
}

/**
 * Removes a pending job. A cancelled roster job is remembered with its session, so a sync does not add it
 * back until the roster changes that session; the mark is dropped again if a worker took the job first.
 */
export async function cancelJob(queue: ActionQueue, store: Store, id: string, by?: Actor): Promise<Attempt> {
  const view = (await readJob(queue, id))?.view;
  if (!view) return { id, ok: false, reason: `no job ${id}`, missing: true };
  if (view.state === 'active')
    return { id, ok: false, reason: `${id} is running now; it cannot be cancelled` };
  if (view.state === 'completed' || view.state === 'failed') {
    return { id, ok: false, reason: `${id} has already run (${view.state}); nothing to cancel` };
  }
  const mark = cancelMark(view.data);
  if (mark !== undefined) await store.markCancelled(id, mark);
  if ((await queue.remove(id)) === 0) {
    if (mark !== undefined) await store.dropCancelMarks([id]);
    return { id, ok: false, reason: `${id} is running now; it cannot be cancelled` };
  }
  await note(store, by, { verb: 'cancel', jobId: id, agentId: view.data.agentId });
  return { id, ok: true, job: view };
}

/**
 * Adds a manual job (recorded in the admin history with its source); an existing job with its ID is left
 * as it is and its state returned.
 */
export async function addManualJob(
  queue: ActionQueue,
  store: Store,
  job: DesiredJob,
  now: number,
): Promise<{ added: true } | { added: false; state: string }> {
  const existing = await queue.getJob(job.id);
  if (existing) return { added: false, state: await existing.getState() };
  await queue.add(job.data.action, job.data, jobOptions(job, now));
  const by = job.data.source && { source: job.data.source, at: now };
  await note(store, by, { verb: job.data.action, jobId: job.id, agentId: job.data.agentId });
  return { added: true };
}

/** Stops the workers taking jobs; returns the pause already in force, if any (then nothing changes). */
export async function pauseActions(
  queue: ActionQueue,
  store: Store,
  reason: string,
  now: number,
  source?: ActionSource,
): Promise<{ reason: string; at: number } | undefined> {
  const already = await store.pausedBecause();
  if (already && (await queue.isPaused())) return already;
  await queue.pause();
  await store.setPaused(reason, now);
  await note(store, source && { source, at: now }, { verb: 'pause', ...(reason ? { detail: reason } : {}) });
  return undefined;
}

/** Lets the workers take jobs again; returns whether the queue was paused. */
export async function resumeActions(queue: ActionQueue, store: Store, by?: Actor): Promise<boolean> {
  const wasPaused = await queue.isPaused();
  await queue.resume();
  await store.clearPaused();
  if (wasPaused) await note(store, by, { verb: 'resume' });
  return wasPaused;
}
