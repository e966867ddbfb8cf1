import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { type AgentActionDeps, createAgentActionProcessor } from '../../jobs/agent-action.js';
import type { RateLimit } from '../config/env.js';
import { RetryLater } from '../errors/index.js';
import type { ActionJobData } from '../plan/jobs.js';
import { retryDelay } from '../plan/retry.js';
import type { RedisClient } from './connection.js';
import { openQueue, QUEUE_NAME } from './queue.js';

export interface WorkerOptions {
  redis: RedisClient;
  prefix: string;
  concurrency: number;
  rate?: RateLimit;
  /** BullMQ lock: a worker that dies holds its jobs at most this long before another takes them. */
  lockDurationMs?: number;
  deps: Omit<AgentActionDeps, 'waitFor'>;
}

/** A handover login waits for the other agent's logout at most this long, then tries anyway. */
const HANDOVER_WAIT_MS = 15_000;

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
  const waitFor = async (jobId: string) => {
    const until = Date.now() + HANDOVER_WAIT_MS;
    while (Date.now() < until) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed' || state === 'unknown') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const processor = createAgentActionProcessor({ ...options.deps, waitFor });
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
  worker.on('failed', (job, error) => {
    if (!(error instanceof RetryLater) && !(error instanceof UnrecoverableError)) {
      options.deps.log.warn({ job: job?.id, err: error }, 'job failed unexpectedly; it will be retried');
    }
  });
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
