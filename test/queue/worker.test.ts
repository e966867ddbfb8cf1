import { UnrecoverableError, type Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { manualJob } from '../../src/plan/jobs.js';
import type { ActionQueue } from '../../src/queue/queue.js';
import { waitForJob } from '../../src/queue/worker.js';
import { addJobs, queuePerTest } from '../helpers/queue.js';

/** The handover wait: a login waits for the logout that frees its phone, against the private Redis. */

const H = 3_600_000;

const queues = queuePerTest();

function fresh(): { queue: ActionQueue; worker: Worker } {
  const { queue, hand } = queues.open();
  return { queue, worker: hand };
}

/** Adds a logout for this instant as rota does; one due now is a handover's first half. */
async function addLogout(queue: ActionQueue, agent: string, at: number): Promise<string> {
  const job = manualJob('logout', agent, '+1', at);
  await addJobs(queue, [job]);
  return job.id;
}

/** A `sleep` for `waitForJob` that counts its polls: resolves `polled(n)` once it has slept n times. */
function countingSleep() {
  let polls = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    sleep: (ms: number) => {
      polls++;
      for (const w of waiters.filter((w) => polls >= w.n)) w.resolve();
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    },
    count: () => polls,
    polled: (n: number) =>
      new Promise<void>((resolve) => (polls >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

describe('waitForJob', () => {
  it('resolves true at once for a job the queue does not hold', async () => {
    const { queue } = fresh();
    const { sleep, count } = countingSleep();
    expect(await waitForJob(queue, 'logout-nobody-20261201T033000Z', { sleep })).toBe(true);
    expect(count()).toBe(0);
  });

  it('resolves true soon after the pending job completes, not before', async () => {
    const { queue, worker } = fresh();
    const id = await addLogout(queue, '1', Date.now());
    const { sleep, polled, count } = countingSleep();
    let settled = false;
    const waiting = waitForJob(queue, id, { sleep, pollMs: 20, timeoutMs: 20_000 }).finally(() => {
      settled = true;
    });

    // Still pending (prioritized) after two looks; then running (active), and still waited for.
    await polled(2);
    expect(settled).toBe(false);
    const job = await worker.getNextJob('token', { block: false });
    expect(job?.id).toBe(id);
    // A look that began after the job became active.
    await polled(count() + 2);
    expect(settled).toBe(false);

    const completedAt = Date.now();
    await job?.moveToCompleted({ outcome: 'done' }, 'token', false);
    expect(await waiting).toBe(true);
    expect(Date.now() - completedAt).toBeLessThan(2000);
  });

  it('resolves true when the job has failed: the handover goes ahead', async () => {
    const { queue, worker } = fresh();
    const id = await addLogout(queue, '2', Date.now());
    const job = await worker.getNextJob('token', { block: false });
    await job?.moveToFailed(new UnrecoverableError('rejected'), 'token', false);
    expect(await queue.getJobState(id)).toBe('failed');
    expect(await waitForJob(queue, id, { timeoutMs: 5000 })).toBe(true);
  });

  it('resolves false after timeoutMs when the job stays pending', async () => {
    const { queue } = fresh();
    const id = await addLogout(queue, '3', Date.now() + H);
    expect(await queue.getJobState(id)).toBe('delayed');
    const started = Date.now();
    expect(await waitForJob(queue, id, { timeoutMs: 300, pollMs: 20 })).toBe(false);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(5000);
  });
});
