import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoster } from '../../src/roster/check.js';
import { detectDelimiter } from '../../src/roster/csv.js';
import { expandRoster } from '../../src/roster/expand.js';
import { formatIssue } from '../../src/roster/format.js';
import { loadRoster } from '../../src/roster/load.js';
import { rosterRevision } from '../../src/roster/revision.js';
import type { Roster, Session } from '../../src/roster/types.js';

/**
 * `include: [ { csv, columns } ]`: dated one-off shifts from WFM exports, read as they are exported,
 * every problem at `file.csv:LINE`, and part of the revision.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
/** A fresh folder holding `files` (name → content), with the roster at `roster.yaml`. */
async function folder(files: Record<string, string | Buffer>): Promise<string> {
  const here = join(dir, `case-${++count}`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(here, name)), { recursive: true });
    await writeFile(join(here, name), content);
  }
  return join(here, 'roster.yaml');
}

/** Each with a shift of its own, long after the days looked at. */
const AGENTS = `agents:
  - { id: "1001", phone: "+919800000001", shifts: [{ date: 2027-06-01, start: "09:00", end: "10:00" }] }
  - { id: "1002", phone: "+919800000002", shifts: [{ date: 2027-06-01, start: "09:00", end: "10:00" }] }
  - { id: "1003", phone: "+919800000001", timezone: Europe/London, shifts: [{ date: 2027-06-01, start: "09:00", end: "10:00" }] }
`;

const roster = (include: string, extra = '') =>
  `version: 1\ntimezone: Asia/Kolkata\n${extra}include:\n${include}${AGENTS}`;

/** Issues as `rota check` prints them, each file named by its path from the roster's folder. */
function printed(file: string, issues: Parameters<typeof formatIssue>[0][]): string[] {
  const base = dirname(file);
  return issues.map((issue) => formatIssue({ ...issue, file: issue.file.slice(base.length + 1) }));
}

async function loaded(files: Record<string, string | Buffer>): Promise<Roster> {
  const file = await folder(files);
  const { roster: result, issues } = await loadRoster(file);
  expect(printed(file, issues)).toEqual([]);
  if (!result) throw new Error('expected a roster');
  return result;
}

async function problems(files: Record<string, string | Buffer>): Promise<string[]> {
  const file = await folder(files);
  const { roster: result, issues } = await loadRoster(file);
  expect(result).toBeUndefined();
  return printed(file, issues);
}

/** The sessions of 2026-12-06 to 2026-12-13 as `agent local-start local-end`. */
function sessions(r: Roster): string[] {
  const { sessions: all } = expandRoster(r, {
    from: Date.parse('2026-12-05T18:30:00Z'),
    to: Date.parse('2026-12-13T18:30:00Z'),
  });
  const local = (session: Session, instant: number) =>
    new Date(instant).toLocaleString('sv-SE', { timeZone: session.zone }).slice(0, 16);
  return all.map((s) => `${s.agentId} ${local(s, s.start)} ${local(s, s.end)}`);
}

