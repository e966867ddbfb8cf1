import { describe, expect, it } from 'vitest';
import type { Action, Outcome } from '../../src/cloudagent/types.js';
import { type JobKind, jobId } from '../../src/plan/jobs.js';
import {
  type AdherenceInput,
  assessAdherence,
  NOT_STARTED_MS,
  ON_TIME_MS,
  type SessionAdherence,
} from '../../src/report/adherence.js';
import {
  adherenceCsv,
  adherenceDocument,
  adherenceRow,
  CSV_COLUMNS,
  csvField,
} from '../../src/report/export.js';
import type { AgentId } from '../../src/roster/types.js';
import { type LoggedSession, startedToLog } from '../../src/store/session-log.js';
import type { AdminEntry, HistoryEntry } from '../../src/store/store.js';
import { localDaysWindow, ZoneClock } from '../../src/time/zone-clock.js';

/** The pure adherence rules with fixed clocks: sessions of 2026-12-01, 09:00–18:00 in Asia/Kolkata. */

const ZONE = 'Asia/Kolkata';
const T = Date.parse('2026-12-01T03:30:00Z'); // 09:00 IST
const END = T + 9 * 3_600_000; // 18:00 IST
const AFTER = END + 86_400_000; // the next day: every session of the 1st is over
const DAY = localDaysWindow(ZONE, '2026-12-01', 1);
const clock = new ZoneClock(ZONE);

function session(agent: string, start = T, end = END, extra: Partial<LoggedSession> = {}): LoggedSession {
  return {
    agentId: agent as AgentId,
    phone: `+91980000${agent}`,
    zone: ZONE,
    start,
    end,
    revision: 'rev-a',
    ...extra,
  };
}

interface Try {
  agent: string;
  action?: Action;
  kind?: JobKind;
  /** The job's instant (the session's start or end, or a manual action's time). */
  at: number;
  startedAt: number;
  latencyMs?: number;
  outcome: Outcome;
  attempt?: number;
}

function attempt(t: Try): HistoryEntry {
  const action = t.action ?? 'login';
  const kind = t.kind ?? 'roster';
  return {
    jobId: jobId(kind, action, t.agent, t.at),
    agentId: t.agent,
    action,
    kind,
    at: t.at,
    startedAt: t.startedAt,
    lateMs: t.startedAt - t.at,
    ...(t.outcome === 'skipped' ? {} : { latencyMs: t.latencyMs ?? 0 }),
    outcome: t.outcome,
    message: t.outcome,
    attempt: t.attempt ?? 1,
  };
}

const login = (agent: string, startedAt: number, outcome: Outcome = 'done', latencyMs = 0) =>
  attempt({ agent, at: T, startedAt, outcome, latencyMs });
const logout = (agent: string, startedAt: number, outcome: Outcome = 'done', latencyMs = 0) =>
  attempt({ agent, action: 'logout', at: END, startedAt, outcome, latencyMs });
const manualLogin = (agent: string, at: number, outcome: Outcome = 'done', latencyMs = 0) =>
  attempt({ agent, kind: 'manual', at, startedAt: at, outcome, latencyMs });

function assess(input: Partial<AdherenceInput> & Pick<AdherenceInput, 'sessions'>): SessionAdherence[] {
  return assessAdherence({ attempts: [], admin: [], window: DAY, now: AFTER, ...input }).rows;
}

const one = (input: Partial<AdherenceInput> & Pick<AdherenceInput, 'sessions'>) => {
  const rows = assess(input);
  expect(rows).toHaveLength(1);
  return rows[0] as SessionAdherence;
};

