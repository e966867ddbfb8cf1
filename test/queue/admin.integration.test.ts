import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  type DesiredJob,
  jobId,
  LOGOUT_DEADLINE_MS,
  manualJob,
  planJobs,
  syncWindow,
} from '../../src/plan/jobs.js';
import {
  addManualJob,
  cancelJob,
  pauseActions,
  readJobs,
  readStatus,
  requeueJob,
  resumeActions,
} from '../../src/queue/admin.js';
import { type ActionQueue, queueStates } from '../../src/queue/queue.js';
import { cancelMark, reconcile, sessionKey } from '../../src/queue/reconcile.js';
import type { AgentLoginState, Store } from '../../src/store/store.js';
import { addJobs, queuePerTest } from '../helpers/queue.js';
import { session } from '../helpers/sessions.js';

/** The admin verbs' queue operations on a real BullMQ queue and rota's store, each test under its own prefix. */

const H = 3_600_000;

const queues = queuePerTest();

interface Rota {
  queue: ActionQueue;
  store: Store;
  /** Adds jobs as a sync does. */
  add(jobs: DesiredJob[], now?: number): Promise<void>;
  /** Takes the next ready job as a worker would, and finishes it. */
  finishNext(how: 'completed' | 'failed'): Promise<string | undefined>;
}

function fresh(): Rota {
  const { queue, store, hand } = queues.open();
  return {
    queue,
    store,
    add: (jobs, now) => addJobs(queue, jobs, now),
    async finishNext(how) {
      const job = await hand.getNextJob('token', { block: false });
      if (how === 'completed') await job?.moveToCompleted({ outcome: 'done', message: 'ok' }, 'token', false);
      else await job?.moveToFailed(new UnrecoverableError('Invalid phone number'), 'token', false);
      return job?.id;
    },
  };
}

/** Whole seconds, `hours` from now. */
const fromNow = (hours: number) => Math.floor(Date.now() / 1000) * 1000 + hours * H;

describe('cancelJob', () => {
  it('removes a delayed roster job and leaves a cancel mark tied to its session', async () => {
    const { queue, store, add } = fresh();
    const planned = session('1', fromNow(1), fromNow(2));
    const jobs = planJobs([planned], syncWindow(Date.now(), 24 * H), 'r1');
    await add(jobs);
    const login = jobId('roster', 'login', '1', planned.start);

    const result = await cancelJob(queue, store, login);
    expect(result).toMatchObject({ id: login, ok: true, job: { id: login, state: 'delayed' } });
    expect(await queue.getJob(login)).toBeUndefined();
    expect(await store.cancelMarks()).toEqual(new Map([[login, sessionKey(planned)]]));
    // The session's other job stays.
    expect([...(await queueStates(queue)).keys()]).toEqual([jobId('roster', 'logout', '1', planned.end)]);
  });

  it('refuses a job that has already run, and one that does not exist, with a reason', async () => {
    const { queue, store, add, finishNext } = fresh();
    const job = manualJob('login', '2', '+2', Date.now());
    await add([job]);
    expect(await finishNext('completed')).toBe(job.id);

    expect(await cancelJob(queue, store, job.id)).toEqual({
      id: job.id,
      ok: false,
      reason: `${job.id} has already run (completed); nothing to cancel`,
    });
    expect(await queue.getJobState(job.id)).toBe('completed');
    expect(await cancelJob(queue, store, 'login-9-20261201T033000Z')).toEqual({
      id: 'login-9-20261201T033000Z',
      ok: false,
      reason: 'no job login-9-20261201T033000Z',
      missing: true,
    });
    expect(await store.cancelMarks()).toEqual(new Map());
  });

  it('leaves no mark for a manual job: a sync never adds one back', async () => {
    const { queue, store, add } = fresh();
    const job = manualJob('logout', '3', '+3', fromNow(1));
    await add([job]);
    expect(await cancelJob(queue, store, job.id)).toMatchObject({ ok: true });
    expect(await queue.getJob(job.id)).toBeUndefined();
    expect(await store.cancelMarks()).toEqual(new Map());
  });

  it('REGRESSION: a cancelled release stays cancelled until the agent logs in again', async () => {
    // Cancelling a release left no mark, so the next sync added it straight back.
    const { queue, store, add } = fresh();
    const now = Date.now();
    const since = now - H;
    const agents = new Map<string, AgentLoginState>([
      ['4', { loggedIn: true, since, phone: '+4', source: 'roster' }],
    ]);
    const sync = async (state: ReadonlyMap<string, AgentLoginState>) =>
      reconcile({
        desired: [],
        existing: await queueStates(queue),
        agents: state,
        sessions: [],
        cancelled: await store.cancelMarks(),
        now,
        revision: 'r1',
      });

    // The agent is outside every session: a sync releases it.
    const first = await sync(agents);
    const release = jobId('release', 'logout', '4', since);
    expect(first).toMatchObject({ released: 1, cancelled: 0 });
    expect(first.add.map((job) => job.id)).toEqual([release]);
    expect(first.add[0]?.data.kind).toBe('release');
    await add(first.add, now);

    const cancelled = await cancelJob(queue, store, release);
    expect(cancelled).toMatchObject({ id: release, ok: true });
    expect(await queue.getJob(release)).toBeUndefined();
    expect(cancelMark(first.add[0]?.data as DesiredJob['data'])).toBe('release');
    expect(await store.cancelMarks()).toEqual(new Map([[release, 'release']]));

    // The next sync does not add it again, and keeps the mark.
    const second = await sync(agents);
    expect(second).toMatchObject({ add: [], released: 0, cancelled: 1, expiredCancelMarks: [] });

    // Once the agent's login changes (a new `since`), the mark has done its work.
    const later = new Map<string, AgentLoginState>([
      ['4', { loggedIn: true, since: since + 1000, phone: '+4', source: 'roster' }],
    ]);
    const third = await sync(later);
    expect(third.expiredCancelMarks).toEqual([release]);
    expect(third.add.map((job) => job.id)).toEqual([jobId('release', 'logout', '4', since + 1000)]);
    const loggedOut = new Map<string, AgentLoginState>([['4', { loggedIn: false, since, source: 'roster' }]]);
    expect((await sync(loggedOut)).expiredCancelMarks).toEqual([release]);
  });
});

