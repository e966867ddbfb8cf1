import { resolve } from 'node:path';
import { type AlertsOptions, type RunningAlerts, startAlerts } from './alerts/alerts.js';
import { createCloudAgentClient } from './cloudagent/client.js';
import { createCredentialStore, credentialsModeWarning } from './config/credentials.js';
import { type Config, loadConfig, requireApiAccount } from './config/env.js';
import { ShutdownError } from './errors/index.js';
import { RotaEvents } from './events.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { pauseActions } from './queue/admin.js';
import { type ActionQueue, JOB_STATES, openQueue } from './queue/queue.js';
import { type RunningScheduler, startScheduler } from './queue/scheduler.js';
import { type SyncResult, summarize, syncOnce } from './queue/sync.js';
import { type RunningWorker, startWorker } from './queue/worker.js';
import { createRedis, evictionWarning, keyPrefix, type RedisClient } from './redis/connection.js';
import { maskRedisUrl } from './redis/url.js';
import { Store } from './store/store.js';
import { type SyncThread, startSyncThread } from './sync-thread.js';
import { startWebServer, type WebServer } from './web/server.js';

/**
 * Wiring: the adapters a verb needs, built from the validated environment, and the parts of a
 * long-running service started and stopped in order. Verbs call these and stay thin.
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

/**
 * The account itself was refused (every call would be): pause once, saying why, and tell the alerts.
 * The calls already in flight meet the same answer; they find the pause made and add nothing.
 */
function pauseForAccount(runtime: Runtime): (reason: string) => Promise<void> {
  let paused: Promise<void> | undefined;
  return (reason) => {
    paused ??= (async () => {
      const already = await pauseActions(runtime.queue, runtime.store, reason, Date.now(), 'rota');
      runtime.log.error({ reason }, 'CloudAgent refused the account: rota paused every call');
      if (!already) runtime.events.emit('account:refused', reason);
    })().finally(() => {
      paused = undefined;
    });
    return paused;
  };
}

export async function runWorker(runtime: Runtime): Promise<RunningWorker> {
  const { config, log, events } = runtime;
  const account = requireApiAccount(config);
  const client = createCloudAgentClient({
    baseUrl: config.CLOUDAGENT_BASE_URL,
    ...account,
    timeoutMs: config.ROTA_API_TIMEOUT,
    maxSockets: config.ROTA_CONCURRENCY * 2,
  });
  const credentials = resolve(runtime.cwd, config.ROTA_CREDENTIALS);
  const modeWarning = await credentialsModeWarning(credentials);
  if (modeWarning) log.warn(modeWarning);
  const running = await startWorker({
    redis: runtime.redis,
    prefix: runtime.prefix,
    concurrency: config.ROTA_CONCURRENCY,
    ...(config.ROTA_API_RATE ? { rate: config.ROTA_API_RATE } : {}),
    deps: {
      client,
      credentials: createCredentialStore(credentials),
      store: runtime.store,
      log,
      onAttempt: (entry) => events.emit('attempt:recorded', entry),
      pauseAll: pauseForAccount(runtime),
    },
    onFailed: (id, data, reason) => events.emit('action:failed', id, data, reason),
    onCompleted: (id, data, result) => events.emit('action:completed', id, data, result),
  }).catch(async (error: unknown) => {
    await client.close();
    throw error;
  });
  return {
    ...running,
    async close() {
      await running.close();
      await client.close();
    },
  };
}

/**
 * The scheduler's sync of `file`: in a thread of its own with a capped heap (`sync-thread.ts`), or in
 * this one when ROTA_SYNC_HEAP_MB is 0.
 */
export function schedulerSync(runtime: Runtime, file = runtime.rosterFile): SyncThread {
  const { config, cwd, log } = runtime;
  const heapMb = config.ROTA_SYNC_HEAP_MB;
  if (heapMb > 0) return startSyncThread({ config, cwd, file, heapMb, log });
  return {
    sync: async () => summarize(await syncRoster(runtime, { now: Date.now(), file })),
    close: async () => {},
  };
}

