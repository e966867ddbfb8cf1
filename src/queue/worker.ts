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
  /** BullMQ lock: a worker that dies holds its jobs at most this long before another takes them. */
  lockDurationMs?: number;
  deps: Omit<AgentActionDeps, 'waitFor'>;
  /** A job failed for good (not one that will be retried): its ID, data and why. */
  onFailed?(jobId: string, data: ActionJobData, reason: string): void;
  /** A job completed: its ID, data and result. */
  onCompleted?(jobId: string, data: ActionJobData, result: ActionResult): void;
}

/** A handover login waits for the other agent's logout at most this long, then tries anyway. */
export const HANDOVER_WAIT_MS = 15_000;
/** How often the handover wait looks at the logout's state: a handover login is this late at most. */
const HANDOVER_POLL_MS = 20;

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
  const lockDuration = options.lockDurationMs ?? 15_000;
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
    concurrency: options.concurrency,
    ...(options.rate ? { limiter: { max: options.rate.max, duration: options.rate.durationMs } } : {}),
    lockDuration,
    stalledInterval: lockDuration,
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