describe('verdicts', () => {
  it('on time: the roster login accepted (call start + latency) within 5 s of its instant', () => {
    const row = one({
      sessions: [session('1001')],
      attempts: [login('1001', T + 40, 'done', 60), logout('1001', END + 10, 'done', 20)],
    });
    expect(row).toMatchObject({
      verdict: 'on time',
      login: { at: T + 100, lateMs: 100, kind: 'roster' },
      logout: { at: END + 30, lateMs: 30, kind: 'roster' },
      loginAttempts: 1,
      loginOutcome: 'done',
      logoutAttempts: 1,
      logoutOutcome: 'done',
    });
  });

  it('on time up to exactly 5 s; late from the millisecond after', () => {
    const at = (lateMs: number) =>
      one({ sessions: [session('1001')], attempts: [login('1001', T + lateMs - 50, 'done', 50)] }).verdict;
    expect(at(ON_TIME_MS)).toBe('on time');
    expect(at(ON_TIME_MS + 1)).toBe('late');
  });

  it('late: retried until accepted 7.2 s after its instant; attempts counted, last outcome kept', () => {
    const row = one({
      sessions: [session('1002')],
      attempts: [
        attempt({ agent: '1002', at: T, startedAt: T + 5, outcome: 'transient', latencyMs: 10 }),
        attempt({ agent: '1002', at: T, startedAt: T + 1500, outcome: 'transient', attempt: 2 }),
        attempt({ agent: '1002', at: T, startedAt: T + 7000, outcome: 'done', latencyMs: 200, attempt: 3 }),
      ],
    });
    expect(row).toMatchObject({
      verdict: 'late',
      login: { lateMs: 7200 },
      loginAttempts: 3,
      loginOutcome: 'done',
    });
  });

  it('missed: the login was rejected (at once, even while the session runs)', () => {
    const attempts = [login('1003', T + 20, 'rejected')];
    expect(one({ sessions: [session('1003')], attempts, now: T + 60_000 })).toMatchObject({
      verdict: 'missed',
      loginOutcome: 'rejected',
      loginAttempts: 1,
    });
    expect(one({ sessions: [session('1003')], attempts }).login).toBeUndefined();
  });

  it('missed: retried until the session ended without success', () => {
    const attempts = [login('1003', T, 'transient'), login('1003', END - 1000, 'transient')];
    expect(one({ sessions: [session('1003')], attempts, now: T + 60_000 }).verdict).toBe('pending');
    expect(one({ sessions: [session('1003')], attempts }).verdict).toBe('missed');
  });

  it('missed: never tried although due (a minute after its instant); pending before that or before it', () => {
    expect(one({ sessions: [session('1008')] }).verdict).toBe('missed');
    expect(one({ sessions: [session('1008')], now: T + NOT_STARTED_MS }).verdict).toBe('missed');
    expect(one({ sessions: [session('1008')], now: T + NOT_STARTED_MS - 1 }).verdict).toBe('pending');
    expect(one({ sessions: [session('1008')], now: T - 1 })).toMatchObject({
      verdict: 'pending',
      loginAttempts: 0,
    });
  });

  it('manual: a person logged the agent in before the instant, and the roster job found it "already"', () => {
    const row = one({
      sessions: [session('1004')],
      attempts: [manualLogin('1004', T - 600_000, 'done', 80), login('1004', T + 30, 'already')],
    });
    expect(row).toMatchObject({
      verdict: 'manual',
      login: { at: T - 600_000 + 80, lateMs: -600_000 + 80, kind: 'manual' },
      loginAttempts: 1,
      loginOutcome: 'already',
    });
  });

  it('manual: a person logged the agent in while the roster job was being retried', () => {
    const row = one({
      sessions: [session('1004')],
      attempts: [
        login('1004', T, 'transient'),
        manualLogin('1004', T + 60_000),
        login('1004', T + 62_000, 'already'),
      ],
    });
    expect(row).toMatchObject({ verdict: 'manual', login: { lateMs: 60_000 }, loginAttempts: 2 });
  });

  it('not manual: the roster job logged the agent in itself ("done") after a manual login had lapsed', () => {
    const manualThenOut = [
      manualLogin('1004', T - 3_600_000),
      attempt({
        agent: '1004',
        action: 'logout',
        kind: 'manual',
        at: T - 1_800_000,
        startedAt: T - 1_800_000,
        outcome: 'done',
      }),
      login('1004', T + 10, 'already'),
    ];
    expect(one({ sessions: [session('1004')], attempts: manualThenOut }).verdict).toBe('on time');
    const lapsed = [manualLogin('1004', T - 3_600_000), login('1004', T + 10, 'done')];
    expect(one({ sessions: [session('1004')], attempts: lapsed }).verdict).toBe('on time');
  });

  it("not manual: a person's login during the agent's previous session belongs to that session", () => {
    const previous = session('1004', T - 10 * 3_600_000, T - 2 * 3_600_000);
    const rows = assess({
      sessions: [previous, session('1004')],
      attempts: [manualLogin('1004', T - 3 * 3_600_000), login('1004', T + 10, 'already')],
    });
    expect(rows.map((row) => row.verdict)).toEqual(['on time']);
  });

  it('cancelled: a person cancelled the login job before it ran', () => {
    const admin: AdminEntry[] = [
      {
        at: T - 86_400_000,
        source: 'cli',
        verb: 'cancel',
        jobId: jobId('roster', 'login', '1005', T),
        agentId: '1005',
      },
      {
        at: T - 86_400_000,
        source: 'cli',
        verb: 'cancel',
        jobId: jobId('roster', 'login', '1001', T + 1),
        agentId: '1001',
      },
    ];
    expect(one({ sessions: [session('1005')], admin })).toMatchObject({
      verdict: 'cancelled',
      loginAttempts: 0,
    });
    // Another job's cancel is not this session's.
    expect(one({ sessions: [session('1001')], admin }).verdict).toBe('missed');
    // Cancelled before the session started: not pending.
    expect(one({ sessions: [session('1005')], admin, now: T - 1000 }).verdict).toBe('cancelled');
  });

  it('skipped: the login was skipped as stale', () => {
    expect(
      one({ sessions: [session('1006')], attempts: [login('1006', T + 3_600_000, 'skipped')] }),
    ).toMatchObject({
      verdict: 'skipped',
      loginOutcome: 'skipped',
    });
  });

  it('the logout: the first one accepted after the login, from a manual logout or a moved job too', () => {
    const early = attempt({
      agent: '1001',
      action: 'logout',
      kind: 'manual',
      at: END - 3_600_000,
      startedAt: END - 3_600_000,
      outcome: 'done',
      latencyMs: 5,
    });
    const row = one({
      sessions: [session('1001')],
      attempts: [login('1001', T), early, logout('1001', END, 'already')],
    });
    expect(row.logout).toEqual({
      at: END - 3_600_000 + 5,
      lateMs: -3_600_000 + 5,
      jobId: early.jobId,
      kind: 'manual',
    });
    expect(row).toMatchObject({ logoutAttempts: 1, logoutOutcome: 'done' });
    // Not past the agent's next session.
    const next = session('1001', END + 3_600_000, END + 4 * 3_600_000);
    const later = END + 2 * 3_600_000;
    const manualOut = attempt({
      agent: '1001',
      action: 'logout',
      kind: 'manual',
      at: later,
      startedAt: later,
      outcome: 'done',
    });
    const rows = assess({ sessions: [session('1001'), next], attempts: [login('1001', T), manualOut] });
    expect(rows[0]?.logout).toBeUndefined();
    expect(rows[0]).toMatchObject({ logoutAttempts: 0 });
  });
});