describe('requeueJob', () => {
  it('puts a failed job back with its attempts reset and a fresh deadline', async () => {
    const { queue, store, add, finishNext } = fresh();
    const at = Date.now() - 2 * LOGOUT_DEADLINE_MS;
    const job = manualJob('logout', '5', '+5', at);
    await add([job]);
    expect(await finishNext('failed')).toBe(job.id);
    const failed = await queue.getJob(job.id);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe('Invalid phone number');

    const now = Date.now();
    const result = await requeueJob(queue, store, job.id, now);
    expect(result).toMatchObject({ id: job.id, ok: true, job: { state: 'failed', attemptsMade: 1 } });
    expect(result).not.toHaveProperty('note');
    const again = await queue.getJob(job.id);
    expect(['waiting', 'prioritized']).toContain(await again?.getState());
    expect(again?.attemptsMade).toBe(0);
    expect(again?.data).toEqual({ ...job.data, deadline: now + LOGOUT_DEADLINE_MS });
  });

  it('says why the worker will skip a requeued roster login the current plan no longer wants', async () => {
    const { queue, store, add, finishNext } = fresh();
    const planned = session('6', Date.now() - H, fromNow(1));
    const login = planJobs([planned], syncWindow(Date.now(), 24 * H), 'r1').find(
      (job) => job.data.action === 'login',
    ) as DesiredJob;
    await add([login]);
    expect(await finishNext('completed')).toBe(login.id);
    // No stored plan: the session is not in it.
    const result = await requeueJob(queue, store, login.id, Date.now());
    expect(result).toMatchObject({
      ok: true,
      note: 'stale: the session has ended or is no longer in the plan',
    });
  });

  it('refuses a job that has not run yet, and one that does not exist', async () => {
    const { queue, store, add } = fresh();
    const job = manualJob('login', '7', '+7', fromNow(1));
    await add([job]);
    expect(await requeueJob(queue, store, job.id, Date.now())).toEqual({
      id: job.id,
      ok: false,
      reason: `${job.id} has not run yet (delayed); only a failed or finished job can be requeued`,
    });
    expect(await queue.getJobState(job.id)).toBe('delayed');
    expect(await requeueJob(queue, store, 'manual-login-9-20261201T033000Z', Date.now())).toMatchObject({
      ok: false,
      reason: 'no job manual-login-9-20261201T033000Z',
      missing: true,
    });
  });
});

