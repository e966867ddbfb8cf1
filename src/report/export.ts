import { isoDate, type Window, type ZoneClock } from '../time/zone-clock.js';
import { type Adherence, ON_TIME_MS, type SessionAdherence } from './adherence.js';

/**
 * The adherence report for scripts: one JSON document, or CSV (RFC 4180: a header row, fields quoted
 * when they hold a comma, a quote or a line break, lines ended by CRLF). Instants are ISO 8601 with the
 * offset of the roster zone; `date` is the session's start date there.
 */

/** One session of the report, as `--format json` gives it (and the CSV cells are taken from). */
export function adherenceRow(row: SessionAdherence, clock: ZoneClock) {
  const { session, login, logout } = row;
  const iso = (ms: number | undefined) => (ms === undefined ? null : clock.iso(ms));
  return {
    date: isoDate(clock.day(session.start)),
    agentId: session.agentId as string,
    team: session.team ?? null,
    phone: session.phone,
    zone: session.zone,
    scheduledLogin: clock.iso(session.start),
    scheduledLoginMs: session.start,
    actualLogin: iso(login?.at),
    actualLoginMs: login?.at ?? null,
    loginLateMs: login?.lateMs ?? null,
    loggedInBy: login?.kind ?? null,
    scheduledLogout: clock.iso(session.end),
    scheduledLogoutMs: session.end,
    actualLogout: iso(logout?.at),
    actualLogoutMs: logout?.at ?? null,
    logoutLateMs: logout?.lateMs ?? null,
    loginAttempts: row.loginAttempts,
    loginOutcome: row.loginOutcome ?? null,
    logoutAttempts: row.logoutAttempts,
    logoutOutcome: row.logoutOutcome ?? null,
    verdict: row.verdict,
    revision: session.revision,
  };
}

export type AdherenceRow = ReturnType<typeof adherenceRow>;

/** The CSV columns, in order, and the cell each takes from a row. */
const CSV: [column: string, cell: (row: AdherenceRow) => string | number | null][] = [
  ['date', (r) => r.date],
  ['agent', (r) => r.agentId],
  ['team', (r) => r.team],
  ['phone', (r) => r.phone],
  ['scheduled_login', (r) => r.scheduledLogin],
  ['actual_login', (r) => r.actualLogin],
  ['login_late_ms', (r) => r.loginLateMs],
  ['scheduled_logout', (r) => r.scheduledLogout],
  ['actual_logout', (r) => r.actualLogout],
  ['logout_late_ms', (r) => r.logoutLateMs],
  ['login_attempts', (r) => r.loginAttempts],
  ['login_outcome', (r) => r.loginOutcome],
  ['logout_attempts', (r) => r.logoutAttempts],
  ['logout_outcome', (r) => r.logoutOutcome],
  ['verdict', (r) => r.verdict],
  ['revision', (r) => r.revision],
];

export const CSV_COLUMNS: readonly string[] = CSV.map(([column]) => column);

/** One RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV: the header row, then one row per session. */
export function adherenceCsv(rows: readonly AdherenceRow[]): string {
  const line = (cells: (string | number | null)[]) => `${cells.map(csvField).join(',')}\r\n`;
  return line([...CSV_COLUMNS]) + rows.map((row) => line(CSV.map(([, cell]) => cell(row)))).join('');
}

/** The report as one JSON document (`--format json`). */
export function adherenceDocument(
  report: Adherence,
  period: { from: string; to: string; window: Window },
  clock: ZoneClock,
) {
  const { summary } = report;
  return {
    zone: clock.name,
    from: period.from,
    to: period.to,
    window: {
      from: clock.iso(period.window.from),
      fromMs: period.window.from,
      to: clock.iso(period.window.to),
      toMs: period.window.to,
    },
    /** A login accepted within this of its instant is on time. */
    onTimeMs: ON_TIME_MS,
    sessions: report.rows.map((row) => adherenceRow(row, clock)),
    summary: {
      ...summary,
      worstAgents: summary.worstAgents.map((agent) => ({
        ...agent,
        team: agent.team ?? null,
        worstLateMs: agent.worstLateMs ?? null,
      })),
    },
  };
}
