import { describe, expect, it, vi } from 'vitest';
import { verbsInTempDir } from '../helpers/in-temp-dir.js';

// 2026-12-01 (a Tuesday) 10:00 in Kolkata.
const { write, rota } = verbsInTempDir('rota-check-plan-', '2026-12-01T04:30:00Z');

const TEAM_ROSTER = `version: 1
timezone: Asia/Kolkata
teams:
  morning:
    shifts:
      - { days: [mon-fri], start: "09:00", end: "13:00" }
agents:
  - { id: "1001", phone: "+919800000001", team: morning }
  - id: "1002"
    phone: "+919800000001"
    shifts:
      - { days: [mon-fri], start: "13:00", end: "18:00" }
`;

const DST_ROSTER = `version: 1
timezone: Europe/London
teams:
  night:
    shifts:
      - { days: [sun], start: "01:30", end: "08:00" }
agents:
  - { id: "7", phone: "+447000000000", team: night }
`;

const CLASH_ROSTER = `version: 1
timezone: Asia/Kolkata
agents:
  - { id: "1", phone: "+919800000000", shifts: [{ days: [wed], start: "09:00", end: "12:00" }] }
  - { id: "2", phone: "+919800000000", shifts: [{ days: [wed], start: "11:00", end: "13:00" }] }
`;

const clashError = (more: string) =>
  'clash.yaml:5:23 agents[1].phone: agents 1 and 2 share phone +919800000000 and are both on shift on 2026-12-02 ' +
  `from 11:00 to 12:00 (Asia/Kolkata)${more}; a phone serves one agent at a time: give one of them another ` +
  'phone, or end one shift when the other starts\n';

describe('rota check', () => {
  it('summarises a valid roster on stdout and exits 0', async () => {
    const file = await write('team.yaml', TEAM_ROSTER);
    // Weekdays until 10:00 on 2026-12-15: 11 mornings (today's under way, the 15th's begun) and 10 afternoons.
    expect(await rota(['check', file])).toEqual({
      code: 0,
      out: 'team.yaml: 2 agents, 1 team, 21 sessions in the next 14 days; no warnings\n',
      err: '',
    });
  });

  it('prints DST warnings on stderr and still exits 0', async () => {
    vi.setSystemTime(new Date('2026-03-20T12:00:00Z'));
    const file = await write('dst.yaml', DST_ROSTER);
    expect(await rota(['check', file])).toEqual({
      code: 0,
      out: 'dst.yaml: 1 agent, 1 team, 2 sessions in the next 14 days; 1 warning\n',
      err:
        "dst.yaml:6:9 teams.night.shifts[0]: warning: agent 7's shift on 2026-03-29: it starts at 01:30, a time " +
        'that does not exist in Europe/London (the clocks go forward), so it starts at 02:30 instead\n',
    });
  });

  it('prints a phone clash as an error and exits 1', async () => {
    const file = await write('clash.yaml', CLASH_ROSTER);
    // The check window (yesterday to 14 days ahead) holds two Wednesdays.
    const err = `${clashError(' (and 1 more time)')}clash.yaml: 1 error\n`;
    expect(await rota(['check', file])).toEqual({ code: 1, out: '', err });
  });

  it('prints every parse error, errors before warnings, and exits 1', async () => {
    const file = await write(
      'bad.yaml',
      'version: 1\ntimezone: Asia/Kolkata\nagents:\n  - { id: "1", phone: "+919800000000" }\n' +
        '  - { id: "2", phone: "+919800000001", team: nights }\n',
    );
    const { code, out, err } = await rota(['check', file]);
    expect(code).toBe(1);
    expect(out).toBe('');
    const lines = err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bad\.yaml:5:\d+ agents\[1\]\.team: there is no team "nights"/);
    expect(lines[1]).toMatch(/^bad\.yaml:4:5 agents\[0\]: warning: /);
    expect(lines[2]).toBe('bad.yaml: 1 error, 1 warning');
  });

  it('reads ROTA_ROSTER, else config/roster.yaml, relative to the working directory', async () => {
    const file = await write('env.yaml', TEAM_ROSTER);
    expect((await rota(['check'], { ROTA_ROSTER: file })).out).toMatch(/^env\.yaml: 2 agents/);
    expect(await rota(['check'])).toEqual({
      code: 1,
      out: '',
      err: 'config/roster.yaml: cannot read the roster file: no such file\nconfig/roster.yaml: 1 error\n',
    });
    await write('config/roster.yaml', TEAM_ROSTER);
    expect((await rota(['check'])).code).toBe(0);
  });

  it('refuses two files or an unknown flag with exit 2', async () => {
    expect(await rota(['check', 'a.yaml', 'b.yaml'])).toEqual({
      code: 2,
      out: '',
      err: 'rota check: give at most one roster file, not 2: a.yaml b.yaml\n',
    });
    expect((await rota(['check', '--strict'])).code).toBe(2);
  });
});

