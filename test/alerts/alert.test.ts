import { describe, expect, it } from 'vitest';
import {
  ALERT_KINDS,
  accountRefused,
  accountResumed,
  actionCompleted,
  actionFailed,
  actionsLate,
  alertBody,
  type Notice,
  noActionLate,
  pausedTooLong,
  resumed,
  rosterInvalid,
  rosterValid,
  SEVERITY,
  withoutSecrets,
} from '../../src/alerts/alert.js';
import { findLate, type PendingAction } from '../../src/alerts/watch.js';
import type { ActionJobData } from '../../src/plan/jobs.js';

const NOW = Date.parse('2026-12-01T03:35:00Z');
const AT = Date.parse('2026-12-01T03:30:00Z');
const job = { id: 'login-1001-20261201T033000Z', agentId: '1001', action: 'login' as const, at: AT };

describe('alert notices', () => {
  // Table: each condition, its key, state, and what its message says.
  const table: [string, Notice, { key: string; state: string; message: RegExp }][] = [
    [
      'a job failed for good',
      actionFailed(job, 'Invalid Authentication'),
      {
        key: 'action-failed:login-1001-20261201T033000Z',
        state: 'firing',
        message: /^login of agent 1001 due 2026-12-01 03:30:00Z failed for good: Invalid Authentication$/,
      },
    ],
    [
      'the failed job completed',
      actionCompleted(job, 'done: Agent logged in'),
      { key: 'action-failed:login-1001-20261201T033000Z', state: 'resolved', message: /completed: done/ },
    ],
    [
      'due actions not started',
      actionsLate({ count: 3, oldest: { ...job, lateMs: 125_000 }, lateAfterMs: 60_000 }),
      {
        key: 'action-late',
        state: 'firing',
        message:
          /^3 due action\(s\) not started 1m after their instant; the oldest is the login of agent 1001 due 2026-12-01 03:30:00Z, 2m5s late/,
      },
    ],
    ['no action late', noActionLate(), { key: 'action-late', state: 'resolved', message: /no due action/ }],
    [
      'the roster refused',
      rosterInvalid(2, 'roster.yaml:4:12 agents[0].shifts[0].end: "25:00" is not a time'),
      {
        key: 'roster-invalid',
        state: 'firing',
        message:
          /^the roster has 2 error\(s\); the scheduler keeps the last good plan\. First: roster\.yaml:4:12/,
      },
    ],
    [
      'the roster valid',
      rosterValid('abc123'),
      { key: 'roster-invalid', state: 'resolved', message: /abc123/ },
    ],
    [
      'paused too long',
      pausedTooLong(NOW - 45 * 60_000, 'maintenance', NOW),
      {
        key: 'paused',
        state: 'firing',
        message: /^rota has been paused for 45m \(since 2026-12-01 02:50:00Z\): maintenance;/,
      },
    ],
    ['resumed', resumed(), { key: 'paused', state: 'resolved', message: /resumed/ }],
    [
      'the account refused',
      accountRefused('CloudAgent refused the account (Invalid userName or apiKey)'),
      { key: 'account-refused', state: 'firing', message: /Invalid userName or apiKey/ },
    ],
    [
      'the account resumed',
      accountResumed(),
      { key: 'account-refused', state: 'resolved', message: /resumed/ },
    ],
  ];

  it.each(table)('%s', (_name, notice, expected) => {
    expect(notice.key).toBe(expected.key);
    expect(notice.state).toBe(expected.state);
    expect(notice.message).toMatch(expected.message);
    expect(ALERT_KINDS).toContain(notice.kind);
  });

  it('keys firing and resolved of one job alike, and two jobs apart', () => {
    const other = { ...job, id: 'logout-1001-20261201T113000Z', action: 'logout' as const };
    expect(actionFailed(job, 'x').key).toBe(actionCompleted(job, 'y').key);
    expect(actionFailed(job, 'x').key).not.toBe(actionFailed(other, 'x').key);
  });
});

describe('alertBody', () => {
  it('is the plain JSON shape, with null for what does not apply, and a one-line text', () => {
    const body = alertBody(actionFailed(job, 'Invalid\nAuthentication'), NOW);
    expect(body).toEqual({
      kind: 'action-failed',
      severity: 'warning',
      state: 'firing',
      key: 'action-failed:login-1001-20261201T033000Z',
      agent: '1001',
      action: 'login',
      job: 'login-1001-20261201T033000Z',
      at: '2026-12-01T03:35:00.000Z',
      message: 'login of agent 1001 due 2026-12-01 03:30:00Z failed for good: Invalid Authentication',
      text: '[FIRING warning] rota action-failed: login of agent 1001 due 2026-12-01 03:30:00Z failed for good: Invalid Authentication',
    });
    const roster = alertBody(rosterValid('abc'), NOW);
    expect(roster).toMatchObject({ agent: null, action: null, job: null, severity: 'warning' });
    expect(roster.text).toBe(`[RESOLVED] rota roster-invalid: ${roster.message}`);
  });

  it('marks the critical kinds', () => {
    expect(alertBody(accountRefused('refused'), NOW).text).toMatch(
      /^\[FIRING critical\] rota account-refused/,
    );
    expect(
      Object.entries(SEVERITY)
        .filter(([, s]) => s === 'critical')
        .map(([k]) => k),
    ).toEqual(['action-late', 'account-refused']);
  });

  it('redacts a secret that a message would carry, long ones only', () => {
    const body = alertBody(accountRefused('key test-api-key-secret was refused'), NOW, [
      'test-api-key-secret',
      'ab',
    ]);
    expect(JSON.stringify(body)).not.toContain('test-api-key-secret');
    expect(body.message).toBe('key [redacted] was refused');
    expect(withoutSecrets('tab and cab', ['ab'])).toBe('tab and cab');
  });
});

describe('findLate', () => {
  const data = (agentId: string, at: number): ActionJobData => ({
    action: 'login',
    agentId,
    at,
    kind: 'roster',
    revision: 'r',
  });
  const pending = (id: string, dueAt: number, attemptsMade = 0): PendingAction => ({
    id,
    data: data(id, dueAt),
    attemptsMade,
    dueAt,
  });

  it('counts first attempts due more than the threshold ago, and names the oldest', () => {
    const late = findLate(
      [
        pending('a', NOW - 61_000),
        pending('b', NOW - 300_000),
        pending('c', NOW - 59_000),
        pending('d', NOW - 900_000, 2),
      ],
      NOW,
      60_000,
    );
    expect(late).toEqual({
      count: 2,
      oldest: { id: 'b', agentId: 'b', action: 'login', at: NOW - 300_000, lateMs: 300_000 },
      lateAfterMs: 60_000,
    });
  });

  it('finds none when nothing is due that long ago', () => {
    expect(
      findLate([pending('a', NOW - 59_999), pending('r', NOW - 600_000, 1)], NOW, 60_000),
    ).toBeUndefined();
    expect(findLate([], NOW, 60_000)).toBeUndefined();
  });
});
