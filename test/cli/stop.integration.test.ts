import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../../src/redis/server.js';
import { oneOff, openBench, rosterOf, secondsFromNow, waitUntil } from '../helpers/rota.js';

/**
 * SIGTERM ends `rota run` within ROTA_API_TIMEOUT + 20 s even when its Redis connections cannot close
 * (here Redis is frozen with SIGSTOP; a Cluster node that died does the same to BullMQ and ioredis).
 */
describe('stopping', () => {
  it('ends within its bound, exit 0, saying why, when Redis no longer answers', async () => {
    const redis = await startPrivateRedis();
    const bench = await openBench({
      agents: { '901': 'pw-901' },
      env: { REDIS_URL: redis.url, ROTA_API_TIMEOUT: '1s' },
    });
    try {
      const later = secondsFromNow(3600);
      await bench.writeRoster(rosterOf(['901'], () => [oneOff(later, later + 3_600_000)]));
      const run = bench.spawnRota(['run']);
      expect(await waitUntil(() => run.output().includes('"msg":"sync"'), 30_000)).toBe(true);
      process.kill(redis.pid, 'SIGSTOP');
      const asked = Date.now();
      const code = await run.stop();
      const tookMs = Date.now() - asked;
      process.kill(redis.pid, 'SIGCONT');
      expect(code).toBe(0);
      expect(tookMs).toBeGreaterThanOrEqual(1000 + 20_000);
      expect(tookMs).toBeLessThan(1000 + 20_000 + 5000 + 10_000);
      // BullMQ waits for its connections to end, which a frozen Redis never lets them do.
      expect(run.stdout()).toContain(
        '"msg":"stopping took too long: exiting with connections still closing"',
      );
      expect(run.stderr()).toMatch(/^rota: stopped, but .* kept the process open; exiting$/m);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
      await bench.close();
      await redis.stop();
    }
  }, 90_000);
});
