/**
 * A shift boundary: N agents (2,000 by default) whose shifts all start at one instant, logged in by a
 * worker process against the CloudAgent simulator with a fixed API latency (5 ms), beside BullMQ alone.
 *
 * - rota: a child process opens the runtime, syncs the roster (logins due at the instant) and runs
 *   `runWorker` (ROTA_CONCURRENCY calls in flight, default 32), logging at info level like production;
 * - raw (`bench/raw.ts burst`): a child process adds one delayed BullMQ job per agent due at the instant
 *   and runs a Worker of the same concurrency whose processor makes the same login call.
 *
 * Both run on the same private redis-server against the same simulator (in this process); lateness is
 * the request's arrival at the simulator less the instant, and the boundary has cleared when the last
 * login was answered. Runs BENCH_REPEATS times (3), alternating which side goes first, and reports
 * medians. Then the same boundary with ROTA_API_RATE=RATE/s (100 by default), at ROTA_CONCURRENCY and
 * again with room for the jobs that wait out EARLY_MS between their take and their call, and the raw
 * Worker with a limiter of RATE jobs a second, against the N ÷ RATE seconds the limit implies.
 *
 *   npm run bench:boundary                    (2,000 logins, 5 ms latency, concurrency 32, 100/s)
 *   npm run bench:boundary -- 500 100 32 50
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { type SimulatedCall, startSimulator } from '../src/cloudagent/simulator.js';
import { createLogger } from '../src/log.js';
import { EARLY_MS } from '../src/queue/queue.js';
import { startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, syncRoster } from '../src/runtime.js';
import { runWorker } from '../src/service.js';
import {
  ascending,
  BENCH_ACCOUNT,
  Child,
  duration,
  type Figure,
  heard,
  judge,
  median,
  pct,
  report,
  sleep,
  smoke,
  tell,
} from './common.js';
import { agentId, agentPhone, credentialsYaml, oneShiftRoster } from './roster.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? (smoke ? 1 : 3));
const ZONE = 'Asia/Kolkata';
/** The instant is at least this far after the worker process is up: time to sync and start. */
const LEAD_MS = smoke ? 1500 : 3000;

interface Burst {
  /** Arrival at the simulator less the instant, ascending (ms). */
  late: number[];
  /** From the instant to the last login answered (ms). */
  clearedMs: number;
  /** The most logins that arrived within any one second. */
  busiestSecond: number;
  /** Logins the simulator answered with an error. */
  failed: number;
}

/** The child: rota's runtime and worker, syncing the roster the parent wrote for the instant. */
async function rotaChild(dir: string): Promise<void> {
  const runtime = await openRuntime(
    {
      REDIS_URL: process.env.BENCH_REDIS_URL,
      ROTA_ROSTER: 'roster.yaml',
      ROTA_CREDENTIALS: 'credentials.yaml',
      CLOUDAGENT_BASE_URL: process.env.BENCH_SIM_URL,
      CLOUDAGENT_USERNAME: BENCH_ACCOUNT.userName,
      CLOUDAGENT_API_KEY: BENCH_ACCOUNT.apiKey,
      ROTA_CONCURRENCY: process.env.BENCH_CONCURRENCY,
      ...(process.env.BENCH_RATE ? { ROTA_API_RATE: process.env.BENCH_RATE } : {}),
    },
    dir,
    { log: createLogger('info') },
  );
  await tell('up');
  await heard();
  const synced = await syncRoster(runtime, { now: Date.now(), horizonMs: 86_400_000 });
  if (!synced.ok) throw new Error(`the bench roster did not sync: ${synced.issues[0]?.message}`);
  const worker = await runWorker(runtime);
  await tell('ready');
  await heard();
  await worker.close();
  await runtime.close();
  process.disconnect?.();
}

