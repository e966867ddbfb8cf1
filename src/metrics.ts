import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HistoryEntry } from './store/store.js';

/**
 * Prometheus metrics of one rota process (`GET /metrics`): actions by outcome, lateness and API latency
 * histograms, syncs by result, jobs failed for good, alerts, and the queue depth read from Redis at each
 * scrape, beside prom-client's default process metrics (`process_*`, `nodejs_*`: memory, CPU, event-loop
 * lag, handles, GC). `config/alerts.rules.yml` alerts on them through Prometheus.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly actions = new Counter({
    name: 'rota_actions_total',
    help: 'Login and logout attempts by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly lateness = new Histogram({
    name: 'rota_action_lateness_seconds',
    help: 'Seconds from the scheduled instant to the start of the first attempt',
    labelNames: ['action'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  private readonly apiLatency = new Histogram({
    name: 'rota_api_latency_seconds',
    help: 'CloudAgent call duration by action',
    labelNames: ['action'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly syncs = new Counter({
    name: 'rota_syncs_total',
    help: 'Scheduler syncs by result: ok, invalid (roster errors, nothing changed) or failed',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly lastGoodSync = new Gauge({
    name: 'rota_sync_last_success_timestamp_seconds',
    help: 'When the last sync succeeded (Unix seconds); the scheduler start until the first',
    registers: [this.registry],
  });

  private readonly syncInterval = new Gauge({
    name: 'rota_sync_interval_seconds',
    help: 'The scheduler sync interval (ROTA_SYNC_INTERVAL), on processes that run a scheduler',
    registers: [this.registry],
  });

  private readonly failures = new Counter({
    name: 'rota_jobs_failed_total',
    help: 'Logins and logouts that failed for good (the job waits for rota requeue), by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  private readonly alerts = new Counter({
    name: 'rota_alerts_total',
    help: 'Alerts this process sent to ROTA_ALERT_WEBHOOK, by kind and state (firing, resolved)',
    labelNames: ['kind', 'state'] as const,
    registers: [this.registry],
  });

  private readonly alertDeliveries = new Counter({
    name: 'rota_alert_deliveries_total',
    help: 'Alert POSTs by result: delivered, retry (a try failed), gave_up (after 10 minutes), dropped',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private workerRunning: (() => boolean) | undefined;

  private readonly worker: Gauge = new Gauge({
    name: 'rota_worker_running',
    help: 'Whether this process runs a worker that takes jobs (1) or not (0)',
    registers: [this.registry],
    collect: () => this.worker.set(this.workerRunning?.() ? 1 : 0),
  });

  /** `depth` is read at each scrape: job counts by state. */
  constructor(depth?: () => Promise<Record<string, number>>) {
    collectDefaultMetrics({ register: this.registry });
    if (depth) {
      new Gauge({
        name: 'rota_queue_jobs',
        help: 'Jobs in the queue by state',
        labelNames: ['state'] as const,
        registers: [this.registry],
        async collect() {
          for (const [state, count] of Object.entries(await depth())) this.set({ state }, count);
        },
      });
    }
  }

  recordAttempt(entry: HistoryEntry): void {
    this.actions.inc({ action: entry.action, outcome: entry.outcome });
    if (entry.attempt === 1 && entry.kind !== 'manual') {
      this.lateness.observe({ action: entry.action }, Math.max(0, entry.lateMs) / 1000);
    }
    if (entry.latencyMs !== undefined)
      this.apiLatency.observe({ action: entry.action }, entry.latencyMs / 1000);
  }

  /** `at`: when it finished (epoch ms); an `ok` sync sets the time of the last success. */
  recordSync(result: 'ok' | 'invalid' | 'failed', at?: number): void {
    this.syncs.inc({ result });
    if (result === 'ok' && at !== undefined) this.lastGoodSync.set(at / 1000);
  }

  /** A scheduler started at `at` (epoch ms), syncing every `intervalMs`. */
  recordSchedulerStart(intervalMs: number, at: number): void {
    this.syncInterval.set(intervalMs / 1000);
    this.lastGoodSync.set(at / 1000);
  }

  /** Reads at each scrape whether the worker runs. */
  watchWorker(running: () => boolean): void {
    this.workerRunning = running;
  }

  recordJobFailed(action: string): void {
    this.failures.inc({ action });
  }

  recordAlert(kind: string, state: string): void {
    this.alerts.inc({ kind, state });
  }

  recordAlertDelivery(result: string): void {
    this.alertDeliveries.inc({ result });
  }
}