describe('scope', () => {
  const sessions = [
    session('1001', T, END, { team: 'morning' }),
    session('1002', T, END, { team: 'evening' }),
    session('1001', T - 86_400_000, END - 86_400_000, { team: 'morning' }),
    session('1001', T + 86_400_000, END + 86_400_000, { team: 'morning' }),
  ];

  it('the sessions that start in the window, of the agent or team asked for, by start then agent', () => {
    expect(assess({ sessions }).map((row) => row.session.agentId)).toEqual(['1001', '1002']);
    expect(assess({ sessions, agentId: '1002' }).map((row) => row.session.team)).toEqual(['evening']);
    expect(assess({ sessions, team: 'morning' }).map((row) => row.session.start)).toEqual([T]);
    const two = localDaysWindow(ZONE, '2026-11-30', 2);
    expect(assess({ sessions, window: two, agentId: '1001' }).map((row) => row.session.start)).toEqual([
      T - 86_400_000,
      T,
    ]);
  });
});

describe('summary', () => {
  const sessions = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1009'].map((id) => session(id));
  const report = assessAdherence({
    sessions: [...sessions, session('1010', AFTER + 3_600_000, AFTER + 7_200_000)],
    attempts: [
      login('1001', T + 100),
      login('1002', T + 7000, 'done', 200),
      login('1003', T, 'rejected'),
      manualLogin('1004', T - 60_000),
      login('1004', T + 10, 'already'),
      login('1006', T + 3_600_000, 'skipped'),
      login('1007', T + 300),
      login('1009', T + 30_000),
    ],
    admin: [{ at: T - 1000, source: 'web', verb: 'cancel', jobId: jobId('roster', 'login', '1005', T) }],
    window: localDaysWindow(ZONE, '2026-12-01', 3),
    now: AFTER,
  });

  it('counts every verdict; the on-time rate leaves out the cancelled and the pending', () => {
    expect(report.rows.map((row) => [row.session.agentId, row.verdict])).toEqual([
      ['1001', 'on time'],
      ['1002', 'late'],
      ['1003', 'missed'],
      ['1004', 'manual'],
      ['1005', 'cancelled'],
      ['1006', 'skipped'],
      ['1007', 'on time'],
      ['1009', 'late'],
      ['1010', 'pending'],
    ]);
    expect(report.summary).toMatchObject({
      sessions: 9,
      verdicts: { 'on time': 2, late: 2, manual: 1, missed: 1, skipped: 1, cancelled: 1, pending: 1 },
      due: 7,
      onTimeRate: 2 / 7,
      missed: 1,
    });
  });

  it("gives p50 and p99 of the lateness of rota's own logins (nearest rank)", () => {
    expect(report.summary.lateness).toEqual({ count: 4, p50Ms: 300, p99Ms: 30_000 });
  });

  it('names the worst agents: most late, missed or skipped sessions, then missed, then the latest', () => {
    expect(report.summary.worstAgents).toEqual([
      { agentId: '1003', sessions: 1, late: 0, missed: 1, skipped: 0 },
      { agentId: '1009', sessions: 1, late: 1, missed: 0, skipped: 0, worstLateMs: 30_000 },
      { agentId: '1002', sessions: 1, late: 1, missed: 0, skipped: 0, worstLateMs: 7200 },
      { agentId: '1006', sessions: 1, late: 0, missed: 0, skipped: 1 },
    ]);
  });

  it('has no rate and no percentiles when nothing was due', () => {
    const empty = assessAdherence({ sessions: [], attempts: [], admin: [], window: DAY, now: AFTER });
    expect(empty.summary).toMatchObject({
      sessions: 0,
      due: 0,
      onTimeRate: null,
      lateness: { count: 0, p50Ms: null, p99Ms: null },
      worstAgents: [],
    });
  });
});

