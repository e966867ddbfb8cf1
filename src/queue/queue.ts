import { type JobState, type JobsOptions, Queue } from 'bullmq';
import type { ActionJobData, DesiredJob } from '../plan/jobs.js';
import type { RedisClient } from '../redis/connection.js';
import type { SyncDiff } from './reconcile.js';

/** The one BullMQ queue holding every login and logout. */
export const QUEUE_NAME = 'actions';

/** Finished jobs stay this long, so a re-sync cannot add one again while its session is in reach. */
export const KEEP_COMPLETED_S = 3 * 86_400;
/** Failed jobs wait for a person (`rota requeue`) this long. */
export const KEEP_FAILED_S = 14 * 86_400;
/** Retries are bounded by deadlines (SPEC 4), not by a count: this only guards against a runaway. */
const MAX_ATTEMPTS = 10_000;

/** Logouts before logins at one instant: a handover of a shared phone needs the phone free first. */
const PRIORITY = { logout: 1, login: 2 } as const;

export type ActionQueue = Queue<ActionJobData>;

export function openQueue(redis: RedisClient, prefix: string): ActionQueue {
  return new Queue<ActionJobData>(QUEUE_NAME, { connection: redis, prefix });
}

/**
 * Jobs are due this much before they should run: BullMQ wakes a delayed job 70–90 ms after its due time
 * on an idle machine (more under load), so rota takes it early and the processor waits for the instant.
 */
export const EARLY_MS = 500;

/**
 * A job's BullMQ options. Its due time is absolute — `timestamp + delay` is `runAt - EARLY_MS` — so it
 * does not depend on when the write reaches Redis (a long sync, a slow connect).
 */
export function jobOptions(job: DesiredJob, now: number): JobsOptions {
  return {
    jobId: job.id,
    timestamp: now,
    delay: Math.max(0, job.runAt - EARLY_MS - now),
    priority: PRIORITY[job.data.action],
    attempts: MAX_ATTEMPTS,
    backoff: { type: 'rota' },
    removeOnComplete: { age: KEEP_COMPLETED_S },
    removeOnFail: { age: KEEP_FAILED_S },
  };
}

/** The job states rota's jobs pass through (it makes no flows), in the order they are shown. */
export const JOB_STATES = [
  'delayed',
  'waiting',
  'prioritized',
  'active',
  'completed',
  'failed',
] as const satisfies readonly JobState[];
/** States of a job that has not run yet: the ones `cancel` removes. */
export const PENDING_STATES = ['delayed', 'waiting', 'prioritized'] as const satisfies readonly JobState[];

/** One of `JOB_STATES` (not BullMQ's `waiting-children` or `unknown`, which rota's jobs never are). */
export function isListedState(state: string): state is (typeof JOB_STATES)[number] {
  return (JOB_STATES as readonly string[]).includes(state);
}

/** Every job ID in the queue with its state, read as ID lists only (cheap for 100k jobs). */
export async function queueStates(queue: ActionQueue): Promise<Map<string, JobState>> {
  const states = new Map<string, JobState>();
  for (const state of JOB_STATES) {
    const type = state === 'waiting' ? 'wait' : state;
    for (const id of await queue.getRanges(
      [type as Parameters<ActionQueue['getRanges']>[0][number]],
      0,
      -1,
    )) {
      states.set(id, state);
    }
  }
  return states;
}

/** Applies a diff: removals first (a locked job is left to the worker's own check), then additions. */
export async function applyDiff(
  queue: ActionQueue,
  diff: SyncDiff,
  now: number,
): Promise<{ removed: number }> {
  let removed = 0;
  for (const id of diff.remove) {
    removed += await queue.remove(id);
  }
  const BATCH = 1000;
  for (let i = 0; i < diff.add.length; i += BATCH) {
    const batch = diff.add.slice(i, i + BATCH);
    await queue.addBulk(
      batch.map((job) => ({ name: job.data.action, data: job.data, opts: jobOptions(job, now) })),
    );
  }
  return { removed };
}
