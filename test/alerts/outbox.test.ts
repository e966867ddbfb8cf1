import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionFailed, alertBody, rosterInvalid } from '../../src/alerts/alert.js';
import { AlertOutbox, type DeliveryReport, type OutboxOptions } from '../../src/alerts/outbox.js';
import { createWebhookPoster, type PostJson, urlOrigin } from '../../src/alerts/webhook.js';
import { createLogger } from '../../src/log.js';
import { type Receiver, startReceiver } from './receiver.js';

/**
 * The outbox against real HTTP receivers on 127.0.0.1: one that answers, one that fails (500), one that
 * never answers. Backoff and giving up run on fake timers; the HTTP exchanges are real.
 */

const log = createLogger('silent');
const AT = Date.parse('2026-12-01T03:30:00Z');
const alert = alertBody(
  actionFailed(
    { id: 'login-1001-20261201T033000Z', agentId: '1001', action: 'login', at: AT },
    'Invalid Authentication',
  ),
  AT + 1000,
);

/** Delivery reports as they come, awaited one by one (no timers: it works under fake timers). */
function reportQueue() {
  const buffered: DeliveryReport[] = [];
  const waiting: ((report: DeliveryReport) => void)[] = [];
  return {
    all: [] as DeliveryReport[],
    onReport(report: DeliveryReport) {
      this.all.push(report);
      const wake = waiting.shift();
      if (wake) wake(report);
      else buffered.push(report);
    },
    next(): Promise<DeliveryReport> {
      const report = buffered.shift();
      return report ? Promise.resolve(report) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const item of open.splice(0).reverse()) await item.close();
});

async function receiver(answer: 'ok' | 'fail' | 'hang'): Promise<Receiver> {
  const started = await startReceiver(answer);
  open.push(started);
  return started;
}

function outbox(urls: string[], more: Partial<OutboxOptions> = {}) {
  const poster = createWebhookPoster();
  const reports = reportQueue();
  const box = new AlertOutbox({
    urls,
    post: poster.post,
    log,
    random: () => 0,
    onReport: (report) => reports.onReport(report),
    ...more,
  });
  open.push(poster, { close: () => box.close(0) });
  return { box, reports };
}

/** On a fake clock at AT: a receiver answering as told, an outbox to it, and the alert sent. */
async function sendOnFakeClock(answer: 'fail' | 'hang') {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(AT);
  const webhook = await receiver(answer);
  const { box, reports } = outbox([webhook.url]);
  box.send(alert);
  return { webhook, box, reports };
}

describe('the alert outbox', () => {
  it('POSTs the alert as plain JSON to every webhook, once', async () => {
    const [a, b] = [await receiver('ok'), await receiver('ok')];
    const { box, reports } = outbox([a.url, b.url]);
    box.send(alert);
    const results = [await reports.next(), await reports.next()];
    expect(results.map((r) => [r.result, r.attempt])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    for (const r of [a, b]) {
      expect(r.received).toHaveLength(1);
      expect(JSON.parse(r.received[0]?.raw ?? '')).toEqual(alert);
      expect(r.received[0]?.path).toBe('/hooks/T000/secret-path');
    }
    expect(box.size).toBe(0);
  });

  it('returns at once, and a webhook that hangs does not hold back another', async () => {
    const [hangs, answers] = [await receiver('hang'), await receiver('ok')];
    const { box, reports } = outbox([hangs.url, answers.url], { tryTimeoutMs: 60_000 });
    const started = performance.now();
    box.send(alert);
    expect(performance.now() - started).toBeLessThan(50);
    expect(box.size).toBe(2);
    const first = await reports.next();
    expect(first).toMatchObject({ result: 'delivered', webhook: urlOrigin(answers.url) });
    expect(hangs.received).toHaveLength(1);
    expect(box.size).toBe(1);
  });

  it('retries a failing webhook with backoff and gives up 10 minutes after the alert', async () => {
    const { webhook: fails, box, reports } = await sendOnFakeClock('fail');
    const seen: DeliveryReport[] = [];
    for (;;) {
      const report = await reports.next();
      seen.push(report);
      if (report.result !== 'retry') break;
      await vi.advanceTimersByTimeAsync(report.nextInMs ?? 0);
    }
    // 1 s, doubling, capped at 60 s (no jitter here); no try starts 10 minutes after the alert.
    expect(seen.filter((r) => r.result === 'retry').map((r) => (r.nextInMs ?? 0) / 1000)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60,
    ]);
    expect(seen.at(-1)).toMatchObject({ result: 'gave_up', attempt: 15, problem: 'HTTP 500' });
    expect(Date.now() - AT).toBe(543_000);
    expect(fails.received).toHaveLength(15);
    expect(new Set(fails.received.map((r) => r.raw)).size).toBe(1);
    expect(box.size).toBe(0);
  });

  it('times out each try at a webhook that never answers (5 s), and retries until it answers', async () => {
    const { webhook: hangs, reports } = await sendOnFakeClock('hang');
    await hangs.next(() => true, 600_000);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(reports.all).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reports.next()).toMatchObject({
      result: 'retry',
      attempt: 1,
      problem: 'no answer within 5000 ms',
      nextInMs: 1000,
    });
    hangs.answer = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(await reports.next()).toMatchObject({ result: 'delivered', attempt: 2 });
    expect(hangs.received).toHaveLength(2);
  });

  it('keeps at most maxPending deliveries, dropping the oldest', async () => {
    const never: PostJson = () => new Promise(() => {});
    const { box, reports } = outbox(['http://127.0.0.1:9/x'], { post: never, maxPending: 2 });
    const second = alertBody(rosterInvalid(1, 'x'), AT);
    box.send(alert);
    box.send(second);
    box.send(second);
    expect(box.size).toBe(2);
    expect(await reports.next()).toMatchObject({ result: 'dropped', alert: { key: alert.key } });
  });

  it('on close, waits briefly for deliveries in hand, then drops the rest', async () => {
    const slow = await receiver('hang');
    const { box, reports } = outbox([slow.url]);
    box.send(alert);
    await slow.next();
    const closing = box.close(200);
    box.send(alert);
    await closing;
    expect(reports.all.map((r) => r.result)).toEqual(['dropped']);
    expect(slow.received).toHaveLength(1);
  });
});
