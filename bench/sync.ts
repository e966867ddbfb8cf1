/**
 * Syncing a big roster, beside BullMQ alone. The roster is bench:plan's (`bench/roster.ts`): N agents
 * (10,000 by default) in four teams and four zones, about 110,000 jobs over a sync's window (12 h back,
 * 7 days ahead), synced into a private redis-server.
 *
 * 1. First sync into an empty queue — read and plan the roster, store the plan and the session log, add
 *    every job — against the raw baseline (`bench/raw.ts add`): `Queue.addBulk` of the same jobs (IDs,
 *    data, options) in batches of 1,000. Each runs in a fresh process on an emptied Redis.
 * 2. A re-sync with nothing changed, in the same process, as the scheduler does every ROTA_SYNC_INTERVAL:
 *    against the first sync; no job may be written.
 * 3. A re-sync after 1% of the agents moved to another team: only their jobs may be written; against the
 *    first sync.
 * 4. The peak resident memory of that process (the scheduler's, through the three syncs), which syncs as
 *    the scheduler does: in its sync thread (ROTA_SYNC_HEAP_MB, 256 MB by default); and once more in the
 *    process's own thread (ROTA_SYNC_HEAP_MB=0), as before there was a sync thread.
 * 5. The longest the process's main thread was held up through the syncs: in `rota run` it is where the
 *    worker's calls wait their turn.
 *
 * Runs BENCH_REPEATS times (3), alternating which side goes first, and reports the medians.
 *
 *   npm run bench:sync             (10,000 agents)
 *   npm run bench:sync -- 2000
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createLogger } from '../src/log.js';
import { parseJobId } from '../src/plan/jobs.js';
import { EARLY_MS, jobOptions, queueStates } from '../src/queue/queue.js';
import { startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, syncRoster } from '../src/runtime.js';
import { schedulerSync } from '../src/service.js';
import {
  Child,
  duration,
  type Figure,
  judge,
  median,
  mib,
  peakResident,
  ratioText,
  report,
  smoke,
  tell,
} from './common.js';
import type { SavedJob } from './raw.js';
import { agentId, mixedRoster, today } from './roster.js';

const HORIZON_MS = 7 * 86_400_000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? (smoke ? 1 : 3));
/** The agents a 1% change moves to another team. */
const changed = (i: number) => i % 100 === 0;
const changedIds = (agents: number) =>
  new Set(
    Array.from({ length: agents }, (_, i) => i)
      .filter(changed)
      .map(agentId),
  );

interface RotaRun {
  firstMs: number;
  added: number;
  steadyMs: number;
  steadyWritten: number;
  changedMs: number;
  changedAdded: number;
  changedRemoved: number;
  /** When the 1% re-sync started: the jobs it adds have this timestamp or a later one. */
  changedAt: number;
  /** Peak resident memory after the first sync, after the re-sync, and after all three (bytes). */
  peakFirst: number;
  peakSteady: number;
  peak: number;
  /**
   * The longest the process's main thread (where a `rota run` worker calls the API) was held up
   * through the three syncs (ms).
   */
  stallMs: number;
  /** Redis `used_memory` after the first sync: the jobs, the stored plan, the session log (bytes). */
  redisMemory: number;
}

interface RawRun {
  ms: number;
  jobs: number;
  peak: number;
  /** Redis `used_memory` after the jobs were added (bytes). */
  redisMemory: number;
}

/**
 * The child: a scheduler's first sync, its periodic re-sync, then a re-sync after a 1% change, each by
 * the scheduler's own means (`schedulerSync`). The first includes starting the sync thread.
 */
async function rotaChild(dir: string): Promise<void> {
  const runtime = await openRuntime(
    {
      REDIS_URL: process.env.BENCH_REDIS_URL,
      ROTA_ROSTER: 'roster.yaml',
      ROTA_HORIZON: '7d',
      ROTA_SYNC_HEAP_MB: process.env.ROTA_SYNC_HEAP_MB,
    },
    dir,
    { log: createLogger('silent') },
  );
  const syncing = schedulerSync(runtime);
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const sync = async () => {
    const started = performance.now();
    const result = await syncing.sync();
    const ms = performance.now() - started;
    if (!result.ok) throw new Error(`the bench roster did not sync: ${result.issues[0]?.message}`);
    return { ms, added: result.added, removed: result.removed, peak: peakResident() };
  };
  const first = await sync();
  const redisMemory = Number(/used_memory:(\d+)/.exec(await runtime.redis.info('memory'))?.[1] ?? 0);
  const steady = await sync();
  await writeFile(join(dir, 'roster.yaml'), await readFile(join(dir, 'changed.yaml')));
  const changedAt = Date.now();
  const after = await sync();
  stalls.disable();
  await syncing.close();
  await runtime.close();
  await tell({
    firstMs: first.ms,
    added: first.added,
    steadyMs: steady.ms,
    steadyWritten: steady.added + steady.removed,
    changedMs: after.ms,
    changedAdded: after.added,
    changedRemoved: after.removed,
    changedAt,
    peakFirst: first.peak,
    peakSteady: steady.peak,
    peak: after.peak,
    stallMs: stalls.max / 1e6,
    redisMemory,
  } satisfies RotaRun);
  process.disconnect?.();
}

