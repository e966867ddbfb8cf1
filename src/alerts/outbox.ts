import type { Logger } from '../log.js';
import { retryDelay } from '../plan/retry.js';
import type { Alert } from './alert.js';
import { type PostJson, urlOrigin } from './webhook.js';

/**
 * The in-memory outbox: `send` returns at once, and each (alert, webhook) pair is delivered on timers of
 * its own — tried at once, then with backoff (about 1–2 s, doubling, capped at 60 s), each try bounded by
 * a timeout, for up to 10 minutes. Nothing here waits on, or for, a login or logout.
 */

export type DeliveryResult = 'delivered' | 'retry' | 'gave_up' | 'dropped';

/** One try at one webhook (or a delivery dropped for room), for metrics and tests. */
export interface DeliveryReport {
  alert: Alert;
  /** The webhook's origin only: the path may hold a token. */
  webhook: string;
  attempt: number;
  result: DeliveryResult;
  problem?: string;
  /** `retry`: the next try starts this much later. */
  nextInMs?: number;
}

export interface OutboxOptions {
  urls: readonly string[];
  post: PostJson;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** One try waits this long for an answer. */
  tryTimeoutMs?: number;
  /** No try starts this long after the alert was sent. */
  giveUpAfterMs?: number;
  /** Deliveries held at most; the oldest is dropped for a new one beyond. */
  maxPending?: number;
  onReport?(report: DeliveryReport): void;
}

export const TRY_TIMEOUT_MS = 5_000;
export const GIVE_UP_AFTER_MS = 10 * 60_000;
const MAX_PENDING = 1_000;

interface Delivery {
  alert: Alert;
  url: string;
  body: string;
  firstAt: number;
  attempt: number;
  timer?: NodeJS.Timeout;
}

export class AlertOutbox {
  private readonly pending = new Set<Delivery>();
  private readonly idle: (() => void)[] = [];
  private closed = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** How many deliveries are waiting for a try or in one. */
  get size(): number {
    return this.pending.size;
  }

  /** Queues the alert for every webhook and returns at once. */
  send(alert: Alert): void {
    if (this.closed) return;
    const body = JSON.stringify(alert);
    for (const url of this.options.urls) {
      const oldest = this.pending.values().next().value;
      if (oldest && this.pending.size >= (this.options.maxPending ?? MAX_PENDING)) {
        this.forget(oldest);
        this.report(oldest, 'dropped', { problem: 'too many alerts waiting' });
      }
      const delivery: Delivery = { alert, url, body, firstAt: this.now(), attempt: 0 };
      this.pending.add(delivery);
      void this.attempt(delivery);
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.timer = undefined;
    delivery.attempt += 1;
    const { post, tryTimeoutMs = TRY_TIMEOUT_MS, giveUpAfterMs = GIVE_UP_AFTER_MS, log } = this.options;
    const result = await post(delivery.url, delivery.body, tryTimeoutMs);
    if (!this.pending.has(delivery)) return;
    const { alert } = delivery;
    const about = { kind: alert.kind, key: alert.key, state: alert.state, webhook: urlOrigin(delivery.url) };
    if (result.ok) {
      this.forget(delivery);
      log.info({ ...about, attempt: delivery.attempt }, 'alert sent');
      this.report(delivery, 'delivered');
      return;
    }
    const { problem } = result;
    const delayMs = retryDelay(delivery.attempt, this.random);
    if (this.closed || this.now() + delayMs > delivery.firstAt + giveUpAfterMs) {
      this.forget(delivery);
      log.error({ ...about, attempt: delivery.attempt, problem }, 'alert not delivered; gave up');
      this.report(delivery, 'gave_up', { problem });
      return;
    }
    if (delivery.attempt === 1) log.warn({ ...about, problem }, 'alert delivery failed; retrying');
    delivery.timer = setTimeout(() => void this.attempt(delivery), delayMs);
    this.report(delivery, 'retry', { problem, nextInMs: delayMs });
  }

  private report(delivery: Delivery, result: DeliveryResult, more: Partial<DeliveryReport> = {}): void {
    this.options.onReport?.({
      alert: delivery.alert,
      webhook: urlOrigin(delivery.url),
      attempt: delivery.attempt,
      result,
      ...more,
    });
  }

  private forget(delivery: Delivery): void {
    clearTimeout(delivery.timer);
    this.pending.delete(delivery);
    if (this.pending.size === 0) for (const done of this.idle.splice(0)) done();
  }

  /**
   * Takes no more alerts, waits up to `graceMs` for those in hand (a `resolved` sent just before a
   * shutdown), then drops the rest.
   */
  async close(graceMs = 2_000): Promise<void> {
    this.closed = true;
    if (this.pending.size > 0 && graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idle.push(resolve);
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    for (const delivery of [...this.pending]) {
      this.forget(delivery);
      this.report(delivery, 'dropped', { problem: 'rota stopped' });
    }
  }
}
