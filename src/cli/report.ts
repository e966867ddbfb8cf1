import { UsageError } from '../errors/index.js';
import { type Adherence, assessAdherence, MANUAL_LEAD_MS, VERDICTS } from '../report/adherence.js';
import { adherenceCsv, adherenceDocument, adherenceRow } from '../report/export.js';
import { SessionLog } from '../store/session-log.js';
import { printable } from '../text/printable.js';
import { table } from '../text/table.js';
import {
  DAY_MS,
  dayNumber,
  type IsoDate,
  isoDate,
  localDaysWindow,
  localToday,
  ZoneClock,
} from '../time/zone-clock.js';
import { span } from '../views/show.js';
import { dateFlag, parseFlags, printJson, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';

const FORMATS = ['table', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Sessions this far around the period are read as neighbours (a person's login before, a late logout). */
const AROUND_MS = 2 * DAY_MS;

/** `HH:MM:SS` of an ISO instant on the row's date, else with its own date in front. */
function clockOf(date: IsoDate, iso: string | null): string {
  if (iso === null) return '';
  return iso.slice(0, 10) === date ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

function showTable(report: Adherence, clock: ZoneClock): string {
  const rows = report.rows.map((row) => adherenceRow(row, clock));
  const late = (ms: number | null) => (ms === null ? '' : span(ms));
  const body =
    rows.length === 0
      ? ''
      : table(
          [
            'date',
            'agent',
            'team',
            'login',
            'accepted',
            'late',
            'logout',
            'accepted',
            'late',
            'tries',
            'outcome',
            'verdict',
          ],
          rows.map((row) => [
            row.date,
            printable(row.agentId),
            printable(row.team ?? ''),
            clockOf(row.date, row.scheduledLogin),
            clockOf(row.date, row.actualLogin),
            late(row.loginLateMs),
            clockOf(row.date, row.scheduledLogout),
            clockOf(row.date, row.actualLogout),
            late(row.logoutLateMs),
            `${row.loginAttempts}/${row.logoutAttempts}`,
            `${row.loginOutcome ?? '-'}/${row.logoutOutcome ?? '-'}`,
            row.verdict,
          ]),
        );
  const { summary } = report;
  const others = VERDICTS.filter((verdict) => verdict !== 'on time')
    .map((verdict) => `${verdict} ${summary.verdicts[verdict]}`)
    .join(', ');
  const { p50Ms, p99Ms } = summary.lateness;
  const worst = summary.worstAgents.map((agent) => {
    const counts = [
      agent.missed > 0 ? `missed ${agent.missed}` : '',
      agent.skipped > 0 ? `skipped ${agent.skipped}` : '',
      agent.late > 0 ? `late ${agent.late}, up to ${span(agent.worstLateMs ?? 0)}` : '',
    ].filter((text) => text !== '');
    return `${printable(agent.agentId)} (${counts.join(', ')})`;
  });
  return [
    body,
    `on time ${summary.verdicts['on time']} of ${summary.due} due (${percent(summary.onTimeRate)}); ${others}\n`,
    p50Ms === null || p99Ms === null
      ? ''
      : `login lateness (rota's logins): p50 ${span(p50Ms)}, p99 ${span(p99Ms)}\n`,
    worst.length > 0 ? `worst agents: ${worst.join('; ')}\n` : '',
  ].join('');
}

/**
 * `rota report [--from DATE] [--to DATE] [--agent ID] [--team NAME] [--format table|csv|json]`: each
 * session of the period (default yesterday, in the roster zone) as it was planned when it was worked,
 * its scheduled and accepted login and logout, lateness and verdict; and a summary.
 */
export const run: Verb = async (args, io) => {
  const { values } = parseFlags(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      agent: { type: 'string' },
      team: { type: 'string' },
      format: { type: 'string', default: 'table' },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const format = (values.json ? 'json' : values.format) as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format "${printable(values.format)}" is not one of ${FORMATS.join(', ')}`);
  }
  const fromFlag = dateFlag('from', values.from);
  const toFlag = dateFlag('to', values.to);
  return withRuntime(io, async (runtime) => {
    const now = io.now();
    const zone = await runtime.store.rosterZone();
    const today = localToday(zone, now);
    // No dates: yesterday. --from alone: up to today. --to alone: that day.
    const to = toFlag ?? (fromFlag === undefined ? isoDate(dayNumber(today) - 1) : today);
    const from = fromFlag ?? to;
    const days = dayNumber(to) - dayNumber(from) + 1;
    if (days < 1) throw new UsageError(`--from ${from} is after --to ${to}`);
    const window = localDaysWindow(zone, from, days);
    const agentId = values.agent;
    const [sessions, attempts, admin] = await Promise.all([
      SessionLog.of(runtime.store).between(window.from - AROUND_MS, window.to + AROUND_MS),
      runtime.store.history({
        since: window.from - MANUAL_LEAD_MS,
        ...(agentId === undefined ? {} : { agentId }),
      }),
      // Cancels come any time before the login: read every one kept.
      runtime.store.adminHistory(0),
    ]);
    const report = assessAdherence({
      sessions,
      attempts,
      admin,
      window,
      now,
      ...(agentId === undefined ? {} : { agentId }),
      ...(values.team === undefined ? {} : { team: values.team }),
    });
    const clock = new ZoneClock(zone);
    if (format === 'json') {
      printJson(io, adherenceDocument(report, { from, to, window }, clock));
    } else if (format === 'csv') {
      io.stdout(adherenceCsv(report.rows.map((row) => adherenceRow(row, clock))));
    } else {
      const period = from === to ? from : `${from} to ${to}`;
      const who = [agentId && `agent ${printable(agentId)}`, values.team && `team ${printable(values.team)}`]
        .filter(Boolean)
        .join(', ');
      io.stdout(
        `adherence ${period} (${zone})${who ? ` of ${who}` : ''}: ${report.rows.length} session(s)\n`,
      );
      io.stdout(showTable(report, clock));
    }
    return 0;
  });
};