async function main(agents: number, latencyMs: number, concurrency: number, rate: number) {
  const ids = Array.from({ length: agents }, (_, i) => agentId(i));
  const dir = await mkdtemp(join(tmpdir(), 'rota-bench-boundary-'));
  const redis = await startPrivateRedis();
  const admin = new Redis(redis.url);
  const sim = await startSimulator({
    account: BENCH_ACCOUNT,
    agents: Object.fromEntries(ids.map((id) => [id, `pw-${id}`])),
    faults: { global: { latencyMs } },
  });
  const wanted = new Set(ids);
  try {
    await writeFile(join(dir, 'credentials.yaml'), credentialsYaml(ids));

    /** Waits for every login to be answered, then reads the simulator's call log. */
    const collect = async (instant: number): Promise<Burst> => {
      const deadline = instant + (rate > 0 ? (agents / rate) * 1000 : 0) + 120_000;
      const answered = () =>
        sim
          .calls()
          .filter(
            (call: SimulatedCall) =>
              call.action === 'login' && call.agent !== null && wanted.has(call.agent) && call.answer,
          );
      let calls = answered();
      while (calls.length < agents && Date.now() < deadline) {
        await sleep(50);
        calls = answered();
      }
      if (calls.length < agents) throw new Error(`only ${calls.length} of ${agents} logins were answered`);
      const arrivals = ascending(calls.map((call) => Date.parse(call.at)));
      let busiestSecond = 0;
      for (let first = 0, last = 0; last < arrivals.length; last++) {
        while ((arrivals[last] as number) - (arrivals[first] as number) >= 1000) first++;
        busiestSecond = Math.max(busiestSecond, last - first + 1);
      }
      return {
        late: arrivals.map((at) => at - instant),
        clearedMs: Math.max(...calls.map((call) => Date.parse(call.at) + call.latencyMs)) - instant,
        busiestSecond,
        failed: calls.filter((call) => call.answer?.status !== 'success').length,
      };
    };
    const nextInstant = () => Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const ready = async (child: Child, instant: number) => {
      await child.next();
      if (Date.now() > instant - 200) {
        console.log(`  warning: the worker was ready only ${instant - Date.now()} ms before the instant`);
      }
    };

    const rotaBurst = async (limit: number, inFlight = concurrency): Promise<Burst> => {
      await admin.flushall();
      sim.reset();
      const child = new Child('./boundary.js', ['--child', dir], {
        env: {
          BENCH_REDIS_URL: redis.url,
          BENCH_SIM_URL: sim.url,
          BENCH_CONCURRENCY: String(inFlight),
          BENCH_RATE: limit > 0 ? `${limit}/s` : '',
        },
        quiet: true,
      });
      try {
        await child.next();
        const instant = nextInstant();
        const start = DateTime.fromMillis(instant, { zone: ZONE });
        const shift = {
          date: start.toISODate() as string,
          start: start.toFormat('HH:mm:ss'),
          end: start.plus({ hours: 2 }).toFormat('HH:mm:ss'),
        };
        await writeFile(join(dir, 'roster.yaml'), oneShiftRoster(ids, agentPhone, shift, ZONE));
        child.send('sync');
        await ready(child, instant);
        return await collect(instant);
      } finally {
        await child.stop();
      }
    };
    const rawBurst = async (limit: number): Promise<Burst> => {
      await admin.flushall();
      sim.reset();
      const child = new Child('./raw.js', ['burst', redis.url, sim.url, String(concurrency), String(limit)]);
      try {
        await child.next();
        const instant = nextInstant();
        child.send({ instant, agents: ids.map((id, i) => [id, agentPhone(i)]) });
        await ready(child, instant);
        return await collect(instant);
      } finally {
        await child.stop();
      }
    };

    console.log(
      `bench:boundary: ${agents} logins at one instant, API latency ${latencyMs} ms, concurrency ` +
        `${concurrency}; ${REPEATS} run${REPEATS === 1 ? '' : 's'} each side, then once each at ${rate}/s`,
    );
    const rota: Burst[] = [];
    const raw: Burst[] = [];
    const line = (name: string, run: Burst) =>
      `${name} p50 ${duration(pct(run.late, 50))}, p99 ${duration(pct(run.late, 99))}, cleared in ` +
      `${duration(run.clearedMs)}${run.failed > 0 ? `, ${run.failed} failed` : ''}`;
    for (let i = 0; i < REPEATS; i++) {
      const sides = [async () => raw.push(await rawBurst(0)), async () => rota.push(await rotaBurst(0))];
      for (const side of i % 2 === 0 ? sides : sides.reverse()) await side();
      console.log(
        `  run ${i + 1}: ${line('raw', raw.at(-1) as Burst)}; ${line('rota', rota.at(-1) as Burst)}`,
      );
    }
    // With a rate, rota holds each job EARLY_MS between its take and its call, in a concurrency slot: at
    // most ROTA_CONCURRENCY ÷ (EARLY_MS + latency) calls a second. Once more with room for that hold.
    // A smoke run only sees that the limited run works.
    const roomy = concurrency + Math.ceil((rate * EARLY_MS) / 1000);
    const rotaLimited = await rotaBurst(rate);
    const rotaRoomy = smoke ? undefined : await rotaBurst(rate, roomy);
    const rawLimited = smoke ? undefined : await rawBurst(rate);
    const busiest = (name: string, run: Burst | undefined) =>
      run ? `; ${line(name, run)}, busiest second ${run.busiestSecond}` : '';
    console.log(
      `  at ${rate}/s${busiest('rota', rotaLimited)}${busiest(`rota at concurrency ${roomy}`, rotaRoomy)}` +
        `${busiest('raw', rawLimited)}`,
    );

    const of = (runs: Burst[], pick: (run: Burst) => number) => median(runs.map(pick));
    const rotaP99 = of(rota, (run) => pct(run.late, 99));
    const rawP99 = of(raw, (run) => pct(run.late, 99));
    const rotaP50 = of(rota, (run) => pct(run.late, 50));
    const rawP50 = of(raw, (run) => pct(run.late, 50));
    const rotaCleared = of(rota, (run) => run.clearedMs);
    const rawCleared = of(raw, (run) => run.clearedMs);
    const failed = [...rota, rotaLimited, ...(rotaRoomy ? [rotaRoomy] : [])].reduce(
      (sum, run) => sum + run.failed,
      0,
    );
    const impliedMs = (agents / rate) * 1000;
    const figures: Figure[] = [
      {
        figure: `${agents} logins due at one instant, API latency ${latencyMs} ms, ${concurrency} in flight: p99 lateness`,
        rota: duration(rotaP99),
        baseline: `raw BullMQ worker ${duration(rawP99)}`,
        ratio: rotaP99 / rawP99,
        target: '≤ 1.3×',
        met: judge(rotaP99 <= 1.3 * rawP99 && failed === 0),
      },
      {
        figure: '  the same: p50 lateness',
        rota: duration(rotaP50),
        baseline: `raw ${duration(rawP50)}`,
        ratio: rotaP50 / rawP50,
        target: '—',
      },
      {
        figure: '  the same: cleared (last login answered)',
        rota: duration(rotaCleared),
        baseline: `raw ${duration(rawCleared)}`,
        ratio: rotaCleared / rawCleared,
        target: '—',
      },
      {
        figure: `the same ${agents} logins with ROTA_API_RATE=${rate}/s: cleared`,
        rota: `${duration(rotaLimited.clearedMs)} (busiest second ${rotaLimited.busiestSecond} calls)`,
        baseline: `the ${duration(impliedMs)} the limit implies`,
        ratio: rotaLimited.clearedMs / impliedMs,
        target: 'within 5%',
        met: judge(Math.abs(rotaLimited.clearedMs - impliedMs) <= 0.05 * impliedMs),
      },
    ];
    if (rotaRoomy && rawLimited) {
      figures.push(
        {
          figure: `  the same with ROTA_CONCURRENCY=${roomy} (${concurrency} + ${rate}/s × ${EARLY_MS} ms)`,
          rota: `${duration(rotaRoomy.clearedMs)} (busiest second ${rotaRoomy.busiestSecond} calls)`,
          baseline: `the ${duration(impliedMs)} the limit implies`,
          ratio: rotaRoomy.clearedMs / impliedMs,
          target: '—',
        },
        {
          figure: '  the same: raw BullMQ worker with a limiter',
          rota: `raw ${duration(rawLimited.clearedMs)} (busiest second ${rawLimited.busiestSecond} calls)`,
          target: '—',
        },
      );
    }
    report('boundary', figures);
  } finally {
    await sim.close();
    await admin.quit();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await rotaChild(args[1] as string);
else {
  const [agents = smoke ? 200 : 2000, latencyMs = 5, concurrency = 32, rate = 100] = args.map(Number);
  if (![agents, latencyMs, concurrency, rate].every((n) => Number.isInteger(n) && n >= 0) || agents < 1) {
    throw new Error('usage: npm run bench:boundary [-- LOGINS LATENCY_MS CONCURRENCY RATE]');
  }
  await main(agents, latencyMs, concurrency, rate);
}
