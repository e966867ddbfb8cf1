import { describe, expect, it } from 'vitest';
import { expandRoster } from '../../src/roster/expand.js';
import type {
  Agent,
  AgentId,
  CronShift,
  DateShift,
  LeaveRange,
  LocalTime,
  Place,
  Roster,
  Shift,
  Weekday,
  WeeklyShift,
} from '../../src/roster/types.js';

// A small builder: rosters as the parser would produce them, without YAML.

const place = (path: string, line = 1): Place => ({ file: 'roster.yaml', line, column: 5, path });

function time(text: string): LocalTime {
  const [hour = 0, minute = 0, second = 0] = text.split(':').map(Number);
  return { hour, minute, second };
}

const weekly = (
  days: Weekday[],
  start: string,
  end: string,
  bounds: { from?: string; until?: string } = {},
  path = 'agents[0].shifts[0]',
): WeeklyShift => ({
  kind: 'weekly',
  days,
  start: time(start),
  end: time(end),
  ...bounds,
  place: place(path),
});

const daily = (start: string, end: string, bounds: { from?: string; until?: string } = {}) =>
  weekly([1, 2, 3, 4, 5, 6, 7], start, end, bounds);

const oneOff = (date: string, start: string, end: string, path = 'agents[0].shifts[0]'): DateShift => ({
  kind: 'date',
  date,
  start: time(start),
  end: time(end),
  place: place(path),
});

const cron = (
  expression: string,
  hours: number,
  bounds: { from?: string; until?: string } = {},
): CronShift => ({
  kind: 'cron',
  cron: expression,
  durationMs: hours * 3_600_000,
  ...bounds,
  place: place('agents[0].shifts[0]'),
});

function agent(
  id: string,
  options: {
    phone?: string;
    team?: string;
    timezone?: string;
    shifts?: Shift[];
    off?: LeaveRange[];
    line?: number;
  } = {},
): Agent {
  return {
    id: id as AgentId,
    phone: options.phone ?? `+91980000${id}`,
    ...(options.team === undefined ? {} : { team: options.team }),
    timezone: options.timezone ?? 'Asia/Kolkata',
    shifts: options.shifts ?? [],
    off: options.off ?? [],
    place: place(`agents[${Number(id) % 1000}]`, options.line ?? 1),
  };
}

function roster(agents: Agent[], extra: Partial<Roster> = {}): Roster {
  return {
    version: 1,
    file: 'roster.yaml',
    timezone: 'Asia/Kolkata',
    holidays: [],
    teams: {},
    agents,
    ...extra,
  };
}

const ms = (iso: string) => Date.parse(iso);
const window = (from: string, to: string) => ({ from: ms(from), to: ms(to) });
const iso = (instant: number) => new Date(instant).toISOString();

/** Sessions as `[agent, start, end]` with UTC ISO instants, for exact comparison. */
function expand(r: Roster, from: string, to: string) {
  const { sessions, issues } = expandRoster(r, window(from, to));
  return {
    sessions: sessions.map((s): [string, string, string] => [s.agentId, iso(s.start), iso(s.end)]),
    issues,
    messages: issues.map((issue) => `${issue.severity} ${issue.path}: ${issue.message}`),
  };
}

