import { resolve } from 'node:path';
import { createCloudAgentClient } from './cloudagent/client.js';
import { createCredentialStore } from './config/credentials.js';
import { type Config, loadConfig, requireApiAccount } from './config/env.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { createRedis, evictionWarning, keyPrefix, type RedisClient } from './queue/connection.js';
import { type ActionQueue, openQueue } from './queue/queue.js';
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

export async function openRuntime(env: NodeJS.ProcessEnv, cwd: string, log?: Logger): Promise<Runtime> {
  const config = loadConfig(env);
  const logger = log ?? createLogger(config.LOG_LEVEL);
  const redis = createRedis(config);
  redis.on('error', (error) =>
    logger.warn({ err: { message: error.message } }, 'Redis connection problem (retrying)'),
  );
  const prefix = keyPrefix(config);
  const queue = openQueue(redis, prefix);
  await queue.waitUntilReady();
  const warning = await evictionWarning(redis);
  if (warning) logger.warn(warning);
  return {
    config,
    log: logger,
    redis,
    prefix,
    queue,
    store: new Store(redis, prefix),
    metrics: new Metrics(() =>
      queue.getJobCounts('delayed', 'waiting', 'prioritized', 'active', 'completed', 'failed'),
    ),
    rosterFile: resolve(cwd, config.ROTA_ROSTER),
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function runWorker(runtime: Runtime, cwd: string): Promise<RunningWorker> {
  const { config, log } = runtime;
  const account = requireApiAccount(config);
  const client = createCloudAgentClient({
    baseUrl: config.CLOUDAGENT_BASE_URL,
    ...account,
    timeoutMs: config.ROTA_API_TIMEOUT,
    maxSockets: config.ROTA_CONCURRENCY * 2,
  });
  const worker = startWorker({
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
  return worker.then((running) => ({
    ...running,
    async close() {
      await running.close();
      await client.close();
    },
  }));
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
