import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { type DesiredJob, manualJob, planJobs, syncWindow } from '../../src/plan/jobs.js';
import {
  type ActionQueue,
  applyDiff,
  EARLY_MS,
  jobOptions,
  QUEUE_NAME,
  queueStates,
} from '../../src/queue/queue.js';
import type { SyncDiff } from '../../src/queue/reconcile.js';
import { queuePerTest } from '../helpers/queue.js';
import { session } from '../helpers/sessions.js';

/** The queue adapter against the run's private redis-server, each test under a key prefix of its own. */

const H = 3_600_000;

const queues = queuePerTest();
const redis = () => queues.redis();

function freshQueue(): { queue: ActionQueue; prefix: string } {
  const { queue, prefix } = queues.open();
  return { queue, prefix };
}

/** A whole second an hour or more ahead, so planned jobs stay delayed for the whole test. */
const ahead = (hours: number) => Math.floor(Date.now() / 1000) * 1000 + hours * H;

const diffOf = (add: DesiredJob[], remove: string[] = []): SyncDiff => ({
  add,
  remove,
  unchanged: 0,
  caughtUp: 0,
  released: 0,
  cancelled: 0,
  expiredCancelMarks: [],
});

/** The due time BullMQ keeps for a delayed job: its score is `dueMs * 0x1000 + counter`. */
async function dueTime(prefix: string, id: string): Promise<number | undefined> {
  const score = await redis().zscore(`${prefix}:${QUEUE_NAME}:delayed`, id);
  return score === null ? undefined : Math.floor(Number(score) / 0x1000);
}

describe('jobOptions', () => {
  it('makes the due time absolute: timestamp now, delay up to EARLY_MS before the run time', () => {
    const now = Date.parse('2026-12-01T03:00:00Z');
    const [logout, login] = planJobs([session('1', now + H, now + 2 * H)], syncWindow(now, 24 * H), 'r1');
    expect(logout?.data.action).toBe('logout');
    const options = jobOptions(logout as DesiredJob, now);
    expect(options).toMatchObject({ jobId: logout?.id, timestamp: now, delay: 2 * H - EARLY_MS });
    // Logouts go before logins at one instant.
    expect(options.priority).toBeLessThan(jobOptions(login as DesiredJob, now).priority as number);
    // A job whose run time is now (or within EARLY_MS of it) is due at once, never with a negative delay.
    expect(jobOptions(manualJob('login', '3', '+91980003', now + 100), now).delay).toBe(0);
    expect(jobOptions(manualJob('login', '3', '+91980003', now - H), now).delay).toBe(0);
  });
});