describe('the CSV format', () => {
  it('reads the default columns agent,date,start,end: one-off shifts in the agent’s zone', async () => {
    const r = await loaded({
      'roster.yaml': roster('  - csv: week-49.csv\n'),
      'week-49.csv':
        'agent,date,start,end\n1001,2026-12-07,09:00,17:00\n1002,2026-12-07,22:00,06:00\n1003,2026-12-08,9:00,17:30:00\n',
    });
    expect(sessions(r)).toEqual([
      '1001 2026-12-07 09:00 2026-12-07 17:00',
      '1002 2026-12-07 22:00 2026-12-08 06:00',
      '1003 2026-12-08 09:00 2026-12-08 17:30',
    ]);
    // After the agent's own shift in the roster.
    expect(r.agents[0]?.shifts[1]).toMatchObject({
      kind: 'date',
      date: '2026-12-07',
      place: { file: join(dirname(r.file), 'week-49.csv'), line: 2, column: 0, path: '' },
    });
  });

  it('maps other column names (any case), and ignores the other columns', async () => {
    const r = await loaded({
      'roster.yaml': roster(
        '  - csv: exports/nice.csv\n    columns: { agent: "Agent ID", date: "Date", start: "Start", end: "End" }\n',
      ),
      'exports/nice.csv':
        'Agent Name,AGENT ID,Skill,date,Start,End,Activity\nAsha,1001,Billing,2026-12-07,09:00,17:00,Open\n',
    });
    expect(sessions(r)).toEqual(['1001 2026-12-07 09:00 2026-12-07 17:00']);
  });

  it('reads quoted values: separators, doubled quotes and line breaks inside them, lines counted right', async () => {
    const file = await folder({
      'roster.yaml': roster('  - csv: quoted.csv\n'),
      'quoted.csv':
        'agent,name,date,start,end\n' +
        '"1001","Rao, Asha ""AR""",2026-12-07,"09:00",17:00\n' +
        '1002,"two\nlines",2026-12-07,09:00,17:00\n' +
        '1099,x,2026-12-07,09:00,17:00\n',
    });
    const { roster: r, issues } = await loadRoster(file);
    expect(printed(file, issues)).toEqual([
      'quoted.csv:5: agent "1099" is not on the roster; add them to the roster\'s agents, or take the row out',
    ]);
    expect(r).toBeUndefined();
  });

  it('reads what spreadsheets write: a byte-order mark, CRLF lines, ; or tab separators, blank lines', async () => {
    const semicolons = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        '"agent";"date";"start";"end"\r\n1001;2026-12-07;09:00;17:00\r\n\r\n1002;2026-12-08;10:00;18:00\r\n',
      ),
    ]);
    const r = await loaded({
      'roster.yaml': roster('  - csv: excel.csv\n  - csv: tabs.tsv\n'),
      'excel.csv': semicolons,
      'tabs.tsv': 'agent\tdate\tstart\tend\n1003\t2026-12-09\t08:00\t12:00\n',
    });
    expect(sessions(r)).toEqual([
      '1001 2026-12-07 09:00 2026-12-07 17:00',
      '1002 2026-12-08 10:00 2026-12-08 18:00',
      '1003 2026-12-09 08:00 2026-12-09 12:00',
    ]);
  });

  it('reads a file saved in a Windows code page (names are in ignored columns)', async () => {
    const r = await loaded({
      'roster.yaml': roster('  - csv: cp1252.csv\n'),
      'cp1252.csv': Buffer.from('agent,name,date,start,end\n1001,Jos\xe9,2026-12-07,09:00,17:00\n', 'latin1'),
    });
    expect(sessions(r)).toEqual(['1001 2026-12-07 09:00 2026-12-07 17:00']);
  });

  it.each([
    ['agent;date;start;end\n', ';'],
    ['"a,b";c;d\n', ';'],
    ['agent,date,start,end', ','],
    ['agent\tdate\tstart\tend\r\n', '\t'],
    ['agent\n', ','],
    ['\ufeffagent;date,start;end\n', ';'],
  ])('takes the separator from the header line: %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });

  it('follows the roster’s rules: holidays and leave suppress a row, shifts of one agent merge', async () => {
    const r = await loaded({
      'roster.yaml': roster('  - csv: s.csv\n', 'holidays: [2026-12-08]\n'),
      's.csv':
        'agent,date,start,end\n1001,2026-12-07,09:00,13:00\n1001,2026-12-07,13:00,17:00\n1001,2026-12-08,09:00,17:00\n',
    });
    expect(sessions(r)).toEqual(['1001 2026-12-07 09:00 2026-12-07 17:00']);
  });

  it('does not warn of an agent whose shifts all come from an included file, and warns of one with none', async () => {
    const file = await folder({
      'roster.yaml':
        'version: 1\ntimezone: Asia/Kolkata\ninclude: [{ csv: s.csv }]\nagents:\n' +
        '  - { id: "1001", phone: "+919800000001" }\n  - { id: "1002", phone: "+919800000002" }\n',
      's.csv': 'agent,date,start,end\n1001,2026-12-07,09:00,13:00\n',
    });
    const { issues } = await loadRoster(file);
    expect(printed(file, issues)).toEqual([
      'roster.yaml:6:5 agents[1]: warning: agent "1002" has no team and no shifts, so rota never logs them in',
    ]);
  });
});