describe('expandRoster: plain weeks', () => {
  it('reads times in Asia/Kolkata, the roster default, and gives each session its phone and zone', () => {
    const r = roster([agent('1001', { shifts: [weekly([1, 2, 3, 4, 5], '09:00', '18:00')] })]);
    const { sessions, issues } = expandRoster(
      r,
      window('2026-11-30T00:00:00+05:30', '2026-12-07T00:00:00+05:30'),
    );
    expect(issues).toEqual([]);
    expect(sessions).toHaveLength(5);
    expect(sessions[0]).toEqual({
      agentId: '1001',
      phone: '+919800001001',
      zone: 'Asia/Kolkata',
      start: ms('2026-11-30T03:30:00Z'),
      end: ms('2026-11-30T12:30:00Z'),
    });
    expect(sessions.map((s) => iso(s.start))).toEqual([
      '2026-11-30T03:30:00.000Z',
      '2026-12-01T03:30:00.000Z',
      '2026-12-02T03:30:00.000Z',
      '2026-12-03T03:30:00.000Z',
      '2026-12-04T03:30:00.000Z',
    ]);
  });

  it('ends an overnight shift (end <= start) the next day, and a shift with end = start 24 h later', () => {
    const r = roster([
      agent('1001', { shifts: [weekly([6], '22:00', '06:00')] }),
      agent('1002', { shifts: [oneOff('2026-12-05', '08:00', '08:00')] }),
    ]);
    expect(expand(r, '2026-12-05T00:00:00+05:30', '2026-12-07T00:00:00+05:30').sessions).toEqual([
      ['1002', '2026-12-05T02:30:00.000Z', '2026-12-06T02:30:00.000Z'],
      ['1001', '2026-12-05T16:30:00.000Z', '2026-12-06T00:30:00.000Z'],
    ]);
  });

  it('finds a session that started before the window and reaches into it, keeping its real start', () => {
    const r = roster([agent('1001', { shifts: [weekly([6], '22:00', '06:00')] })]);
    expect(expand(r, '2026-12-06T00:00:00+05:30', '2026-12-07T00:00:00+05:30').sessions).toEqual([
      ['1001', '2026-12-05T16:30:00.000Z', '2026-12-06T00:30:00.000Z'],
    ]);
  });

  it('keeps a session that ends exactly at the window start out, and one starting at the window end out', () => {
    const r = roster([agent('1001', { shifts: [daily('09:00', '10:00')] })]);
    expect(expand(r, '2026-12-01T10:00:00+05:30', '2026-12-02T09:00:00+05:30').sessions).toEqual([]);
    expect(expand(r, '2026-12-01T09:59:00+05:30', '2026-12-02T09:01:00+05:30').sessions).toEqual([
      ['1001', '2026-12-01T03:30:00.000Z', '2026-12-01T04:30:00.000Z'],
      ['1001', '2026-12-02T03:30:00.000Z', '2026-12-02T04:30:00.000Z'],
    ]);
  });

  it("applies the team's shifts and the agent's own; an agent with neither has no sessions", () => {
    const morning = {
      name: 'morning',
      shifts: [weekly([1, 2, 3, 4, 5], '09:00', '13:00', {}, 'teams.morning.shifts[0]')],
    };
    const r = roster(
      [
        agent('1001', { team: 'morning', shifts: [weekly([6], '10:00', '12:00')] }),
        agent('1002', { team: 'morning' }),
        agent('1003'),
      ],
      { teams: { morning } },
    );
    expect(expand(r, '2026-12-04T00:00:00+05:30', '2026-12-06T00:00:00+05:30').sessions).toEqual([
      ['1001', '2026-12-04T03:30:00.000Z', '2026-12-04T07:30:00.000Z'],
      ['1002', '2026-12-04T03:30:00.000Z', '2026-12-04T07:30:00.000Z'],
      ['1001', '2026-12-05T04:30:00.000Z', '2026-12-05T06:30:00.000Z'],
    ]);
  });

  it('sorts sessions by start, then by agent ID', () => {
    const r = roster([
      agent('1003', { shifts: [oneOff('2026-12-01', '09:00', '10:00')] }),
      agent('1001', { shifts: [oneOff('2026-12-01', '11:00', '12:00')] }),
      agent('1002', { shifts: [oneOff('2026-12-01', '09:00', '10:00')] }),
    ]);
    expect(
      expand(r, '2026-12-01T00:00:00+05:30', '2026-12-02T00:00:00+05:30').sessions.map(([id]) => id),
    ).toEqual(['1002', '1003', '1001']);
  });
});

