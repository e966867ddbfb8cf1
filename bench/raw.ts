/**
 * The baseline rota is measured against: BullMQ alone, with nothing of rota's own — no roster, no plan,
 * no stored plan or session log, no plan check, history or agent state — doing the same work on the same
 * private redis-server and simulator. The benches run it as a child process, as they run rota, and print
 * each figure of rota with the ratio rota ÷ this.
 *
 *   node dist/bench/raw.js add REDIS_URL PREFIX JOBS_FILE
 *     `Queue.addBulk` of the jobs in JOBS_FILE (rota's IDs, data and options, written by bench:sync) in
 *     batches of 1,000, one after the other; answers { ms, jobs, peak }.
 *   node dist/bench/raw.js burst REDIS_URL SIM_URL CONCURRENCY RATE
 *     answers 'up', then for { instant, agents: [id, phone][] } adds one delayed login per agent due at
 *     the instant and works them with a Worker of CONCURRENCY (with a limiter of RATE jobs a second, 0 for
 *     none) whose processor makes the login call; answers 'ready', runs until told to stop.
 *   node dist/bench/raw.js idle REDIS_URL PREFIX CONCURRENCY
 *     a Worker on rota's queue under PREFIX that takes nothing (every job there is delayed); answers
 *     'ready', runs until told to stop.
 *
 * The processor calls CloudAgent with rota's own HTTP client, so that both sides make the same requests
 * on the same kind of connection pool and the difference is what rota does around the call
 * (`bench:cloudagent` measures the client against a bare `fetch`).
 */
import { readFile } from 'node:fs/promises';
import { type JobsOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createCloudAgentClient } from '../src/cloudagent/client.js';
import { BENCH_ACCOUNT, heard, peakResident, tell } from './common.js';

/** A job as bench:sync saves it for this program: what rota gives `addBulk`, and when it is due. */
export interface SavedJob {
  name: string;
  data: unknown;
  /** rota's options but `timestamp` and `delay`, which are set when the job is written. */
  opts: JobsOptions;
  /** Epoch ms: the job is written with `delay = dueAt - now`. */
  dueAt: number;
}

const BATCH = 1000;

const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

async function add(url: string, prefix: string, file: string) {
  const jobs = JSON.parse(await readFile(file, 'utf8')) as SavedJob[];
  const connection = connect(url);
  const queue = new Queue('actions', { connection, prefix });
  await queue.waitUntilReady();
  const started = performance.now();
  const now = Date.now();
  for (let i = 0; i < jobs.length; i += BATCH) {
    await queue.addBulk(
      jobs.slice(i, i + BATCH).map(({ name, data, opts, dueAt }) => ({
        name,
        data,
        opts: { ...opts, timestamp: now, delay: Math.max(0, dueAt - now) },
      })),
    );
  }
  const ms = performance.now() - started;
  await tell({ ms, jobs: jobs.length, peak: peakResident() });
  await queue.close();
  await connection.quit();
}

interface Login {
  agentId: string;
  phone: string;
}

async function burst(url: string, simUrl: string, concurrency: number, rate: number) {
  const connection = connect(url);
  const client = createCloudAgentClient({ baseUrl: simUrl, ...BENCH_ACCOUNT, maxSockets: concurrency * 2 });
  const queue = new Queue<Login>('logins', { connection, prefix: 'raw' });
  await queue.waitUntilReady();
  await tell('up');
  const { instant, agents } = await heard<{ instant: number; agents: [string, string][] }>();
  const now = Date.now();
  for (let i = 0; i < agents.length; i += BATCH) {
    await queue.addBulk(
      agents.slice(i, i + BATCH).map(([agentId, phone]) => ({
        name: 'login',
        data: { agentId, phone },
        opts: { jobId: `login-${agentId}`, delay: Math.max(0, instant - now) },
      })),
    );
  }
  const worker = new Worker<Login>(
    'logins',
    async (job) => {
      const { agentId, phone } = job.data;
      await client.call({ action: 'login', agentId, password: `pw-${agentId}`, phone });
    },
    {
      connection,
      prefix: 'raw',
      concurrency,
      ...(rate > 0 ? { limiter: { max: rate, duration: 1000 } } : {}),
    },
  );
  await worker.waitUntilReady();
  await tell('ready');
  await heard();
  await worker.close();
  await queue.close();
  await client.close();
  await connection.quit();
}

async function idle(url: string, prefix: string, concurrency: number) {
  const connection = connect(url);
  const worker = new Worker('actions', async () => {}, { connection, prefix, concurrency });
  await worker.waitUntilReady();
  await tell('ready');
  await heard();
  await worker.close();
  await connection.quit();
}

const [mode, ...args] = process.argv.slice(2);
const [a = '', b = '', c = '', d = ''] = args;
if (mode === 'add') await add(a, b, c);
else if (mode === 'burst') await burst(a, b, Number(c), Number(d));
else if (mode === 'idle') await idle(a, b, Number(c));
else throw new Error('usage: raw.js add|burst|idle …');
process.disconnect?.();
