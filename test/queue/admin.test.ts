import { describe, expect, it } from 'vitest';
import type { ActionJobData } from '../../src/plan/jobs.js';
import { type JobView, nextActions, pickJobs, requeuedData } from '../../src/queue/admin.js';
import { localDaysWindow } from '../../src/time/zone-clock.js';
import { loginData } from '../helpers/jobs.js';

const M = 60_000;
/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');

const data = (over: Partial<ActionJobData> = {}) => loginData(NOW, over);

describe('requeuedData', () => {
  it('drops the conflict window and gives a passed deadline 30 minutes from now', () => {
    const logout = data({ action: 'logout', deadline: NOW - 60 * M, conflictSince: NOW - 90 * M });
    const { conflictSince: _, ...rest } = logout;
    expect(requeuedData(logout, NOW)).toEqual({ ...rest, deadline: NOW + 30 * M });
  });

  it('keeps a later deadline, and a roster login still ends at its session', () => {
    expect(requeuedData(data({ deadline: NOW + 50 * M }), NOW).deadline).toBe(NOW + 50 * M);
    expect(requeuedData(data({ conflictSince: NOW }), NOW)).toEqual(data());
  });
});

const view = (id: string, over: Partial<ActionJobData>, extra: Partial<JobView> = {}): JobView => ({
  id,
  data: data(over),
  state: 'delayed',
  attemptsMade: 0,
  ...extra,
});

describe('choosing jobs', () => {
  const jobs = [
    view('c', { agentId: '2', at: Date.parse('2026-12-01T20:00:00Z') }),
    view('b', { agentId: '1', at: Date.parse('2026-12-01T18:30:00Z') }),
    view('a', { agentId: '1', at: Date.parse('2026-12-01T18:29:59Z') }),
    view('d', { agentId: '1', at: Date.parse('2026-11-30T18:30:00Z') }),
  ];

  it('picks an agent’s jobs on one date of the roster zone, by instant', () => {
    const window = localDaysWindow('Asia/Kolkata', '2026-12-01', 1);
    expect(pickJobs(jobs, { agentId: '1', window }).map((j) => j.id)).toEqual(['d', 'a']);
    expect(pickJobs(jobs, { agentId: '1' }).map((j) => j.id)).toEqual(['d', 'a', 'b']);
    expect(pickJobs(jobs, {}).map((j) => j.id)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('lists the next actions by run time, logouts first at one instant, at most `count`', () => {
    const pending = [
      view('late', { at: NOW + 9 * M }, { runAt: NOW + 9 * M }),
      view('login', { at: NOW + M }, { runAt: NOW + M }),
      view('logout', { action: 'logout', at: NOW + M }, { runAt: NOW + M }),
      view('due', { at: NOW - 5 * M }, { state: 'waiting', runAt: NOW }),
    ];
    expect(nextActions(pending, 3).map((j) => j.id)).toEqual(['due', 'logout', 'login']);
  });
});
