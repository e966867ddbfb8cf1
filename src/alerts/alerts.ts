import type { RotaEventMap, RotaEvents } from '../events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ActionJobData } from '../plan/jobs.js';
import type { ActionQueue } from '../queue/queue.js';
import type { RedisClient } from '../redis/connection.js';
import { summarizeIssues } from '../roster/format.js';
import type { Store } from '../store/store.js';
import {
  type AlertJob,
  accountRefused,
  actionCompleted,
  actionFailed,
  alertBody,
  LATE_AFTER_MS,
  type Notice,
  rosterInvalid,
  rosterValid,
} from './alert.js';
import { AlertGate } from './gate.js';
import { AlertOutbox } from './outbox.js';
import { startWatch } from './watch.js';
import { createWebhookPoster } from './webhook.js';

/**
 * Alerts of one rota process: it listens to its own events (a job failed for good or completed, a sync,
 * the account refused) and checks the queue every few seconds (late actions, a long pause); what it
 * notices passes the Redis gate (one process sends each alert) and goes to the outbox.
 */

/** How often the queue is checked for late actions and a long pause. */
export const CHECK_EVERY_MS = 10_000;

export interface AlertsOptions {
  urls: readonly string[];
  /** ROTA_ALERT_REPEAT: a firing alert is sent again after this long, not sooner. */
  repeatMs: number;
  /** ROTA_ALERT_PAUSED_AFTER. */
  pausedAfterMs: number;
  /** Default LATE_AFTER_MS; tests make it short. */
  lateAfterMs?: number;
  /** Default CHECK_EVERY_MS. */
  checkEveryMs?: number;
  redis: RedisClient;
  prefix: string;
  queue: ActionQueue;
  store: Store;
  events: RotaEvents;
  log: Logger;
  metrics?: Metrics;
  /** Values never to appear in an alert (the API key, the admin token): redacted if they do. */
  secrets?: readonly string[];
  now?: () => number;
}

export interface RunningAlerts {
  /** Stops listening and checking; waits briefly for alerts in hand, then drops the rest. */
  stop(): Promise<void>;
}

const jobOf = (id: string, data: ActionJobData): AlertJob => ({
  id,
  agentId: data.agentId,
  action: data.action,
  at: data.at,
});

export function startAlerts(options: AlertsOptions): RunningAlerts {
  const { events, log, metrics } = options;
  const now = options.now ?? Date.now;
  const poster = createWebhookPoster();
  const outbox = new AlertOutbox({
    urls: options.urls,
    post: poster.post,
    log,
    now,
    onReport: (report) => metrics?.recordAlertDelivery(report.result),
  });
  const gate = new AlertGate(options.redis, options.prefix, options.repeatMs);
  const secrets = options.secrets ?? [];
  let stopped = false;

  /**
   * Sends the notice when the gate lets this process; never throws, never waits for the delivery.
   * `checkedAt`: a periodic check's, when it began reading.
   */
  function notice(found: Notice, checkedAt?: number): void {
    if (stopped) return;
    gate.pass(found.key, found.state, checkedAt ?? now(), checkedAt !== undefined).then(
      (send) => {
        if (!send) return;
        metrics?.recordAlert(found.kind, found.state);
        outbox.send(alertBody(found, now(), secrets));
      },
      (error: unknown) => {
        // At a shutdown Redis may close under a check; that is no news.
        if (stopped) return;
        const message = error instanceof Error ? error.message : String(error);
        log.warn({ err: { message }, key: found.key }, 'alert not sent: Redis did not answer');
      },
    );
  }

  const listeners: { [K in keyof RotaEventMap]?: (...args: RotaEventMap[K]) => void } = {
    'action:failed': (id, data, reason) => notice(actionFailed(jobOf(id, data), reason)),
    'action:completed': (id, data, result) =>
      notice(actionCompleted(jobOf(id, data), `${result.outcome}: ${result.message}`)),
    'sync:finished': (result) => {
      if (result.ok) return notice(rosterValid(result.revision));
      const { count, first } = summarizeIssues(result.issues, 1);
      notice(rosterInvalid(count, first[0]));
    },
    'account:refused': (reason) => notice(accountRefused(reason)),
  };
  const subscribed = Object.entries(listeners) as [keyof RotaEventMap, (...args: unknown[]) => void][];
  for (const [name, listener] of subscribed) events.on(name, listener as never);

  const watch = startWatch({
    queue: options.queue,
    store: options.store,
    log,
    lateAfterMs: options.lateAfterMs ?? LATE_AFTER_MS,
    pausedAfterMs: options.pausedAfterMs,
    everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
    now,
    notice,
  });

  return {
    async stop() {
      for (const [name, listener] of subscribed) events.off(name, listener as never);
      await watch.stop();
      stopped = true;
      await outbox.close();
      poster.close();
    },
  };
}
