import { resolve } from 'node:path';
import { type Config, loadConfig } from './config/env.js';
import { ShutdownError } from './errors/index.js';
import { RotaEvents } from './events.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { type ActionQueue, JOB_STATES, openQueue } from './queue/queue.js';
import { type SyncResult, syncOnce } from './queue/sync.js';
import { createRedis, evictionWarning, keyPrefix, type RedisClient } from './redis/connection.js';
import { maskRedisUrl } from './redis/url.js';
import { Store } from './store/store.js';

/**
 * Wiring: the adapters a verb needs, built from the validated environment, and one sync with them.
 * Verbs call these and stay thin; a long-running service is started from them in `service.ts`.
 */

export interface Runtime {
  config: Config;
  log: Logger;
  redis: RedisClient;
  prefix: string;
  queue: ActionQueue;
  store: Store;
  metrics: Metrics;
  events: RotaEvents;
  /** The roster file, resolved against the working directory. */
  rosterFile: string;
  /** The working directory the credentials and roster paths are relative to. */
  cwd: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  /** Give up when Redis has not answered by then (one-shot verbs); long-running ones wait for it. */
  connectTimeoutMs?: number;
  /** Stop waiting for Redis when this fires: the start is abandoned with a ShutdownError. */
  shutdown?: AbortSignal;
  /** The validated environment, when the caller has it already. */
  config?: Config;
}

/** Resolves with whichever comes first: Redis ready, the time limit, or the shutdown signal. */
function untilReady(
  ready: Promise<unknown>,
  options: RuntimeOptions,
): Promise<'ready' | 'timeout' | 'shutdown'> {
  return new Promise((settle) => {
    const timer =
      options.connectTimeoutMs === undefined
        ? undefined
        : setTimeout(() => finish('timeout'), options.connectTimeoutMs);
    const onAbort = () => finish('shutdown');
    function finish(how: 'ready' | 'timeout' | 'shutdown') {
      clearTimeout(timer);
      options.shutdown?.removeEventListener('abort', onAbort);
      settle(how);
    }
    if (options.shutdown?.aborted) return finish('shutdown');
    options.shutdown?.addEventListener('abort', onAbort, { once: true });
    ready.then(
      () => finish('ready'),
      () => finish('timeout'),
    );
  });
}

export async function openRuntime(
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const config = options.config ?? loadConfig(env);
  const logger = options.log ?? createLogger(config.LOG_LEVEL);
  const redis = createRedis(config);
  let lastProblem = '';
  const onProblem = (error: Error) => {
    if (error.message === lastProblem) return;
    lastProblem = error.message;
    logger.warn({ err: { message: error.message } }, 'Redis connection problem (retrying)');
  };
  redis.on('error', onProblem);
  redis.on('ready', () => {
    lastProblem = '';
  });
  const prefix = keyPrefix(config);
  const queue = openQueue(redis, prefix);
  queue.on('error', onProblem);
  const how = await untilReady(queue.waitUntilReady(), options);
  if (how !== 'ready') {
    redis.disconnect();
    await queue.close().catch(() => {});
    if (how === 'shutdown') throw new ShutdownError();
    throw new Error(
      `cannot reach Redis at ${maskRedisUrl(config.REDIS_URL)}${lastProblem ? ` (${lastProblem})` : ''}; ` +
        'is it running, and is REDIS_URL right?',
    );
  }
  const warning = await evictionWarning(redis);
  if (warning) logger.warn(warning);
  const metrics = new Metrics(() => queue.getJobCounts(...JOB_STATES));
  const events = new RotaEvents();
  events.on('attempt:recorded', (entry) => metrics.recordAttempt(entry));
  events.on('sync:finished', (result) => metrics.recordSync(result.ok ? 'ok' : 'invalid', Date.now()));
  events.on('action:failed', (_id, data) => metrics.recordJobFailed(data.action));
  events.on('sync:failed', () => metrics.recordSync('failed'));
  return {
    config,
    log: logger,
    redis,
    prefix,
    queue,
    store: new Store(redis, prefix, { historyDays: config.ROTA_HISTORY_DAYS }),
    metrics,
    events,
    rosterFile: resolve(cwd, config.ROTA_ROSTER),
    cwd,
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface SyncRosterOptions {
  now: number;
  /** The roster file; the runtime's (ROTA_ROSTER) when absent. */
  file?: string;
  /** How far ahead to plan; ROTA_HORIZON when absent. */
  horizonMs?: number;
  dryRun?: boolean;
}

/** One sync of the runtime's queue and store with a roster: what `rota sync` and the scheduler do. */
export function syncRoster(runtime: Runtime, options: SyncRosterOptions): Promise<SyncResult> {
  return syncOnce({
    queue: runtime.queue,
    store: runtime.store,
    file: options.file ?? runtime.rosterFile,
    now: options.now,
    horizonMs: options.horizonMs ?? runtime.config.ROTA_HORIZON,
    ...(options.dryRun ? { dryRun: true } : {}),
  });
}
