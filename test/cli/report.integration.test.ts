import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createLogger } from '../../src/log.js';
import { jobId } from '../../src/plan/jobs.js';
import { CSV_COLUMNS } from '../../src/report/export.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { type Service, startService } from '../../src/service.js';
import type { HistoryEntry } from '../../src/store/store.js';
import { nextEvent } from '../helpers/events.js';
import { captureIo } from '../helpers/io.js';
import { type Bench, inProcess, oneOff, openBench, secondsFromNow } from '../helpers/rota.js';

/** In-process runtimes log nowhere: the test output stays readable. */
const quiet = { log: createLogger('silent') };

/**
 * `rota report` after a real run: one service (scheduler and worker) against the simulator, five agents
 * whose shifts start seconds from now — on time, late (429 with Retry-After 7 s, then accepted), missed
 * (a wrong password in rota's credentials), manual (`rota login` before the shift, so the roster login
 * finds the agent "already" logged in) and cancelled (`rota cancel` before it ran) — then the report of
 * the day as CSV, JSON and a table.
 */

const ZONE = 'Asia/Kolkata';
const ON_TIME = '8101';
const LATE = '8102';
const MISSED = '8103';
const MANUAL = '8104';
const CANCELLED = '8105';
const ids = [ON_TIME, LATE, MISSED, MANUAL, CANCELLED];
const passwords = Object.fromEntries(ids.map((id) => [id, `pw-${id}`]));

let bench: Bench;
let runtime: Runtime;
let service: Service | undefined;
const T0 = secondsFromNow(12);
const DATE = DateTime.fromMillis(T0, { zone: ZONE }).toISODate() as string;
const loginId = (agent: string) => jobId('roster', 'login', agent, T0);

