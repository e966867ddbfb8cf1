import { randomBytes } from 'node:crypto';
import { type Job, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { type AgentActionDeps, createAgentActionProcessor } from '../../jobs/agent-action.js';
import type { CallRequest, CallResult, CloudAgentClient } from '../../src/cloudagent/types.js';
import type { CredentialStore } from '../../src/config/credentials.js';
import { RetryLater } from '../../src/errors/index.js';
import { createLogger } from '../../src/log.js';
import type { ActionJobData } from '../../src/plan/jobs.js';
import type { AgentId } from '../../src/roster/types.js';
import { Store } from '../../src/store/store.js';
import { queuePerTest } from '../helpers/queue.js';

/**
 * The processor with a fixed clock and random source, a scripted client and the Store on the run's private
 * redis-server: each branch from decision to BullMQ mapping, exactly.
 */

const T = Date.parse('2026-12-01T03:30:00Z');
const M = 60_000;

const queues = queuePerTest();
let setups = 0;

function setup(
  answers: Omit<CallResult, 'latencyMs'>[],
  passwords: Record<string, string> = { '1001': 'pw' },
) {
  // Each test works under a prefix of its own.
  const store = new Store(queues.redis(), `unit${randomBytes(4).toString('hex')}-${++setups}`);
  const calls: CallRequest[] = [];
  const client: CloudAgentClient = {
    async call(request) {
      calls.push(request);
      const answer = answers.shift();
      if (!answer) throw new Error('no scripted answer left');
      return { ...answer, latencyMs: 7 };
    },
    close: async () => {},
  };
  const credentials: CredentialStore = {
    password: async (id) => passwords[id],
    problem: () => undefined,
  };
  const waited: string[] = [];
  const slept: number[] = [];
  let clock = T + 120;
  const logLines: string[] = [];
  const deps: AgentActionDeps = {
    client,
    credentials,
    store,
    log: createLogger('info', { write: (line: string) => logLines.push(line) }),
    waitFor: async (id) => {
      waited.push(id);
    },
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0.5,
  };
  const process = createAgentActionProcessor(deps);
  const updates: ActionJobData[] = [];
  const job = (data: Partial<ActionJobData> = {}, attemptsMade = 0) =>
    ({
      id: 'login-1001-20261201T033000Z',
      attemptsMade,
      data: { action: 'login', agentId: '1001', phone: '+91', at: T, kind: 'roster', revision: 'r', ...data },
      updateData: async (next: ActionJobData) => {
        updates.push(next);
      },
    }) as unknown as Job<ActionJobData>;
  const plan = (start: number, end: number) =>
    store.writePlan([{ agentId: '1001' as AgentId, phone: '+91', zone: 'Asia/Kolkata', start, end }], {
      revision: 'r',
      file: 'roster.yaml',
      zone: 'Asia/Kolkata',
      syncedAt: T,
      from: T - 12 * 60 * M,
      to: T + 7 * 24 * 60 * M,
    });
  return {
    store,
    calls,
    deps,
    process,
    job,
    plan,
    updates,
    waited,
    slept,
    logLines,
    setClock: (ms: number) => (clock = ms),
    advance: (ms: number) => (clock += ms),
  };
}

describe('the agent-action processor', () => {
  it('logs in on time, records the attempt, and notes the agent as logged in by the roster', async () => {
    const s = setup([{ outcome: 'done', message: 'Agent 1001 logged in successfully', httpStatus: 200 }]);
    await s.plan(T, T + 60 * M);
    expect(await s.process(s.job())).toEqual({
      outcome: 'done',
      message: 'Agent 1001 logged in successfully',
    });
    expect(s.calls).toEqual([{ action: 'login', agentId: '1001', password: 'pw', phone: '+91' }]);
    expect(await s.store.history()).toEqual([
      {
        jobId: 'login-1001-20261201T033000Z',
        agentId: '1001',
        action: 'login',
        kind: 'roster',
        at: T,
        startedAt: T + 120,
        lateMs: 120,
        attempt: 1,
        outcome: 'done',
        message: 'Agent 1001 logged in successfully',
        latencyMs: 7,
        httpStatus: 200,
      },
    ]);
    expect(await s.store.agentStates()).toEqual(
      new Map([['1001', { loggedIn: true, since: T + 120, source: 'roster', phone: '+91' }]]),
    );
  });

  it('skips a login whose session is gone, without calling', async () => {
    const s = setup([]);
    expect(await s.process(s.job())).toEqual({
      outcome: 'skipped',
      message: 'stale: the session has ended or is no longer in the plan',
    });
    expect(s.calls).toEqual([]);
    expect((await s.store.history())[0]?.outcome).toBe('skipped');
  });

  it('fails for good, without calling, when the agent has no password', async () => {
    const s = setup([], {});
    await s.plan(T, T + 60 * M);
    await expect(s.process(s.job())).rejects.toThrow(UnrecoverableError);
    expect(s.calls).toEqual([]);
    expect((await s.store.history())[0]?.message).toBe(
      'no password for agent 1001 in the credentials file; add it and run rota requeue',
    );
  });

  it('retries a transient failure after the backoff, and rejects at once what cannot succeed', async () => {
    const s = setup([
      { outcome: 'transient', message: 'HTTP 503' },
      { outcome: 'rejected', message: 'Invalid Authentication' },
    ]);
    await s.plan(T, T + 60 * M);
    const retry = await s.process(s.job()).catch((error: unknown) => error);
    expect(retry).toBeInstanceOf(RetryLater);
    expect((retry as RetryLater).delayMs).toBe(1500);
    await expect(s.process(s.job({}, 1))).rejects.toThrow(new UnrecoverableError('Invalid Authentication'));
    // Every attempt is recorded; neither changed what rota achieved for the agent.
    expect((await s.store.history()).map((e) => e.outcome)).toEqual(['transient', 'rejected']);
    expect(await s.store.agentStates()).toEqual(new Map());
  });

  it('writes the attempt and the state it reached in one store call, and reports it once written', async () => {
    const s = setup([{ outcome: 'done', message: 'ok', httpStatus: 200 }]);
    await s.plan(T, T + 60 * M);
    const events: unknown[] = [];
    const process = createAgentActionProcessor({
      ...s.deps,
      store: {
        agentSessions: (agentId) => s.store.agentSessions(agentId),
        record: async (entry, state) => {
          events.push(['record', entry.outcome, state]);
          await s.store.record(entry, state);
          events.push('written');
        },
      },
      onAttempt: (entry) => events.push(['reported', entry.outcome]),
    });
    await process(s.job());
    expect(events).toEqual([
      ['record', 'done', { loggedIn: true, since: T + 120, source: 'roster', phone: '+91' }],
      'written',
      ['reported', 'done'],
    ]);
    expect(s.logLines.map((line) => JSON.parse(line).msg)).toEqual(['login 1001: done']);
  });

  it('starts the 2-minute conflict window at the first conflict, and gives up when it has passed', async () => {
    const s = setup([
      { outcome: 'conflict', message: '1002 logged in with the number (+91)' },
      { outcome: 'conflict', message: '1002 logged in with the number (+91)' },
    ]);
    await s.plan(T, T + 60 * M);
    await expect(s.process(s.job())).rejects.toBeInstanceOf(RetryLater);
    expect(s.updates.map((d) => d.conflictSince)).toEqual([T + 120]);
    s.advance(2 * M);
    await expect(s.process(s.job({ conflictSince: T + 120 }, 5))).rejects.toThrow(
      /gave up after 6 attempts \(the phone stayed held by another agent for 2 minutes\)/,
    );
  });

  it('waits for the logout that frees its phone before a handover login', async () => {
    const s = setup([{ outcome: 'done', message: 'ok' }]);
    await s.plan(T, T + 60 * M);
    await s.process(s.job({ after: 'logout-1002-20261201T033000Z' }));
    expect(s.waited).toEqual(['logout-1002-20261201T033000Z']);
  });

  it('skips a logout while the agent is inside a later session, and marks a done logout', async () => {
    const s = setup([{ outcome: 'already', message: 'Agent 1001 is not logged in' }]);
    await s.plan(T - 30 * M, T + 60 * M);
    const inside = await s.process(s.job({ action: 'logout', deadline: T + 30 * M }));
    expect(inside.outcome).toBe('skipped');
    await s.plan(T - 60 * M, T);
    expect(await s.process(s.job({ action: 'logout', deadline: T + 30 * M }))).toEqual({
      outcome: 'already',
      message: 'Agent 1001 is not logged in',
    });
    expect((await s.store.agentStates()).get('1001')?.loggedIn).toBe(false);
  });

  it('taken a little early, waits for the instant itself before calling', async () => {
    const s = setup([{ outcome: 'done', message: 'ok' }]);
    await s.plan(T, T + 60 * M);
    s.setClock(T - 430);
    await s.process(s.job());
    expect(s.slept).toEqual([430]);
    expect((await s.store.history())[0]).toMatchObject({ startedAt: T, lateMs: 0, outcome: 'done' });
  });

  it('decides before the handover wait: a login no longer wanted does not wait for the logout', async () => {
    const s = setup([]);
    expect((await s.process(s.job({ after: 'logout-1002-20261201T033000Z' }))).outcome).toBe('skipped');
    expect(s.waited).toEqual([]);
  });

  it('retries an unexpected error like a transient one, logged once with its stack, never past the deadline', async () => {
    const s = setup([]);
    s.store.agentSessions = async () => {
      throw new TypeError('boom');
    };
    const logout = { action: 'logout' as const, deadline: T + 30 * M };
    const first = await s.process(s.job(logout)).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(RetryLater);
    expect((first as RetryLater).delayMs).toBe(1500);
    const logged = s.logLines.map((line) => JSON.parse(line));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, job: 'login-1001-20261201T033000Z' });
    expect(logged[0].err.stack).toContain('TypeError: boom');
    s.advance(30 * M);
    await expect(s.process(s.job(logout, 40))).rejects.toThrow(UnrecoverableError);
  });

  it('pauses every call when the account is refused, and the job waits instead of failing', async () => {
    const s = setup([{ outcome: 'rejected', message: 'Invalid userName or apiKey', scope: 'account' }]);
    await s.plan(T, T + 60 * M);
    const paused: string[] = [];
    const withPause = createAgentActionProcessor({
      ...s.deps,
      pauseAll: async (reason) => {
        paused.push(reason);
      },
    });
    const error = await withPause(s.job()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLater);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(paused).toEqual([
      expect.stringContaining('CloudAgent refused the account (Invalid userName or apiKey)'),
    ]);
  });
});
