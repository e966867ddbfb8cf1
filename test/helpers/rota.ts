import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { afterEach, inject } from 'vitest';
import { type Simulator, startSimulator } from '../../src/cloudagent/simulator.js';
import { QUEUE_NAME } from '../../src/queue/queue.js';
import { Store } from '../../src/store/store.js';

/**
 * A rota installation for integration tests: a temp folder with roster and credentials, the private
 * redis-server of the run under a key prefix of its own, a CloudAgent simulator over real HTTP, and the
 * real built CLI (`bin/rota.js`) as child processes.
 */

export const ROOT = new URL('../..', import.meta.url).pathname;
export const ACCOUNT = { userName: 'acme', apiKey: 'test-api-key-secret' };

export interface Bench {
  dir: string;
  env: NodeJS.ProcessEnv;
  sim: Simulator;
  rosterFile: string;
  writeRoster(yaml: string): Promise<void>;
  /** Rewrites rota's credentials file: agent ID → password. */
  writeCredentials(passwords: Record<string, string>): Promise<void>;
  /** Runs a verb to the end. */
  rota(
    args: string[],
    extraEnv?: NodeJS.ProcessEnv,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts a long-running verb; `stop()` sends SIGTERM and waits for the exit code. */
  spawnRota(args: string[], extraEnv?: NodeJS.ProcessEnv): Running;
  close(): Promise<void>;
}

export interface Running {
  child: ChildProcess;
  /** stdout and stderr as they came, interleaved. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `env` for a runtime opened in the test's own process: its scheduler syncs in this thread
 * (ROTA_SYNC_HEAP_MB=0), because the sync thread runs the built code and these tests run the TS sources.
 * The CLI's processes (`rota`, `spawnRota`) sync in the thread, as installed.
 */
export const inProcess = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, ROTA_SYNC_HEAP_MB: '0' });

export interface BenchOptions {
  /** Agent ID → password as the simulator knows it. */
  agents: Record<string, string>;
  /** Agent ID → password in rota's credentials file (default: the same). */
  credentials?: Record<string, string>;
  /** Agent ID → phone, logged in at the simulator before rota starts. */
  loggedIn?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export async function openBench(options: BenchOptions): Promise<Bench> {
  const { agents, credentials = agents, env: extraEnv = {} } = options;
  const dir = await mkdtemp(join(tmpdir(), 'rota-it-'));
  const sim = await startSimulator({
    account: ACCOUNT,
    agents,
    ...(options.loggedIn ? { loggedIn: options.loggedIn } : {}),
  });
  const rosterFile = join(dir, 'roster.yaml');
  const writeCredentials = (passwords: Record<string, string>) =>
    writeFile(
      join(dir, 'credentials.yaml'),
      `agents:\n${Object.entries(passwords)
        .map(([id, pw]) => `  "${id}": "${pw}"\n`)
        .join('')}`,
    );
  await writeCredentials(credentials);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    REDIS_URL: inject('redisUrl'),
    ROTA_PREFIX: `t${randomBytes(4).toString('hex')}`,
    ROTA_ROSTER: rosterFile,
    ROTA_CREDENTIALS: join(dir, 'credentials.yaml'),
    CLOUDAGENT_BASE_URL: sim.url,
    CLOUDAGENT_USERNAME: ACCOUNT.userName,
    CLOUDAGENT_API_KEY: ACCOUNT.apiKey,
    ROTA_HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    ...extraEnv,
  };
  const children = new Set<Running>();

  const spawnRota = (args: string[], more: NodeJS.ProcessEnv = {}): Running => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/rota.js'), ...args], {
      cwd: dir,
      env: { ...env, ...more },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const text = { output: '', stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk) => {
        text.output += chunk;
        text[stream] += chunk;
      });
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const running: Running = {
      child,
      output: () => text.output,
      stdout: () => text.stdout,
      stderr: () => text.stderr,
      exited,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const code = await exited;
        children.delete(running);
        return code;
      },
    };
    children.add(running);
    return running;
  };

  return {
    dir,
    env,
    sim,
    rosterFile,
    writeRoster: (yaml) => writeFile(rosterFile, yaml),
    writeCredentials,
    async rota(args, more = {}) {
      const running = spawnRota(args, more);
      const code = await running.exited;
      children.delete(running);
      return { code: code ?? -1, stdout: running.stdout(), stderr: running.stderr() };
    },
    spawnRota,
    async close() {
      await Promise.all([...children].map((c) => c.stop('SIGKILL')));
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A one-off shift line for a roster in `zone`: from `start` to `end` (epoch ms, whole seconds). */
export function oneOff(start: number, end: number, zone = 'Asia/Kolkata'): string {
  const s = DateTime.fromMillis(start, { zone });
  const e = DateTime.fromMillis(end, { zone });
  return `{ date: ${s.toISODate()}, start: "${s.toFormat('HH:mm:ss')}", end: "${e.toFormat('HH:mm:ss')}" }`;
}

/** Whole seconds from now, `s` seconds ahead (negative: in the past). */
export function secondsFromNow(s: number, base = Date.now()): number {
  return Math.floor(base / 1000) * 1000 + s * 1000;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** The bench's BullMQ queue and rota's store, opened for inspection and closed after `use`. */
export async function withQueue<T>(
  bench: Bench,
  use: (queue: Queue, store: Store) => Promise<T>,
): Promise<T> {
  const redis = new Redis(bench.env.REDIS_URL as string, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: bench.env.ROTA_PREFIX as string });
  try {
    return await use(queue, new Store(redis, bench.env.ROTA_PREFIX as string));
  } finally {
    await queue.close();
    await redis.quit();
  }
}

/** A roster of agents `prefix00`…, each with the given shifts. */
export function rosterOf(ids: string[], shifts: (id: string) => string[], zone = 'Asia/Kolkata'): string {
  return `version: 1\ntimezone: ${zone}\nagents:\n${ids
    .map(
      (id, i) =>
        `  - { id: "${id}", phone: "+9198${String(i).padStart(8, '0')}", shifts: [${shifts(id).join(', ')}] }\n`,
    )
    .join('')}`;
}

/** `count` agent IDs from `first` on, and the simulator password of each. */
export function agentsFrom(
  first: number,
  count: number,
): { ids: string[]; passwords: Record<string, string> } {
  const ids = Array.from({ length: count }, (_, i) => String(first + i));
  return { ids, passwords: Object.fromEntries(ids.map((id) => [id, `pw-${id}`])) };
}

/** For files whose tests each open their own bench: opens one, and closes it after the test. */
export function benchPerTest(): (options: BenchOptions) => Promise<Bench> {
  let open: Bench | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return async (options) => {
    open = await openBench(options);
    return open;
  };
}