/** Runs a verb in-process against the bench; its exit code and what it printed. */
async function rota(args: string[]) {
  const c = captureIo(bench.env, bench.dir);
  const code = await main(args, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}

const recorded = (match: (entry: HistoryEntry) => boolean, timeoutMs = 40_000) =>
  nextEvent(runtime.events, 'attempt:recorded', match, timeoutMs).then(([entry]) => entry);

beforeAll(async () => {
  bench = await openBench({
    agents: passwords,
    credentials: { ...passwords, [MISSED]: 'not-the-password' },
    env: { LOG_LEVEL: 'silent' },
  });
  const shift = (id: string) => oneOff(T0, T0 + (id === ON_TIME ? 10_000 : 3_600_000), ZONE);
  const team = (id: string) => `t${id.slice(-1)}`;
  await bench.writeRoster(
    [
      'version: 1',
      `timezone: ${ZONE}`,
      'teams:',
      ...ids.map((id) => `  ${team(id)}: { shifts: [] }`),
      'agents:',
      ...ids.map(
        (id) => `  - { id: "${id}", phone: "+9198700${id}", team: ${team(id)}, shifts: [${shift(id)}] }`,
      ),
      '',
    ].join('\n'),
  );
  bench.sim.setFaults({ agents: { [LATE]: { tooManyRequestsRate: 1, retryAfter: '7' } } });
  runtime = await openRuntime(inProcess(bench.env), bench.dir, quiet);
  const synced = nextEvent(runtime.events, 'sync:finished');
  service = await startService(runtime, { worker: true, scheduler: true });
  expect((await synced)[0]).toMatchObject({ ok: true });

  // Before the shift: the manual login, and the cancel.
  const manualDone = recorded((e) => e.agentId === MANUAL && e.kind === 'manual');
  expect((await rota(['login', MANUAL])).code).toBe(0);
  expect(await manualDone).toMatchObject({ outcome: 'done' });
  expect(await rota(['cancel', loginId(CANCELLED)])).toMatchObject({ code: 0 });
  expect(Date.now(), 'the manual login and the cancel were done before the shift').toBeLessThan(T0);

  const onTime = recorded((e) => e.jobId === loginId(ON_TIME));
  const onTimeOut = recorded((e) => e.agentId === ON_TIME && e.action === 'logout');
  const missed = recorded((e) => e.jobId === loginId(MISSED));
  const manual = recorded((e) => e.jobId === loginId(MANUAL));
  const lateFirst = recorded((e) => e.jobId === loginId(LATE));
  const lateDone = recorded((e) => e.jobId === loginId(LATE) && e.outcome === 'done');
  expect(await lateFirst).toMatchObject({ outcome: 'transient', httpStatus: 429 });
  bench.sim.setFaults({});
  expect(await onTime).toMatchObject({ outcome: 'done' });
  expect(await missed).toMatchObject({ outcome: 'rejected' });
  expect(await manual).toMatchObject({ outcome: 'already' });
  expect(await lateDone).toMatchObject({ attempt: 2 });
  expect(await onTimeOut).toMatchObject({ outcome: 'done' });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await runtime?.close();
  await bench?.close();
});

describe('rota report after a run', () => {
  it('gives every verdict as CSV, in the documented column order', async () => {
    const { code, stdout, stderr } = await rota(['report', '--from', DATE, '--to', DATE, '--format', 'csv']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [header, ...lines] = stdout.split('\r\n').filter((line) => line !== '');
    expect(header?.split(',')).toEqual([...CSV_COLUMNS]);
    const rows = lines.map((line) =>
      Object.fromEntries(line.split(',').map((cell, i) => [CSV_COLUMNS[i], cell])),
    );
    const byAgent = Object.fromEntries(rows.map((row) => [row.agent, row]));
    expect(Object.keys(byAgent).sort()).toEqual(ids);
    expect(Object.fromEntries(rows.map((row) => [row.agent, row.verdict]))).toEqual({
      [ON_TIME]: 'on time',
      [LATE]: 'late',
      [MISSED]: 'missed',
      [MANUAL]: 'manual',
      [CANCELLED]: 'cancelled',
    });
    expect(byAgent[ON_TIME]).toMatchObject({
      date: DATE,
      team: 't1',
      phone: '+91987008101',
      login_attempts: '1',
      login_outcome: 'done',
      logout_attempts: '1',
      logout_outcome: 'done',
    });
    expect(Number(byAgent[ON_TIME]?.login_late_ms)).toBeLessThanOrEqual(5000);
    expect(byAgent[ON_TIME]?.actual_logout).not.toBe('');
    expect(byAgent[LATE]).toMatchObject({ login_attempts: '2', login_outcome: 'done' });
    expect(Number(byAgent[LATE]?.login_late_ms)).toBeGreaterThan(6500);
    expect(byAgent[MISSED]).toMatchObject({ actual_login: '', login_late_ms: '', login_outcome: 'rejected' });
    expect(byAgent[MANUAL]).toMatchObject({ login_outcome: 'already' });
    expect(Number(byAgent[MANUAL]?.login_late_ms)).toBeLessThan(0);
    expect(byAgent[CANCELLED]).toMatchObject({ actual_login: '', login_attempts: '0', login_outcome: '' });
  });

  it('gives the same as one JSON document with the summary', async () => {
    const { code, stdout } = await rota(['report', '--from', DATE, '--to', DATE, '--format', 'json']);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ zone: ZONE, from: DATE, to: DATE });
    expect(document.sessions.map((s: { verdict: string }) => s.verdict).sort()).toEqual([
      'cancelled',
      'late',
      'manual',
      'missed',
      'on time',
    ]);
    expect(document.summary).toMatchObject({
      sessions: 5,
      verdicts: { 'on time': 1, late: 1, manual: 1, missed: 1, cancelled: 1, skipped: 0, pending: 0 },
      due: 4,
      onTimeRate: 0.25,
      missed: 1,
      lateness: { count: 2 },
    });
    expect(document.summary.worstAgents.map((a: { agentId: string }) => a.agentId)).toEqual([MISSED, LATE]);
    // --agent and --team narrow it.
    const one = JSON.parse((await rota(['report', '--to', DATE, '--agent', LATE, '--json'])).stdout);
    expect(one.sessions.map((s: { agentId: string }) => s.agentId)).toEqual([LATE]);
    const team = JSON.parse(
      (await rota(['report', '--to', DATE, '--team', 't4', '--format', 'json'])).stdout,
    );
    expect(team.sessions.map((s: { verdict: string }) => s.verdict)).toEqual(['manual']);
  });

  it('prints a table with the summary by default; wrong flags are usage errors', async () => {
    const { code, stdout } = await rota(['report', '--from', DATE, '--to', DATE]);
    expect(code).toBe(0);
    expect(stdout).toContain(`adherence ${DATE}`);
    expect(stdout).toMatch(
      /on time 1 of 4 due \(25\.0%\); late 1, manual 1, missed 1, skipped 0, cancelled 1/,
    );
    expect(stdout).toMatch(
      new RegExp(`worst agents: ${MISSED} \\(missed 1\\); ${LATE} \\(late 1, up to \\d+`),
    );
    expect(await rota(['report', '--format', 'xml'])).toMatchObject({ code: 2 });
    expect(await rota(['report', '--from', '2026-02-30'])).toMatchObject({ code: 2 });
    expect(await rota(['report', '--from', '2026-12-02', '--to', '2026-12-01'])).toMatchObject({ code: 2 });
  });
});