describe('applyDiff', () => {
  it('adds the planned jobs, delayed until EARLY_MS before their run time', async () => {
    const { queue, prefix } = freshQueue();
    const start = ahead(1);
    const desired = planJobs([session('1', start, start + H)], syncWindow(Date.now(), 24 * H), 'r1');
    expect(desired).toHaveLength(2);
    const now = Date.now();
    expect(await applyDiff(queue, diffOf(desired), now)).toEqual({ removed: 0 });
    const states = await queueStates(queue);
    expect(new Map([...states].sort())).toEqual(
      new Map(desired.map((job) => [job.id, 'delayed'] as const).sort()),
    );
    for (const job of desired) {
      expect(await dueTime(prefix, job.id)).toBe(job.runAt - EARLY_MS);
      expect((await queue.getJob(job.id))?.data).toEqual(job.data);
    }
  });

  it('applied again adds nothing new: job IDs are deterministic and the first write stays', async () => {
    const { queue, prefix } = freshQueue();
    const start = ahead(2);
    const desired = planJobs(
      [session('1', start, start + H), session('2', start, start + H)],
      syncWindow(Date.now(), 24 * H),
      'r1',
    );
    const now = Date.now();
    await applyDiff(queue, diffOf(desired), now);
    const first = await redis().zrange(`${prefix}:${QUEUE_NAME}:delayed`, 0, -1, 'WITHSCORES');
    await applyDiff(queue, diffOf(desired), now + 60_000);
    expect(await queue.getJobCounts('delayed', 'waiting', 'prioritized')).toEqual({
      delayed: 4,
      waiting: 0,
      prioritized: 0,
    });
    expect(await redis().zrange(`${prefix}:${QUEUE_NAME}:delayed`, 0, -1, 'WITHSCORES')).toEqual(first);
  });

  it('removes before it adds: a job both removed and added is replaced by the new one', async () => {
    const { queue, prefix } = freshQueue();
    const start = ahead(1);
    const window = syncWindow(Date.now(), 24 * H);
    const [oldLogout, oldLogin] = planJobs([session('1', start, start + H)], window, 'r1');
    const gone = oldLogout as DesiredJob;
    const kept = oldLogin as DesiredJob;
    await applyDiff(queue, diffOf([gone, kept]), Date.now());

    // The same login planned again for a longer session (same ID, new data), and a new logout.
    const [newLogout, newLogin] = planJobs([session('1', start, start + 2 * H)], window, 'r2');
    expect(newLogin?.id).toBe(kept.id);
    const result = await applyDiff(
      queue,
      diffOf([newLogin as DesiredJob, newLogout as DesiredJob], [gone.id, kept.id]),
      Date.now(),
    );
    expect(result).toEqual({ removed: 2 });
    expect(await queue.getJob(gone.id)).toBeUndefined();
    expect((await queue.getJob(kept.id))?.data.revision).toBe('r2');
    expect((await queue.getJob(newLogout?.id as string))?.data.session).toEqual({
      start,
      end: start + 2 * H,
    });
    expect(await dueTime(prefix, newLogout?.id as string)).toBe(start + 2 * H - EARLY_MS);
  });

  it('adds and removes in several batches at once: every job is written, every removal counted', async () => {
    const { queue } = freshQueue();
    const start = ahead(3);
    const window = syncWindow(Date.now(), 24 * H);
    const sessions = Array.from({ length: 700 }, (_, i) => session(String(1000 + i), start, start + H));
    const desired = planJobs(sessions, window, 'r1');
    expect(desired).toHaveLength(1400);
    await applyDiff(queue, diffOf(desired), Date.now());
    expect((await queueStates(queue)).size).toBe(1400);

    const logouts = desired.filter((job) => job.data.action === 'logout').map((job) => job.id);
    expect(await applyDiff(queue, diffOf([], logouts), Date.now())).toEqual({ removed: 700 });
    expect([...(await queueStates(queue)).keys()].sort()).toEqual(
      desired
        .filter((job) => job.data.action === 'login')
        .map((job) => job.id)
        .sort(),
    );
  });

  it('rejects with the first failed batch, and adds no batch after it', async () => {
    const { queue } = freshQueue();
    const start = ahead(3);
    const sessions = Array.from({ length: 1000 }, (_, i) => session(String(2000 + i), start, start + H));
    const desired = planJobs(sessions, syncWindow(Date.now(), 24 * H), 'r1');
    // BullMQ refuses a job ID with a colon: the batch holding it fails.
    const broken = { ...(desired[600] as DesiredJob), id: 'login:broken' };
    const jobs = [...desired.slice(0, 600), broken, ...desired.slice(601)];
    await expect(applyDiff(queue, diffOf(jobs), Date.now())).rejects.toThrow();
    const written = (await queueStates(queue)).size;
    expect(written).toBeGreaterThanOrEqual(500);
    expect(written).toBeLessThan(jobs.length - 500);
  });

  it('REGRESSION: a job is due at runAt - EARLY_MS however long the sync took before writing it', async () => {
    // Jobs used to run late by the sync's own duration: BullMQ counts `delay` from the moment of writing.
    const { queue, prefix } = freshQueue();
    const start = ahead(1);
    const syncStartedAt = Date.now() - 5000;
    const desired = planJobs([session('1', start, start + H)], syncWindow(syncStartedAt, 24 * H), 'r1');
    await applyDiff(queue, diffOf(desired), syncStartedAt);
    for (const job of desired) {
      expect(await dueTime(prefix, job.id)).toBe(job.runAt - EARLY_MS);
    }
  });
});

describe('queueStates', () => {
  it('reports every job with its state: delayed, waiting, prioritized, completed, failed', async () => {
    const { queue, prefix } = freshQueue();
    const now = Date.now();
    const at = Math.floor(now / 1000) * 1000;
    // A worker that takes one job at a time when asked, and finishes it as the test says.
    const worker = new Worker(QUEUE_NAME, null, { connection: redis(), prefix });
    try {
      const finish = async (id: string, how: 'completed' | 'failed') => {
        await queue.add('login', manualJob('login', id, '+1', at).data, { jobId: id });
        const job = await worker.getNextJob('token', { block: false });
        expect(job?.id).toBe(id);
        if (how === 'completed') await job?.moveToCompleted({ outcome: 'done' }, 'token', false);
        else await job?.moveToFailed(new Error('rejected'), 'token', false);
      };
      await finish('done-1', 'completed');
      await finish('broken-1', 'failed');
    } finally {
      await worker.close();
    }
    const later = manualJob('logout', '4', '+4', at + H);
    const due = manualJob('login', '5', '+5', at - 1000);
    await applyDiff(queue, diffOf([later, due]), now);
    await queue.add('login', manualJob('login', '6', '+6', at).data, { jobId: 'plain-6' });

    expect(await queueStates(queue)).toEqual(
      new Map([
        [later.id, 'delayed'],
        ['plain-6', 'waiting'],
        [due.id, 'prioritized'],
        ['done-1', 'completed'],
        ['broken-1', 'failed'],
      ]),
    );
    expect(await queueStates(freshQueue().queue)).toEqual(new Map());
  });
});
