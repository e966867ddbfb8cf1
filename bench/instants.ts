/**
 * Instants: are jobs due when rota means them to be, and do single actions reach the API on time?
 * Two figures, each beside a baseline measured in the same run, on a private redis-server:
 *
 * 1. Due times after a first sync of N agents × 7 days (one daily 09:00–18:00 team). Every delayed job's due
 *    time is read from the `delayed` zset (score = due ms × 4096 + counter) and compared with the time
 *    rota intends, `max(instant, sync now) - EARLY_MS`. Baseline: the same jobs written the old way, a raw
 *    `Queue.addBulk` in batches of 1000 with `delay = runAt - t0` (t0 taken just before the writes, no
 *    timestamp), so each job is due late by the time the writes before it took.
 * 2. Lateness of single logins, each due alone at its own instant, from the instant to the request's
 *    arrival at the CloudAgent simulator (0 ms API latency): rota (roster → syncRoster → runWorker) beside
 *    a raw BullMQ Queue + Worker with the same concurrency whose processor makes the same call with the
 *    same client. In 3 rounds, alternating which side goes first, on an emptied Redis each time.
 *
 *   npm run bench:instants              (10,000 agents, 30 single logins)
 *   npm run bench:instants -- 2000 10
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { createCloudAgentClient } from '../src/cloudagent/client.js';
import { type Simulator, startSimulator } from '../src/cloudagent/simulator.js';
import { createLogger } from '../src/log.js';
import { type ActionJobData, type DesiredJob, parseJobId } from '../src/plan/jobs.js';
import { EARLY_MS, jobOptions, QUEUE_NAME } from '../src/queue/queue.js';
import type { RedisClient } from '../src/redis/connection.js';
import { type PrivateRedis, startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, syncRoster } from '../src/runtime.js';
import { runWorker } from '../src/service.js';
import {
  ascending,
  BENCH_ACCOUNT,
  type Figure,
  judge,
  pct,
  ratioText,
  report,
  sleep,
  smoke,
} from './common.js';
import { agentId, agentPhone, credentialsYaml } from './roster.js';

const [agents = smoke ? 200 : 10_000, singles = smoke ? 2 : 30] = process.argv.slice(2).map(Number);
if (!Number.isInteger(agents) || agents < 1 || !Number.isInteger(singles) || singles < 1) {
  throw new Error('usage: npm run bench:instants [-- AGENTS SINGLES], both whole numbers of 1 or more');
}
const HORIZON_MS = 7 * 86_400_000;
const ZONE = 'Asia/Kolkata';
/** The first single login is due this far ahead (rounded up to a whole second). */
const LEAD_MS = smoke ? 1500 : 3000;
/** Single logins are this far apart, on whole seconds: the roster writes times as HH:MM:SS. */
const SPACING_MS = 1000;
const CONCURRENCY = 32;
/** Single logins are measured in this many rounds, alternating which side goes first. */
const ROUNDS = smoke ? 1 : 3;
const BATCH = 1000;

const ms = (value: number) => `${Math.round(value)} ms`;
const cell = (text: string, width: number) => text.padStart(width);

interface DueErrors {
  /** Delayed jobs read back. */
  delayed: number;
  /** |due − intended| for each, ascending, ms. */
  errors: number[];
}

/** Every delayed job under `prefix`: its due time against `intended(id)`. */
async function dueErrors(
  redis: RedisClient,
  prefix: string,
  intended: (id: string) => number,
): Promise<DueErrors> {
  const flat = await redis.zrange(`${prefix}:${QUEUE_NAME}:delayed`, 0, -1, 'WITHSCORES');
  const errors: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const due = Math.floor(Number(flat[i + 1]) / 4096);
    errors.push(Math.abs(due - intended(flat[i] as string)));
  }
  return { delayed: errors.length, errors: ascending(errors) };
}

