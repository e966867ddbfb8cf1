/**
 * A shift boundary: N agents whose shifts all start at one instant, logged in through the whole
 * pipeline (roster → sync → BullMQ on a private redis-server → worker → client → simulator with a fixed
 * API latency). Prints how long the boundary took to clear beside its floor — N × latency ÷ concurrency,
 * what a perfect worker with no overhead of its own would need — and the lateness of the logins.
 *
 *   npm run bench:boundary            (500 agents, 100 ms API latency, concurrency 32)
 *   npm run bench:boundary -- 1000 50 64
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { startSimulator } from '../src/cloudagent/simulator.js';
import { createLogger } from '../src/log.js';
import { syncOnce } from '../src/queue/sync.js';
import { startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, runWorker } from '../src/runtime.js';

const [agents = 500, latencyMs = 100, concurrency = 32] = process.argv.slice(2).map(Number);
const LEAD_MS = 5000;
const ZONE = 'Asia/Kolkata';

const ids = Array.from({ length: agents }, (_, i) => String(100_000 + i));
const passwords = Object.fromEntries(ids.map((id) => [id, `pw-${id}`]));
const dir = await mkdtemp(join(tmpdir(), 'rota-bench-'));
const redis = await startPrivateRedis();
const sim = await startSimulator({
  account: { userName: 'bench', apiKey: 'bench-key' },
  agents: passwords,
  faults: { global: { latencyMs } },
});
try {
  const start = DateTime.fromMillis(Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000, { zone: ZONE });
  const end = start.plus({ hours: 2 });
  const shift = `{ date: ${start.toISODate()}, start: "${start.toFormat('HH:mm:ss')}", end: "${end.toFormat('HH:mm:ss')}" }`;
  await writeFile(
    join(dir, 'roster.yaml'),
    `version: 1\ntimezone: ${ZONE}\nagents:\n${ids
      .map(
        (id, i) => `  - { id: "${id}", phone: "+9198${String(i).padStart(8, '0')}", shifts: [${shift}] }\n`,
      )
      .join('')}`,
  );
  await writeFile(
    join(dir, 'credentials.yaml'),
    `agents:\n${ids.map((id) => `  "${id}": pw-${id}\n`).join('')}`,
  );
  const runtime = await openRuntime(
    {
      REDIS_URL: redis.url,
      ROTA_ROSTER: 'roster.yaml',
      ROTA_CREDENTIALS: 'credentials.yaml',
      CLOUDAGENT_BASE_URL: sim.url,
      CLOUDAGENT_USERNAME: 'bench',
      CLOUDAGENT_API_KEY: 'bench-key',
      ROTA_CONCURRENCY: String(concurrency),
    },
    dir,
    { log: createLogger('silent') },
  );
  const synced = await syncOnce({
    queue: runtime.queue,
    store: runtime.store,
    file: runtime.rosterFile,
    now: Date.now(),
    horizonMs: 86_400_000,
  });
  if (!synced.ok) throw new Error('the bench roster did not sync');
  const worker = await runWorker(runtime);
  const instant = start.toMillis();
  while (Object.keys(sim.state()).length < agents && Date.now() < instant + 600_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const cleared = Date.now() - instant;
  const history = await runtime.store.history();
  await worker.close();
  await runtime.close();

  const late = history.map((h) => h.lateMs).sort((a, b) => a - b);
  const pct = (p: number) => late[Math.min(late.length - 1, Math.floor((p / 100) * late.length))] ?? 0;
  const floor = (agents * latencyMs) / concurrency;
  console.log(
    `shift boundary: ${agents} logins at one instant, API latency ${latencyMs} ms, concurrency ${concurrency}`,
  );
  console.log(`  cleared in        ${cleared} ms (all ${Object.keys(sim.state()).length} agents logged in)`);
  console.log(`  floor             ${Math.round(floor)} ms (agents × latency ÷ concurrency)`);
  console.log(`  ratio             ${(cleared / floor).toFixed(2)} (1.00 would be no overhead at all)`);
  console.log(`  login lateness    p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${late.at(-1)} ms`);
  console.log(
    `  attempts          ${history.length} (${history.filter((h) => h.outcome !== 'done').length} not done)`,
  );
} finally {
  await sim.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
