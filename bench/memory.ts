/**
 * A worker's resident memory with a big queue: N agents of the bench:plan roster (10,000 by default)
 * synced into a private redis-server — about 110,000 delayed jobs — then `rota worker` started as a
 * child process, as an operator runs it (console on, info logs), and its resident set read from
 * /proc/PID/status every 200 ms for BENCH_SETTLE_MS (10 s) once /healthz answers. The jobs the sync adds
 * for now (catch-up) are taken out first, so the worker holds the queue without working it. Beside it:
 * the same `rota worker` on an empty queue, and a raw BullMQ Worker (`bench/raw.ts idle`) on the same
 * queue of 110,000 jobs.
 *
 *   npm run bench:memory            (10,000 agents)
 *   npm run bench:memory -- 2000
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/log.js';
import { freePort, startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, syncRoster } from '../src/runtime.js';
import {
  BENCH_ACCOUNT,
  Child,
  type Figure,
  judge,
  mib,
  report,
  residentMemory,
  sleep,
  smoke,
} from './common.js';
import { credentialsYaml, mixedRoster, today } from './roster.js';

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? (smoke ? 1000 : 10_000));
const SAMPLE_MS = 200;
const BIN = fileURLToPath(new URL('../../bin/rota.js', import.meta.url));
const MB = 1024 * 1024;

interface Resident {
  /** The largest VmRSS seen while it settled, and VmHWM at the end (bytes). */
  rss: number;
  peak: number;
}

/** Samples a process's resident set for SETTLE_MS. */
async function settle(pid: number): Promise<Resident> {
  let rss = 0;
  for (const until = Date.now() + SETTLE_MS; Date.now() < until; await sleep(SAMPLE_MS)) {
    rss = Math.max(rss, residentMemory(pid).rss);
  }
  return { rss, peak: residentMemory(pid).peak };
}

/** `rota worker` as an operator starts it, until its /healthz answers 200; then its memory. */
async function rotaWorker(dir: string, redisUrl: string, simUrl: string): Promise<Resident> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'worker'], {
    cwd: dir,
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      ROTA_CREDENTIALS: 'credentials.yaml',
      CLOUDAGENT_BASE_URL: simUrl,
      CLOUDAGENT_USERNAME: BENCH_ACCOUNT.userName,
      CLOUDAGENT_API_KEY: BENCH_ACCOUNT.apiKey,
      ROTA_HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (let tries = 0; ; tries++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      if (tries > 200 || child.exitCode !== null) throw new Error('rota worker did not become healthy');
      await sleep(100);
    }
    return await settle(child.pid ?? 0);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function rawWorker(redisUrl: string): Promise<Resident> {
  const child = new Child('./raw.js', ['idle', redisUrl, 'rota', '32']);
  try {
    await child.next();
    return await settle(child.pid);
  } finally {
    await child.stop();
  }
}

async function main(agents: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-bench-memory-'));
  const redis = await startPrivateRedis();
  try {
    await writeFile(join(dir, 'roster.yaml'), mixedRoster(agents, { firstDay: today() }));
    await writeFile(join(dir, 'credentials.yaml'), credentialsYaml([]));
    // No call is made (every job is delayed): the API address only has to be valid.
    const simUrl = 'http://127.0.0.1:9';
    const empty = await rotaWorker(dir, redis.url, simUrl);

    const runtime = await openRuntime({ REDIS_URL: redis.url, ROTA_ROSTER: 'roster.yaml' }, dir, {
      log: createLogger('silent'),
    });
    let delayed = 0;
    try {
      const synced = await syncRoster(runtime, { now: Date.now(), horizonMs: 7 * 86_400_000 });
      if (!synced.ok) throw new Error('the bench roster did not sync');
      // The catch-up jobs (due now) out: the worker holds the queue without working it.
      await runtime.queue.drain();
      const counts = await runtime.queue.getJobCounts('delayed', 'waiting', 'prioritized');
      delayed = counts.delayed ?? 0;
      if ((counts.waiting ?? 0) + (counts.prioritized ?? 0) > 0) {
        throw new Error(`jobs due now are left: ${JSON.stringify(counts)}`);
      }
    } finally {
      await runtime.close();
    }
    const full = await rotaWorker(dir, redis.url, simUrl);
    const raw = await rawWorker(redis.url);

    console.log(`bench:memory: a worker's resident memory, sampled for ${SETTLE_MS / 1000} s`);
    console.log(`  rota worker, empty queue          ${mib(empty.rss)} (peak ${mib(empty.peak)})`);
    console.log(`  rota worker, ${delayed} delayed jobs  ${mib(full.rss)} (peak ${mib(full.peak)})`);
    console.log(`  raw BullMQ Worker, the same queue ${mib(raw.rss)} (peak ${mib(raw.peak)})`);
    const figures: Figure[] = [
      {
        figure: `worker resident memory, ${delayed} delayed jobs queued`,
        rota: mib(full.rss),
        baseline: `raw BullMQ Worker ${mib(raw.rss)}`,
        ratio: full.rss / raw.rss,
        target: '≤ 200 MB',
        met: judge(full.rss <= 200 * MB),
      },
      {
        figure: '  the same rota worker on an empty queue',
        rota: mib(empty.rss),
        target: '—',
      },
    ];
    report('memory', figures);
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const agents = Number(process.argv[2] ?? (smoke ? 500 : 10_000));
if (!Number.isInteger(agents) || agents < 1) {
  throw new Error('usage: npm run bench:memory [-- AGENTS], a whole number of 1 or more');
}
await main(agents);
