import { describe, expect, it } from 'vitest';
import {
  byRunOrder,
  CATCH_UP_LOGOUT_MS,
  instantKey,
  jobId,
  LOGOUT_DEADLINE_MS,
  manualJob,
  parseJobId,
  planJobs,
  syncWindow,
} from '../../src/plan/jobs.js';
import type { AgentId, Session } from '../../src/roster/types.js';

const NOW = Date.parse('2026-12-01T03:00:00Z');
const H = 3_600_000;
const session = (agent: string, start: number, end: number, phone = `+91980000${agent}`): Session => ({
  agentId: agent as AgentId,
  phone,
  zone: 'Asia/Kolkata',
  start,
  end,
});

describe('job IDs', () => {
  it('are deterministic, colon-free and readable', () => {
    expect(jobId('roster', 'login', '1001', Date.parse('2026-12-01T03:30:00Z'))).toBe(
      'login-1001-20261201T033000Z',
    );
    expect(jobId('roster', 'logout', '1001', Date.parse('2026-12-01T03:30:00.250Z'))).toBe(
      'logout-1001-20261201T033000.250Z',
    );
    expect(jobId('release', 'logout', 'a:b', NOW)).toBe('release-a~3ab-20261201T030000Z');
    expect(jobId('manual', 'login', '1001', NOW)).toBe('manual-login-1001-20261201T030000Z');
    expect(instantKey(NOW)).not.toContain(':');
  });

  it('parse back to (kind, action, agent, instant), agents with dashes and colons included', () => {
    for (const [kind, action, agent] of [
      ['roster', 'login', '1001'],
      ['roster', 'logout', 'team-a-7'],
      ['release', 'logout', 'x:y~z'],
      ['manual', 'logout', '42'],
    ] as const) {
      const id = jobId(kind, action, agent, NOW + 1234);
      expect(id).not.toContain(':');
      expect(parseJobId(id)).toEqual({ kind, action, agentId: agent, at: NOW + 1234 });
    }
    expect(parseJobId('something-else')).toBeUndefined();
    expect(parseJobId('login-1001-2026')).toBeUndefined();
  });
});

describe('planJobs', () => {
  it('plans a login at the start and a logout at the end of a future session', () => {
    const jobs = planJobs([session('1001', NOW + H, NOW + 9 * H)], syncWindow(NOW, 7 * 24 * H), 'rev1');
    expect(jobs).toEqual([
      {
        id: jobId('roster', 'logout', '1001', NOW + 9 * H),
        runAt: NOW + 9 * H,
        data: {
          action: 'logout',
          agentId: '1001',
          phone: '+919800001001',
          at: NOW + 9 * H,
          kind: 'roster',
          session: { start: NOW + H, end: NOW + 9 * H },
          revision: 'rev1',
          deadline: NOW + 9 * H + LOGOUT_DEADLINE_MS,
        },
      },
      {
        id: jobId('roster', 'login', '1001', NOW + H),
        runAt: NOW + H,
        data: {
          action: 'login',
          agentId: '1001',
          phone: '+919800001001',
          at: NOW + H,
          kind: 'roster',
          session: { start: NOW + H, end: NOW + 9 * H },
          revision: 'rev1',
        },
      },
    ]);
  });

  it('runs now the login of a session in progress and the logout of one that ended within 12 h', () => {
    const jobs = planJobs(
      [
        session('1', NOW - H, NOW + H),
        session('2', NOW - 5 * H, NOW - 2 * H),
        session('3', NOW - 20 * H, NOW - 13 * H),
      ],
      syncWindow(NOW, 24 * H),
      'r',
    );
    expect(jobs.map((j) => [j.id, j.runAt - NOW])).toEqual([
      [jobId('roster', 'logout', '1', NOW + H), H],
      [jobId('roster', 'logout', '2', NOW - 2 * H), 0],
      [jobId('roster', 'login', '1', NOW - H), 0],
    ]);
    expect(jobs[1]?.data.deadline).toBe(NOW + LOGOUT_DEADLINE_MS);
    expect(CATCH_UP_LOGOUT_MS).toBe(12 * H);
  });

  it('leaves out what is due beyond the horizon', () => {
    const jobs = planJobs([session('1', NOW + 23 * H, NOW + 25 * H)], syncWindow(NOW, 24 * H), 'r');
    expect(jobs.map((j) => j.data.action)).toEqual(['login']);
  });

  it('plans a future window as a sync would see it then: no catch-up, instants inside the window only', () => {
    const sessions = [session('1', NOW - H, NOW + H), session('2', NOW + 30 * H, NOW + 32 * H)];
    const window = { now: NOW, from: NOW + 24 * H, to: NOW + 48 * H };
    expect(planJobs(sessions, window, 'r').map((j) => j.id)).toEqual([
      jobId('roster', 'logout', '2', NOW + 32 * H),
      jobId('roster', 'login', '2', NOW + 30 * H),
    ]);
  });

  it('makes a handover login wait for the logout that frees its phone', () => {
    const phone = '+919800000001';
    const jobs = planJobs(
      [session('a', NOW + H, NOW + 2 * H, phone), session('b', NOW + 2 * H, NOW + 3 * H, phone)],
      syncWindow(NOW, 24 * H),
      'r',
    );
    const login = jobs.find((j) => j.id === jobId('roster', 'login', 'b', NOW + 2 * H));
    expect(login?.data.after).toBe(jobId('roster', 'logout', 'a', NOW + 2 * H));
    expect(jobs.find((j) => j.id === jobId('roster', 'login', 'a', NOW + H))?.data.after).toBeUndefined();
  });
});

