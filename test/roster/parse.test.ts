import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandRoster } from '../../src/roster/expand.js';
import { formatIssue } from '../../src/roster/format.js';
import { loadRoster } from '../../src/roster/load.js';
import { parseRoster } from '../../src/roster/parse.js';
import type { RosterIssue } from '../../src/roster/types.js';

const head = 'version: 1\ntimezone: Asia/Kolkata\n';

/** A roster with one agent whose only shift is `shift` (written on line 7, column 9). */
const withShift = (shift: string) =>
  `${head}agents:\n  - id: "1001"\n    phone: "+919876543210"\n    shifts:\n      - ${shift}\n`;

const shiftPlace = { file: 'r.yaml', line: 7, column: 9, path: 'agents[0].shifts[0]' };
const t = (hour: number, minute = 0, second = 0) => ({ hour, minute, second });

function parsed(text: string) {
  const { roster, issues } = parseRoster(text, 'r.yaml');
  expect(issues).toEqual([]);
  if (!roster) throw new Error('expected a roster');
  return roster;
}

describe('parseRoster: shift forms normalise', () => {
  it.each([
    [
      '{ days: [mon-fri], start: "09:00", end: "18:00" }',
      { kind: 'weekly', days: [1, 2, 3, 4, 5], start: t(9), end: t(18) },
    ],
    [
      '{ days: [fri-mon], start: "9:05", end: "17:30:15" }',
      { kind: 'weekly', days: [1, 5, 6, 7], start: t(9, 5), end: t(17, 30, 15) },
    ],
    [
      '{ days: [SAT, sun, Sat, sat-sun], start: "22:00", end: "06:00" }',
      { kind: 'weekly', days: [6, 7], start: t(22), end: t(6) },
    ],
    ['{ days: [wed], start: "00:00", end: "00:00" }', { kind: 'weekly', days: [3], start: t(0), end: t(0) }],
    [
      '{ days: [tue-tue], start: "23:59:59", end: "0:00" }',
      { kind: 'weekly', days: [2], start: t(23, 59, 59), end: t(0) },
    ],
    [
      '{ days: [sun], start: "10:00", end: "14:00", from: 2026-12-01, until: 2027-03-31 }',
      { kind: 'weekly', days: [7], start: t(10), end: t(14), from: '2026-12-01', until: '2027-03-31' },
    ],
    [
      '{ date: 2026-12-24, start: "10:00", end: "14:00" }',
      { kind: 'date', date: '2026-12-24', start: t(10), end: t(14) },
    ],
    [
      '{ date: 2028-02-29, start: "22:00", end: "22:00" }',
      { kind: 'date', date: '2028-02-29', start: t(22), end: t(22) },
    ],
    [
      '{ cron: "30 21 * * 5", duration: 8h30m }',
      { kind: 'cron', cron: '30 21 * * 5', durationMs: 30_600_000 },
    ],
    [
      '{ cron: " 0  9 * * mon-fri ", duration: 90m }',
      { kind: 'cron', cron: '0 9 * * mon-fri', durationMs: 5_400_000 },
    ],
    [
      '{ cron: "*/15 * 1 jan *", duration: 45s }',
      { kind: 'cron', cron: '*/15 * 1 jan *', durationMs: 45_000 },
    ],
    ['{ cron: "0 0 * * 0", duration: 1h15m30s }', { kind: 'cron', cron: '0 0 * * 0', durationMs: 4_530_000 }],
    [
      '{ cron: "0 22 * * 7", duration: 24h, from: 2026-01-01, until: 2026-01-01 }',
      { kind: 'cron', cron: '0 22 * * 7', durationMs: 86_400_000, from: '2026-01-01', until: '2026-01-01' },
    ],
  ])('%s', (shift, expected) => {
    expect(parsed(withShift(shift)).agents[0]?.shifts).toEqual([{ ...expected, place: shiftPlace }]);
  });
});

