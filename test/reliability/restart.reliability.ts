import { afterAll, describe, expect, it } from 'vitest';
import { agentsFrom, type Bench, oneOff, openBench, rosterOf, secondsFromNow } from '../helpers/rota.js';
import { doneAfter, look, report, stateCounts, tally, worst } from './figures.js';
import { type RedisNode, sleep, startNode, stopAllNodes, until } from './servers.js';

/**
 * 2. Redis (AOF on, fsync every second) is restarted between a sync and the due instant (SIGTERM: a clean
 * shutdown), and again while a burst runs (SIGKILL: a crash, started again 2 s later; the AOF has every
 * write acknowledged). A
 * `rota scheduler` and a `rota worker` reconnect by themselves: every action still happens, and a roster
 * change after both restarts is synced and acted on.
 */

const A = agentsFrom(20_000, 100);
const B = agentsFrom(21_000, 150);
const C = agentsFrom(22_000, 1);
const ALL = [...A.ids, ...B.ids, ...C.ids];
let bench: Bench | undefined;
let redis: RedisNode;

afterAll(async () => {
  await bench?.close();
  await stopAllNodes();
});

/** Stops Redis with `signal`, starts it again `downMs` later on the same port and files; the ms it was away. */
async function restart(signal: NodeJS.Signals, downMs = 0): Promise<number> {
  const from = Date.now();
  await redis.kill(signal);
  await sleep(downMs);
  await redis.start();
  return Date.now() - from;
}

describe('Redis restarted under rota', () => {
  it('before a due instant and during a burst: every action happens, and rota reconnects by itself', async () => {
    redis = await startNode();
    bench = await openBench({
      agents: { ...A.passwords, ...B.passwords, ...C.passwords },
      env: { REDIS_URL: redis.url },
    });
    const b = bench;
    // 250 actions at T1 (100 logouts, 150 logins) through 32 calls in flight, 300 ms each: a burst of about
    // 2.5 s. B's sessions are long: a login more than 5 s late with under a minute left would be skipped.
    b.sim.setFaults({ global: { latencyMs: 300 } });
    const T0 = secondsFromNow(14);
    const T1 = T0 + 12_000;
    const TC = T1 + 10_000;
    const roster = (withC: boolean) =>
      rosterOf([...A.ids, ...B.ids, ...(withC ? C.ids : [])], (id) =>
        A.ids.includes(id)
          ? [oneOff(T0, T1)]
          : B.ids.includes(id)
            ? [oneOff(T1, T1 + 3_600_000)]
            : [oneOff(TC, TC + 3_600_000)],
      );
    await b.writeRoster(roster(false));
    const scheduler = b.spawnRota(['scheduler']);
    const worker = b.spawnRota(['worker']);
    await until('the first sync', async () => scheduler.output().includes('"msg":"sync"'));
    await until('the worker', async () => worker.output().includes('"msg":"rota started"'));

    // Between the sync and T0: a clean restart.
    const cleanMs = await restart('SIGTERM');
    expect(Date.now()).toBeLessThan(T0 - 1000);

    // During the burst at T1: a crash, and a supervisor that restarts it 2 s later.
    await sleep(T1 + 800 - Date.now());
    const callsBeforeCrash = b.sim.calls().filter((c) => Date.parse(c.at) >= T1).length;
    const crashMs = await restart('SIGKILL', 2000);

    // After both restarts, the roster gains agent C: the scheduler syncs it, the worker logs C in.
    await sleep(T1 + 4000 - Date.now());
    await b.writeRoster(roster(true));

    const wanted = () => {
      const state = b.sim.state();
      return [...B.ids, ...C.ids].every((id) => id in state) && A.ids.every((id) => !(id in state));
    };
    await until('every action', async () => wanted(), 60_000);
    await until(
      'every job finished',
      () =>
        look(b.env, async ({ queue }) => {
          const counts = await stateCounts(queue);
          return counts.completed === 2 * A.ids.length + B.ids.length + 1;
        }),
      30_000,
    );
    const counts = await look(b.env, ({ queue }) => stateCounts(queue));
    const calls = b.sim.calls();
    const t = tally(calls, ALL, ['login', 'logout']);
    const lateness = [
      ...A.ids.map((id) => doneAfter(calls, id, 'login', T0)),
      ...A.ids.map((id) => doneAfter(calls, id, 'logout', T1)),
      ...B.ids.map((id) => doneAfter(calls, id, 'login', T1)),
      ...C.ids.map((id) => doneAfter(calls, id, 'login', TC)),
    ];
    const done = lateness.filter((ms) => !Number.isNaN(ms)).length;
    report('redis-restart', {
      agents: ALL.length,
      actions: lateness.length,
      calls: t.calls,
      lost: lateness.length - done,
      dup: t.dup,
      cleanRestartMs: cleanMs,
      crashRestartMs: crashMs,
      callsBeforeCrash,
      worstLateMs: worst(lateness),
    });
    expect(done).toBe(lateness.length);
    expect(t.badDup).toBe(0);
    expect(t.maxPerAction).toBeLessThanOrEqual(2);
    expect(counts).toEqual({ completed: 2 * A.ids.length + B.ids.length + 1, delayed: B.ids.length + 1 });
    // Both processes are still up and stop cleanly.
    expect(await worker.stop()).toBe(0);
    expect(await scheduler.stop()).toBe(0);
  });
});
