import { describe, expect, it } from 'vitest';
import { decide } from '../../src/plan/decide.js';
import type { ActionJobData } from '../../src/plan/jobs.js';
import type { AgentId, Session } from '../../src/roster/types.js';
import { loginData } from '../helpers/jobs.js';

const T = Date.parse('2026-12-01T03:30:00Z');
const M = 60_000;
const sessions: Session[] = [
  { agentId: '1' as AgentId, phone: '+91', zone: 'Asia/Kolkata', start: T, end: T + 60 * M },
  { agentId: '1' as AgentId, phone: '+91', zone: 'Asia/Kolkata', start: T + 120 * M, end: T + 180 * M },
];
const login = (at: number): ActionJobData => ({
  action: 'login',
  agentId: '1',
  at,
  kind: 'roster',
  revision: 'r',
});
const logout = (at: number): ActionJobData => ({
  action: 'logout',
  agentId: '1',
  at,
  kind: 'roster',
  revision: 'r',
  deadline: at + 30 * M,
});

describe('decide: a job never acts against the current plan', () => {
  it.each([
    ['login on time', login(T), T + 200, 0, sessions, { call: true, deadline: T + 60 * M }],
    [
      'login a little early by this clock',
      login(T),
      T - 300,
      0,
      sessions,
      { call: true, deadline: T + 60 * M },
    ],
    ['login whose session was removed', login(T + 90 * M), T + 90 * M, 0, sessions, { call: false }],
    ['login after its session ended', login(T), T + 61 * M, 0, sessions, { call: false }],
    ['late login with 59 s left', login(T), T + 59 * M + 1000, 0, sessions, { call: false }],
    ['late login with 5 min left', login(T), T + 55 * M, 0, sessions, { call: true, deadline: T + 60 * M }],
    [
      'retried login with 30 s left',
      login(T + 59 * M + 30_000),
      T + 59 * M + 30_000,
      1,
      sessions,
      { call: false },
    ],
    [
      'on-time login of a 30 s session',
      login(T + 59 * M + 30_000),
      T + 59 * M + 30_000,
      0,
      sessions,
      { call: true },
    ],
    ['logout at the end', logout(T + 60 * M), T + 60 * M, 0, sessions, { call: true, deadline: T + 90 * M }],
    ['logout run early by this clock', logout(T + 60 * M), T + 60 * M - 500, 0, sessions, { call: true }],
    ['logout while a later session runs', logout(T + 60 * M), T + 130 * M, 0, sessions, { call: false }],
    ['logout for an agent no longer planned', logout(T + 60 * M), T + 60 * M, 0, [], { call: true }],
  ] as const)('%s', (_name, job, now, attempts, plan, expected) => {
    expect(decide(job, plan, now, attempts)).toMatchObject(expected);
  });

  it('says why it skips', () => {
    expect(decide(logout(T + 60 * M), sessions, T + 130 * M, 0)).toEqual({
      call: false,
      reason: 'the agent is inside a session until 2026-12-01T06:30:00.000Z by the current plan',
    });
    expect(decide(login(T), sessions, T + 61 * M, 0)).toEqual({
      call: false,
      reason: 'stale: the session has ended or is no longer in the plan',
    });
  });

  it('lets manual actions through whatever the plan says', () => {
    const manual: ActionJobData = { ...logout(T), kind: 'manual' };
    expect(decide(manual, sessions, T + 10 * M, 0)).toEqual({ call: true, deadline: T + 30 * M });
  });
});

const NOW = Date.parse('2026-12-01T04:30:00Z');
const data = (over: Partial<ActionJobData> = {}) => loginData(NOW, over);
describe('decide for a requeued job: the worker skips one the current plan no longer wants', () => {
  const session: Session = {
    agentId: '1' as AgentId,
    phone: '+91',
    zone: 'Asia/Kolkata',
    start: NOW - 60 * M,
    end: NOW + 60 * M,
  };
  it.each([
    ['a login inside its session', data({ at: NOW - 60 * M }), [session], undefined],
    ['a login whose session ended', data({ at: NOW - 180 * M }), [], 'stale'],
    ['a logout while the agent is on shift', data({ action: 'logout' }), [session], 'inside a session'],
    ['a manual login', data({ kind: 'manual', deadline: NOW }), [], undefined],
  ])('%s', (_, job, sessions, note) => {
    const decision = decide(job, sessions, NOW, 0);
    if (note === undefined) expect(decision.call).toBe(true);
    else expect(decision.call === false && decision.reason).toContain(note);
  });
});