function runScheduler(runtime: Runtime, file = runtime.rosterFile): RunningScheduler {
  const { config, log } = runtime;
  runtime.metrics.recordSchedulerStart(config.ROTA_SYNC_INTERVAL, Date.now());
  const syncing = schedulerSync(runtime, file);
  const scheduler = startScheduler({
    file,
    intervalMs: config.ROTA_SYNC_INTERVAL,
    log,
    report: {
      finished: (result) => runtime.events.emit('sync:finished', result),
      failed: (error) => runtime.events.emit('sync:failed', error),
    },
    sync: () => syncing.sync(),
  });
  return {
    ...scheduler,
    async stop() {
      await scheduler.stop();
      await syncing.close();
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

export interface ServiceParts {
  worker: boolean;
  scheduler: boolean;
}

/** Settings of a service that the environment does not give (tests shorten the alerts' periods). */
export interface ServiceOptions {
  alerts?: Pick<AlertsOptions, 'lateAfterMs' | 'checkEveryMs'>;
}

export interface Service {
  worker?: RunningWorker;
  scheduler?: RunningScheduler;
  http?: WebServer;
  /** Set when ROTA_ALERT_WEBHOOK names at least one URL. */
  alerts?: RunningAlerts;
  /** Stops every part in the reverse order of starting: calls in flight finish first. */
  stop(): Promise<void>;
}

/** The alerts of this process, when ROTA_ALERT_WEBHOOK is set; they never carry the API key or token. */
function runAlerts(runtime: Runtime, options: ServiceOptions): RunningAlerts | undefined {
  const { config } = runtime;
  if (config.ROTA_ALERT_WEBHOOK.length === 0) return undefined;
  return startAlerts({
    urls: config.ROTA_ALERT_WEBHOOK,
    repeatMs: config.ROTA_ALERT_REPEAT,
    pausedAfterMs: config.ROTA_ALERT_PAUSED_AFTER,
    redis: runtime.redis,
    prefix: runtime.prefix,
    queue: runtime.queue,
    store: runtime.store,
    events: runtime.events,
    log: runtime.log,
    metrics: runtime.metrics,
    secrets: [config.CLOUDAGENT_API_KEY, config.ROTA_ADMIN_TOKEN].filter((s): s is string => !!s),
    ...options.alerts,
  });
}

/**
 * Starts the alerts (first, so they stop last and see the calls in flight end), the parts of a
 * long-running verb, then the health and metrics endpoint. When one part cannot
 * start (the port is taken, Redis went away), the ones already started are stopped again before the
 * error is thrown: nothing is left running.
 */
export async function startService(
  runtime: Runtime,
  parts: ServiceParts,
  options: ServiceOptions = {},
): Promise<Service> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  const service: Service = { stop: stopAll };
  try {
    const alerts = runAlerts(runtime, options);
    if (alerts) {
      service.alerts = alerts;
      stops.push(() => alerts.stop());
    }
    if (parts.worker) {
      const worker = await runWorker(runtime);
      service.worker = worker;
      runtime.metrics.watchWorker(() => worker.worker.isRunning());
      stops.push(() => worker.close());
    }
    if (parts.scheduler) {
      const scheduler = runScheduler(runtime);
      service.scheduler = scheduler;
      stops.push(() => scheduler.stop());
    }
    const { ROTA_HTTP_PORT: port, ROTA_HTTP_HOST: host } = runtime.config;
    if (port > 0) {
      const worker = service.worker;
      const http = await startWebServer({
        port,
        host,
        metrics: runtime.metrics,
        checks: {
          redis: async () => (await runtime.redis.ping()) === 'PONG',
          ...(worker ? { worker: async () => worker.worker.isRunning() } : {}),
        },
        console: {
          queue: runtime.queue,
          store: runtime.store,
          horizonMs: runtime.config.ROTA_HORIZON,
          log: runtime.log,
          ...(runtime.config.ROTA_ADMIN_TOKEN ? { adminToken: runtime.config.ROTA_ADMIN_TOKEN } : {}),
        },
      });
      service.http = http;
      stops.push(() => http.close());
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  runtime.events.emit('started', { ...parts, httpPort: service.http?.port ?? null });
  return {
    ...service,
    async stop() {
      await stopAll();
      runtime.events.emit('stopped');
    },
  };
}