describe('manual jobs', () => {
  it('are kind manual with a deadline 30 minutes after their instant and a parseable ID', () => {
    const NOW = Date.parse('2026-12-01T04:30:00Z');
    const M = 60_000;
    const job = manualJob('login', '1001', '+919800000001', NOW + 90_123);
    expect(job).toEqual({
      id: 'manual-login-1001-20261201T043130.123Z',
      runAt: NOW + 90_123,
      data: {
        action: 'login',
        agentId: '1001',
        phone: '+919800000001',
        at: NOW + 90_123,
        kind: 'manual',
        revision: 'manual',
        deadline: NOW + 90_123 + 30 * M,
        source: 'cli',
      },
    });
    expect(parseJobId(job.id)).toEqual({
      kind: 'manual',
      action: 'login',
      agentId: '1001',
      at: NOW + 90_123,
    });
  });

  it('send no phone when none is known (a logout of an agent not on the roster)', () => {
    const job = manualJob('logout', '1001', undefined, Date.parse('2026-12-01T04:30:00Z'), 'web');
    expect(job.data).not.toHaveProperty('phone');
    expect(job.data.source).toBe('web');
  });
});

describe('the order actions reach the API', () => {
  it('is by run time, logouts before logins at one instant (a handover), then by agent ID', () => {
    const at = (h: number) => NOW + h * H;
    const jobs = planJobs(
      [
        session('2', at(10), at(20), 'p'),
        session('1', at(0), at(10), 'p'),
        session('3', at(10), at(20), 'q'),
      ],
      { now: NOW, from: NOW, to: NOW + 100 * H },
      'r',
    ).sort(byRunOrder);
    expect(jobs.map((j) => `${(j.data.at - NOW) / H} ${j.data.action} ${j.data.agentId}`)).toEqual([
      '0 login 1',
      '10 logout 1',
      '10 login 2',
      '10 login 3',
      '20 logout 2',
      '20 logout 3',
    ]);
  });

  it('keeps only actions inside the window, start included, end excluded', () => {
    const jobs = planJobs(
      [session('1', NOW + 1, NOW + 10, 'p'), session('2', NOW + 10, NOW + 20, 'p')],
      { now: NOW, from: NOW + 10, to: NOW + 20 },
      'r',
    ).sort(byRunOrder);
    expect(jobs.map((j) => [j.data.action, j.data.agentId, j.data.at - NOW])).toEqual([
      ['logout', '1', 10],
      ['login', '2', 10],
    ]);
  });
});