/** Figure 1: due times after a first sync, rota's against the old `delay = runAt - t0` writes. */
async function scheduledInstants(redis: PrivateRedis) {
  const dir = await mkdtemp(join(tmpdir(), 'rota-bench-instants-'));
  try {
    const lines = [
      'version: 1',
      `timezone: ${ZONE}`,
      'teams:',
      '  day: { shifts: [{ days: [mon-sun], start: "09:00", end: "18:00" }] }',
      'agents:',
    ];
    for (let i = 0; i < agents; i++) {
      lines.push(`  - { id: "${agentId(i)}", phone: "${agentPhone(i)}", team: day }`);
    }
    await writeFile(join(dir, 'roster.yaml'), `${lines.join('\n')}\n`);
    const runtime = await openRuntime({ REDIS_URL: redis.url, ROTA_ROSTER: 'roster.yaml' }, dir, {
      log: createLogger('silent'),
    });
    const raw = new Queue<ActionJobData>(QUEUE_NAME, { connection: runtime.redis, prefix: 'raw' });
    try {
      const syncNow = Date.now();
      const syncStarted = performance.now();
      const synced = await syncRoster(runtime, { now: syncNow, horizonMs: HORIZON_MS });
      const syncMs = performance.now() - syncStarted;
      if (!synced.ok) throw new Error('the bench roster did not sync');
      const rota = await dueErrors(runtime.redis, runtime.prefix, (id) => {
        const at = parseJobId(id)?.at;
        if (at === undefined) throw new Error(`job ${id} is not one of rota's`);
        return Math.max(at, syncNow) - EARLY_MS;
      });

      // The old way, same jobs (IDs, data, options but timestamp) under another prefix, into an empty Redis.
      await runtime.redis.flushall();
      const runAt = new Map(synced.additions.map((job) => [job.id, job.runAt]));
      const t0 = Date.now();
      const writeStarted = performance.now();
      for (let i = 0; i < synced.additions.length; i += BATCH) {
        await raw.addBulk(
          synced.additions.slice(i, i + BATCH).map((job: DesiredJob) => {
            const { timestamp: _now, ...opts } = jobOptions(job, t0);
            return {
              name: job.data.action,
              data: job.data,
              opts: { ...opts, delay: Math.max(0, job.runAt - t0) },
            };
          }),
        );
      }
      const writeMs = performance.now() - writeStarted;
      const old = await dueErrors(runtime.redis, 'raw', (id) => runAt.get(id) ?? Number.NaN);
      await runtime.redis.flushall();
      return { jobs: synced.added, syncMs, writeMs, rota, old };
    } finally {
      await raw.close();
      await runtime.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The simulator's arrival time of each listed agent's login, less that agent's instant, ascending. */
async function lateness(sim: Simulator, instants: Map<string, number>): Promise<number[]> {
  const deadline = Math.max(...instants.values()) + 10_000;
  const arrivals = () =>
    sim.calls().filter((call) => call.action === 'login' && call.agent !== null && instants.has(call.agent));
  while (arrivals().length < instants.size && Date.now() < deadline) await sleep(50);
  const seen = arrivals();
  if (seen.length < instants.size) {
    throw new Error(`only ${seen.length} of ${instants.size} logins reached the simulator in time`);
  }
  return ascending(seen.map((call) => Date.parse(call.at) - (instants.get(call.agent as string) ?? 0)));
}

/** Whole-second instants `SPACING_MS` apart, starting at least LEAD_MS ahead; agent ID → instant. */
function nextInstants(ids: string[]): Map<string, number> {
  const start = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
  return new Map(ids.map((id, i) => [id, start + i * SPACING_MS]));
}

/** Figure 2 (a): single logins through rota, roster → syncRoster → runWorker. */
async function rotaSingles(redis: PrivateRedis, sim: Simulator, ids: string[], phones: Map<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'rota-bench-instants-'));
  try {
    const instants = nextInstants(ids);
    const shifts = ids.map((id) => {
      const start = DateTime.fromMillis(instants.get(id) ?? 0, { zone: ZONE });
      const end = start.plus({ hours: 2 });
      return `  - { id: "${id}", phone: "${phones.get(id)}", shifts: [{ date: ${start.toISODate()}, start: "${start.toFormat('HH:mm:ss')}", end: "${end.toFormat('HH:mm:ss')}" }] }\n`;
    });
    await writeFile(join(dir, 'roster.yaml'), `version: 1\ntimezone: ${ZONE}\nagents:\n${shifts.join('')}`);
    await writeFile(join(dir, 'credentials.yaml'), credentialsYaml(ids));
    const runtime = await openRuntime(
      {
        REDIS_URL: redis.url,
        ROTA_ROSTER: 'roster.yaml',
        ROTA_CREDENTIALS: 'credentials.yaml',
        CLOUDAGENT_BASE_URL: sim.url,
        CLOUDAGENT_USERNAME: BENCH_ACCOUNT.userName,
        CLOUDAGENT_API_KEY: BENCH_ACCOUNT.apiKey,
        ROTA_CONCURRENCY: String(CONCURRENCY),
      },
      dir,
      { log: createLogger('silent') },
    );
    try {
      const synced = await syncRoster(runtime, { now: Date.now(), horizonMs: 86_400_000 });
      if (!synced.ok) throw new Error('the singles roster did not sync');
      const worker = await runWorker(runtime);
      try {
        return await lateness(sim, instants);
      } finally {
        await worker.close();
      }
    } finally {
      await runtime.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Figure 2 (b): the same logins as raw BullMQ delayed jobs, the same client call in the processor. */
async function rawSingles(redis: PrivateRedis, sim: Simulator, ids: string[], phones: Map<string, string>) {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const client = createCloudAgentClient({
    baseUrl: sim.url,
    ...BENCH_ACCOUNT,
    maxSockets: CONCURRENCY * 2,
  });
  const queue = new Queue<{ agentId: string }>('singles', { connection, prefix: 'raw' });
  const worker = new Worker<{ agentId: string }>(
    'singles',
    async (job) => {
      const { agentId } = job.data;
      await client.call({ action: 'login', agentId, password: `pw-${agentId}`, phone: phones.get(agentId) });
    },
    { connection, prefix: 'raw', concurrency: CONCURRENCY },
  );
  try {
    await worker.waitUntilReady();
    const instants = nextInstants(ids);
    for (const [agentId, instant] of instants) {
      await queue.add('login', { agentId }, { jobId: `login-${agentId}`, delay: instant - Date.now() });
    }
    return await lateness(sim, instants);
  } finally {
    await worker.close();
    await queue.close();
    await connection.quit();
    await client.close();
  }
}

const cpu = cpus();
console.log('bench:instants: when jobs are due after a sync, and when single logins reach the API');
console.log(`  Node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'})`);
console.log(`  ${agents} agents × 7 days for due times; ${singles} single logins for lateness`);
console.log();

const redis = await startPrivateRedis();
const ids = Array.from({ length: singles }, (_, i) => String(300_000 + i));
const phones = new Map(ids.map((id, i) => [id, `+9197${String(i).padStart(8, '0')}`]));
const sim = await startSimulator({
  account: BENCH_ACCOUNT,
  agents: Object.fromEntries(ids.map((id) => [id, `pw-${id}`])),
  faults: { global: { latencyMs: 0 } },
});
try {
  const first = await scheduledInstants(redis);
  const W = 12;
  console.log(`1. due time of every delayed job after a first sync (${first.jobs} jobs added)`);
  console.log(`   |due − intended|        ${cell('rota', W)}${cell('old (raw)', W)}${cell('rota ÷ old', W)}`);
  const row = (label: string, a: string, b: string, r = '') =>
    console.log(`   ${label.padEnd(24)}${cell(a, W)}${cell(b, W)}${cell(r, W)}`);
  row('delayed jobs read', String(first.rota.delayed), String(first.old.delayed));
  row(
    'not delayed (catch-up)',
    String(first.jobs - first.rota.delayed),
    String(first.jobs - first.old.delayed),
  );
  row('sync / adds took', ms(first.syncMs), ms(first.writeMs));
  const rotaWorst = first.rota.errors.at(-1) ?? Number.NaN;
  const oldWorst = first.old.errors.at(-1) ?? Number.NaN;
  const rotaP99 = pct(first.rota.errors, 99);
  const oldP99 = pct(first.old.errors, 99);
  row('p99', ms(rotaP99), ms(oldP99), ratioText(rotaP99, oldP99));
  row('worst', ms(rotaWorst), ms(oldWorst), ratioText(rotaWorst, oldWorst));
  console.log(
    `   target: every job due within 50 ms of its intended time: ${rotaWorst <= 50 ? 'met' : 'NOT met'}`,
  );
  console.log();

  const admin = new Redis(redis.url);
  const rota: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const these = ids.filter((_, i) => i % ROUNDS === round);
    const sides = [
      async () => rota.push(...(await rotaSingles(redis, sim, these, phones))),
      async () => raw.push(...(await rawSingles(redis, sim, these, phones))),
    ];
    for (const side of round % 2 === 0 ? sides : sides.reverse()) {
      await admin.flushall();
      sim.reset();
      await sleep(500);
      await side();
    }
  }
  await admin.quit();
  rota.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  console.log(
    `2. single logins, each alone at its instant: arrival at the simulator (0 ms latency) − instant`,
  );
  console.log(
    `   (concurrency ${CONCURRENCY}; rota: syncRoster + runWorker; raw: Queue + Worker, same client)`,
  );
  console.log(
    `   lateness                ${cell('rota', W)}${cell('raw BullMQ', W)}${cell('rota ÷ raw', W)}`,
  );
  row('p50', ms(pct(rota, 50)), ms(pct(raw, 50)), ratioText(pct(rota, 50), pct(raw, 50)));
  row('p90', ms(pct(rota, 90)), ms(pct(raw, 90)), ratioText(pct(rota, 90), pct(raw, 90)));
  row('max', ms(rota.at(-1) ?? Number.NaN), ms(raw.at(-1) ?? Number.NaN));
  row('min', ms(rota[0] ?? Number.NaN), ms(raw[0] ?? Number.NaN));
  const p50 = pct(rota, 50);
  const rawP50 = pct(raw, 50);
  console.log(
    `   target: rota p50 within 30 ms: ${p50 <= 30 ? 'met' : 'NOT met'}; ` +
      `at most 1.5× raw: ${p50 <= 1.5 * rawP50 ? 'met' : 'NOT met'}`,
  );
  const figures: Figure[] = [
    {
      figure: `one login due at its instant, simulator at 0 ms: p50 lateness (${singles} logins)`,
      rota: ms(p50),
      baseline: `raw BullMQ delayed job ${ms(rawP50)}`,
      ratio: p50 / rawP50,
      target: '≤ 1.5× and ≤ 30 ms',
      met: judge(p50 <= 30 && p50 <= 1.5 * rawP50),
    },
    {
      figure: `  due times after a first sync of ${agents} agents: worst |due − intended|`,
      rota: ms(rotaWorst),
      baseline: `delay counted from the write ${ms(oldWorst)}`,
      target: '≤ 50 ms',
      met: judge(rotaWorst <= 50),
    },
  ];
  report('instants', figures);
} finally {
  await sim.close();
  await redis.stop();
}
