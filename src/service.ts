import { resolve } from 'node:path';
import { type AlertsOptions, type RunningAlerts, startAlerts } from './alerts/alerts.js';
import { createCloudAgentClient } from './cloudagent/client.js';
import { createCredentialStore, credentialsModeWarning } from './config/credentials.js';
import { requireApiAccount } from './config/env.js';
import { pauseActions } from './queue/admin.js';
import { type RunningScheduler, startScheduler } from './queue/scheduler.js';
import { summarize } from './queue/sync.js';
import { type RunningWorker, startWorker } from './queue/worker.js';
import { type Runtime, syncRoster } from './runtime.js';
import { type SyncThread, startSyncThread } from './sync-thread.js';
import { startWebServer, type WebServer } from './web/server.js';

/**
 * A long-running service: the worker, the scheduler (syncing in its thread), the alerts and the web
 * console of a runtime, started and stopped in order.
 */

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
 * The scheduler's sync of the runtime's roster: in a thread of its own with a capped heap
 * (`sync-thread.ts`), or in this one when ROTA_SYNC_HEAP_MB is 0.
 */
export function schedulerSync(runtime: Runtime): SyncThread {
  const { config, cwd, log, rosterFile: file } = runtime;
  const heapMb = config.ROTA_SYNC_HEAP_MB;
  if (heapMb > 0) return startSyncThread({ config, cwd, file, heapMb, log });
  return {
    sync: async () => summarize(await syncRoster(runtime, { now: Date.now(), file })),
    close: async () => {},
  };
}

function runScheduler(runtime: Runtime): RunningScheduler {
  const { config, log } = runtime;
  runtime.metrics.recordSchedulerStart(config.ROTA_SYNC_INTERVAL, Date.now());
  const syncing = schedulerSync(runtime);
  const scheduler = startScheduler({
    file: runtime.rosterFile,
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