describe('parseRoster: the roster as a whole', () => {
  const text = `${head}holidays:
  - 2026-12-25
  - { date: 2027-01-26, name: Republic Day }
teams:
  morning:
    shifts:
      - { days: [mon-fri], start: "09:00", end: "18:00" }
  night shift:
    shifts: []
agents:
  - id: 0123
    phone: +919876543210
    team: morning
    timezone: Europe/London
    off:
      - 2026-12-31
      - { from: 2026-12-01, to: 2026-12-05, reason: annual leave }
      - { from: 2027-01-02, to: 2027-01-02 }
  - id: A-7
    phone: 9876543211
    team: night shift
    shifts:
    off:
`;

  it('keeps IDs and phones as written, defaults the zone, normalises holidays, leave and teams', () => {
    expect(parsed(text)).toEqual({
      version: 1,
      file: 'r.yaml',
      timezone: 'Asia/Kolkata',
      holidays: [{ date: '2026-12-25' }, { date: '2027-01-26', name: 'Republic Day' }],
      teams: {
        morning: {
          name: 'morning',
          shifts: [
            {
              kind: 'weekly',
              days: [1, 2, 3, 4, 5],
              start: t(9),
              end: t(18),
              place: { file: 'r.yaml', line: 9, column: 9, path: 'teams.morning.shifts[0]' },
            },
          ],
        },
        'night shift': { name: 'night shift', shifts: [] },
      },
      agents: [
        {
          id: '0123',
          phone: '+919876543210',
          team: 'morning',
          timezone: 'Europe/London',
          shifts: [],
          off: [
            { from: '2026-12-31', to: '2026-12-31' },
            { from: '2026-12-01', to: '2026-12-05', reason: 'annual leave' },
            { from: '2027-01-02', to: '2027-01-02' },
          ],
          place: { file: 'r.yaml', line: 13, column: 5, path: 'agents[0]' },
          phonePlace: { file: 'r.yaml', line: 14, column: 12, path: 'agents[0].phone' },
        },
        {
          id: 'A-7',
          phone: '9876543211',
          team: 'night shift',
          timezone: 'Asia/Kolkata',
          shifts: [],
          off: [],
          place: { file: 'r.yaml', line: 21, column: 5, path: 'agents[1]' },
          phonePlace: { file: 'r.yaml', line: 22, column: 12, path: 'agents[1].phone' },
        },
      ],
    });
  });

  it('gives a roster with its warnings when nothing is an error', () => {
    const { roster, issues } = parseRoster(
      `${head}agents:\n  - { id: "1001", phone: "+919876543210" }\n`,
      'r.yaml',
    );
    expect(roster?.agents.map((a) => a.id)).toEqual(['1001']);
    expect(issues.map(formatIssue)).toEqual([
      'r.yaml:4:5 agents[0]: warning: agent "1001" has no team and no shifts, so rota never logs them in',
    ]);
  });

  it('reports problems in line order, the cross-entry ones among them, and then gives no roster', () => {
    const { roster, issues } = parseRoster(
      `${head}agents:\n  - { id: "1", phone: "+919876543210", team: x, shifts: [{ days: [mon], start: "9", end: "10:00" }] }\n  - { id: "1", phone: "1" }\n`,
      'r.yaml',
    );
    expect(roster).toBeUndefined();
    expect(issues.map((i) => [i.line, i.column, i.path, i.severity])).toEqual([
      [4, 46, 'agents[0].team', 'error'],
      [4, 80, 'agents[0].shifts[0].start', 'error'],
      [5, 5, 'agents[1]', 'warning'],
      [5, 11, 'agents[1].id', 'error'],
      [5, 23, 'agents[1].phone', 'error'],
    ]);
  });

  it('reads a large roster (2,000 agents) and places its last shift', () => {
    const agents = Array.from(
      { length: 2000 },
      (_, i) =>
        `  - id: "${10_000 + i}"\n    phone: "+91${9_000_000_000 + i}"\n    shifts:\n      - { days: [mon-fri], start: "09:00", end: "18:00" }\n      - { cron: "30 21 * * 5", duration: 8h30m }\n`,
    );
    const roster = parsed(`${head}agents:\n${agents.join('')}`);
    expect(roster.agents).toHaveLength(2000);
    expect(roster.agents[1999]?.shifts[1]?.place).toEqual({
      file: 'r.yaml',
      line: 4 + 5 * 1999 + 4,
      column: 9,
      path: 'agents[1999].shifts[1]',
    });
  });
});

