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
/** States of a job that has not finished: pending, or running now. */
export const UNFINISHED_STATES = [...PENDING_STATES, 'active'] as const satisfies readonly JobState[];

/** One of `JOB_STATES` (not BullMQ's `waiting-children` or `unknown`, which rota's jobs never are). */
export function isListedState(state: string): state is (typeof JOB_STATES)[number] {
  return (JOB_STATES as readonly string[]).includes(state);
}

/** Every job ID in the queue with its state, read as ID lists only (cheap for 100k jobs). */
export async function queueStates(queue: ActionQueue): Promise<Map<string, JobState>> {
  // Sent together, read in order: one round trip instead of one per state.
  const lists = await Promise.all(
    JOB_STATES.map((state) =>
      queue.getRanges(
        [(state === 'waiting' ? 'wait' : state) as Parameters<ActionQueue['getRanges']>[0][number]],
        0,
        -1,
      ),
    ),
  );
  const states = new Map<string, JobState>();
  for (const [i, state] of JOB_STATES.entries()) {
    for (const id of lists[i] ?? []) states.set(id, state);
  }
  return states;
}

/** Removals sent at once: each is a small script, so a sync's removals take few round trips. */
const REMOVALS_AT_ONCE = 100;
/** Jobs per `addBulk` (one MULTI in Redis: other clients wait for it at most a few milliseconds). */
const ADD_BATCH = 500;
/**
 * `addBulk` calls in flight: while Redis runs one batch the next is being encoded, so adding 100,000
 * jobs takes about as long as Redis itself needs for them, not that plus the encoding (bench:sync).
 */
const ADDS_IN_FLIGHT = 2;

/** Applies a diff: removals first (a locked job is left to the worker's own check), then additions. */
export async function applyDiff(
  queue: ActionQueue,
  diff: SyncDiff,
  now: number,
): Promise<{ removed: number }> {
  let removed = 0;
  for (let i = 0; i < diff.remove.length; i += REMOVALS_AT_ONCE) {
    const codes = await Promise.all(diff.remove.slice(i, i + REMOVALS_AT_ONCE).map((id) => queue.remove(id)));
    for (const code of codes) removed += code;
  }
  let next = 0;
  let failure: { error: unknown } | undefined;
  const adding = async () => {
    while (failure === undefined && next < diff.add.length) {
      const batch = diff.add.slice(next, next + ADD_BATCH);
      next += ADD_BATCH;
      try {
        await queue.addBulk(
          batch.map((job) => ({ name: job.data.action, data: job.data, opts: jobOptions(job, now) })),
        );
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: ADDS_IN_FLIGHT }, adding));
  if (failure) throw failure.error;
  return { removed };
}
