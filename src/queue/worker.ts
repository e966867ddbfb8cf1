import { type Job, Worker } from 'bullmq';
import {
  type ActionResult,
  type AgentActionDeps,
  createAgentActionProcessor,
} from '../../jobs/agent-action.js';
import type { RateLimit } from '../config/env.js';
import { RetryLater } from '../errors/index.js';
import type { ActionJobData } from '../plan/jobs.js';
import { retryDelay } from '../plan/retry.js';
import type { RedisClient } from '../redis/connection.js';
import { type ActionQueue, EARLY_MS, openQueue, QUEUE_NAME } from './queue.js';

export interface WorkerOptions {
  redis: RedisClient;
  prefix: string;
  concurrency: number;
  rate?: RateLimit;
  /** BullMQ job lock (default `LOCK_DURATION_MS`); stalled jobs are looked for twice as often. */
  lockDurationMs?: number;
  deps: Omit<AgentActionDeps, 'waitFor'>;
  /** A job failed for good (not one that will be retried): its ID, data and why. */
  onFailed?(jobId: string, data: ActionJobData, reason: string): void;
  /** A job completed: its ID, data and result. */
  onCompleted?(jobId: string, data: ActionJobData, result: ActionResult): void;
}

/** A handover login waits for the other agent's logout at most this long, then tries anyway. */
const HANDOVER_WAIT_MS = 15_000;
/** How often the handover wait looks at the logout's state: a handover login is this late at most. */
const HANDOVER_POLL_MS = 20;

/**
 * How long a worker's lock on a job lasts. BullMQ renews the locks of the jobs a worker holds every
 * 1.25–2.5 s (a quarter to a half of this) while they run — through the wait for the instant (up to
 * EARLY_MS), a handover wait (up to 15 s) and an API call (up to ROTA_API_TIMEOUT) alike — so a lock
 * lapses only when its process dies, or its event loop is blocked for over 2.5 s (a 10,000-agent sync
 * blocks it about 1 s at most). Another worker looks for jobs whose lock lapsed every half of this
 * (only a job whose lock is gone is taken, so looking often is safe, and cheap: one script per worker),
 * so a dead worker's jobs run again elsewhere within about 1.5 of these (7.5 s); the `already` outcome
 * makes the repeat harmless.
 */
export const LOCK_DURATION_MS = 5000;
/**
 * A job may lose its lock this many times and still run again (a dead worker, then a Redis failover that
 * outlasted a lock); one more and BullMQ fails it ("job stalled more than allowable limit").
 */
const MAX_STALLED = 2;
/**
 * After a Redis connection error (a restart, a failover), a worker tries again to take or finish jobs
 * this soon: BullMQ's default of 15 s would leave due jobs waiting, and a finished job's lock lapsing.
 */
const RETRY_REDIS_MS = 1000;

export interface HandoverWait {
  timeoutMs?: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Resolves when the job has finished (completed, failed or gone), or after `timeoutMs` whatever its
 * state: `true` when it finished in time.
 */
export async function waitForJob(queue: ActionQueue, jobId: string, options: HandoverWait = {}) {
  const { timeoutMs = HANDOVER_WAIT_MS, pollMs = HANDOVER_POLL_MS, now = Date.now } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const until = now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed' || state === 'unknown') return true;
    if (now() >= until) return false;
    await sleep(pollMs);
  }
}

export interface RunningWorker {
  worker: Worker<ActionJobData>;
  /** Stop taking jobs, let calls in flight finish, close connections. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { redis, prefix } = options;
  const lockDuration = options.lockDurationMs ?? LOCK_DURATION_MS;
  // Job states for handover waits; shares the connection.
  const queue = openQueue(redis, prefix);
  const processor = createAgentActionProcessor({
    ...options.deps,
    ...(options.rate ? { takenToCallMs: EARLY_MS } : {}),
    waitFor: async (jobId) => {
      await waitForJob(queue, jobId);
    },
  });
  const worker = new Worker<ActionJobData>(QUEUE_NAME, (job: Job<ActionJobData>) => processor(job), {
    connection: redis,
    prefix,
    // With a rate limit every job holds its slot EARLY_MS before its call (so calls keep to the rate):
    // add the slots that hold time costs, or the slots, not the rate, would bound the calls.
    concurrency: options.rate
      ? options.concurrency + Math.ceil((options.rate.max * EARLY_MS) / options.rate.durationMs)
      : options.concurrency,
    ...(options.rate ? { limiter: { max: options.rate.max, duration: options.rate.durationMs } } : {}),
    lockDuration,
    stalledInterval: lockDuration / 2,
    maxStalledCount: MAX_STALLED,
    runRetryDelay: RETRY_REDIS_MS,
    settings: {
      backoffStrategy: (attemptsMade, _type, err) =>
        err instanceof RetryLater ? err.delayMs : retryDelay(attemptsMade, Math.random),
    },
  });
  worker.on('error', (error) => options.deps.log.error({ err: error }, 'worker error (it goes on)'));
  // BullMQ reports every failed attempt; only a job moved to the failed set has a finishing time.
  worker.on('failed', (job, error) => {
    if (job?.finishedOn !== undefined) options.onFailed?.(job.id ?? '', job.data, error.message);
  });
  worker.on('completed', (job, result: ActionResult) =>
    options.onCompleted?.(job.id ?? '', job.data, result),
  );
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
