/**
 * Syncing a big roster: N agents on a daily 09:00–18:00 team shift, 7 days ahead, against a private
 * redis-server. Prints the first sync (every job added), a steady-state sync (nothing to change) and,
 * as the baseline, planning alone (parse + expand + planJobs, no Redis), with the ratios and Redis memory.
 *
 *   npm run bench:sync             (10,000 agents)
 *   npm run bench:sync -- 2000
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.js';
import { CATCH_UP_LOGOUT_MS, planJobs, syncWindow } from '../src/plan/jobs.js';
import { syncOnce } from '../src/queue/sync.js';
import { startPrivateRedis } from '../src/redis/server.js';
import { expandRoster } from '../src/roster/expand.js';
import { loadRoster } from '../src/roster/load.js';
import { openRuntime } from '../src/runtime.js';

const agents = Number(process.argv[2] ?? 10_000);
const HORIZON_MS = 7 * 86_400_000;

const dir = await mkdtemp(join(tmpdir(), 'rota-bench-sync-'));
const redis = await startPrivateRedis();
try {
  const lines = [
    'version: 1',
    'timezone: Asia/Kolkata',
    'teams:',
    '  day: { shifts: [{ days: [mon-sun], start: "09:00", end: "18:00" }] }',
    'agents:',
  ];
  for (let i = 0; i < agents; i++) {
    lines.push(`  - { id: "${100_000 + i}", phone: "+9198${String(i).padStart(8, '0')}", team: day }`);
  }
  await writeFile(join(dir, 'roster.yaml'), `${lines.join('\n')}\n`);
  const runtime = await openRuntime({ REDIS_URL: redis.url, ROTA_ROSTER: 'roster.yaml' }, dir, {
    log: createLogger('silent'),
  });

  const time = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
    const started = performance.now();
    const result = await work();
    return [performance.now() - started, result];
  };
  const sync = () =>
    syncOnce({
      queue: runtime.queue,
      store: runtime.store,
      file: runtime.rosterFile,
      now: Date.now(),
      horizonMs: HORIZON_MS,
    });
  const [planMs, jobs] = await time(async () => {
    const now = Date.now();
    const { roster } = await loadRoster(runtime.rosterFile);
    if (!roster) throw new Error('the bench roster did not load');
    const { sessions } = expandRoster(roster, { from: now - CATCH_UP_LOGOUT_MS, to: now + HORIZON_MS });
    return planJobs(sessions, syncWindow(now, HORIZON_MS), 'bench').length;
  });
  const [firstMs, first] = await time(sync);
  const [steadyMs, steady] = await time(sync);
  if (!first.ok || !steady.ok) throw new Error('the bench roster did not sync');
  const memory = (await runtime.redis.info('memory')).match(/used_memory_human:(\S+)/)?.[1];
  await runtime.close();

  console.log(`sync of ${agents} agents, ${jobs} jobs over 7 days, on a private redis-server`);
  console.log(`  planning alone (baseline)  ${Math.round(planMs)} ms`);
  console.log(
    `  first sync (all added)     ${Math.round(firstMs)} ms  (${(firstMs / planMs).toFixed(1)}× planning)`,
  );
  console.log(
    `  steady sync (no change)    ${Math.round(steadyMs)} ms  (${(steadyMs / planMs).toFixed(1)}× planning)`,
  );
  console.log(`  added ${first.added}, then unchanged ${steady.unchanged}; Redis memory ${memory}`);
} finally {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
