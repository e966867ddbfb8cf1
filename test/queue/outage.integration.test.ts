import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../../src/redis/server.js';
import { oneOff, openBench, rosterOf, secondsFromNow, waitUntil } from '../helpers/rota.js';

describe('a Redis outage across a shift start', () => {
  it('reconnects by itself and makes the login, late, once Redis answers again', async () => {
    // A redis-server of its own: the test freezes it.
    const redis = await startPrivateRedis();
    // Never signal pid 0 (that would be this process group).
    expect(redis.pid).toBeGreaterThan(0);
    const bench = await openBench({ agents: { '901': 'pw-901' }, env: { REDIS_URL: redis.url } });
    try {
      const T0 = secondsFromNow(6);
      await bench.writeRoster(rosterOf(['901'], () => [oneOff(T0, T0 + 3_600_000)]));
      const run = bench.spawnRota(['run']);
      expect(await waitUntil(() => run.output().includes('"msg":"sync"'), 15_000)).toBe(true);
      process.kill(redis.pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, T0 + 4000 - Date.now()));
      expect(bench.sim.calls()).toEqual([]);
      process.kill(redis.pid, 'SIGCONT');
      expect(await waitUntil(() => '901' in bench.sim.state(), 30_000), run.output()).toBe(true);
      const login = bench.sim.calls().find((c) => c.agent === '901');
      expect(Date.parse(login?.at ?? '')).toBeGreaterThan(T0 + 3000);
      expect(await run.stop()).toBe(0);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
      await bench.close();
      await redis.stop();
    }
  }, 60_000);
});
