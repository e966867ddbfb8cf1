import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { jobId } from '../../src/plan/jobs.js';
import { captureIo } from '../helpers/io.js';
import {
  type Bench,
  oneOff,
  openBench,
  type Running,
  secondsFromNow,
  waitUntil,
  withQueue,
} from '../helpers/rota.js';

/**
 * The admin verbs driven in-process through `main` against the run's private Redis; where a job has to
 * reach CloudAgent, a real `rota worker` child process and the simulator over HTTP.
 */

async function rota(bench: Bench, args: string[]) {
  const c = captureIo(bench.env, bench.dir);
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

const ZONE = 'Asia/Kolkata';

describe('without a worker: status, jobs, cancel', () => {
  let bench: Bench;
  // Two days ahead in the roster zone, far from any midnight: 1001 works 10-11, 1002 12-13 that day and the next.
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
  const D = day.toISODate() ?? '';
  const D1 = day.plus({ days: 1 }).toISODate() ?? '';
  const at = (date: DateTime, hour: number) => date.set({ hour }).toMillis();
  const roster = (end1001: string) => `version: 1
timezone: ${ZONE}
agents:
  - { id: "1001", phone: "+919800001001", shifts: [{ date: ${D}, start: "10:00", end: "${end1001}" }] }
  - id: "1002"
    phone: "+919800001002"
    shifts: [{ date: ${D}, start: "12:00", end: "13:00" }, { date: ${D1}, start: "12:00", end: "13:00" }]
`;
  const login1001 = jobId('roster', 'login', '1001', at(day, 10));
  const jobsOf = async (agent: string) =>
    JSON.parse((await rota(bench, ['jobs', '--agent', agent, '--json'])).out).jobs.map(
      (job: { id: string }) => job.id,
    );

  beforeAll(async () => {
    bench = await openBench({ agents: {} });
    await bench.writeRoster(roster('11:00'));
    expect((await rota(bench, ['sync'])).code).toBe(0);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('status shows counts, the plan and the next actions, for people and as one JSON document', async () => {
    const json = await rota(bench, ['status', '--json']);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.out);
    expect(status.counts).toMatchObject({ delayed: 6, waiting: 0, active: 0, completed: 0, failed: 0 });
    expect(status.paused).toBeNull();
    expect(status.plan.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(status.plan.lastError).toBeUndefined();
    expect(status.loggedIn).toBe(0);
    expect(status.failures).toEqual([]);
    expect(status.next.map((a: { id: string }) => a.id).slice(0, 3)).toEqual([
      login1001,
      jobId('roster', 'logout', '1001', at(day, 11)),
      jobId('roster', 'login', '1002', at(day, 12)),
    ]);
    expect(status.next[0]).toMatchObject({
      action: 'login',
      agentId: '1001',
      runsAt: `${D} 10:00:00 +05:30`,
    });

    const human = await rota(bench, ['status']);
    expect(human.out).toContain('running: not paused');
    expect(human.out).toContain(`plan: revision ${status.plan.revision}`);
    expect(human.out).toContain('jobs: delayed 6, waiting 0, prioritized 0, active 0, completed 0, failed 0');
    expect(human.out).toMatch(
      new RegExp(`${D} 10:00:00 \\+05:30\\s+${D} 10:00:00 \\+05:30\\s+login\\s+1001\\s+${login1001}`),
    );
  });

  it('jobs lists the jobs with their instants in the roster zone and UTC, filtered by state and agent', async () => {
    const human = await rota(bench, ['jobs', '--agent', '1001']);
    expect(human.code).toBe(0);
    expect(human.out.split('\n')[0]).toMatch(
      /^job\s+action\s+agent\s+scheduled \(Asia\/Kolkata\)\s+scheduled \(UTC\)/,
    );
    expect(human.out).toMatch(
      new RegExp(`${login1001}\\s+login\\s+1001\\s+${D} 10:00:00 \\+05:30\\s+${D} 04:30:00Z\\s+delayed\\s+0`),
    );
    expect(human.out.trim().split('\n')).toHaveLength(3);
    const json = JSON.parse((await rota(bench, ['jobs', '--state', 'delayed', '--json'])).out);
    expect(json.jobs).toHaveLength(6);
    expect(json.jobs[0]).toMatchObject({ id: login1001, kind: 'roster', state: 'delayed', attempts: 0 });
    expect(JSON.parse((await rota(bench, ['jobs', '--state', 'failed', '--json'])).out).jobs).toEqual([]);
    const bad = await rota(bench, ['jobs', '--state', 'done']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--state "done" is not a job state; use one of delayed, waiting, prioritized, active, completed, failed',
    );
  });

  it('a cancelled roster job stays cancelled across syncs until the roster changes its session', async () => {
    const cancelled = await rota(bench, ['cancel', login1001, 'login-1001-20200101T000000Z']);
    expect(cancelled.code).toBe(1);
    expect(cancelled.out).toContain(`cancelled ${login1001} (was delayed)`);
    expect(cancelled.err).toContain('no job login-1001-20200101T000000Z');
    expect(await jobsOf('1001')).toEqual([jobId('roster', 'logout', '1001', at(day, 11))]);

    const again = await rota(bench, ['sync']);
    expect(again.out).toContain('added 0, removed 0, unchanged 5, caught-up 0, left cancelled 1');
    expect(await jobsOf('1001')).not.toContain(login1001);

    await bench.writeRoster(roster('11:30'));
    expect((await rota(bench, ['sync'])).code).toBe(0);
    expect(await jobsOf('1001')).toContain(login1001);
  });

  it('cancel --agent --date removes that agent’s jobs of one date in the roster zone', async () => {
    const result = await rota(bench, ['cancel', '--agent', '1002', '--date', D]);
    expect(result.code).toBe(0);
    expect(result.out.trim().split('\n')).toHaveLength(2);
    expect(await jobsOf('1002')).toEqual([
      jobId('roster', 'login', '1002', at(day.plus({ days: 1 }), 12)),
      jobId('roster', 'logout', '1002', at(day.plus({ days: 1 }), 13)),
    ]);
    expect((await rota(bench, ['cancel', '--date', D])).code).toBe(2);
    expect((await rota(bench, ['cancel', '--agent', '1002', '--date', '2026-02-30'])).code).toBe(2);
  });

  it('status says prominently that the scheduler runs on its last good plan after a roster error', async () => {
    await bench.writeRoster('version: 2\n');
    expect((await rota(bench, ['sync'])).code).toBe(1);
    const human = await rota(bench, ['status']);
    expect(human.out.split('\n')[0]).toMatch(
      /^ROSTER ERROR since .*: \d+ error\(s\); running on the last good plan/,
    );
    expect(JSON.parse((await rota(bench, ['status', '--json'])).out).rosterError.first.join('\n')).toContain(
      'version 2 is not supported',
    );
  });
});

describe('with a worker: pause, manual actions, requeue, history', () => {
  let bench: Bench;
  let worker: Running;
  const passwords = { '2001': 'pw-2001', '2002': 'pw-2002', '2003': 'pw-2003' };
  const callsOf = (id: string) => bench.sim.calls().filter((call) => call.agent === id);
  let shiftEnd = 0;
  const historyOf = async (args: string[]) =>
    JSON.parse((await rota(bench, ['history', ...args, '--json'])).out);

  beforeAll(async () => {
    bench = await openBench({ agents: passwords, credentials: { ...passwords, '2002': 'wrong-password' } });
    const later = secondsFromNow(7200);
    shiftEnd = secondsFromNow(3600);
    await bench.writeRoster(`version: 1
timezone: ${ZONE}
agents:
  - { id: "2001", phone: "+919800002001", shifts: [${oneOff(later, later + 3_600_000)}] }
  - { id: "2002", phone: "+919800002002", shifts: [${oneOff(secondsFromNow(-60), shiftEnd)}] }
  - { id: "2003", phone: "+919800002003", shifts: [${oneOff(later, later + 3_600_000)}] }
`);
    // An attempt two hours old, before anything else is written to the history stream.
    await withQueue(bench, async (_queue, store) => {
      const old = Date.now() - 7_200_000;
      const entry = { jobId: 'x', agentId: '2002', action: 'login', kind: 'manual', at: old, startedAt: old };
      await store.redis.xadd(
        store.keys.history,
        `${old}-0`,
        'e',
        JSON.stringify({ ...entry, outcome: 'done' }),
      );
    });
    worker = bench.spawnRota(['worker']);
    if (!(await waitUntil(() => worker.output().includes('rota started'), 15_000))) {
      throw new Error(`rota worker did not start:\n${worker.output()}`);
    }
  }, 30_000);
  afterAll(async () => {
    await worker?.stop();
    await bench?.close();
  });

  it('pause holds a due job (no call), status says so, and resume lets it run', async () => {
    const paused = await rota(bench, ['pause', '--reason', 'API maintenance']);
    expect(paused.out).toContain('paused: no API calls until rota resume');
    const login = await rota(bench, ['login', '2001']);
    expect(login.code).toBe(0);
    expect(login.out).toMatch(
      /^manual login of agent 2001 \(\+919800002001\) queued as manual-login-2001-\S+; it runs now/,
    );
    expect(login.out).toContain('note: rota is paused (API maintenance)');
    const status = await rota(bench, ['status']);
    expect(status.out).toMatch(/^PAUSED since .* \(.*\): API maintenance; no API calls until rota resume/);
    expect(JSON.parse((await rota(bench, ['status', '--json'])).out).paused.reason).toBe('API maintenance');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(callsOf('2001')).toEqual([]);

    expect((await rota(bench, ['resume'])).out).toContain('resumed');
    expect(await waitUntil(() => callsOf('2001').length === 1, 5000)).toBe(true);
    expect(callsOf('2001')[0]).toMatchObject({ action: 'login', phone: '+919800002001' });
    expect((await rota(bench, ['resume'])).out).toContain('was not paused');
    const { admin } = JSON.parse((await rota(bench, ['history', '--json'])).out);
    expect(admin.map((entry: { source: string; verb: string }) => `${entry.source} ${entry.verb}`)).toEqual([
      'cli pause',
      'cli login',
      'cli resume',
    ]);
  });

  it('a login with a wrong password fails; with the password fixed, requeue --failed logs the agent in', async () => {
    expect((await rota(bench, ['sync'])).out).toContain('caught-up 1');
    const failedJobs = async () =>
      JSON.parse((await rota(bench, ['jobs', '--state', 'failed', '--json'])).out).jobs;
    expect(await waitUntil(async () => (await failedJobs()).length === 1, 10_000)).toBe(true);
    const [failed] = await failedJobs();
    expect(failed).toMatchObject({ agentId: '2002', action: 'login', result: 'Invalid Authentication' });
    const status = JSON.parse((await rota(bench, ['status', '--json'])).out);
    expect(status.failures).toEqual([
      expect.objectContaining({ id: failed.id, reason: 'Invalid Authentication' }),
    ]);

    const pending = await rota(bench, ['requeue', 'logout-2002-20200101T000000Z']);
    expect(pending).toMatchObject({ code: 1, err: 'no job logout-2002-20200101T000000Z\n' });
    await writeFile(
      join(bench.dir, 'credentials.yaml'),
      `agents:\n${Object.entries(passwords)
        .map(([id, pw]) => `  "${id}": "${pw}"\n`)
        .join('')}`,
    );
    // The worker re-reads the credentials file at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const requeued = await rota(bench, ['requeue', '--failed', '--agent', '2002']);
    expect(requeued).toMatchObject({ code: 0, out: `requeued ${failed.id} (was failed); it runs now\n` });
    expect(await waitUntil(() => bench.sim.state()['2002'] === '+919800002002', 5000)).toBe(true);
    await withQueue(bench, async (_queue, store) => {
      expect((await store.agentStates()).get('2002')).toMatchObject({ loggedIn: true, source: 'roster' });
    });
    const logout = jobId('roster', 'logout', '2002', shiftEnd);
    expect(await rota(bench, ['requeue', logout])).toMatchObject({
      code: 1,
      err: `${logout} has not run yet (delayed); only a failed or finished job can be requeued\n`,
    });
  });

  it('login now and logout --at a few seconds ahead reach the simulator', async () => {
    expect((await rota(bench, ['login', '2003'])).code).toBe(0);
    expect(await waitUntil(() => bench.sim.state()['2003'] === '+919800002003', 5000)).toBe(true);
    const when = secondsFromNow(3);
    const logout = await rota(bench, [
      'logout',
      '2003',
      '--at',
      DateTime.fromMillis(when, { zone: ZONE }).toFormat('HH:mm:ss'),
    ]);
    expect(logout.code).toBe(0);
    expect(logout.out).toContain(`queued as ${jobId('manual', 'logout', '2003', when)}; it runs at `);
    expect(await waitUntil(() => callsOf('2003').some((call) => call.action === 'logout'), 8000)).toBe(true);
    const call = callsOf('2003').find((c) => c.action === 'logout');
    expect(Date.parse(call?.at ?? '')).toBeGreaterThanOrEqual(when);
    expect(bench.sim.state()['2003']).toBeUndefined();
    expect((await rota(bench, ['login', '9999'])).err).toContain('has no agent 9999');
    expect((await rota(bench, ['login', '2003', '--at', '25:00'])).code).toBe(2);
  });

  it('history lists the attempts, by agent and since a duration', async () => {
    const all = await historyOf(['--agent', '2002']);
    expect(all.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['done', 'rejected', 'done']);
    expect(all.attempts[1]).toMatchObject({ action: 'login', attempt: 1, message: 'Invalid Authentication' });
    const recent = await historyOf(['--agent', '2002', '--since', '1h']);
    expect(recent.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['rejected', 'done']);
    const everyone = await historyOf(['--since', '1h']);
    expect(new Set(everyone.attempts.map((a: { agentId: string }) => a.agentId))).toEqual(
      new Set(['2001', '2002', '2003']),
    );
    const human = await rota(bench, ['history', '--agent', '2003']);
    expect(human.out.split('\n')[0]).toBe('2 attempt(s) of agent 2003 in the last 24h (Asia/Kolkata)');
    expect(human.out).toMatch(/\s2003\s+login\s+done\s+1\s+-?\d+ms\s+\d+ms\s+/);
    expect((await rota(bench, ['history', '--since', 'yesterday'])).code).toBe(2);
  });
});
