import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { jobId } from '../../src/plan/jobs.js';
import { freePort } from '../../src/redis/server.js';
import { captureIo } from '../helpers/io.js';
import { type Bench, oneOff, openBench, secondsFromNow } from '../helpers/rota.js';
import { doneAfter, healthy, keepLog, look, report, stateCounts, tally, worst } from './figures.js';
import { type PrivateCluster, sleep, startCluster, stopAllNodes, until } from './servers.js';

/**
 * 4. Redis Cluster: three masters and three replicas made by `redis-cli --cluster create`, `rota run` with
 * `REDIS_CLUSTER=true` and the seed list. A small roster's whole run — on-time login and logout, a
 * handover, a wrong password fixed and requeued, status, jobs, cancel, pause and resume — then the master
 * serving rota's slot (`{prefix}`) is SIGKILLed, its replica takes over, and the run goes on.
 */

const ZONE = 'Asia/Kolkata';
const PASSWORDS = Object.fromEntries(
  ['4001', '4002', '4003', '4004', '4005', '4006', '4007', '4008'].map((id) => [id, `pw-${id}`]),
);
let bench: Bench | undefined;
let cluster: PrivateCluster;

afterAll(async () => {
  await bench?.close();
  await stopAllNodes();
});

describe('Redis Cluster', () => {
  it('runs a roster with every admin verb, and goes on after the master of its slot dies', async () => {
    cluster = await startCluster(3, 1);
    const httpPort = await freePort();
    bench = await openBench({
      agents: PASSWORDS,
      credentials: { ...PASSWORDS, '4004': 'wrong-password' },
      env: { REDIS_URL: cluster.seeds, REDIS_CLUSTER: 'true', ROTA_HTTP_PORT: String(httpPort) },
    });
    const b = bench;
    const verb = async (...args: string[]) => {
      const c = captureIo(b.env, b.dir);
      const code = await main(args, c.io);
      return { code, out: c.out(), err: c.err() };
    };
    const T0 = secondsFromNow(14);
    const at = (s: number) => T0 + s * 1000;
    const HOUR = 3_600_000;
    const agent = (id: string, phone: string, shifts: string[]) =>
      `  - { id: "${id}", phone: "${phone}", shifts: [${shifts.join(', ')}] }\n`;
    await b.writeRoster(
      `version: 1\ntimezone: ${ZONE}\nagents:\n` +
        agent('4001', '+919800004001', [oneOff(at(0), at(14))]) + // on time in and out
        agent('4002', '+919800004002', [oneOff(at(0), at(5))]) + // hands the phone over to 4003
        agent('4003', '+919800004002', [oneOff(at(5), at(5) + HOUR)]) +
        agent('4004', '+919800004004', [oneOff(at(0), at(0) + HOUR)]) + // wrong password, then requeued
        agent('4005', '+919800004005', [oneOff(at(30), at(30) + HOUR)]) + // cancelled
        agent('4006', '+919800004006', [oneOff(at(9), at(9) + HOUR)]) + // due while paused
        agent('4007', '+919800004007', [oneOff(at(24), at(24) + HOUR)]) + // after the failover
        agent('4008', '+919800004008', [oneOff(at(0), at(24))]),
    );
    const run = b.spawnRota(['run']);
    await until('the first sync', async () => run.output().includes('"msg":"sync"'), 30_000);
    const id = (action: 'login' | 'logout', who: string, s: number) => jobId('roster', action, who, at(s));

    // status and jobs on the cluster.
    const status = await verb('status', '--json');
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out).counts).toMatchObject({ delayed: 16, failed: 0 });
    const jobs = await verb('jobs', '--agent', '4005', '--json');
    expect(JSON.parse(jobs.out).jobs.map((j: { id: string }) => j.id)).toEqual([
      id('login', '4005', 30),
      jobId('roster', 'logout', '4005', at(30) + HOUR),
    ]);
    // cancel: 4005's login never happens.
    const cancel = await verb('cancel', id('login', '4005', 30));
    expect(cancel.code, cancel.err).toBe(0);

    // The wrong password fails at once; fixed in the file and requeued, the login is made.
    await until(
      '4004 to fail',
      async () => (await verb('jobs', '--state', 'failed', '--json')).out.includes('4004'),
      at(10) - Date.now(),
    );
    await b.writeCredentials(PASSWORDS);
    // The worker re-reads the credentials file at most once a second.
    await sleep(1500);
    const requeue = await verb('requeue', id('login', '4004', 0));
    expect(requeue.code, requeue.err).toBe(0);
    await until('4004 logged in', async () => '4004' in b.sim.state(), 15_000);

    // pause before 4006's instant; nothing is called while paused; resume and it is.
    await sleep(at(7) - Date.now());
    expect((await verb('pause', '--reason', 'reliability test')).code).toBe(0);
    await sleep(at(12) - Date.now());
    expect(b.sim.calls().filter((c) => c.agent === '4006')).toEqual([]);
    expect(JSON.parse((await verb('status', '--json')).out).paused).toMatchObject({
      reason: 'reliability test',
    });
    expect((await verb('resume')).code).toBe(0);
    await until('4006 logged in after resume', async () => '4006' in b.sim.state(), 15_000);

    // The master serving rota's slot dies; its replica is promoted.
    await sleep(at(18) - Date.now());
    const owner = await cluster.ownerOf(`{${b.env.ROTA_PREFIX}}:actions:meta`);
    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    await cluster.healthy(60_000);
    const failoverMs = Date.now() - killedAt;
    const promoted = await cluster.ownerOf(`{${b.env.ROTA_PREFIX}}:actions:meta`);
    expect(promoted.port).not.toBe(owner.port);
    await until('rota to see Redis again', () => healthy(httpPort), 60_000);
    const blindMs = Date.now() - killedAt;

    // The run goes on: 4007's login and 4008's logout at +24 s, and every verb still answers.
    await until(
      'the actions after the failover',
      async () => '4007' in b.sim.state() && !('4008' in b.sim.state()),
      at(24) + 60_000 - Date.now(),
    );
    const after = await verb('status', '--json');
    expect(after.code, after.err).toBe(0);
    await until(
      'the queue to settle',
      () => look(b.env, async ({ queue }) => (await stateCounts(queue)).completed === 10),
      30_000,
    );
    const counts = await look(b.env, ({ queue }) => stateCounts(queue));
    await keepLog('cluster-run', run.output());
    const calls = b.sim.calls();
    const state = b.sim.state();
    const logins = ['4001', '4002', '4003', '4006', '4007', '4008'];
    const lateness = [
      doneAfter(calls, '4001', 'login', at(0)),
      doneAfter(calls, '4001', 'logout', at(14)),
      doneAfter(calls, '4002', 'logout', at(5)),
      doneAfter(calls, '4003', 'login', at(5)),
      doneAfter(calls, '4007', 'login', at(24)),
      doneAfter(calls, '4008', 'logout', at(24)),
    ];
    const t = tally(calls, logins, ['login', 'logout']);
    report('cluster', {
      masters: 3,
      replicas: 3,
      agents: 8,
      calls: calls.length,
      lost: lateness.filter((ms) => Number.isNaN(ms)).length,
      dup: t.dup,
      failoverMs,
      blindMs,
      onTimeWorstMs: worst(lateness.slice(0, 4)),
      afterFailoverWorstMs: worst(lateness.slice(4)),
    });
    expect(state).toEqual({
      '4003': '+919800004002',
      '4004': '+919800004004',
      '4006': '+919800004006',
      '4007': '+919800004007',
    });
    expect(calls.filter((c) => c.agent === '4005')).toEqual([]);
    expect(lateness.every((ms) => !Number.isNaN(ms))).toBe(true);
    // On time: the login, the logout and the handover within a second of their instants.
    for (const ms of lateness.slice(0, 4)) expect(ms).toBeLessThan(1000);
    expect(t.badDup).toBe(0);
    // 10 done (4004's requeued login among them); what waits: the logouts an hour ahead, and nothing else.
    expect(counts).toEqual({ completed: 10, delayed: 5 });
    expect(await run.stop()).toBe(0);
  });
});
