import { describe, expect, it } from 'vitest';
import type { AgentLoginState, HistoryEntry } from '../../src/store/store.js';
import { queuePerTest } from '../helpers/queue.js';

/** The Store's write of an attempt, on the run's private redis-server. */

const queues = queuePerTest();

const entry = (agentId: string): HistoryEntry => ({
  jobId: `login-${agentId}-20261201T033000Z`,
  agentId,
  action: 'login',
  kind: 'roster',
  at: Date.now(),
  startedAt: Date.now(),
  lateMs: 0,
  latencyMs: 40,
  outcome: 'done',
  message: `Agent ${agentId} logged in successfully`,
  attempt: 1,
});

describe('Store.record', () => {
  it('adds the attempt, and sets the agent state only when given one', async () => {
    const { store } = queues.open();
    const state: AgentLoginState = { loggedIn: true, since: Date.now(), source: 'roster', phone: '+91' };
    await store.record(entry('1001'), state);
    await store.record(entry('1002'));
    expect((await store.history()).map((e) => e.agentId)).toEqual(['1001', '1002']);
    expect(await store.agentStates()).toEqual(new Map([['1001', state]]));
  });

  it('rejects when Redis refuses either write', async () => {
    const { store } = queues.open();
    const state: AgentLoginState = { loggedIn: false, since: Date.now(), source: 'roster' };
    await store.redis.set(store.keys.agents, 'not a hash');
    await expect(store.record(entry('1001'), state)).rejects.toThrow(/WRONGTYPE/);
    await store.redis.set(store.keys.history, 'not a stream');
    await expect(store.record(entry('1001'))).rejects.toThrow(/WRONGTYPE/);
  });
});