describe('expandRoster: merging one agent’s instances', () => {
  it.each([
    ['touching shifts merge', ['09:00', '13:00'], ['13:00', '18:00'], [['03:30', '12:30']]],
    ['overlapping shifts merge', ['09:00', '14:00'], ['12:00', '18:00'], [['03:30', '12:30']]],
    ['a shift inside another merges', ['09:00', '18:00'], ['10:00', '11:00'], [['03:30', '12:30']]],
    [
      'shifts a minute apart stay apart',
      ['09:00', '12:59'],
      ['13:00', '18:00'],
      [
        ['03:30', '07:29'],
        ['07:30', '12:30'],
      ],
    ],
  ])('%s', (_name, [s1 = '', e1 = ''], [s2 = '', e2 = ''], expected) => {
    const r = roster([
      agent('1001', { shifts: [oneOff('2026-12-01', s1, e1), oneOff('2026-12-01', s2, e2)] }),
    ]);
    expect(expand(r, '2026-12-01T00:00:00+05:30', '2026-12-02T00:00:00+05:30').sessions).toEqual(
      expected.map(([start, end]) => ['1001', `2026-12-01T${start}:00.000Z`, `2026-12-01T${end}:00.000Z`]),
    );
  });

  it('merges an overnight shift with the next morning’s shift it touches', () => {
    const r = roster([
      agent('1001', { shifts: [weekly([6], '22:00', '06:00'), weekly([7], '06:00', '10:00')] }),
    ]);
    expect(expand(r, '2026-12-05T00:00:00+05:30', '2026-12-07T00:00:00+05:30').sessions).toEqual([
      ['1001', '2026-12-05T16:30:00.000Z', '2026-12-06T04:30:00.000Z'],
    ]);
  });

  it('follows a chain of back-to-back shifts beyond the window on both sides', () => {
    const days = [
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ];
    const r = roster([agent('1001', { shifts: days.map((day) => oneOff(day, '00:00', '00:00')) })]);
    expect(expand(r, '2026-11-29T12:00:00+05:30', '2026-11-29T13:00:00+05:30').sessions).toEqual([
      ['1001', '2026-11-25T18:30:00.000Z', '2026-12-02T18:30:00.000Z'],
    ]);
  });
});