/** Saves what a first sync adds, as `raw.js add` reads it: rota's jobs, options and due times. */
async function saveFirstSync(url: string, dir: string, file: string): Promise<number> {
  const runtime = await openRuntime({ REDIS_URL: url, ROTA_ROSTER: 'roster.yaml' }, dir, {
    log: createLogger('silent'),
  });
  try {
    const now = Date.now();
    const result = await syncRoster(runtime, { now: now, horizonMs: HORIZON_MS, dryRun: true });
    if (!result.ok) throw new Error('the bench roster did not plan');
    const jobs: SavedJob[] = result.additions.map((job) => {
      const { timestamp: _t, delay: _d, ...opts } = jobOptions(job, now);
      return { name: job.data.action, data: job.data, opts, dueAt: job.runAt - EARLY_MS };
    });
    await writeFile(file, JSON.stringify(jobs));
    return jobs.length;
  } finally {
    await runtime.close();
  }
}

/**
 * The jobs in the queue that the 1% re-sync added (its timestamp or later) for agents it did not
 * change: there must be none.
 */
async function straysAfter(url: string, dir: string, changedAt: number, moved: Set<string>): Promise<number> {
  const runtime = await openRuntime({ REDIS_URL: url }, dir, { log: createLogger('silent') });
  try {
    const ids = [...(await queueStates(runtime.queue)).keys()];
    const pipeline = runtime.redis.pipeline();
    for (const id of ids) pipeline.hget(runtime.queue.toKey(id), 'timestamp');
    const stamps = (await pipeline.exec()) ?? [];
    return ids.filter((id, i) => {
      const agent = parseJobId(id)?.agentId;
      return Number(stamps[i]?.[1]) >= changedAt && (agent === undefined || !moved.has(agent));
    }).length;
  } finally {
    await runtime.close();
  }
}