describe('addManualJob', () => {
  it('adds once: a second add with the same ID leaves the job as it is and names its state', async () => {
    const { queue, store } = fresh();
    const job = manualJob('login', '8', '+8', fromNow(1));
    expect(await addManualJob(queue, store, job, Date.now())).toEqual({ added: true });
    expect(
      await addManualJob(queue, store, { ...job, data: { ...job.data, phone: '+other' } }, Date.now()),
    ).toEqual({
      added: false,
      state: 'delayed',
    });
    expect(await queue.getJobCounts('delayed', 'waiting', 'prioritized')).toEqual({
      delayed: 1,
      waiting: 0,
      prioritized: 0,
    });
    expect((await queue.getJob(job.id))?.data.phone).toBe('+8');
  });
});

describe('readJobs', () => {
  it('reads every job in the given states as a person sees it', async () => {
    const { queue, add, finishNext } = fresh();
    const done = manualJob('login', '10', '+10', Date.now());
    await add([done]);
    await finishNext('completed');
    const broken = manualJob('login', '11', '+11', Date.now());
    await add([broken]);
    await finishNext('failed');
    const later = manualJob('logout', '12', '+12', fromNow(1));
    await add([later]);

    const views = await readJobs(queue, ['delayed', 'completed', 'failed']);
    expect(views.map((v) => [v.id, v.state])).toEqual([
      [later.id, 'delayed'],
      [done.id, 'completed'],
      [broken.id, 'failed'],
    ]);
    expect(views.find((v) => v.id === done.id)).toMatchObject({ result: 'done: ok', data: done.data });
    expect(views.find((v) => v.id === broken.id)).toMatchObject({
      failedReason: 'Invalid phone number',
      attemptsMade: 1,
    });
    expect(await readJobs(queue, ['waiting'])).toEqual([]);
  });
});

describe('pauseActions and resumeActions', () => {
  it('pause once with a reason, report it, and resume', async () => {
    const { queue, store } = fresh();
    const at = Date.parse('2026-12-01T04:30:00Z');
    expect(await pauseActions(queue, store, 'CloudAgent maintenance', at)).toBeUndefined();
    expect(await queue.isPaused()).toBe(true);
    // A second pause changes nothing and returns the one in force.
    expect(await pauseActions(queue, store, 'again', at + 1000)).toEqual({
      reason: 'CloudAgent maintenance',
      at,
    });
    expect((await readStatus(queue, store, Date.now())).paused).toEqual({
      reason: 'CloudAgent maintenance',
      at,
    });

    expect(await resumeActions(queue, store)).toBe(true);
    expect(await queue.isPaused()).toBe(false);
    expect(await store.pausedBecause()).toBeUndefined();
    expect(await resumeActions(queue, store)).toBe(false);
    expect(await readStatus(queue, store, Date.now())).not.toHaveProperty('paused');
  });
});

describe('readStatus', () => {
  it('REGRESSION: shows a roster error even when no good plan was ever written', async () => {
    // A roster broken from the very first sync used to leave no trace in `rota status`.
    const { queue, store } = fresh();
    const error = { count: 2, first: ['roster.yaml:3:5 agents[0].phone: required', 'x'], at: Date.now() };
    await store.noteRosterError(error);
    const status = await readStatus(queue, store, Date.now());
    expect(status.rosterError).toEqual(error);
    expect(status).not.toHaveProperty('plan');
  });

  it('counts jobs by state, lists the next ones at their instant, and the logged-in agents', async () => {
    const { queue, store, add } = fresh();
    const planned = session('13', fromNow(1), fromNow(2));
    await add(planJobs([planned], syncWindow(Date.now(), 24 * H), 'r1'));
    await store.setAgentState('13', { loggedIn: true, since: Date.now(), source: 'manual' });
    await store.setAgentState('14', { loggedIn: false, since: Date.now(), source: 'roster' });
    const status = await readStatus(queue, store, Date.now());
    expect(status.counts).toMatchObject({ delayed: 2, waiting: 0, prioritized: 0, completed: 0, failed: 0 });
    expect(status.next.map((job) => [job.data.action, job.runAt])).toEqual([
      ['login', planned.start],
      ['logout', planned.end],
    ]);
    expect(status.loggedIn).toBe(1);
    expect(status).not.toHaveProperty('rosterError');
    expect(status.failures).toEqual([]);
  });
});
