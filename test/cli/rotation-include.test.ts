import { describe, expect, it, vi } from 'vitest';
import { verbsInTempDir } from '../helpers/in-temp-dir.js';
import { FOUR_WEEK_ROTATION } from '../helpers/rotation.js';

/**
 * `rota check` and `rota plan` on rosters with rotations and included CSV files: the cycle week in
 * check's summary and plan's sessions, CSV problems named as the user names the files, and
 * `plan --format ics`.
 */

// Thursday 2026-12-17, 10:00 in Kolkata: the second week of the cycle that starts on 2026-12-07.
const { write, rota } = verbsInTempDir('rota-rotation-include-', '2026-12-17T04:30:00Z');

const ROTATING = `${FOUR_WEEK_ROTATION}agents:
  - { id: "1001", phone: "+919800000001", team: rotating }
  - { id: "1002", phone: "+919800000002", team: rotating, rotation_offset: 1 }
  - { id: "1003", phone: "+919800000003", team: rotating, rotation_offset: 1 }
  - id: "1004"
    phone: "+919800000004"
    rotation:
      start: 2027-01-04
      weeks: [ { shifts: [ { days: [sat], start: "10:00", end: "14:00" } ] }, {} ]
`;

describe('rotations', () => {
  it('rota check says which week of its cycle each rotation is in', async () => {
    const file = await write('rotating.yaml', ROTATING);
    const { code, out, err } = await rota(['check', file]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.split('\n').slice(1)).toEqual([
      'rotations, today 2026-12-17 (Asia/Kolkata):',
      '  team rotating: week 2 of 4 (2026-12-14 to 2026-12-20), then week 3',
      '  team rotating, rotation_offset 1 (agents 1002, 1003): week 3 of 4 (2026-12-14 to 2026-12-20), then week 4',
      '  agent 1004: starts 2027-01-04 with week 1 of 2',
      '',
    ]);
    const json = JSON.parse((await rota(['check', file, '--json'])).out);
    // The same rows as the text, in full in test/roster/rotation.test.ts.
    expect(json.rotations).toHaveLength(3);
    expect(json.rotations[1]).toMatchObject({
      team: 'rotating',
      agents: ['1002', '1003'],
      offset: 1,
      week: 3,
    });
  });

  it('rota plan shows the cycle week of each session of an agent on a rotation', async () => {
    const file = await write('rotating.yaml', ROTATING);
    const { code, out } = await rota(['plan', file, '--from', '2026-12-20', '--days', '2']);
    expect(code).toBe(0);
    const rows = out.split('\n').filter((line) => /^100\d /.test(line));
    expect(
      rows.map((row) => row.split(/\s{2,}/).filter((_cell, i) => i === 0 || i === 3 || i === 8)),
    ).toEqual([
      // Sunday 2026-12-20 is the last day of week 3 for 1002 and 1003: their nights start.
      ['1002', '2026-12-20 22:00 +05:30', '3'],
      ['1003', '2026-12-20 22:00 +05:30', '3'],
      ['1001', '2026-12-21 22:00 +05:30', '3'],
    ]);
    expect(out).toContain('duration  week\n');
    const json = JSON.parse(
      (await rota(['plan', file, '--from', '2026-12-21', '--days', '1', '--json'])).out,
    );
    expect(json.sessions.map((s: { agentId: string; week?: number }) => [s.agentId, s.week])).toEqual([
      ['1002', 3],
      ['1003', 3],
      ['1001', 3],
    ]);
  });

  it('rota plan has no week column when no agent shown is on a rotation', async () => {
    const file = await write(
      'plain.yaml',
      'version: 1\ntimezone: Asia/Kolkata\nagents:\n  - { id: "1", phone: "+919800000000", shifts: [{ days: [mon-sun], start: "09:00", end: "10:00" }] }\n',
    );
    const { out } = await rota(['plan', file, '--days', '1']);
    expect(out).toContain('duration\n');
    expect(out).not.toContain('week');
  });
});

describe('included CSV files', () => {
  const roster = `version: 1
timezone: Asia/Kolkata
include:
  - csv: exports/week-51.csv
    columns: { agent: "Agent ID" }
agents:
  - { id: "1001", phone: "+919800000001" }
`;

  it('rota check names a problem by the CSV file and line, from where the user names the roster', async () => {
    await write(
      'site/exports/week-51.csv',
      'Agent ID,date,start,end\n1001,2026-12-18,09:00,17:00\n1002,2026-12-18,09:00,17:00\n',
    );
    const file = await write('site/roster.yaml', roster);
    expect(await rota(['check', file])).toEqual({
      code: 1,
      out: '',
      err:
        `site/exports/week-51.csv:3: agent "1002" is not on the roster; add them to the roster's agents, or take the row out\n` +
        'site/roster.yaml: 1 error\n',
    });
  });

  it('rota plan shows the included shifts', async () => {
    await write('site/exports/week-51.csv', 'Agent ID,date,start,end\n1001,2026-12-18,09:00,17:00\n');
    const file = await write('site/roster.yaml', roster);
    const json = JSON.parse((await rota(['plan', file, '--json'])).out);
    expect(json.sessions).toMatchObject([{ agentId: '1001', start: '2026-12-18T09:00:00+05:30' }]);
    expect(json.sessions[0]).not.toHaveProperty('week');
  });
});

describe('rota plan --agent ID --format ics', () => {
  it('writes the agent’s sessions as an iCalendar file, the same on every run', async () => {
    const file = await write('rotating.yaml', ROTATING);
    const first = await rota(['plan', file, '--agent', '1001', '--format', 'ics']);
    expect(first.code).toBe(0);
    expect(first.err).toBe('');
    const lines = first.out.split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      expect.stringMatching(/^PRODID:-\/\/rota\/\/rota \S+\/\/EN$/),
      'NAME:rota: agent 1001',
      'X-WR-CALNAME:rota: agent 1001',
    ]);
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    // Week 2 (lates) from now to the horizon (7 days): Thursday and Friday; then week 3 (nights) from Monday.
    expect(lines.filter((line) => line.startsWith('UID:'))).toEqual([
      'UID:login-1001-20261217T083000Z@rota',
      'UID:login-1001-20261218T083000Z@rota',
      'UID:login-1001-20261221T163000Z@rota',
      'UID:login-1001-20261222T163000Z@rota',
      'UID:login-1001-20261223T163000Z@rota',
    ]);
    expect(lines).toContain('DTSTART:20261217T083000Z');
    expect(lines).toContain('DTEND:20261217T163000Z');
    expect(lines).toContain('SUMMARY:On shift (team rotating)');

    vi.setSystemTime(new Date('2026-12-17T05:00:00Z'));
    const again = await rota(['plan', file, '--agent', '1001', '--format', 'ics']);
    const uids = (text: string) => text.split('\r\n').filter((line) => line.startsWith('UID:'));
    expect(uids(again.out)).toEqual(uids(first.out));
  });

  it('needs --agent, and one format', async () => {
    const file = await write('rotating.yaml', ROTATING);
    expect(await rota(['plan', file, '--format', 'ics'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("--format ics is one agent's calendar; give the agent with --agent ID"),
    });
    expect(await rota(['plan', file, '--format', 'pdf'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format "pdf" is not one of table, json, ics'),
    });
    expect(await rota(['plan', file, '--json', '--format', 'ics', '--agent', '1001'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--json and --format "ics" ask for two things; give one of them'),
    });
    expect((await rota(['plan', file, '--format', 'json'])).code).toBe(0);
  });
});
