import { LATE_AFTER_MS } from '../alerts/alert.js';
import type { Outcome } from '../cloudagent/types.js';
import { CATCH_UP_LOGOUT_MS, type JobKind, jobId, LOGOUT_DEADLINE_MS } from '../plan/jobs.js';
import type { LoggedSession } from '../store/session-log.js';
import type { AdminEntry, HistoryEntry } from '../store/store.js';
import type { Window } from '../time/zone-clock.js';

/**
 * Adherence (`rota report`): for each session of a period, when its login and logout were scheduled,
 * when CloudAgent accepted them, how late, and a verdict; then a summary. Pure: the sessions as they were
 * logged when they were worked, the attempts and what people did go in with `now`; values come out.
 *
 * Accepted: the instant rota had CloudAgent's success answer — the call's start plus its latency
 * (`startedAt + latencyMs`). The API gives no time of its own; the answer is the first moment the login
 * is known to hold, so lateness is never understated by a slow API.
 */

/** A login accepted within this of its instant is on time. */
export const ON_TIME_MS = 5_000;
/** A due login with no attempt this long after its instant is missed (the "not started" alert's delay). */
export const NOT_STARTED_MS = LATE_AFTER_MS;
/** A person's login this long before a session at most (and after the agent's previous one) is for it. */
export const MANUAL_LEAD_MS = CATCH_UP_LOGOUT_MS;
/** A session's logout is looked for until this long after its end (catch-up, then retries). */
const LOGOUT_REACH_MS = CATCH_UP_LOGOUT_MS + LOGOUT_DEADLINE_MS;
/** The agents named in the summary at most. */
const WORST_AGENTS = 5;

/**
 * - `on time`, `late`: the roster job logged the agent in, within `ON_TIME_MS` of the instant or later;
 * - `manual`: a person's `rota login` did (before the instant, or before the roster job succeeded);
 * - `missed`: never logged in: the login failed, or was never tried although due;
 * - `skipped`: the login was skipped as stale or against the plan;
 * - `cancelled`: a person cancelled the login before it ran;
 * - `pending`: not due yet, or still being retried.
 */
