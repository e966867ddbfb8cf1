import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimulatedCall } from '../../src/cloudagent/simulator.js';
import { type ActionQueue, openQueue, queueStates } from '../../src/queue/queue.js';
import { createRedis, keyPrefix, type RedisClient } from '../../src/redis/connection.js';
import { Store } from '../../src/store/store.js';

/**
 * What the reliability scenarios measure and how they say it: the figures line each prints
 * (`reliability: sigkill agents=500 calls=… lost=0 dup=… worstLateMs=…`), the fast subset's switch, and
 * readings of the simulator's call log and of the queue through rota's own connection code (so a
 * Sentinel URL or a Cluster seed list works as it does for rota).
 */

/** `ROTA_RELIABILITY=fast`: the shorter subset (shorter fault window, fewer fuzz cases). */
export const FAST = process.env.ROTA_RELIABILITY === 'fast';

/** Prints one line of figures, for RELIABILITY.md and for anyone rerunning the suite. */
export function report(scenario: string, figures: Record<string, string | number>): void {
  const fields = Object.entries(figures).map(([key, value]) => `${key}=${value}`);
  console.log(`reliability: ${scenario} ${fields.join(' ')}`);
}

/** With `ROTA_RELIABILITY_LOGS=DIR`, keeps a process's output as `DIR/NAME.log` for a look afterwards. */
export async function keepLog(name: string, text: string): Promise<void> {
  const dir = process.env.ROTA_RELIABILITY_LOGS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, `${name}.log`), text);
}

/** An agent's calls for one action that reached the API's logic (answered), oldest first. */
export function answered(calls: SimulatedCall[], agent: string, action: string): SimulatedCall[] {
  return calls.filter((c) => c.agent === agent && c.action === action && c.answer !== null);
}

/** Answers that mean the action had been done already: absorbed as the `already` outcome. */
const ALREADY = /already logged in|not logged in/i;

export interface CallTally {
  /** Every call that reached the simulator (faulted ones too). */
  calls: number;
  /** Answered calls beyond one per (agent, action): repeats, each answered "already". */
  dup: number;
  /** Answers that are neither the action's one success nor an "already" (must be 0). */
  badDup: number;
  /** The most answered calls one agent got for one action. */
  maxPerAction: number;
}

/** Tallies the answered calls of each (agent, action) in `actions`. */
export function tally(calls: SimulatedCall[], agents: string[], actions: string[]): CallTally {
  let dup = 0;
  let badDup = 0;
  let maxPerAction = 0;
  for (const agent of agents) {
    for (const action of actions) {
      const mine = answered(calls, agent, action);
      maxPerAction = Math.max(maxPerAction, mine.length);
      dup += Math.max(0, mine.length - 1);
      const success = mine.findIndex((c) => c.answer?.status === 'success');
      for (const [i, call] of mine.entries()) {
        if (i !== success && !ALREADY.test(call.answer?.message ?? '')) badDup++;
      }
    }
  }
  return { calls: calls.length, dup, badDup, maxPerAction };
}

/** When the agent's action first succeeded (or was found done), ms after `instant`; NaN if never. */
export function doneAfter(calls: SimulatedCall[], agent: string, action: string, instant: number): number {
  const call = answered(calls, agent, action).find(
    (c) => c.answer?.status === 'success' || ALREADY.test(c.answer?.message ?? ''),
  );
  return call ? Date.parse(call.at) - instant : Number.NaN;
}

/** The queue and store of a rota installation, opened the way rota opens them (any REDIS_URL form). */
export interface Inspection {
  redis: RedisClient;
  prefix: string;
  queue: ActionQueue;
  store: Store;
  close(): Promise<void>;
}

async function inspect(env: NodeJS.ProcessEnv): Promise<Inspection> {
  const settings = {
    REDIS_URL: env.REDIS_URL as string,
    REDIS_CLUSTER: env.REDIS_CLUSTER === 'true',
  };
  const redis = createRedis(settings);
  redis.on('error', () => {});
  const prefix = keyPrefix({ ROTA_PREFIX: env.ROTA_PREFIX as string, REDIS_CLUSTER: settings.REDIS_CLUSTER });
  const queue = openQueue(redis, prefix);
  queue.on('error', () => {});
  await queue.waitUntilReady();
  return {
    redis,
    prefix,
    queue,
    store: new Store(redis, prefix),
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}

/** Opens an inspection for one look and closes it again. */
export async function look<T>(env: NodeJS.ProcessEnv, use: (i: Inspection) => Promise<T>): Promise<T> {
  const inspection = await inspect(env);
  try {
    return await use(inspection);
  } finally {
    await inspection.close();
  }
}

/** Job counts by state, from the queue's ID lists. */
export async function stateCounts(queue: ActionQueue): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const state of (await queueStates(queue)).values()) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

/** The largest of `values` (0 for none), rounded. */
export function worst(values: number[]): number {
  return Math.round(values.reduce((a, b) => Math.max(a, b), 0));
}

/** Whether rota's /healthz (a Redis PING, and the worker running) answers 200 within half a second. */
export async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) })).ok;
  } catch {
    return false;
  }
}
