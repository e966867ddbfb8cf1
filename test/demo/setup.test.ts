import { describe, expect, it } from 'vitest';
import { formatAttempt, summarize } from '../../src/demo/report.js';
import { buildDemo, DEMO_AGENTS } from '../../src/demo/setup.js';
import { expandRoster } from '../../src/roster/expand.js';
import { parseRoster } from '../../src/roster/parse.js';
import type { HistoryEntry } from '../../src/store/store.js';

const NOW = Date.parse('2026-12-01T03:29:40.400Z');

describe('the demo roster', () => {
  it('is a valid roster whose shifts start within the next minute and end when it says', () => {
    const demo = buildDemo(NOW);
    const { roster, issues } = parseRoster(demo.rosterYaml, 'demo.yaml');
    expect(issues).toEqual([]);
    if (!roster) throw new Error('no roster');
    const { sessions, issues: planIssues } = expandRoster(roster, {
      from: NOW - 3_600_000,
      to: NOW + 3_600_000,
    });
    expect(planIssues).toEqual([]);
    expect(demo.base).toBe(Date.parse('2026-12-01T03:29:41Z'));
    const future = sessions.filter((s) => s.start > NOW);
    expect(future.every((s) => s.start - NOW < 60_000)).toBe(true);
    expect(Math.max(...sessions.map((s) => s.end))).toBe(demo.lastEnd);
    // 1004's back-to-back shifts merge; 1002 and 1003 share a phone with a handover.
    expect(sessions.filter((s) => s.agentId === '1004')).toHaveLength(1);
    const handover = sessions.filter((s) => s.agentId === '1002' || s.agentId === '1003');
    expect(handover[0]?.end).toBe(handover[1]?.start);
    expect(handover[0]?.phone).toBe(handover[1]?.phone);
    expect(sessions).toHaveLength(DEMO_AGENTS.length);
  });

  it('gives 1006 a wrong password and knows 1008 as logged in already', () => {
    const demo = buildDemo(NOW);
    expect(demo.credentialsYaml).toContain('"1006": "not-the-password"');
    expect(demo.simulatorAgents['1006']).not.toBe('not-the-password');
    expect(Object.keys(demo.loggedIn)).toEqual(['1008']);
  });
});

describe('the demo report', () => {
  const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
    jobId: 'login-1001-20261201T033000Z',
    agentId: '1001',
    action: 'login',
    kind: 'roster',
    at: Date.parse('2026-12-01T03:30:00Z'),
    startedAt: Date.parse('2026-12-01T03:30:00.042Z'),
    lateMs: 42,
    latencyMs: 3,
    outcome: 'done',
    message: 'Agent 1001 logged in successfully',
    attempt: 1,
    ...over,
  });

  it('prints one line per attempt in the demo zone', () => {
    expect(formatAttempt(entry({}), 'Asia/Kolkata')).toBe(
      '  09:00:00.042  login   1001  done       late 42 ms     api 3 ms     Agent 1001 logged in successfully\n',
    );
    expect(formatAttempt(entry({ lateMs: 2500, attempt: 3, outcome: 'transient' }), 'UTC')).toContain(
      'transient  late 2.5 s ',
    );
  });

  it('sums up outcomes, lateness and who is still logged in', () => {
    const text = summarize(
      [
        entry({}),
        entry({ action: 'logout', outcome: 'transient', lateMs: 10 }),
        entry({ action: 'logout', outcome: 'transient', attempt: 2, lateMs: 1500 }),
        entry({ action: 'logout', outcome: 'done', attempt: 3, lateMs: 4000 }),
      ],
      DEMO_AGENTS.slice(0, 2),
      ['1002'],
    );
    expect(text).toContain(
      'Summary: 4 attempts (2 done, 2 transient); scheduled actions started at most 42 ms late;',
    );
    expect(text).toContain('still logged in: 1002');
    expect(text).toMatch(/1001 +login done → logout transient ×2 → logout done +logged out/);
    expect(text).toMatch(/1002 +\(no call\) +logged in/);
  });
});