describe('problems, each at its file and line, all at once; the roster is not applied', () => {
  it('reports every bad row', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: bad.csv\n'),
        'bad.csv':
          'agent,date,start,end\n' +
          '1099,2026-12-07,09:00,17:00\n' +
          '1001,07/12/2026,9am,17:00\n' +
          '1001,2026-02-30,09:00,24:00\n' +
          '1002,2026-12-07,09:00\n' +
          ',2026-12-07,09:00,10:00\n' +
          '1001,2026-12-08,09:00,17:00\n' +
          '1001,2026-12-08,9:00,17:00:00\n',
      }),
    ).toEqual([
      'bad.csv:2: agent "1099" is not on the roster; add them to the roster\'s agents, or take the row out',
      'bad.csv:3: the date (column "date"): "07/12/2026" is not a date; use YYYY-MM-DD, like 2026-12-25',
      'bad.csv:3: the start (column "start"): "9am" is not a time; use HH:MM or HH:MM:SS',
      'bad.csv:4: the date (column "date"): "2026-02-30" is not a real date: February 2026 has 28 days',
      'bad.csv:4: the end (column "end"): "24:00" is not a time; write midnight as "00:00" (an end at or before the start is the next day)',
      'bad.csv:5: the end is missing (column "end")',
      'bad.csv:6: the agent ID is missing (column "agent")',
      'bad.csv:8: the same shift as line 7 (agent 1001 on 2026-12-08, 09:00 to 17:00); list each shift once',
    ]);
  });

  it('reports a duplicate across files at the later one, naming the earlier', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: a.csv\n  - csv: b/b.csv\n'),
        'a.csv': 'agent,date,start,end\n1001,2026-12-07,09:00,17:00\n',
        'b/b.csv': 'agent,date,start,end\n1002,2026-12-07,09:00,17:00\n1001,2026-12-07,09:00,17:00\n',
      }),
    ).toEqual([
      'b/b.csv:3: the same shift as a.csv:2 (agent 1001 on 2026-12-07, 09:00 to 17:00); list each shift once',
    ]);
  });

  it('reports a header without the columns, once per missing column, and reads no row', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: h.csv\n    columns: { agent: "Agent ID" }\n'),
        'h.csv': 'Agent,date,Begin,end\nnot,even,read,here\n',
      }),
    ).toEqual([
      'h.csv:1: no column "Agent ID" for the agent ID; the header has "Agent", "date", "Begin", "end"; name the right one in the roster\'s include, like columns: { agent: "..." }',
      'h.csv:1: no column "start" for the start; the header has "Agent", "date", "Begin", "end"; name the right one in the roster\'s include, like columns: { start: "..." }',
    ]);
  });

  it('reports an empty file, and a quote that breaks the CSV after the rows before it', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: empty.csv\n  - csv: quote.csv\n'),
        'empty.csv': '\n',
        'quote.csv':
          'agent,date,start,end\n1099,2026-12-07,09:00,17:00\n1001,"2026-12-07"x,09:00,17:00\n1002,2026-12-07,09:00,17:00\n',
      }),
    ).toEqual([
      'empty.csv: the file is empty; it needs a header row, like agent,date,start,end, and a row per shift',
      'quote.csv:2: agent "1099" is not on the roster; add them to the roster\'s agents, or take the row out',
      'quote.csv:3: a quoted value goes on after its closing quote; put the whole value in quotes, and write a quote inside it as ""',
    ]);
    expect(
      await problems({
        'roster.yaml': roster('  - csv: open.csv\n'),
        'open.csv':
          'agent,date,start,end\n1001,2026-12-07,09:00,17:00\n1002,"2026-12-07,09:00,17:00\n1001,2026-12-08,09:00,17:00\n',
      }),
    ).toEqual([
      'open.csv:3: a quote opened on this row is never closed; close it, and write a quote inside a value as ""',
    ]);
  });

  it('reports a missing file or one included twice at the include entry, with the roster’s own problems', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: nope.csv\n  - csv: ./twice.csv\n  - csv: twice.csv\n  - csv: dir\n'),
        'twice.csv': 'agent,date,start,end\n',
        'dir/x': '',
      }),
    ).toEqual([
      'roster.yaml:4:10 include[0].csv: cannot read nope.csv: no such file',
      'roster.yaml:6:10 include[2].csv: twice.csv is already included at line 5; include each file once',
      'roster.yaml:7:10 include[3].csv: dir is a directory; give the path of a CSV file',
    ]);
  });

  it('reports a bad include entry as a roster error', async () => {
    expect(
      await problems({
        'roster.yaml': roster('  - csv: ""\n    columns: { agent: 7, shift: "Shift" }\n    sheet: 1\n'),
      }),
    ).toEqual([
      "roster.yaml:4:10 include[0].csv: the file name is empty; write the CSV file's path, like exports/week-49.csv",
      'roster.yaml:5:23 include[0].columns.agent: expected a column name, not the number 7; write the column name in quotes, like "Agent ID"',
      'roster.yaml:5:26 include[0].columns.shift: "shift" is not allowed in columns; allowed keys: agent, date, start, end',
      'roster.yaml:6:5 include[0].sheet: "sheet" is not allowed in an include; allowed keys: csv, columns',
    ]);
  });

  it('reports two agents with one phone on shift at once at the row that does it', async () => {
    const r = await loaded({
      'roster.yaml': roster('  - csv: s.csv\n'),
      // 1003 (London) shares 1001's phone: 09:00 London is 14:30 in Kolkata, inside 1001's shift.
      's.csv':
        'agent,date,start,end\n1001,2026-12-07,09:00,17:00\n1003,2026-12-07,09:00,10:00\n1003,2026-12-08,09:00,10:00\n',
    });
    expect(printed(r.file, checkRoster(r, Date.parse('2026-12-01T04:30:00Z')))).toEqual([
      's.csv:3: agents 1001 and 1003 share phone +919800000001 and are both on shift on 2026-12-07 from 09:00 to 10:00 (Europe/London); a phone serves one agent at a time: give one of them another phone, or end one shift when the other starts',
    ]);
  });
});

