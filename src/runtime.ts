import { resolve } from 'node:path';
import type { Io } from './cli/io.js';
import { createCloudAgentClient } from './cloudagent/client.js';
import { createCredentialStore } from './config/credentials.js';
import { type Config, loadConfig, requireApiAccount } from './config/env.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { createRedis, evictionWarning, keyPrefix, type RedisClient } from './queue/connection.js';
import { type ActionQueue, JOB_STATES, openQueue } from './queue/queue.js';
import { type RunningScheduler, startScheduler } from './queue/scheduler.js';
import { Store } from './queue/store.js';
import { syncOnce } from './queue/sync.js';
import { type RunningWorker, startWorker } from './queue/worker.js';

/**
 * Wiring: the adapters a long-running verb needs, built from the validated environment. Verbs call
 * these and stay thin; `close()` releases everything in the right order.
 */

export interface Runtime {
  config: Config;
  log: Logger;
  redis: RedisClient;
  prefix: string;
  queue: ActionQueue;
  store: Store;
  metrics: Metrics;
  /** The roster file, resolved against the working directory. */
  rosterFile: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Logger;
  /** Give up when Redis has not answered by then (one-shot verbs); long-running ones wait for it. */
  connectTimeoutMs?: number;
  /** The validated environment, when the caller has it already. */
  config?: Config;
}

/** A one-shot verb waits this long for Redis before it says it cannot reach it. */
const ONE_SHOT_CONNECT_MS = 10_000;

/** REDIS_URL as it may be shown: the password masked. */
function shownRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/g, '//$1:***@');
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
  const ready = queue.waitUntilReady();
  if (options.connectTimeoutMs === undefined) {
    await ready;
  } else {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.connectTimeoutMs);
    });
    const result = await Promise.race([ready, gaveUp]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      redis.disconnect();
      throw new Error(
        `cannot reach Redis at ${shownRedisUrl(config.REDIS_URL)}${lastProblem ? ` (${lastProblem})` : ''}; ` +
          'is it running, and is REDIS_URL right?',
      );
    }
  }
  const warning = await evictionWarning(redis);
  if (warning) logger.warn(warning);
  return {
    config,
    log: logger,
    redis,
    prefix,
    queue,
    store: new Store(redis, prefix),
    metrics: new Metrics(() => queue.getJobCounts(...JOB_STATES)),
    rosterFile: resolve(cwd, config.ROTA_ROSTER),
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A one-shot verb's runtime: Redis within 10 s or a clear error; log lines on stderr (stdout is the
 * verb's own, one JSON document with --json); always closed afterwards.
 */
export async function withRuntime<T>(io: Io, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const runtime = await openRuntime(io.env, io.cwd, {
    config,
    connectTimeoutMs: ONE_SHOT_CONNECT_MS,
    log: createLogger(config.LOG_LEVEL, { write: (line: string) => io.stderr(line) }),
  });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

export async function runWorker(runtime: Runtime, cwd: string): Promise<RunningWorker> {
  const { config, log } = runtime;
  const account = requireApiAccount(config);
  const client = createCloudAgentClient({
    baseUrl: config.CLOUDAGENT_BASE_URL,
    ...account,
    timeoutMs: config.ROTA_API_TIMEOUT,
    maxSockets: config.ROTA_CONCURRENCY * 2,
  });
  const running = await startWorker({
    redis: runtime.redis,
    prefix: runtime.prefix,
    concurrency: config.ROTA_CONCURRENCY,
    ...(config.ROTA_API_RATE ? { rate: config.ROTA_API_RATE } : {}),
    deps: {
      client,
      credentials: createCredentialStore(resolve(cwd, config.ROTA_CREDENTIALS)),
      store: runtime.store,
      log,
      metrics: runtime.metrics,
    },
  });
  return {
    ...running,
    async close() {
      await running.close();
      await client.close();
    },
  };
}

export function runScheduler(runtime: Runtime, file = runtime.rosterFile): RunningScheduler {
  const { config, log } = runtime;
  return startScheduler({
    file,
    intervalMs: config.ROTA_SYNC_INTERVAL,
    log,
    metrics: runtime.metrics,
    sync: () =>
      syncOnce({
        queue: runtime.queue,
        store: runtime.store,
        file,
        now: Date.now(),
        horizonMs: config.ROTA_HORIZON,
      }),
  });
}
