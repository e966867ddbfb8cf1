import { describe, expect, it } from 'vitest';
import { checkRoster, checkWindow, rotationsToday } from '../../src/roster/check.js';
import { expandRoster } from '../../src/roster/expand.js';
import { formatIssue } from '../../src/roster/format.js';
import { parseRoster } from '../../src/roster/parse.js';
import { rosterRevision } from '../../src/roster/revision.js';
import { cycleWeek, sessionWeeks } from '../../src/roster/rotation.js';
import type { Roster, Session } from '../../src/roster/types.js';
import { ZoneClock } from '../../src/time/zone-clock.js';
import { FOUR_WEEK_ROTATION } from '../helpers/rotation.js';

/**
 * Rotations: week k of a cycle holds on the 7 days from start + 7k (modulo the cycle), an offset moves
 * an agent through it, a shift belongs to the week its start falls in, and every other rule (DST,
 * holidays, leave, merging, shared phones) applies as it does to weekly shifts.
 */

function parsed(text: string): Roster {
  const { roster, issues } = parseRoster(text, 'roster.yaml');
  if (!roster) throw new Error(`test roster does not parse:\n${issues.map(formatIssue).join('\n')}`);
  expect(issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  return roster;
}

/** From midnight of `first` for `days` days, in `zone`. */
function days(zone: string, first: string, count: number) {
  const clock = new ZoneClock(zone);
  const from = clock.resolve(Date.parse(`${first}T00:00:00Z`)).instant;
  return { from, to: clock.resolve(Date.parse(`${first}T00:00:00Z`) + count * 86_400_000).instant };
}

/** One agent's sessions as `YYYY-MM-DD HH:MM-HH:MM` in their zone (the end's date when it differs). */
function shown(sessions: readonly Session[], agentId: string): string[] {
  return sessions
    .filter((session) => session.agentId === agentId)
    .map((session) => {
      const clock = new ZoneClock(session.zone);
      const [start, end] = [clock.iso(session.start), clock.iso(session.end)];
      const endText =
        end.slice(0, 10) === start.slice(0, 10) ? end.slice(11, 16) : end.slice(0, 16).replace('T', ' ');
      return `${start.slice(0, 10)} ${start.slice(11, 16)}-${endText}`;
    });
}

/** The issue's rotation, with an agent on it and one a week ahead. */
const FOUR_WEEKS = `${FOUR_WEEK_ROTATION}agents:
  - { id: "1001", phone: "+919800000001", team: rotating }
  - { id: "1002", phone: "+919800000002", team: rotating, rotation_offset: 1 }
`;

/** A roster of one agent on a rotation of their own from `start`: each week's shifts, written inline. */
const ownRotation = (start: string, weeks: string[]) => `version: 1
timezone: Asia/Kolkata
agents:
  - id: "1001"
    phone: "+919800000001"
    rotation:
      start: ${start}
      weeks:
${weeks.map((shifts) => `        - shifts: [ ${shifts} ]\n`).join('')}`;

/** What week `pattern` (0..3) of FOUR_WEEKS gives in the calendar week from Monday `monday`. */
function expectedWeek(pattern: number, monday: string): string[] {
  const day = (n: number) =>
    new Date(Date.parse(`${monday}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const weekdays = [0, 1, 2, 3, 4];
  switch (pattern) {
    case 0:
      return weekdays.map((n) => `${day(n)} 06:00-14:00`);
    case 1:
      return weekdays.map((n) => `${day(n)} 14:00-22:00`);
    case 2:
      // sun-thu, the week's own days: Monday to Thursday, and the Sunday that ends the week.
      return [0, 1, 2, 3, 6].map((n) => `${day(n)} 22:00-${day(n + 1)} 06:00`);
    default:
      return [];
  }
}

describe('a 4-week cycle over 8 weeks', () => {
  const roster = parsed(FOUR_WEEKS);
  const { sessions, issues } = expandRoster(roster, days('Asia/Kolkata', '2026-12-07', 56));
  const mondays = Array.from({ length: 8 }, (_, k) =>
    new Date(Date.parse('2026-12-07T00:00:00Z') + 7 * k * 86_400_000).toISOString().slice(0, 10),
  );

  it('repeats earlies, lates, nights and a week off, twice, with nothing else', () => {
    expect(issues).toEqual([]);
    expect(shown(sessions, '1001')).toEqual(mondays.flatMap((monday, k) => expectedWeek(k % 4, monday)));
  });

  it('puts an agent with rotation_offset: 1 one week ahead', () => {
    expect(shown(sessions, '1002')).toEqual(
      mondays.flatMap((monday, k) => expectedWeek((k + 1) % 4, monday)),
    );
  });

  it('yields nothing before the start, whatever the offset', () => {
    const before = expandRoster(roster, days('Asia/Kolkata', '2026-11-23', 14));
    expect(before.sessions).toEqual([]);
  });

  it('says which week each session is in (plan), and where each rotation stands (check)', () => {
    const weekOf = sessionWeeks(roster);
    const weeks = (agentId: string) =>
      sessions
        .filter((s) => s.agentId === agentId)
        .map((s) => `${shown([s], agentId)[0]?.slice(0, 10)} ${weekOf(s)}`);
    expect(weeks('1001').filter((line) => line.startsWith('2026-12-1'))).toEqual([
      '2026-12-10 1',
      '2026-12-11 1',
      '2026-12-14 2',
      '2026-12-15 2',
      '2026-12-16 2',
      '2026-12-17 2',
      '2026-12-18 2',
    ]);
    expect(weeks('1002')[0]).toBe('2026-12-07 2');
    // Thursday 2026-12-17, 10:00 in Kolkata: the cycle's second week.
    const now = Date.parse('2026-12-17T04:30:00Z');
    expect(rotationsToday(roster, now)).toEqual([
      {
        team: 'rotating',
        agents: ['1001'],
        offset: 0,
        start: '2026-12-07',
        weeks: 4,
        started: true,
        week: 2,
        from: '2026-12-14',
        to: '2026-12-20',
      },
      {
        team: 'rotating',
        agents: ['1002'],
        offset: 1,
        start: '2026-12-07',
        weeks: 4,
        started: true,
        week: 3,
        from: '2026-12-14',
        to: '2026-12-20',
      },
    ]);
    expect(rotationsToday(roster, Date.parse('2026-12-01T04:30:00Z'))[1]).toMatchObject({
      started: false,
      week: 2,
      from: '2026-12-07',
      to: '2026-12-13',
    });
  });

  it('is checked over a whole cycle, however short the usual 14 days', () => {
    const now = Date.parse('2026-12-01T04:30:00Z');
    const { to } = checkWindow(roster, now);
    // The cycle starts on 2026-12-07 and lasts 28 days.
    expect(new Date(to).toISOString()).toBe('2027-01-04T18:30:00.000Z');
  });
});

describe('cycleWeek', () => {
  const rotation = parsed(FOUR_WEEKS).teams.rotating?.rotation;
  if (!rotation) throw new Error('no rotation');
  const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

  it.each([
    ['2026-12-06', 0, undefined],
    ['2026-12-06', 3, undefined],
    ['2026-12-07', 0, 0],
    ['2026-12-13', 0, 0],
    ['2026-12-14', 0, 1],
    ['2027-01-03', 0, 3],
    ['2027-01-04', 0, 0],
    ['2026-12-07', 1, 1],
    ['2026-12-07', 5, 1],
    ['2026-12-07', -1, 3],
  ])('%s with offset %i is week index %s', (date, offset, week) => {
    expect(cycleWeek(rotation, offset, day(date))).toBe(week);
  });
});

describe('a rotation starting mid-week', () => {
  it('counts its weeks from a Wednesday, and weekday patterns follow the weeks', () => {
    const roster = parsed(
      ownRotation('2026-12-09', [
        '{ days: [mon-fri], start: "09:00", end: "17:00" }',
        '{ days: [sat, sun], start: "10:00", end: "16:00" }',
      ]),
    );
    const { sessions } = expandRoster(roster, days('Asia/Kolkata', '2026-12-07', 21));
    expect(shown(sessions, '1001')).toEqual([
      // Week 1: Wednesday 2026-12-09 to Tuesday 2026-12-15.
      '2026-12-09 09:00-17:00',
      '2026-12-10 09:00-17:00',
      '2026-12-11 09:00-17:00',
      '2026-12-14 09:00-17:00',
      '2026-12-15 09:00-17:00',
      // Week 2: Wednesday 2026-12-16 to Tuesday 2026-12-22.
      '2026-12-19 10:00-16:00',
      '2026-12-20 10:00-16:00',
      // Week 1 again, from Wednesday 2026-12-23.
      '2026-12-23 09:00-17:00',
      '2026-12-24 09:00-17:00',
      '2026-12-25 09:00-17:00',
    ]);
  });
});

describe('an overnight shift at a week boundary', () => {
  const roster = parsed(
    ownRotation('2026-12-07', [
      '{ days: [sun], start: "22:00", end: "06:00" }',
      '{ days: [mon], start: "06:00", end: "10:00" }',
    ]),
  );

  it('stays with the week it starts in, and merges with the next week’s shift it touches', () => {
    const { sessions } = expandRoster(roster, days('Asia/Kolkata', '2026-12-07', 28));
    expect(shown(sessions, '1001')).toEqual([
      // Week 1's Sunday night runs into week 2's Monday, where week 2's shift starts as it ends: one session.
      '2026-12-13 22:00-2026-12-14 10:00',
      // Week 2's Sunday (2026-12-20) is not week 1's: no night. Week 3 is week 1 again, and so on.
      '2026-12-27 22:00-2026-12-28 10:00',
    ]);
  });
});

describe('DST inside a rotation week (Europe/London, clocks forward on Sunday 2027-03-28)', () => {
  const roster = parsed(`version: 1
timezone: Europe/London
teams:
  weekend:
    rotation:
      start: 2027-03-22
      weeks:
        - shifts:
            - { days: [mon-sat], start: "09:00", end: "17:00" }
            - { days: [sun], start: "01:30", end: "05:00" }
        - shifts: []
agents:
  - { id: "1001", phone: "+447700900001", team: weekend }
`);

  it('reads each day in the zone: GMT before the change, BST after, the gap time moved forward and warned of', () => {
    const { sessions, issues } = expandRoster(roster, days('Europe/London', '2027-03-22', 14));
    const utc = sessions.map((s) => `${new Date(s.start).toISOString()} ${new Date(s.end).toISOString()}`);
    expect(utc[0]).toBe('2027-03-22T09:00:00.000Z 2027-03-22T17:00:00.000Z');
    expect(utc[5]).toBe('2027-03-27T09:00:00.000Z 2027-03-27T17:00:00.000Z');
    // 01:30 does not exist on 2027-03-28: it becomes 02:30 BST (01:30 UTC); 05:00 BST is 04:00 UTC.
    expect(utc[6]).toBe('2027-03-28T01:30:00.000Z 2027-03-28T04:00:00.000Z');
    expect(sessions).toHaveLength(7);
    expect(issues.map(formatIssue)).toEqual([
      "roster.yaml:10:15 teams.weekend.rotation.weeks[0].shifts[1]: warning: agent 1001's shift on 2027-03-28: it starts at 01:30, a time that does not exist in Europe/London (the clocks go forward), so it starts at 02:30 instead",
    ]);
  });
});

describe('holidays and leave in a rotation', () => {
  it('drop the rotation’s shifts that start on those dates', () => {
    const roster = parsed(`version: 1
timezone: Asia/Kolkata
holidays: [2026-12-09]
teams:
  rotating:
    rotation:
      start: 2026-12-07
      weeks:
        - shifts: [ { days: [mon-fri], start: "09:00", end: "17:00" } ]
agents:
  - { id: "1001", phone: "+919800000001", team: rotating, off: [2026-12-11] }
`);
    const { sessions } = expandRoster(roster, days('Asia/Kolkata', '2026-12-07', 7));
    expect(shown(sessions, '1001')).toEqual([
      '2026-12-07 09:00-17:00',
      '2026-12-08 09:00-17:00',
      '2026-12-10 09:00-17:00',
    ]);
  });
});

describe('beside shifts, and with shared phones', () => {
  it('adds a rotation to the team’s shifts and the agent’s own, merging what touches', () => {
    const roster = parsed(`version: 1
timezone: Asia/Kolkata
teams:
  support:
    shifts: [ { days: [mon], start: "08:00", end: "09:00" } ]
    rotation:
      start: 2026-12-07
      weeks:
        - shifts: [ { days: [mon], start: "09:00", end: "12:00" } ]
        - shifts: []
agents:
  - id: "1001"
    phone: "+919800000001"
    team: support
    shifts: [ { date: 2026-12-15, start: "18:00", end: "19:00" } ]
`);
    const { sessions } = expandRoster(roster, days('Asia/Kolkata', '2026-12-07', 14));
    expect(shown(sessions, '1001')).toEqual([
      '2026-12-07 08:00-12:00',
      '2026-12-14 08:00-09:00',
      '2026-12-15 18:00-19:00',
    ]);
  });

  const desk = (offset: number) => `version: 1
timezone: Asia/Kolkata
teams:
  desk:
    rotation:
      start: 2026-12-07
      weeks:
        - shifts: [ { days: [mon-fri], start: "09:00", end: "17:00" } ]
        - shifts: []
agents:
  - { id: "1001", phone: "+919800000001", team: desk }
  - { id: "1002", phone: "+919800000001", team: desk, rotation_offset: ${offset} }
`;

  it('lets two agents share a desk phone in alternate weeks', () => {
    const roster = parsed(desk(1));
    expect(checkRoster(roster, Date.parse('2026-12-01T04:30:00Z'))).toEqual([]);
  });

  it('reports the two agents when their weeks put them on the phone at once', () => {
    const roster = parsed(desk(2));
    expect(checkRoster(roster, Date.parse('2026-12-01T04:30:00Z')).map(formatIssue)).toEqual([
      'roster.yaml:12:26 agents[1].phone: agents 1001 and 1002 share phone +919800000001 and are both on shift on 2026-12-07 from 09:00 to 17:00 (Asia/Kolkata) (and 5 more times); a phone serves one agent at a time: give one of them another phone, or end one shift when the other starts',
    ]);
  });
});

describe('parsing rotations', () => {
  const errors = (text: string) => parseRoster(text, 'roster.yaml').issues.map(formatIssue);
  const agentWith = (extra: string) =>
    `version: 1\ntimezone: Asia/Kolkata\nagents:\n  - id: "1001"\n    phone: "+919800000001"\n${extra}`;

  it('keeps each week’s shifts with their place, and an offset on the agent', () => {
    const roster = parsed(
      agentWith(
        '    rotation_offset: 2\n    rotation:\n      start: 2026-12-07\n      weeks:\n        - shifts: [ { days: [mon], start: "09:00", end: "17:00" } ]\n        - {}\n',
      ),
    );
    const agent = roster.agents[0];
    expect(agent?.rotationOffset).toBe(2);
    expect(agent?.rotation).toMatchObject({
      start: '2026-12-07',
      weeks: [
        {
          shifts: [
            { kind: 'weekly', days: [1], place: { line: 10, path: 'agents[0].rotation.weeks[0].shifts[0]' } },
          ],
        },
        { shifts: [] },
      ],
      place: { line: 8, path: 'agents[0].rotation' },
    });
  });

  it.each([
    [
      '    rotation_offset: 1\n    shifts: [ { days: [mon], start: "09:00", end: "17:00" } ]\n',
      'roster.yaml:6:22 agents[0].rotation_offset: rotation_offset moves an agent within a rotation, but the agent has none, and no team; give the team or the agent a rotation, or remove rotation_offset',
    ],
    [
      '    rotation_offset: "1"\n    rotation: { start: 2026-12-07, weeks: [ { shifts: [] } ] }\n',
      'roster.yaml:6:22 agents[0].rotation_offset: expected a whole number of weeks, not "1"; write it without quotes, like rotation_offset: 1',
    ],
    [
      '    rotation_offset: 1.5\n    rotation: { start: 2026-12-07, weeks: [ { shifts: [] } ] }\n',
      'roster.yaml:6:22 agents[0].rotation_offset: the number 1.5 is not a whole number of weeks; write it like rotation_offset: 1',
    ],
    [
      '    rotation: { start: 2026-12-07, weeks: [] }\n',
      'roster.yaml:6:43 agents[0].rotation.weeks: no weeks listed; write a rotation like { start: 2026-12-07, weeks: [ { shifts: [ ... ] }, { shifts: [] } ] }',
    ],
    [
      '    rotation: { weeks: [ { shifts: [] } ] }\n',
      'roster.yaml:6:15 agents[0].rotation.start: missing; write dates as YYYY-MM-DD, like 2026-12-25',
    ],
    [
      '    rotation: { start: 2026-12-07, weeks: [ { shifts: [], days: [mon] } ] }\n',
      'roster.yaml:6:59 agents[0].rotation.weeks[0].days: "days" is not allowed in a rotation week; allowed keys: shifts',
    ],
    [
      '    rotation: { start: 2026-12-07, weeks: [ { shifts: [ { days: [mon], start: "25:00", end: "06:00" } ] } ] }\n',
      'roster.yaml:6:79 agents[0].rotation.weeks[0].shifts[0].start: "25:00" is not a time; use HH:MM or HH:MM:SS',
    ],
  ])('%j', (extra, message) => {
    expect(errors(agentWith(extra))).toEqual([message]);
  });

  it('names the team when the team has no rotation', () => {
    const text = `version: 1
timezone: Asia/Kolkata
teams:
  day: { shifts: [ { days: [mon], start: "09:00", end: "17:00" } ] }
agents:
  - { id: "1001", phone: "+919800000001", team: day, rotation_offset: 1 }
`;
    expect(errors(text)).toEqual([
      'roster.yaml:6:71 agents[0].rotation_offset: rotation_offset moves an agent within a rotation, but neither team "day" nor the agent has one; give the team or the agent a rotation, or remove rotation_offset',
    ]);
  });

  it('does not warn of an agent whose only shifts are a rotation’s', () => {
    expect(
      parseRoster(agentWith('    rotation: { start: 2026-12-07, weeks: [ {} ] }\n'), 'roster.yaml').issues,
    ).toEqual([]);
  });

  it('leaves the revision of a roster without rotations as it was before rotations existed', () => {
    const plain = `version: 1
timezone: Asia/Kolkata
teams:
  day: { shifts: [ { days: [mon-fri], start: "09:00", end: "18:00" } ] }
agents:
  - { id: "1001", phone: "+919800000001", team: day }
`;
    // Computed by the roster engine before rotations and includes were added.
    expect(rosterRevision(parsed(plain))).toBe(REVISION_BEFORE);
  });
});

const REVISION_BEFORE = 'ab9c2968f896';
