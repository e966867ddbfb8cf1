import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HistoryEntry } from './store/store.js';

/**
 * Prometheus metrics of one rota process (`GET /metrics`): actions by outcome, lateness and API latency
 * histograms, syncs by result, and the queue depth read from Redis at each scrape.
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

  /** `depth` is read at each scrape: job counts by state. */
  constructor(depth?: () => Promise<Record<string, number>>) {
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

  recordSync(result: 'ok' | 'invalid' | 'failed'): void {
    this.syncs.inc({ result });
  }
}