describe('expandRoster: DST in Europe/London (2026-03-29 gap 01:00-02:00, 2026-10-25 overlap 01:00-02:00)', () => {
  const london = (shifts: Shift[]) => roster([agent('1001', { timezone: 'Europe/London', shifts })]);

  it('moves a start in the spring gap forward by the gap, and warns at the shift', () => {
    const { sessions, issues } = expand(
      london([oneOff('2026-03-29', '01:30', '09:00')]),
      '2026-03-29T00:00:00Z',
      '2026-03-30T00:00:00Z',
    );
    expect(sessions).toEqual([['1001', '2026-03-29T01:30:00.000Z', '2026-03-29T08:00:00.000Z']]);
    expect(issues).toEqual([
      {
        ...place('agents[0].shifts[0]'),
        severity: 'warning',
        message:
          "agent 1001's shift on 2026-03-29: it starts at 01:30, a time that does not exist in Europe/London " +
          '(the clocks go forward), so it starts at 02:30 instead',
      },
    ]);
  });

  it('takes the earlier instant for a start in the autumn overlap (luxon alone takes the later one)', () => {
    const { sessions, messages } = expand(
      london([oneOff('2026-10-25', '01:30', '09:00')]),
      '2026-10-25T00:00:00Z',
      '2026-10-26T00:00:00Z',
    );
    expect(sessions).toEqual([['1001', '2026-10-25T00:30:00.000Z', '2026-10-25T09:00:00.000Z']]);
    expect(messages).toEqual([
      "warning agents[0].shifts[0]: agent 1001's shift on 2026-10-25: it starts at 01:30, a time that happens " +
        'twice in Europe/London (the clocks go back), so it starts at the first 01:30 (UTC+01:00)',
    ]);
  });

  it('moves an end in the gap forward, naming the next day', () => {
    const { sessions, messages } = expand(
      london([weekly([6], '22:00', '01:30')]),
      '2026-03-28T00:00:00Z',
      '2026-03-30T00:00:00Z',
    );
    expect(sessions).toEqual([['1001', '2026-03-28T22:00:00.000Z', '2026-03-29T01:30:00.000Z']]);
    expect(messages).toEqual([
      "warning agents[0].shifts[0]: agent 1001's shift on 2026-03-28: it ends at 01:30 on 2026-03-29, a time " +
        'that does not exist in Europe/London (the clocks go forward), so it ends at 02:30 instead',
    ]);
  });

  it.each([
    ['spring: 7 h on the clock', '2026-03-28', '2026-03-28T22:00:00.000Z', '2026-03-29T05:00:00.000Z'],
    ['autumn: 9 h on the clock', '2026-10-24', '2026-10-24T21:00:00.000Z', '2026-10-25T06:00:00.000Z'],
  ])(
    'runs an overnight 22:00-06:00 shift across the change (%s), without a warning',
    (_n, day, start, end) => {
      const { sessions, issues } = expand(
        london([oneOff(day, '22:00', '06:00')]),
        `${day}T00:00:00Z`,
        `${day}T23:59:00Z`,
      );
      expect(sessions).toEqual([['1001', start, end]]);
      expect(issues).toEqual([]);
    },
  );

  it('warns once per instance in the window, not for the same shift on ordinary days', () => {
    const { sessions, issues } = expand(
      london([daily('01:30', '03:00')]),
      '2026-03-28T00:00:00Z',
      '2026-03-31T00:00:00Z',
    );
    expect(sessions).toEqual([
      ['1001', '2026-03-28T01:30:00.000Z', '2026-03-28T03:00:00.000Z'],
      ['1001', '2026-03-29T01:30:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['1001', '2026-03-30T00:30:00.000Z', '2026-03-30T02:00:00.000Z'],
    ]);
    expect(issues).toHaveLength(1);
  });

  it('drops an instance that DST leaves without time, and says so', () => {
    const { sessions, messages } = expand(
      london([oneOff('2026-03-29', '01:30', '02:15')]),
      '2026-03-29T00:00:00Z',
      '2026-03-30T00:00:00Z',
    );
    expect(sessions).toEqual([]);
    expect(messages).toEqual([
      "warning agents[0].shifts[0]: agent 1001's shift on 2026-03-29: it starts at 01:30, a time that does not " +
        'exist in Europe/London (the clocks go forward), so it starts at 02:30 instead; that leaves no time on ' +
        'shift, so it does not happen',
    ]);
  });
});

describe('expandRoster: DST in America/New_York (2026-03-08 gap 02:00-03:00, 2026-11-01 overlap 01:00-02:00)', () => {
  const newYork = (shifts: Shift[]) => roster([agent('1001', { timezone: 'America/New_York', shifts })]);

  it.each([
    [
      'a start in the gap moves forward',
      '2026-03-08',
      '02:30',
      '10:00',
      '2026-03-08T07:30:00.000Z',
      '2026-03-08T14:00:00.000Z',
    ],
    [
      'a start in the overlap takes the earlier',
      '2026-11-01',
      '01:30',
      '09:00',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T14:00:00.000Z',
    ],
    [
      'an end in the overlap takes the earlier',
      '2026-10-31',
      '20:00',
      '01:30',
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      'an overnight shift across the spring change',
      '2026-03-07',
      '20:00',
      '08:00',
      '2026-03-08T01:00:00.000Z',
      '2026-03-08T12:00:00.000Z',
    ],
    [
      'an overnight shift across the autumn change',
      '2026-10-31',
      '20:00',
      '08:00',
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
    ],
  ])('%s', (_name, day, start, end, startUtc, endUtc) => {
    const { sessions } = expand(
      newYork([oneOff(day, start, end)]),
      `${day}T00:00:00-05:00`,
      `${day}T23:59:00-05:00`,
    );
    expect(sessions).toEqual([['1001', startUtc, endUtc]]);
  });

  it('warns with New York’s offset for an overlap', () => {
    const { messages } = expand(
      newYork([oneOff('2026-11-01', '01:30', '09:00')]),
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
    );
    expect(messages).toEqual([
      "warning agents[0].shifts[0]: agent 1001's shift on 2026-11-01: it starts at 01:30, a time that happens " +
        'twice in America/New_York (the clocks go back), so it starts at the first 01:30 (UTC-04:00)',
    ]);
  });
});

describe('expandRoster: holidays, leave and bounds', () => {
  it("suppresses shifts starting on a holiday, read in each agent's own zone", () => {
    // 02:00 on 2026-12-25 in Kolkata is still 2026-12-24 in UTC and in New York.
    const r = roster(
      [
        agent('1001', { shifts: [daily('02:00', '06:00')] }),
        agent('1002', { timezone: 'America/New_York', shifts: [daily('20:00', '23:00')] }),
      ],
      { holidays: [{ date: '2026-12-25', name: 'Christmas' }] },
    );
    expect(expand(r, '2026-12-24T00:00:00Z', '2026-12-27T02:00:00Z').sessions).toEqual([
      ['1001', '2026-12-23T20:30:00.000Z', '2026-12-24T00:30:00.000Z'],
      ['1002', '2026-12-24T01:00:00.000Z', '2026-12-24T04:00:00.000Z'],
      ['1002', '2026-12-25T01:00:00.000Z', '2026-12-25T04:00:00.000Z'],
      ['1001', '2026-12-25T20:30:00.000Z', '2026-12-26T00:30:00.000Z'],
      ['1001', '2026-12-26T20:30:00.000Z', '2026-12-27T00:30:00.000Z'],
      ['1002', '2026-12-27T01:00:00.000Z', '2026-12-27T04:00:00.000Z'],
    ]);
  });

  it('keeps an overnight shift that starts the day before a holiday and runs into it', () => {
    const r = roster([agent('1001', { shifts: [daily('22:00', '06:00')] })], {
      holidays: [{ date: '2026-12-25' }],
    });
    expect(expand(r, '2026-12-25T00:00:00+05:30', '2026-12-26T00:00:00+05:30').sessions).toEqual([
      ['1001', '2026-12-24T16:30:00.000Z', '2026-12-25T00:30:00.000Z'],
    ]);
  });

  it("suppresses shifts starting on the agent's leave days, both ends included", () => {
    const r = roster([
      agent('1001', { shifts: [daily('09:00', '10:00')], off: [{ from: '2026-12-02', to: '2026-12-03' }] }),
      agent('1002', { shifts: [daily('09:00', '10:00')] }),
    ]);
    const { sessions } = expand(r, '2026-12-01T00:00:00+05:30', '2026-12-05T00:00:00+05:30');
    expect(sessions.filter(([id]) => id === '1001').map(([, start]) => start.slice(0, 10))).toEqual([
      '2026-12-01',
      '2026-12-04',
    ]);
    expect(sessions.filter(([id]) => id === '1002')).toHaveLength(4);
  });

  it('bounds a weekly pattern by from and until, both dates included', () => {
    const r = roster([
      agent('1001', { shifts: [daily('09:00', '10:00', { from: '2026-12-02', until: '2026-12-03' })] }),
    ]);
    expect(expand(r, '2026-11-30T00:00:00+05:30', '2026-12-06T00:00:00+05:30').sessions).toEqual([
      ['1001', '2026-12-02T03:30:00.000Z', '2026-12-02T04:30:00.000Z'],
      ['1001', '2026-12-03T03:30:00.000Z', '2026-12-03T04:30:00.000Z'],
    ]);
  });
});

describe('expandRoster: cron starts', () => {
  it.each([
    ['Europe/London', '2026-12-04T21:30:00.000Z', '2026-12-05T06:00:00.000Z'],
    ['Asia/Kolkata', '2026-12-04T16:00:00.000Z', '2026-12-05T00:30:00.000Z'],
    ['America/New_York', '2026-12-05T02:30:00.000Z', '2026-12-05T11:00:00.000Z'],
  ])('reads "30 21 * * 5" in %s, each start lasting the duration', (timezone, start, end) => {
    const r = roster([agent('1001', { timezone, shifts: [cron('30 21 * * 5', 8.5)] })]);
    expect(expand(r, '2026-12-03T00:00:00Z', '2026-12-08T00:00:00Z').sessions).toEqual([
      ['1001', start, end],
    ]);
  });

  it('applies holidays, leave and from/until to cron starts by their local date', () => {
    const r = roster(
      [
        agent('1001', {
          shifts: [cron('0 9 * * *', 1, { from: '2026-12-02', until: '2026-12-06' })],
          off: [{ from: '2026-12-04', to: '2026-12-04' }],
        }),
      ],
      { holidays: [{ date: '2026-12-05' }] },
    );
    const { sessions } = expand(r, '2026-11-30T00:00:00Z', '2026-12-10T00:00:00Z');
    expect(sessions.map(([, start]) => start)).toEqual([
      '2026-12-02T03:30:00.000Z',
      '2026-12-03T03:30:00.000Z',
      '2026-12-06T03:30:00.000Z',
    ]);
  });

  it('moves a cron start in the gap forward with a warning, and starts once in the overlap', () => {
    const r = roster([agent('1001', { timezone: 'Europe/London', shifts: [cron('30 1 * * 0', 1)] })]);
    const spring = expand(r, '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z');
    expect(spring.sessions).toEqual([['1001', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z']]);
    expect(spring.issues.map((i) => i.severity)).toEqual(['warning']);
    const autumn = expand(r, '2026-10-25T00:00:00Z', '2026-10-26T00:00:00Z');
    expect(autumn.sessions).toEqual([['1001', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']]);
    expect(autumn.messages).toEqual([
      "warning agents[0].shifts[0]: agent 1001's shift on 2026-10-25: it starts at 01:30, a time that happens " +
        'twice in Europe/London (the clocks go back), so it starts at the first 01:30 (UTC+01:00)',
    ]);
  });
});

describe('expandRoster: agents sharing a phone', () => {
  const shared = '+919800000001';

  it('allows a handover: one session ends when the other starts', () => {
    const r = roster([
      agent('1001', { phone: shared, shifts: [daily('09:00', '13:00')] }),
      agent('1002', { phone: shared, shifts: [daily('13:00', '18:00')] }),
    ]);
    expect(expand(r, '2026-12-01T00:00:00+05:30', '2026-12-08T00:00:00+05:30').issues).toEqual([]);
  });

  it('rejects overlapping sessions once per pair of agents, at the later-listed agent', () => {
    const r = roster([
      agent('1001', { phone: shared, shifts: [daily('09:00', '14:00')], line: 10 }),
      agent('1002', { phone: shared, shifts: [daily('13:00', '18:00')], line: 20 }),
      agent('1003', { phone: '+919800000003', shifts: [daily('09:00', '18:00')], line: 30 }),
    ]);
    const { issues } = expand(r, '2026-12-01T00:00:00+05:30', '2026-12-04T00:00:00+05:30');
    expect(issues).toEqual([
      {
        ...place('agents[2]', 20),
        severity: 'error',
        message:
          'agents 1001 and 1002 share phone +919800000001 and are both on shift on 2026-12-01 from 13:00 to ' +
          '14:00 (Asia/Kolkata) (and 2 more times); a phone serves one agent at a time: give one of them ' +
          'another phone, or end one shift when the other starts',
      },
    ]);
  });

  it('names the later-listed agent’s zone and a next-day end when the overlap runs past midnight', () => {
    const r = roster([
      agent('1002', {
        phone: shared,
        timezone: 'Europe/London',
        shifts: [oneOff('2026-12-01', '18:00', '23:00')],
      }),
      agent('1001', { phone: shared, shifts: [oneOff('2026-12-01', '23:00', '02:00')] }),
    ]);
    expect(expand(r, '2026-12-01T00:00:00Z', '2026-12-03T00:00:00Z').messages).toEqual([
      'error agents[1]: agents 1002 and 1001 share phone +919800000001 and are both on shift on 2026-12-01 ' +
        'from 23:30 to 2026-12-02 02:00 (Asia/Kolkata); a phone serves one agent at a time: give one of them ' +
        'another phone, or end one shift when the other starts',
    ]);
  });
});
