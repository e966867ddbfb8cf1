import { describe, expect, it } from 'vitest';
import { checkRoster, checkWindow, inspectRoster } from '../../src/roster/check.js';
import { parseRoster } from '../../src/roster/parse.js';
import type { Roster } from '../../src/roster/types.js';

function parsed(text: string): Roster {
  const { roster, issues } = parseRoster(text, 'roster.yaml');
  if (!roster) throw new Error(`test roster does not parse: ${JSON.stringify(issues)}`);
  return roster;
}

const yaml = (body: string) => `version: 1\ntimezone: Asia/Kolkata\n${body}`;
const iso = (instant: number) => new Date(instant).toISOString();

/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');

describe('checkWindow', () => {
  const windowOf = (text: string, now = NOW) => {
    const { from, to } = checkWindow(parsed(text), now);
    return [iso(from), iso(to)];
  };
  const agents =
    'agents:\n  - { id: "1", phone: "+919800000000", shifts: [{ days: [mon-fri], start: "09:00", end: "18:00" }] }\n';

  it('runs from the start of yesterday to the end of the 14th day after today, in the roster zone', () => {
    expect(windowOf(yaml(agents))).toEqual(['2026-11-29T18:30:00.000Z', '2026-12-15T18:30:00.000Z']);
  });

  it('reaches 2 days past the last date the roster names', () => {
    const holiday = yaml(`holidays: [2027-01-26]\n${agents}`);
    expect(windowOf(holiday)).toEqual(['2026-11-29T18:30:00.000Z', '2027-01-27T18:30:00.000Z']);
    const dates = yaml(
      'agents:\n  - id: "1"\n    phone: "+919800000000"\n    shifts:\n' +
        '      - { date: 2027-02-10, start: "09:00", end: "10:00" }\n' +
        '      - { days: [sat], start: "09:00", end: "10:00", until: 2027-03-01 }\n' +
        '    off: [{ from: 2027-01-01, to: 2027-03-05 }]\n',
    );
    expect(windowOf(dates)[1]).toBe('2027-03-06T18:30:00.000Z');
  });

  it('checks at most 400 days', () => {
    const far = yaml(`holidays: [2030-01-01]\n${agents}`);
    expect(windowOf(far)).toEqual(['2026-11-29T18:30:00.000Z', '2028-01-03T18:30:00.000Z']);
  });

  it('takes midnight by the roster zone across a DST change', () => {
    const london = `version: 1\ntimezone: Europe/London\n${agents}`;
    expect(windowOf(london, Date.parse('2026-10-26T12:00:00Z'))).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-11-10T00:00:00.000Z',
    ]);
  });
});

describe('checkRoster', () => {
  it('finds a phone clash 10 days ahead, but not one past the window', () => {
    const text = yaml(
      'agents:\n' +
        '  - { id: "1", phone: "+919800000000", shifts: [{ date: 2026-12-11, start: "09:00", end: "12:00" }] }\n' +
        '  - { id: "2", phone: "+919800000000", shifts: [{ date: 2026-12-11, start: "11:00", end: "13:00" }] }\n' +
        '  - { id: "3", phone: "+919800000001", shifts: [{ days: [mon], start: "09:00", end: "12:00" }] }\n' +
        '  - { id: "4", phone: "+919800000001", shifts: [{ days: [mon], start: "11:00", end: "13:00", from: 2026-12-20 }] }\n',
    );
    const roster = parsed(text);
    expect(checkRoster(roster, NOW)).toEqual([
      {
        file: 'roster.yaml',
        line: 5,
        column: 23,
        path: 'agents[1].phone',
        severity: 'error',
        message:
          'agents 1 and 2 share phone +919800000000 and are both on shift on 2026-12-11 from 11:00 to 12:00 ' +
          '(Asia/Kolkata); a phone serves one agent at a time: give one of them another phone, or end one ' +
          'shift when the other starts',
      },
    ]);
    // The clash of agents 3 and 4 is on 2026-12-21: found once within 14 days, when the first is past.
    expect(checkRoster(roster, Date.parse('2026-12-13T04:30:00Z')).map((issue) => issue.path)).toEqual([
      'agents[3].phone',
    ]);
  });

  it('warns about a DST move in a team shift, naming the agent, at the team shift', () => {
    const text =
      'version: 1\ntimezone: Europe/London\n' +
      'teams:\n  night:\n    shifts:\n      - { days: [sun], start: "01:30", end: "08:00" }\n' +
      'agents:\n  - { id: "7", phone: "+447000000000", team: night }\n';
    const issues = checkRoster(parsed(text), Date.parse('2026-03-20T12:00:00Z'));
    expect(issues).toEqual([
      {
        file: 'roster.yaml',
        line: 6,
        column: 9,
        path: 'teams.night.shifts[0]',
        severity: 'warning',
        message:
          "agent 7's shift on 2026-03-29: it starts at 01:30, a time that does not exist in Europe/London " +
          '(the clocks go forward), so it starts at 02:30 instead',
      },
    ]);
  });
});

describe('inspectRoster', () => {
  it('counts the sessions in the 14 days from now, including one in progress', () => {
    const text = yaml(
      'agents:\n  - { id: "1", phone: "+919800000000", shifts: [{ days: [mon-sun], start: "09:00", end: "17:00" }] }\n',
    );
    // 10:00 on 2026-12-01: today's session is under way; 14 more start before 10:00 on 2026-12-15.
    expect(inspectRoster(parsed(text), NOW)).toEqual({ issues: [], sessionsAhead: 15 });
  });
});