export const VERDICTS = ['on time', 'late', 'manual', 'missed', 'skipped', 'cancelled', 'pending'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A login or logout CloudAgent accepted. */
export interface Acceptance {
  /** `startedAt + latencyMs` of the successful attempt (epoch ms). */
  at: number;
  /** After the session's scheduled instant (negative: before it). */
  lateMs: number;
  jobId: string;
  kind: JobKind;
}

export interface SessionAdherence {
  session: LoggedSession;
  login?: Acceptance;
  logout?: Acceptance;
  /** Attempts of the session's roster login job (a requeue adds to them), and the last one's outcome. */
  loginAttempts: number;
  loginOutcome?: Outcome;
  /** Attempts of the job whose logout was accepted, else of the session's roster logout job. */
  logoutAttempts: number;
  logoutOutcome?: Outcome;
  verdict: Verdict;
}

export interface AgentStanding {
  agentId: string;
  team?: string;
  sessions: number;
  late: number;
  missed: number;
  skipped: number;
  /** The latest login among its on-time and late sessions. */
  worstLateMs?: number;
}

export interface AdherenceSummary {
  sessions: number;
  verdicts: Record<Verdict, number>;
  /** The sessions the on-time rate is taken over: every one but the cancelled and the pending. */
  due: number;
  /** On time / due; null when none was due. */
  onTimeRate: number | null;
  missed: number;
  /** Lateness of the logins rota made (on time and late), nearest-rank percentiles. */
  lateness: { count: number; p50Ms: number | null; p99Ms: number | null };
  /** The agents with late, missed or skipped sessions, most first (at most five). */
  worstAgents: AgentStanding[];
}

export interface AdherenceInput {
  /** Logged sessions: those starting in `window` are reported, the others are their neighbours. */
  sessions: readonly LoggedSession[];
  attempts: readonly HistoryEntry[];
  admin: readonly AdminEntry[];
  /** Sessions that start in `[from, to)`. */
  window: Window;
  now: number;
  agentId?: string;
  team?: string;
}

export interface Adherence {
  rows: SessionAdherence[];
  summary: AdherenceSummary;
}

const succeeded = (entry: HistoryEntry) => entry.outcome === 'done' || entry.outcome === 'already';

/** When rota had CloudAgent's success answer. */
function acceptedAt(entry: HistoryEntry): number {
  return entry.startedAt + (entry.latencyMs ?? 0);
}

function acceptance(entry: HistoryEntry, instant: number): Acceptance {
  const at = acceptedAt(entry);
  return { at, lateMs: at - instant, jobId: entry.jobId, kind: entry.kind };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** The agent's attempts, with its successes in the order CloudAgent accepted them. */
interface AgentAttempts {
  all: readonly HistoryEntry[];
  successes: readonly HistoryEntry[];
}

/**
 * Who logged the agent in for the session: the roster job, unless a person's login held at the instant
 * (logged in after the agent's previous session, not logged out since) or came before the roster job's
 * success. A roster job that found the agent logged out (`done`) logged it in itself.
 */
function loginOf(
  session: LoggedSession,
  previous: LoggedSession | undefined,
  attempts: AgentAttempts,
  loginId: string,
): HistoryEntry | undefined {
  const from = Math.max(previous?.end ?? Number.NEGATIVE_INFINITY, session.start - MANUAL_LEAD_MS);
  let manual: HistoryEntry | undefined;
  let roster: HistoryEntry | undefined;
  for (const entry of attempts.successes) {
    const at = acceptedAt(entry);
    if (at < from) continue;
    if (at >= session.end) break;
    if (at < session.start) {
      if (entry.action === 'logout') manual = undefined;
      else if (entry.kind === 'manual') manual = entry;
    } else if (entry.jobId === loginId) {
      roster ??= entry;
    } else if (entry.action === 'login' && entry.kind === 'manual') {
      manual ??= entry;
    }
  }
  if (roster && (roster.outcome === 'done' || !manual || acceptedAt(roster) < acceptedAt(manual))) {
    return roster;
  }
  return manual ?? roster;
}

function verdictOf(
  session: LoggedSession,
  login: Acceptance | undefined,
  loginTries: readonly HistoryEntry[],
  cancelled: boolean,
  now: number,
): Verdict {
  if (login) return login.kind === 'manual' ? 'manual' : login.lateMs <= ON_TIME_MS ? 'on time' : 'late';
  const last = loginTries.at(-1)?.outcome;
  if (cancelled) return 'cancelled';
  if (last === 'skipped') return 'skipped';
  if (session.start > now) return 'pending';
  if (session.end <= now || last === 'rejected') return 'missed';
  if (last === undefined && now - session.start >= NOT_STARTED_MS) return 'missed';
  return 'pending';
}

function assess(
  session: LoggedSession,
  neighbours: { previous?: LoggedSession; next?: LoggedSession },
  attempts: AgentAttempts,
  cancelledJobs: ReadonlySet<string>,
  now: number,
): SessionAdherence {
  const loginId = jobId('roster', 'login', session.agentId, session.start);
  const loginEntry = loginOf(session, neighbours.previous, attempts, loginId);
  const login = loginEntry && acceptance(loginEntry, session.start);
  const after = login?.at ?? session.start;
  const until = Math.min(neighbours.next?.start ?? Number.POSITIVE_INFINITY, session.end + LOGOUT_REACH_MS);
  const logoutEntry = attempts.successes.find((entry) => {
    const at = acceptedAt(entry);
    return entry.action === 'logout' && at >= after && at < until;
  });
  const logoutId = logoutEntry?.jobId ?? jobId('roster', 'logout', session.agentId, session.end);
  const loginTries = attempts.all.filter((entry) => entry.jobId === loginId);
  const logoutTries = attempts.all.filter((entry) => entry.jobId === logoutId);
  const loginOutcome = loginTries.at(-1)?.outcome;
  const logoutOutcome = logoutTries.at(-1)?.outcome;
  return {
    session,
    ...(login ? { login } : {}),
    ...(logoutEntry ? { logout: acceptance(logoutEntry, session.end) } : {}),
    loginAttempts: loginTries.length,
    ...(loginOutcome ? { loginOutcome } : {}),
    logoutAttempts: logoutTries.length,
    ...(logoutOutcome ? { logoutOutcome } : {}),
    verdict: verdictOf(session, login, loginTries, cancelledJobs.has(loginId), now),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function summarize(rows: readonly SessionAdherence[]): AdherenceSummary {
  const verdicts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  for (const row of rows) verdicts[row.verdict]++;
  const due = rows.length - verdicts.cancelled - verdicts.pending;
  const lateness = rows
    .filter((row) => row.verdict === 'on time' || row.verdict === 'late')
    .map((row) => row.login?.lateMs ?? 0)
    .sort((a, b) => a - b);
  const standings = [...groupBy(rows, (row) => row.session.agentId)].map(([agentId, own]): AgentStanding => {
    const count = (verdict: Verdict) => own.filter((row) => row.verdict === verdict).length;
    const late = own.filter((row) => row.verdict === 'on time' || row.verdict === 'late');
    const team = own[0]?.session.team;
    return {
      agentId,
      ...(team === undefined ? {} : { team }),
      sessions: own.length,
      late: count('late'),
      missed: count('missed'),
      skipped: count('skipped'),
      ...(late.length > 0 ? { worstLateMs: Math.max(...late.map((row) => row.login?.lateMs ?? 0)) } : {}),
    };
  });
  const problems = (a: AgentStanding) => a.late + a.missed + a.skipped;
  return {
    sessions: rows.length,
    verdicts,
    due,
    onTimeRate: due > 0 ? verdicts['on time'] / due : null,
    missed: verdicts.missed,
    lateness: { count: lateness.length, p50Ms: percentile(lateness, 50), p99Ms: percentile(lateness, 99) },
    worstAgents: standings
      .filter((agent) => problems(agent) > 0)
      .sort(
        (a, b) =>
          problems(b) - problems(a) ||
          b.missed - a.missed ||
          (b.worstLateMs ?? 0) - (a.worstLateMs ?? 0) ||
          (a.agentId < b.agentId ? -1 : 1),
      )
      .slice(0, WORST_AGENTS),
  };
}

/** Every session that starts in the window (of the agent or team asked for), assessed, and the summary. */
export function assessAdherence(input: AdherenceInput): Adherence {
  const { window, now } = input;
  const cancelledJobs = new Set(
    input.admin.filter((entry) => entry.verb === 'cancel' && entry.jobId).map((entry) => entry.jobId ?? ''),
  );
  const attemptsByAgent = groupBy(input.attempts, (entry) => entry.agentId);
  const rows: SessionAdherence[] = [];
  for (const [agentId, own] of groupBy(input.sessions, (session) => session.agentId)) {
    if (input.agentId !== undefined && agentId !== input.agentId) continue;
    const sessions = [...own].sort((a, b) => a.start - b.start);
    const all = attemptsByAgent.get(agentId) ?? [];
    const attempts = { all, successes: all.filter(succeeded).sort((a, b) => acceptedAt(a) - acceptedAt(b)) };
    sessions.forEach((session, i) => {
      if (session.start < window.from || session.start >= window.to) return;
      if (input.team !== undefined && session.team !== input.team) return;
      const neighbours = {
        ...(i > 0 ? { previous: sessions[i - 1] } : {}),
        ...(i + 1 < sessions.length ? { next: sessions[i + 1] } : {}),
      };
      rows.push(assess(session, neighbours, attempts, cancelledJobs, now));
    });
  }
  rows.sort(
    (a, b) =>
      a.session.start - b.session.start ||
      (a.session.agentId < b.session.agentId ? -1 : a.session.agentId > b.session.agentId ? 1 : 0),
  );
  return { rows, summary: summarize(rows) };
}
