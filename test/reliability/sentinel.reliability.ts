import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REPLICA_WAIT_MS, waitForReplica } from '../../src/redis/replication.js';
import { freePort } from '../../src/redis/server.js';
import { agentsFrom, type Bench, oneOff, openBench, rosterOf, secondsFromNow } from '../helpers/rota.js';
import { doneAfter, healthy, look, report, stateCounts, tally, worst } from './figures.js';
import { info, type SentinelGroup, sleep, startSentinelGroup, stopAllNodes, until } from './servers.js';

/**
 * 3. Sentinel failover: one master, one replica, three sentinels (down after 1 s), `rota run` on
 * `REDIS_URL=redis-sentinel://…`. After a sync the master is SIGKILLed 3 s before a shift boundary of 200
 * agents (200 logouts, 200 logins; the new shifts are long, so a login late by the failover is still made). The sentinels promote the replica, rota follows, and every login and
 * logout happens. Blind time: from the kill until rota's /healthz (a Redis PING) answers 200 again.
 */

const X = agentsFrom(30_000, 200);
const Y = agentsFrom(31_000, 200);
let bench: Bench | undefined;
let group: SentinelGroup;

afterAll(async () => {
  await bench?.close();
  await stopAllNodes();
});

describe('Sentinel', () => {
  it('a sync waits for the replica: WAIT answers at once when it follows, after the bound when it is stuck', async () => {
    group = await startSentinelGroup();
    const redis = new Redis(group.master.port, '127.0.0.1');
    try {
      await redis.set('rel:wait', '1');
      let started = Date.now();
      expect(await waitForReplica(redis)).toBe(1);
      const healthyMs = Date.now() - started;
      // A replica that stopped answering: the sync waits the bound, then goes on.
      const replicaPid = Number((await info(group.replica.port, 'server')).get('process_id'));
      expect(replicaPid).toBeGreaterThan(0);
      process.kill(replicaPid, 'SIGSTOP');
      try {
        await redis.set('rel:wait', '2');
        started = Date.now();
        expect(await waitForReplica(redis)).toBe(0);
        const stuckMs = Date.now() - started;
        expect(stuckMs).toBeGreaterThanOrEqual(REPLICA_WAIT_MS - 50);
        report('sentinel-wait', { healthyWaitMs: healthyMs, stuckWaitMs: stuckMs });
      } finally {
        process.kill(replicaPid, 'SIGCONT');
      }
      expect(healthyMs).toBeLessThan(200);
    } finally {
      redis.disconnect();
    }
  });

  it('the master dies before a boundary of 200 agents: the replica is promoted, rota follows, nothing is lost', async () => {
    const httpPort = await freePort();
    bench = await openBench({
      agents: { ...X.passwords, ...Y.passwords },
      env: { REDIS_URL: group.url, ROTA_HTTP_PORT: String(httpPort) },
    });
    const b = bench;
    b.sim.setFaults({ global: { latencyMs: 100 } });
    const S = secondsFromNow(8);
    const T0 = S + 10_000;
    await b.writeRoster(
      rosterOf([...X.ids, ...Y.ids], (id) =>
        X.ids.includes(id) ? [oneOff(S, T0)] : [oneOff(T0, T0 + 3_600_000)],
      ),
    );
    const run = b.spawnRota(['run']);
    await until('the first sync', async () => run.output().includes('"msg":"sync"'), 30_000);
    await until('X logged in', async () => X.ids.every((id) => id in b.sim.state()), S + 20_000 - Date.now());

    // 3 s before the boundary: the master dies.
    await sleep(T0 - 3000 - Date.now());
    const oldMaster = group.master.port;
    const killedAt = Date.now();
    await group.master.kill('SIGKILL');
    let unhealthySeen = false;
    await until(
      'rota to see Redis again',
      async () => {
        const ok = await healthy(httpPort);
        if (!ok) unhealthySeen = true;
        return ok && unhealthySeen;
      },
      60_000,
    );
    const blindMs = Date.now() - killedAt;
    const newMaster = await group.masterPort();
    expect(newMaster).toBe(group.replica.port);
    expect(newMaster).not.toBe(oldMaster);

    const done = () => {
      const state = b.sim.state();
      return Y.ids.every((id) => id in state) && X.ids.every((id) => !(id in state));
    };
    await until('every action', async () => done(), 60_000);
    await until(
      'every job finished',
      () => look(b.env, async ({ queue }) => (await stateCounts(queue)).completed === 600),
      30_000,
    );
    const counts = await look(b.env, ({ queue }) => stateCounts(queue));
    const calls = b.sim.calls();
    const t = tally(calls, [...X.ids, ...Y.ids], ['login', 'logout']);
    const boundary = [
      ...X.ids.map((id) => doneAfter(calls, id, 'logout', T0)),
      ...Y.ids.map((id) => doneAfter(calls, id, 'login', T0)),
    ];
    const lost = boundary.filter((ms) => Number.isNaN(ms)).length;
    report('sentinel', {
      agents: X.ids.length + Y.ids.length,
      actions: 2 * X.ids.length + Y.ids.length,
      calls: t.calls,
      lost,
      dup: t.dup,
      blindMs,
      worstLateMs: worst(boundary),
    });
    expect(lost).toBe(0);
    expect(t.badDup).toBe(0);
    expect(t.maxPerAction).toBeLessThanOrEqual(2);
    expect(counts).toEqual({ completed: 600, delayed: 200 });
    expect(await run.stop()).toBe(0);
  });
});
