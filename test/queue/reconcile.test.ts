import type { JobState } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobId, planJobs, syncWindow } from '../../src/plan/jobs.js';
import { reconcile, sessionKey } from '../../src/queue/reconcile.js';
import type { Session } from '../../src/roster/types.js';
import type { AgentLoginState } from '../../src/store/store.js';
import { session } from '../helpers/sessions.js';

const NOW = Date.parse('2026-12-01T03:00:00Z');
const H = 3_600_000;

function run(
  sessions: Session[],
  existing: [string, JobState][] = [],
  agents: [string, AgentLoginState][] = [],
  now = NOW,
  cancelled: [string, string][] = [],
) {
  return reconcile({
    desired: planJobs(sessions, syncWindow(now, 24 * H), 'r2'),
    existing: new Map(existing),
    agents: new Map(agents),
    sessions,
    cancelled: new Map(cancelled),
    now,
    revision: 'r2',
  });
}

describe('reconcile', () => {
  it('adds what is missing and counts what is there as unchanged', () => {
    const sessions = [session('1', NOW + H, NOW + 2 * H)];
    const diff = run(sessions, [[jobId('roster', 'login', '1', NOW + H), 'delayed']]);
    expect(diff.add.map((j) => j.id)).toEqual([jobId('roster', 'logout', '1', NOW + 2 * H)]);
    expect(diff).toMatchObject({ remove: [], unchanged: 1, caughtUp: 0, released: 0 });
  });

  it('is level-triggered: applying the diff and reconciling again changes nothing', () => {
    const sessions = [session('1', NOW - H, NOW + 2 * H), session('2', NOW + H, NOW + 3 * H)];
    const first = run(sessions);
    const after = first.add.map((j) => [j.id, j.runAt > NOW ? 'delayed' : 'waiting'] as [string, JobState]);
    const second = run(sessions, after);
    expect(first.add).toHaveLength(4);
    expect(first.caughtUp).toBe(1);
    expect(second).toMatchObject({ add: [], remove: [], unchanged: 4, caughtUp: 0 });
  });

  it('never re-adds a job that finished, whatever its outcome', () => {
    const sessions = [session('1', NOW - H, NOW + H)];
    const login = jobId('roster', 'login', '1', NOW - H);
    for (const state of ['completed', 'failed'] as const) {
      expect(run(sessions, [[login, state]]).add.map((j) => j.id)).not.toContain(login);
    }
  });

  it('removes delayed roster jobs the plan no longer wants, and nothing else', () => {
    const gone = jobId('roster', 'login', '9', NOW + H);
    const running = jobId('roster', 'login', '8', NOW - 1000);
    const manual = jobId('manual', 'login', '9', NOW + H);
    const diff = run(
      [],
      [
        [gone, 'delayed'],
        [running, 'active'],
        [manual, 'delayed'],
      ],
    );
    expect(diff.remove).toEqual([gone]);
  });

  it('moves the logout to the new end when a session is shortened', () => {
    const diff = run(
      [session('1', NOW - H, NOW + H)],
      [
        [jobId('roster', 'login', '1', NOW - H), 'completed'],
        [jobId('roster', 'logout', '1', NOW + 3 * H), 'delayed'],
      ],
      [['1', { loggedIn: true, since: NOW - H, source: 'roster' }]],
    );
    expect(diff.remove).toEqual([jobId('roster', 'logout', '1', NOW + 3 * H)]);
    expect(diff.add.map((j) => [j.id, j.runAt])).toEqual([
      [jobId('roster', 'logout', '1', NOW + H), NOW + H],
    ]);
    expect(diff.released).toBe(0);
  });

  it('logs out now an agent rota logged in whose session was removed', () => {
    const diff = run(
      [],
      [
        [jobId('roster', 'login', '1', NOW - H), 'completed'],
        [jobId('roster', 'logout', '1', NOW + H), 'delayed'],
      ],
      [['1', { loggedIn: true, since: NOW - H, phone: '+91', source: 'roster' }]],
    );
    expect(diff.remove).toEqual([jobId('roster', 'logout', '1', NOW + H)]);
    expect(diff.released).toBe(1);
    expect(diff.add).toEqual([
      {
        id: jobId('release', 'logout', '1', NOW - H),
        runAt: NOW,
        data: {
          action: 'logout',
          agentId: '1',
          phone: '+91',
          at: NOW,
          kind: 'release',
          revision: 'r2',
          deadline: NOW + 30 * 60_000,
        },
      },
    ]);
  });

  it('does not release an agent a person logged in by hand, or one with a logout already due', () => {
    const manual = run([], [], [['1', { loggedIn: true, since: NOW - H, source: 'manual' }]]);
    expect(manual.add).toEqual([]);
    const due = run(
      [],
      [[jobId('roster', 'logout', '2', NOW - 1000), 'waiting']],
      [['2', { loggedIn: true, since: NOW - H, source: 'roster' }]],
    );
    expect(due.released).toBe(0);
  });

  it('releases once: a release that already exists is not added again', () => {
    const agents: [string, AgentLoginState][] = [['1', { loggedIn: true, since: NOW - H, source: 'roster' }]];
    const diff = run([], [[jobId('release', 'logout', '1', NOW - H), 'failed']], agents);
    expect(diff.add).toEqual([]);
  });

  it('keeps a cancelled roster action cancelled until the roster changes its session', () => {
    const login = jobId('roster', 'login', '1', NOW + H);
    const same = run([session('1', NOW + H, NOW + 2 * H)], [], [], NOW, [
      [login, sessionKey({ start: NOW + H, end: NOW + 2 * H })],
    ]);
    expect(same.add.map((j) => j.id)).toEqual([jobId('roster', 'logout', '1', NOW + 2 * H)]);
    expect(same.cancelled).toBe(1);
    const changed = run([session('1', NOW + H, NOW + 3 * H)], [], [], NOW, [
      [login, sessionKey({ start: NOW + H, end: NOW + 2 * H })],
    ]);
    expect(changed.add.map((j) => j.id)).toContain(login);
    expect(changed.cancelled).toBe(0);
  });

  it('does not release an agent whose logout a person cancelled', () => {
    const logout = jobId('roster', 'logout', '1', NOW - 60_000);
    const diff = run([], [], [['1', { loggedIn: true, since: NOW - H, source: 'roster' }]], NOW, [
      [logout, sessionKey({ start: NOW - H, end: NOW - 60_000 })],
    ]);
    expect(diff).toMatchObject({ add: [], released: 0 });
  });

  it('lets go of cancel marks once their instant is past every window a sync looks at', () => {
    const old = jobId('roster', 'login', '1', NOW - 13 * H);
    const recent = jobId('roster', 'logout', '1', NOW - 11 * H);
    const diff = run([], [], [], NOW, [
      [old, sessionKey({ start: NOW - 13 * H, end: NOW - 12.5 * H })],
      [recent, sessionKey({ start: NOW - 12 * H, end: NOW - 11 * H })],
    ]);
    expect(diff.expiredCancelMarks).toEqual([old]);
  });
});