async function main(agents: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-bench-sync-'));
  const redis = await startPrivateRedis();
  const admin = new Redis(redis.url);
  try {
    const firstDay = today();
    await writeFile(join(dir, 'roster.yaml'), mixedRoster(agents, { firstDay }));
    await writeFile(join(dir, 'changed.yaml'), mixedRoster(agents, { firstDay, changed }));
    const jobsFile = join(dir, 'jobs.json');
    const jobs = await saveFirstSync(redis.url, dir, jobsFile);
    console.log(
      `bench:sync: ${agents} agents × 7 days, ${jobs} jobs; a fresh process for each side, ` +
        `${REPEATS} run${REPEATS === 1 ? '' : 's'} each`,
    );

    const rota: RotaRun[] = [];
    const raw: RawRun[] = [];
    const strays: number[] = [];
    const moved = changedIds(agents);
    const rotaRun = async (heapMb?: string) => {
      await admin.flushall();
      await writeFile(join(dir, 'roster.yaml'), mixedRoster(agents, { firstDay }));
      const child = new Child('./sync.js', ['--child', dir], {
        env: { BENCH_REDIS_URL: redis.url, ...(heapMb ? { ROTA_SYNC_HEAP_MB: heapMb } : {}) },
      });
      const run = await child.next<RotaRun>();
      await child.exited;
      strays.push(await straysAfter(redis.url, dir, run.changedAt, moved));
      return run;
    };
    const runRota = async () => {
      rota.push(await rotaRun());
    };
    const runRaw = async () => {
      await admin.flushall();
      const child = new Child('./raw.js', ['add', redis.url, 'rota', jobsFile]);
      const run = await child.next<Omit<RawRun, 'redisMemory'>>();
      await child.exited;
      const redisMemory = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
      raw.push({ ...run, redisMemory });
    };
    for (let i = 0; i < REPEATS; i++) {
      for (const run of i % 2 === 0 ? [runRaw, runRota] : [runRota, runRaw]) await run();
      const r = rota.at(-1) as RotaRun;
      const b = raw.at(-1) as RawRun;
      console.log(
        `  run ${i + 1}: raw addBulk ${duration(b.ms)}; rota first ${duration(r.firstMs)}, ` +
          `unchanged ${duration(r.steadyMs)} (${r.steadyWritten} written), 1% changed ` +
          `${duration(r.changedMs)} (+${r.changedAdded} −${r.changedRemoved}); ` +
          `peak RSS rota ${mib(r.peakFirst)} / ${mib(r.peakSteady)} / ${mib(r.peak)}, raw ${mib(b.peak)}; ` +
          `longest stall ${duration(r.stallMs)}`,
      );
    }

    // Once more syncing in the process's own thread, with no heap cap: what the sync thread saves.
    const own = await rotaRun('0');
    console.log(
      `  with ROTA_SYNC_HEAP_MB=0: first ${duration(own.firstMs)}, ` +
        `unchanged ${duration(own.steadyMs)}, 1% changed ${duration(own.changedMs)}; ` +
        `peak RSS ${mib(own.peakFirst)} / ${mib(own.peakSteady)} / ${mib(own.peak)}; ` +
        `longest stall ${duration(own.stallMs)}`,
    );

    const rawMs = median(raw.map((run) => run.ms));
    const firstMs = median(rota.map((run) => run.firstMs));
    const steadyMs = median(rota.map((run) => run.steadyMs));
    const changedMs = median(rota.map((run) => run.changedMs));
    const peak = median(rota.map((run) => run.peak));
    const peakFirst = median(rota.map((run) => run.peakFirst));
    const written = Math.max(...rota.map((run) => run.steadyWritten));
    const stray = Math.max(...strays);
    const last = rota.at(-1) as RotaRun;
    const figures: Figure[] = [
      {
        figure: `first sync of ${agents} agents × 7 days (${jobs} jobs)`,
        rota: duration(firstMs),
        baseline: `raw addBulk ${duration(rawMs)}`,
        ratio: firstMs / rawMs,
        target: '≤ 1.2×',
        met: judge(firstMs <= 1.2 * rawMs),
      },
      {
        figure: 're-sync, nothing changed',
        rota: `${duration(steadyMs)}, ${written} jobs written`,
        baseline: `the first sync ${duration(firstMs)}`,
        ratio: steadyMs / firstMs,
        target: '≤ 0.2×, 0 jobs written',
        met: judge(steadyMs <= 0.2 * firstMs && written === 0),
      },
      {
        figure: `re-sync, 1% of agents changed (${moved.size} moved team)`,
        rota: `${duration(changedMs)}, +${last.changedAdded} −${last.changedRemoved} jobs`,
        baseline: `the first sync ${duration(firstMs)}`,
        ratio: changedMs / firstMs,
        target: "≤ 0.3×, only the changed agents' jobs",
        met: judge(changedMs <= 0.3 * firstMs && stray === 0),
      },
      {
        figure: `scheduler peak resident memory, ${agents}-agent syncs`,
        rota: `${mib(peakFirst)} in the first sync, ${mib(peak)} after all three`,
        baseline: `raw addBulk process ${mib(median(raw.map((run) => run.peak)))}`,
        target: '≤ 400 MB',
        met: judge(peak <= 400 * 1024 * 1024),
      },
      {
        figure: "  the same syncing in the scheduler's own thread (ROTA_SYNC_HEAP_MB=0)",
        rota: `${mib(own.peakFirst)} in the first sync, ${mib(own.peak)} after all three`,
        baseline: `first sync ${duration(own.firstMs)}`,
        target: '—',
      },
      {
        figure: "  the scheduler's longest event-loop stall through the syncs",
        rota: duration(median(rota.map((run) => run.stallMs))),
        baseline: `in its own thread ${duration(own.stallMs)}`,
        target: '—',
      },
      {
        figure: '  Redis memory after the first sync',
        rota: mib(last.redisMemory),
        baseline: `raw addBulk ${mib((raw.at(-1) as RawRun).redisMemory)}`,
        ratio: last.redisMemory / (raw.at(-1) as RawRun).redisMemory,
        target: '—',
      },
    ];
    console.log(
      `  medians: first ${duration(firstMs)} against raw ${duration(rawMs)} (${ratioText(firstMs, rawMs)})`,
    );
    report('sync', figures);
  } finally {
    await admin.quit();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await rotaChild(args[1] as string);
else {
  const agents = Number(args[0] ?? (smoke ? 500 : 10_000));
  if (!Number.isInteger(agents) || agents < 100) {
    throw new Error('usage: npm run bench:sync [-- AGENTS], a whole number of 100 or more');
  }
  await main(agents);
}
