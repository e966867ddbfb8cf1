import type { Job } from 'bullmq';
import type { Logger } from '../log.js';
import type { ActionJobData } from '../plan/jobs.js';
import { type ActionQueue, EARLY_MS } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import {
  accountResumed,
  actionsLate,
  type LateActions,
  type Notice,
  noActionLate,
  pausedTooLong,
  resumed,
} from './alert.js';

/**
 * The periodic checks behind the alerts that no event announces: due actions not started (workers down,
 * rota paused, a backlog), and rota paused too long — each noticed firing, or cleared, at every check.
 */

/** A job that has not run yet, as the lateness check reads it. */
export interface PendingAction {
  id: string;
  data: ActionJobData;
  attemptsMade: number;
  /** When it should have started: its instant, or later when it was added later (a catch-up). */
  dueAt: number;
}

/**
 * First attempts due more than `lateAfterMs` ago, as one summary: how many, and the one waiting longest.
 * Retries are not late: they wait for their backoff. Pure.
 */
export function findLate(
  pending: readonly PendingAction[],
  now: number,
  lateAfterMs: number,
): LateActions | undefined {
  const late = pending.filter((job) => job.attemptsMade === 0 && job.dueAt < now - lateAfterMs);
  const oldest = late.reduce<PendingAction | undefined>(
    (first, job) => (first === undefined || job.dueAt < first.dueAt ? job : first),
    undefined,
  );
  if (!oldest) return undefined;
  const { id, data } = oldest;
  return {
    count: late.length,
    oldest: { id, agentId: data.agentId, action: data.action, at: data.at, lateMs: now - oldest.dueAt },
    lateAfterMs,
  };
}

/** Its instant, or when it was made due (`timestamp + delay` is EARLY_MS before that), whichever is later. */
function pendingAction(job: Job<ActionJobData>): PendingAction {
  return {
    id: job.id ?? '',
    data: job.data,
    attemptsMade: job.attemptsMade,
    dueAt: Math.max(job.data.at, job.timestamp + (job.delay ?? 0) + EARLY_MS),
  };
}

const PAGE = 500;

/**
 * The pending first attempts due before `before`: every ready job (waiting or prioritized: few unless
 * nothing takes them), and the delayed ones read earliest first, only until the first that is
 * not yet due — not the whole week ahead.
 */
async function readOverdue(queue: ActionQueue, before: number): Promise<PendingAction[]> {
  const found: PendingAction[] = [];
  const keep = (job: PendingAction) => {
    if (job.attemptsMade === 0 && job.dueAt < before) found.push(job);
  };
  for (const state of ['waiting', 'prioritized'] as const) {
    for (let start = 0; ; start += PAGE) {
      const jobs = await queue.getJobs([state], start, start + PAGE - 1, true);
      for (const job of jobs) keep(pendingAction(job));
      if (jobs.length < PAGE) break;
    }
  }
  for (let start = 0; ; start += PAGE) {
    const jobs = (await queue.getJobs(['delayed'], start, start + PAGE - 1, true)).map(pendingAction);
    for (const job of jobs) keep(job);
    // The delayed set is ordered by due time; a retry's due time is not its `dueAt`, so only a first
    // attempt marks where the overdue part ends.
    if (jobs.length < PAGE || jobs.some((job) => job.attemptsMade === 0 && job.dueAt >= before)) break;
  }
  return found;
}

export interface WatchOptions {
  queue: ActionQueue;
  store: Store;
  log: Logger;
  /** A due action not started this long after its instant is late (60 s). */
  lateAfterMs: number;
  /** rota paused this long is worth an alert (ROTA_ALERT_PAUSED_AFTER). */
  pausedAfterMs: number;
  /** Checks this often. */
  everyMs: number;
  now?: () => number;
  /** What each check noticed; `observedAt` is when the check began reading. */
  notice(notice: Notice, observedAt: number): void;
}

export interface Watch {
  /** Runs one check now (after the one running, if any). */
  checkNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Checks every `everyMs`, the first after one interval; a failed check is logged and the next goes on. */
export function startWatch(options: WatchOptions): Watch {
  const { queue, store, log, lateAfterMs, pausedAfterMs, notice } = options;
  const now = options.now ?? Date.now;
  /** When this process first saw rota paused, for a pause that has no time of its own. */
  let pausedSeen: number | undefined;
  let lastProblem = '';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function checkPause(observedAt: number): Promise<void> {
    const [paused, because] = await Promise.all([queue.isPaused(), store.pausedBecause()]);
    if (!paused) {
      pausedSeen = undefined;
      notice(resumed(), observedAt);
      notice(accountResumed(), observedAt);
      return;
    }
    pausedSeen ??= observedAt;
    const since = because?.at ?? pausedSeen;
    if (observedAt - since >= pausedAfterMs)
      notice(pausedTooLong(since, because?.reason ?? '', observedAt), observedAt);
  }

  async function check(): Promise<void> {
    const observedAt = now();
    try {
      await checkPause(observedAt);
      const late = findLate(await readOverdue(queue, observedAt - lateAfterMs), observedAt, lateAfterMs);
      notice(late ? actionsLate(late) : noActionLate(), observedAt);
      lastProblem = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastProblem) log.warn({ err: { message } }, 'alert check failed; will check again');
      lastProblem = message;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = running.then(check).then(schedule);
    }, options.everyMs);
  }

  schedule();
  return {
    checkNow() {
      running = running.then(check);
      return running;
    },
    async stop() {
      // A check waiting on Redis is not waited for (Redis may be gone at a shutdown); what it notices
      // after this is ignored by the caller.
      stopped = true;
      clearTimeout(timer);
    },
  };
}