describe('parseRoster: names every object already has are plain names', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'];
  const text = `${head}teams:\n${names
    .map((name, i) => `  ${name}:\n    shifts: [{ days: [mon], start: "0${i}:00", end: "0${i + 1}:00" }]\n`)
    .join('')}agents:\n${names
    .map((name, i) => `  - id: "${name}"\n    phone: "+91987654321${i}"\n    team: ${name}\n`)
    .join('')}`;

  it('a team named __proto__, constructor, toString… is checked, kept and expanded like any other', () => {
    const roster = parsed(text);
    expect(Object.keys(roster.teams)).toEqual(names);
    // Monday 2026-11-30 in Kolkata, the whole day.
    const from = Date.UTC(2026, 10, 29, 18, 30);
    const { sessions, issues } = expandRoster(roster, { from, to: from + 86_400_000 });
    expect(issues).toEqual([]);
    expect(sessions.map((s) => [s.agentId, (s.start - from) / 3_600_000])).toEqual(
      names.map((name, i) => [name, i]),
    );
    expect(({} as Record<string, unknown>).shifts).toBeUndefined();
  });

  it('an agent whose team is a name no team has is told which teams there are', () => {
    const { issues } = parseRoster(
      `${head}teams:\n  day:\n    shifts: []\nagents:\n  - { id: "1", phone: "+919876543210", team: constructor }\n`,
      'r.yaml',
    );
    expect(issues.map(formatIssue)).toEqual([
      'r.yaml:7:46 agents[0].team: there is no team "constructor"; known teams: day',
    ]);
  });
});

describe('parseRoster: user text in messages is printable', () => {
  it.each([
    [
      'a bidi override in an ID',
      '"10\\u202e01"',
      '"10\\u202e01" contains an invisible formatting character (U+202E)',
    ],
    ['a C1 control in a phone', '"1001"\n    phone: "+91\\u009b98"', '"+91\\u009b98" is not a phone number'],
  ])('%s is escaped', (_name, id, message) => {
    const { issues } = parseRoster(
      `${head}agents:\n  - id: ${id}\n    shifts: [{ days: [mon], start: "09:00", end: "17:00" }]\n`,
      'r.yaml',
    );
    const shown = issues.map(formatIssue).join('\n');
    expect(shown).toContain(message);
    expect(shown).not.toMatch(/[\u0080-\u009f\u202e]/);
  });

  it('a team name with a control character is escaped where it is quoted', () => {
    const { issues } = parseRoster(
      `${head}agents:\n  - { id: "1", phone: "+919876543210", team: "night\\u0007" }\n`,
      'r.yaml',
    );
    expect(issues.map(formatIssue)).toEqual([
      'r.yaml:4:46 agents[0].team: there is no team "night\\u0007"; the roster has no teams section',
    ]);
  });
});

describe('formatIssue', () => {
  const base: RosterIssue = {
    file: 'roster.yaml',
    line: 14,
    column: 12,
    path: 'agents[2].shifts[0].end',
    severity: 'error',
    message: 'm',
  };
  it.each([
    [base, 'roster.yaml:14:12 agents[2].shifts[0].end: m'],
    [{ ...base, severity: 'warning' as const }, 'roster.yaml:14:12 agents[2].shifts[0].end: warning: m'],
    [{ ...base, path: '' }, 'roster.yaml:14:12: m'],
    [{ ...base, line: 0, column: 0, path: '' }, 'roster.yaml: m'],
    [{ ...base, line: 0, column: 0 }, 'roster.yaml agents[2].shifts[0].end: m'],
  ])('%j', (issue, line) => {
    expect(formatIssue(issue)).toBe(line);
  });
});

describe('config/roster.example.yaml', () => {
  const file = join(import.meta.dirname, '../../config/roster.example.yaml');

  it('loads with no issue and shows each feature it documents', async () => {
    const { roster, issues } = await loadRoster(file);
    expect(issues).toEqual([]);
    expect(roster?.holidays).toEqual([{ date: '2026-12-25' }, { date: '2027-01-26', name: 'Republic Day' }]);
    expect(Object.keys(roster?.teams ?? {})).toEqual(['day', 'night', 'rotating']);
    expect(roster?.teams.night?.shifts[0]).toMatchObject({ start: t(22), end: t(6) });
    expect(roster?.teams.rotating?.rotation?.weeks.map((week) => week.shifts.length)).toEqual([1, 1, 0]);
    expect(roster?.agents.map((a) => [a.id, a.timezone, a.shifts.map((s) => s.kind), a.off.length])).toEqual([
      // 1001's Saturday overtime comes from the included WFM export, after the roster's own shift.
      ['1001', 'Asia/Kolkata', ['date', 'date'], 0],
      ['1002', 'Asia/Kolkata', [], 2],
      ['1003', 'Asia/Kolkata', [], 0],
      ['1004', 'Europe/London', ['weekly', 'cron'], 0],
      ['1005', 'Asia/Kolkata', ['date', 'date', 'date', 'date'], 0],
      ['1006', 'Asia/Kolkata', [], 0],
      ['1007', 'Asia/Kolkata', [], 0],
    ]);
    expect(roster?.agents[6]?.rotationOffset).toBe(1);
    expect(await readFile(file, 'utf8')).toContain('# ');
  });
});
