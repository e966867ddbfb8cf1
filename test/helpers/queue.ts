import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { DesiredJob } from '../../src/plan/jobs.js';
import { type ActionQueue, applyDiff, openQueue, QUEUE_NAME } from '../../src/queue/queue.js';
import { Store } from '../../src/store/store.js';

/** What a test of the queue adapter works on: its own key prefix on the run's private redis-server. */
export interface TestQueue {
  prefix: string;
  queue: ActionQueue;
  store: Store;
  /** A BullMQ worker with no processor: it takes a job only when the test asks, and finishes it as told. */
  hand: Worker;
}

/**
 * For files whose tests each need a fresh queue: one Redis connection for the file, and a queue, store
 * and hand-driven worker per call under a new prefix, closed after the test. Nothing is flushed.
 */
export function queuePerTest(): { redis(): Redis; open(): TestQueue } {
  let redis: Redis | undefined;
  const closing: { close(): Promise<void> }[] = [];
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await redis?.quit();
  });
  const connection = (): Redis => {
    if (!redis) throw new Error('queuePerTest: open queues inside a test');
    return redis;
  };
  return {
    redis: connection,
    open() {
      const prefix = `tq${randomBytes(4).toString('hex')}`;
      const queue = openQueue(connection(), prefix);
      const hand = new Worker(QUEUE_NAME, null, { connection: connection(), prefix });
      closing.push(hand, queue);
      return { prefix, queue, store: new Store(connection(), prefix), hand };
    },
  };
}

/** Adds jobs as a sync does (`applyDiff` with nothing to remove). */
export async function addJobs(queue: ActionQueue, jobs: DesiredJob[], now = Date.now()): Promise<void> {
  const diff = { add: jobs, remove: [], unchanged: 0, caughtUp: 0, released: 0, cancelled: 0 };
  await applyDiff(queue, { ...diff, expiredCancelMarks: [] }, now);
}