describe('the revision covers included files: the same schedule gives the same revision', () => {
  const rows = ['1001,2026-12-07,09:00,17:00', '1002,2026-12-08,10:00,18:00', '1001,2026-12-09,09:00,17:00'];
  const csv = (lines: string[]) => `agent,date,start,end\n${lines.join('\n')}\n`;

  it('whatever the file is called, where it is, its column names and the order of its rows', async () => {
    const a = await loaded({ 'roster.yaml': roster('  - csv: a.csv\n'), 'a.csv': csv(rows) });
    const b = await loaded({
      'roster.yaml': roster('  - csv: exports/b.csv\n    columns: { agent: Agent }\n'),
      'exports/b.csv': `Agent,date,start,end,notes\n${[...rows]
        .reverse()
        .map((row) => `${row},x`)
        .join('\r\n')}\r\n`,
    });
    const split = await loaded({
      'roster.yaml': roster('  - csv: two.csv\n  - csv: one.csv\n'),
      'one.csv': csv(rows.slice(0, 1)),
      'two.csv': csv(rows.slice(1)),
    });
    expect(rosterRevision(b)).toBe(rosterRevision(a));
    expect(rosterRevision(split)).toBe(rosterRevision(a));
  });

  it('and another schedule another revision', async () => {
    const a = await loaded({ 'roster.yaml': roster('  - csv: a.csv\n'), 'a.csv': csv(rows) });
    const changed = await loaded({
      'roster.yaml': roster('  - csv: a.csv\n'),
      'a.csv': csv([...rows.slice(0, 2), '1001,2026-12-09,09:00,17:30']),
    });
    const none = await loaded({ 'roster.yaml': roster('  - csv: a.csv\n'), 'a.csv': csv([]) });
    expect(rosterRevision(changed)).not.toBe(rosterRevision(a));
    expect(rosterRevision(none)).not.toBe(rosterRevision(a));
  });
});

describe('at scale', () => {
  it('loads a 50,000-row export (2,000 agents, 25 days each) and expands it', async () => {
    const agents = Array.from(
      { length: 2000 },
      (_, i) => `  - { id: "${10_000 + i}", phone: "+9198${String(i).padStart(8, '0')}" }`,
    );
    const lines = ['Agent ID;Name;Date;Start;End'];
    for (let d = 0; d < 25; d++) {
      const date = new Date(Date.parse('2026-12-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10);
      for (let i = 0; i < 2000; i++)
        lines.push(`${10_000 + i};"Agent ${i}";${date};${i % 2 ? '22:00;06:00' : '09:00;17:00'}`);
    }
    expect(lines).toHaveLength(50_001);
    const file = await folder({
      'roster.yaml': `version: 1\ntimezone: Asia/Kolkata\ninclude:\n  - { csv: big.csv, columns: { agent: "Agent ID" } }\nagents:\n${agents.join('\n')}\n`,
      'big.csv': `${lines.join('\r\n')}\r\n`,
    });
    const started = performance.now();
    const { roster: r, issues } = await loadRoster(file);
    const loadMs = performance.now() - started;
    expect(issues).toEqual([]);
    if (!r) throw new Error('expected a roster');
    const expandStarted = performance.now();
    const { sessions: all } = expandRoster(r, {
      from: Date.parse('2026-11-30T18:30:00Z'),
      to: Date.parse('2026-12-25T18:30:00Z'),
    });
    const expandMs = performance.now() - expandStarted;
    expect(all).toHaveLength(50_000);
    console.info(
      `50,000-row CSV: loaded in ${Math.round(loadMs)} ms, expanded in ${Math.round(expandMs)} ms`,
    );
    expect(loadMs).toBeLessThan(10_000);
  });
});
