import { describe, expect, it } from 'vitest';
import {
  inUtc,
  inZone,
  type JobView,
  manualInstant,
  manualJob,
  nextActions,
  parseDate,
  parseTime,
  pickJobs,
  planCheckNote,
  relative,
  requeuedData,
  span,
} from '../../src/plan/admin.js';
import { type ActionJobData, parseJobId } from '../../src/plan/jobs.js';
import { localDaysWindow, ZoneClock } from '../../src/roster/expand-zone.js';
import type { AgentId, Session } from '../../src/roster/types.js';

const M = 60_000;
/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');
const kolkata = new ZoneClock('Asia/Kolkata');

describe('parseTime: TIME is ISO 8601 with an offset or HH:MM[:SS] today in the roster zone', () => {
  it.each([
    ['09:00', kolkata, NOW, '2026-12-01T03:30:00.000Z'],
    ['23:59:30', kolkata, NOW, '2026-12-01T18:29:30.000Z'],
    ['2026-12-01T09:00:00+05:30', kolkata, NOW, '2026-12-01T03:30:00.000Z'],
    ['2026-12-01T09:00-05:00', kolkata, NOW, '2026-12-01T14:00:00.000Z'],
    ['2026-12-01T03:30:00.250Z', kolkata, NOW, '2026-12-01T03:30:00.250Z'],
    // Europe/London springs forward at 01:00 on 2026-03-29: 01:30 is in the gap and moves to 02:30 BST.
    ['01:30', new ZoneClock('Europe/London'), Date.parse('2026-03-29T09:00:00Z'), '2026-03-29T01:30:00.000Z'],
    // America/New_York falls back at 02:00 on 2026-11-01: 01:30 happens twice; the earlier (EDT) counts.
    [
      '01:30',
      new ZoneClock('America/New_York'),
      Date.parse('2026-11-01T12:00:00Z'),
      '2026-11-01T05:30:00.000Z',
    ],
    // Just after midnight in Kolkata it is still the previous day in UTC: "today" is the zone's.
    ['00:30', kolkata, Date.parse('2026-11-30T18:45:00Z'), '2026-11-30T19:00:00.000Z'],
  ])('%s', (text, clock, now, iso) => {
    expect(new Date(parseTime(text, clock, now) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([
    '9:00',
    '24:00',
    '12:60',
    '12:00:61',
    '2026-12-01T09:00:00',
    '2026-12-01 09:00:00+05:30',
    '2026-02-30T09:00:00+05:30',
    'tomorrow',
    '',
  ])('refuses %j', (text) => {
    expect(parseTime(text, kolkata, NOW)).toBeUndefined();
  });
});

describe('manualInstant', () => {
  it('is now without --at, and TIME when it is ahead', () => {
    expect(manualInstant(undefined, kolkata, NOW)).toEqual({ at: NOW });
    expect(manualInstant('10:05', kolkata, NOW)).toEqual({ at: NOW + 5 * M });
  });

  it('takes a time typed a moment ago as now', () => {
    expect(manualInstant('09:59:30', kolkata, NOW)).toEqual({ at: NOW });
  });

  it('refuses a bad time and one in the past, saying what would be right', () => {
    expect(manualInstant('9am', kolkata, NOW)).toEqual({
      error:
        '--at "9am" is not a time; give an ISO 8601 time with an offset like 2026-12-01T09:00:00+05:30, ' +
        'or HH:MM[:SS] today in the roster zone',
    });
    expect(manualInstant('09:00', kolkata, NOW)).toEqual({
      error: '--at "09:00" is 1h ago; give a time ahead, or leave --at out to act now',
    });
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-12-01', '2026-12-01'],
    ['2028-02-29', '2028-02-29'],
    ['2026-02-29', undefined],
    ['2026-13-01', undefined],
    ['2026-1-01', undefined],
    ['01/12/2026', undefined],
  ])('%s', (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });
});

describe('manual jobs', () => {
  it('are kind manual with a deadline 30 minutes after their instant and a parseable ID', () => {
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
      },
    });
    expect(parseJobId(job.id)).toEqual({
      kind: 'manual',
      action: 'login',
      agentId: '1001',
      at: NOW + 90_123,
    });
  });
});

const data = (over: Partial<ActionJobData> = {}): ActionJobData => ({
  action: 'login',
  agentId: '1',
  at: NOW,
  kind: 'roster',
  revision: 'r',
  session: { start: NOW, end: NOW + 60 * M },
  ...over,
});

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

describe('planCheckNote: the worker skips a requeued job the current plan no longer wants', () => {
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
    const text = planCheckNote(job, sessions, NOW);
    if (note === undefined) expect(text).toBeUndefined();
    else expect(text).toContain(note);
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

describe('showing times', () => {
  it('in the roster zone, in UTC, relative, and spans', () => {
    expect(inZone(kolkata, NOW)).toBe('2026-12-01 10:00:00 +05:30');
    expect(inZone(new ZoneClock('America/New_York'), NOW + 250)).toBe('2026-11-30 23:30:00 -05:00');
    expect(inUtc(NOW)).toBe('2026-12-01 04:30:00Z');
    expect([relative(NOW + 5 * M, NOW), relative(NOW - 90_000, NOW), relative(NOW + 200, NOW)]).toEqual([
      'in 5m',
      '1m30s ago',
      'now',
    ]);
    expect([span(312), span(-40), span(9_999), span(90_000), span(-3_600_000)]).toEqual([
      '312ms',
      '-40ms',
      '9999ms',
      '1m30s',
      '-1h',
    ]);
  });
});