describe('CSV', () => {
  it('has a header row with the documented column order, then one CRLF line per session', () => {
    expect(CSV_COLUMNS).toEqual([
      'date',
      'agent',
      'team',
      'phone',
      'scheduled_login',
      'actual_login',
      'login_late_ms',
      'scheduled_logout',
      'actual_logout',
      'logout_late_ms',
      'login_attempts',
      'login_outcome',
      'logout_attempts',
      'logout_outcome',
      'verdict',
      'revision',
    ]);
    const rows = assess({
      sessions: [session('1001', T, END, { team: 'morning' }), session('1003')],
      attempts: [
        login('1001', T + 40, 'done', 60),
        logout('1001', END, 'done', 25),
        login('1003', T, 'rejected'),
      ],
    }).map((row) => adherenceRow(row, clock));
    expect(adherenceCsv(rows).split('\r\n')).toEqual([
      CSV_COLUMNS.join(','),
      '2026-12-01,1001,morning,+919800001001,2026-12-01T09:00:00+05:30,2026-12-01T09:00:00.100+05:30,100,' +
        '2026-12-01T18:00:00+05:30,2026-12-01T18:00:00.025+05:30,25,1,done,1,done,on time,rev-a',
      '2026-12-01,1003,,+919800001003,2026-12-01T09:00:00+05:30,,,2026-12-01T18:00:00+05:30,,,1,rejected,0,,missed,rev-a',
      '',
    ]);
  });

  it('quotes a field with a comma, a quote or a line break (RFC 4180), and only those', () => {
    expect(csvField('night, east')).toBe('"night, east"');
    expect(csvField('the "A" team')).toBe('"the ""A"" team"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('+919800001001')).toBe('+919800001001');
    expect(csvField(-250)).toBe('-250');
    expect(csvField(null)).toBe('');
    const rows = assess({ sessions: [session('1001', T, END, { team: 'a "b", c' })] }).map((row) =>
      adherenceRow(row, clock),
    );
    expect(adherenceCsv(rows).split('\r\n')[1]).toContain(',"a ""b"", c",');
  });
});

describe('JSON', () => {
  it('one document: the period, each session with ISO times and epoch ms, and the summary', () => {
    const report = assessAdherence({
      sessions: [session('1001')],
      attempts: [login('1001', T + 40, 'done', 60)],
      admin: [],
      window: DAY,
      now: AFTER,
    });
    const document = adherenceDocument(report, { from: '2026-12-01', to: '2026-12-01', window: DAY }, clock);
    expect(document).toMatchObject({
      zone: ZONE,
      from: '2026-12-01',
      to: '2026-12-01',
      window: { from: '2026-12-01T00:00:00+05:30', fromMs: DAY.from, to: '2026-12-02T00:00:00+05:30' },
      onTimeMs: 5000,
      sessions: [
        {
          date: '2026-12-01',
          agentId: '1001',
          team: null,
          scheduledLogin: '2026-12-01T09:00:00+05:30',
          scheduledLoginMs: T,
          actualLogin: '2026-12-01T09:00:00.100+05:30',
          actualLoginMs: T + 100,
          loginLateMs: 100,
          loggedInBy: 'roster',
          actualLogout: null,
          verdict: 'on time',
          revision: 'rev-a',
        },
      ],
      summary: { sessions: 1, onTimeRate: 1 },
    });
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});

describe('a roster change after the fact', () => {
  it('changes no started session in the log, so the report stays as it was', () => {
    const worked = [session('1001', T, END, { team: 'morning' })];
    const attempts = [login('1001', T + 40, 'done', 60), logout('1001', END, 'done', 10)];
    const before = assess({ sessions: worked, attempts });
    // The next day the roster moves the agent to another team and shortens yesterday's shift: a sync
    // sees it as started, and logs nothing for it.
    const changed = { ...session('1001', T, END - 3_600_000, { team: 'evening' }), revision: 'rev-b' };
    expect(startedToLog(worked, [changed])).toEqual([]);
    // A session that overlaps a logged one (its start moved) is not logged either; a new one is.
    const moved = session('1001', T - 1_800_000, END);
    const fresh = session('1001', END + 3_600_000, END + 7_200_000);
    expect(startedToLog(worked, [moved, fresh])).toEqual([fresh]);
    expect(assess({ sessions: worked, attempts })).toEqual(before);
    expect(before[0]).toMatchObject({
      verdict: 'on time',
      session: { team: 'morning', end: END, revision: 'rev-a' },
    });
  });
});