describe('rota plan', () => {
  it('shows sessions and actions as tables, the handover logout before the login', async () => {
    const file = await write('team.yaml', TEAM_ROSTER);
    const { code, out, err } = await rota(['plan', file, '--from', '2026-12-04', '--days', '1']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toBe(
      [
        'team.yaml: 2026-12-04 to 2026-12-04 (1 day, Asia/Kolkata)',
        '',
        '2 sessions',
        'agent  phone          zone          start                    end                      start (UTC)        end (UTC)          duration',
        '1001   +919800000001  Asia/Kolkata  2026-12-04 09:00 +05:30  2026-12-04 13:00 +05:30  2026-12-04 03:30Z  2026-12-04 07:30Z  4h',
        '1002   +919800000001  Asia/Kolkata  2026-12-04 13:00 +05:30  2026-12-04 18:00 +05:30  2026-12-04 07:30Z  2026-12-04 12:30Z  5h',
        '',
        '4 actions',
        'at (UTC)           at (agent zone)          action  agent  phone          note',
        '2026-12-04 03:30Z  2026-12-04 09:00 +05:30  login   1001   +919800000001',
        '2026-12-04 07:30Z  2026-12-04 13:00 +05:30  logout  1001   +919800000001',
        "2026-12-04 07:30Z  2026-12-04 13:00 +05:30  login   1002   +919800000001  handover: waits for 1001's logout",
        '2026-12-04 12:30Z  2026-12-04 18:00 +05:30  logout  1002   +919800000001',
        '',
      ].join('\n'),
    );
  });

  it('prints one JSON document with --json, instants as ISO with offset and epoch ms', async () => {
    // A DST day ahead of the fixed now: a plan shows what a sync would schedule, so nothing in the past.
    const file = await write('dst.yaml', DST_ROSTER);
    const { code, out, err } = await rota(['plan', file, '--from', '2027-03-28', '--days', '1', '--json']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual({
      file: 'dst.yaml',
      revision: expect.stringMatching(/^[0-9a-f]{12}$/),
      window: {
        zone: 'Europe/London',
        from: '2027-03-28T00:00:00+00:00',
        fromMs: Date.parse('2027-03-28T00:00:00Z'),
        to: '2027-03-29T00:00:00+01:00',
        toMs: Date.parse('2027-03-28T23:00:00Z'),
      },
      sessions: [
        {
          agentId: '7',
          team: 'night',
          phone: '+447000000000',
          zone: 'Europe/London',
          start: '2027-03-28T02:30:00+01:00',
          startMs: Date.parse('2027-03-28T01:30:00Z'),
          end: '2027-03-28T08:00:00+01:00',
          endMs: Date.parse('2027-03-28T07:00:00Z'),
          durationMs: 5.5 * 3_600_000,
        },
      ],
      actions: [
        {
          id: 'login-7-20270328T013000Z',
          action: 'login',
          agentId: '7',
          phone: '+447000000000',
          zone: 'Europe/London',
          at: '2027-03-28T02:30:00+01:00',
          atMs: Date.parse('2027-03-28T01:30:00Z'),
          runAtMs: Date.parse('2027-03-28T01:30:00Z'),
        },
        {
          id: 'logout-7-20270328T070000Z',
          action: 'logout',
          agentId: '7',
          phone: '+447000000000',
          zone: 'Europe/London',
          at: '2027-03-28T08:00:00+01:00',
          atMs: Date.parse('2027-03-28T07:00:00Z'),
          runAtMs: Date.parse('2027-03-28T07:00:00Z'),
        },
      ],
      warnings: [
        {
          file: 'dst.yaml',
          line: 6,
          column: 9,
          path: 'teams.night.shifts[0]',
          severity: 'warning',
          message:
            "agent 7's shift on 2027-03-28: it starts at 01:30, a time that does not exist in Europe/London " +
            '(the clocks go forward), so it starts at 02:30 instead',
        },
      ],
    });
  });

  it('shows by default what a sync now schedules (12 h back, ROTA_HORIZON ahead); --agent keeps one agent', async () => {
    const file = await write('team.yaml', TEAM_ROSTER);
    const { code, out } = await rota(['plan', file, '--json', '--agent', '1002']);
    expect(code).toBe(0);
    const plan = JSON.parse(out);
    expect([plan.window.from, plan.window.to]).toEqual([
      '2026-11-30T22:00:00+05:30',
      '2026-12-08T10:00:00+05:30',
    ]);
    expect(plan.sessions.map((s: { start: string }) => s.start.slice(0, 10))).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-07',
    ]);
    expect(new Set(plan.actions.map((a: { agentId: string }) => a.agentId))).toEqual(new Set(['1002']));
  });

  it.each([
    [
      ['--from', '2026-02-30'],
      '--from "2026-02-30" is not a real date: February 2026 has 28 days (in the roster\'s zone)',
    ],
    [
      ['--from', 'tomorrow'],
      '--from "tomorrow" is not a date; use YYYY-MM-DD, like 2026-12-25 (in the roster\'s zone)',
    ],
    [['--days', '0'], '--days "0" is not a number of days; give a whole number from 1 to 366'],
    [['--days', '1.5'], '--days "1.5" is not a number of days; give a whole number from 1 to 366'],
    [['--days', '400'], '--days "400" is not a number of days; give a whole number from 1 to 366'],
    [['--agent', '9999'], '--agent "9999": team.yaml has no agent with that ID'],
  ])('refuses %j with exit 2', async (flags, message) => {
    const file = await write('team.yaml', TEAM_ROSTER);
    expect(await rota(['plan', file, ...flags])).toEqual({
      code: 2,
      out: '',
      err: `rota plan: ${message}\n`,
    });
  });

  it('prints the errors of a roster with errors and exits 1', async () => {
    const file = await write('clash.yaml', CLASH_ROSTER);
    expect(await rota(['plan', file])).toEqual({ code: 1, out: '', err: clashError('') });
    expect((await rota(['plan', 'missing.yaml'])).err).toBe(
      'missing.yaml: cannot read the roster file: no such file\n',
    );
  });
});
