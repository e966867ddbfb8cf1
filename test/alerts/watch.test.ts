import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notice } from '../../src/alerts/alert.js';
import { startWatch, type WatchOptions } from '../../src/alerts/watch.js';
import { createLogger } from '../../src/log.js';
import type { ActionQueue } from '../../src/queue/queue.js';
import type { Store } from '../../src/store/store.js';

/** The periodic checks on fake timers, over a queue and store that answer as the test says. */

const T = Date.parse('2026-12-01T03:30:00Z');

function fakeQueue(state: { paused: boolean; late: number[]; pausedAt?: number }) {
  const queue = {
    isPaused: async () => state.paused,
    getJobs: async (types: string[]) =>
      types[0] === 'waiting'
        ? state.late.map((at, i) => ({
            id: `login-${i}-x`,
            data: { action: 'login', agentId: String(i), at, kind: 'roster', revision: 'r' },
            attemptsMade: 0,
            timestamp: at - 3_600_000,
            delay: 3_600_000 - 500,
          }))
        : [],
  } as unknown as ActionQueue;
  const store = {
    pausedBecause: async () =>
      state.pausedAt === undefined ? undefined : { reason: 'maintenance', at: state.pausedAt },
  } as unknown as Store;
  return { queue, store };
}

afterEach(() => {
  vi.useRealTimers();
});

const fakeClock = () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(T);
};

function watch(state: Parameters<typeof fakeQueue>[0], more: Partial<WatchOptions> = {}) {
  const seen: { notice: Notice; at: number }[] = [];
  const running = startWatch({
    ...fakeQueue(state),
    log: createLogger('silent'),
    lateAfterMs: 60_000,
    pausedAfterMs: 30 * 60_000,
    everyMs: 10_000,
    notice: (notice, at) => seen.push({ notice, at }),
    ...more,
  });
  const firing = () => seen.filter((s) => s.notice.state === 'firing').map((s) => s.notice.kind);
  return { running, seen, firing };
}

describe('the alert checks', () => {
  it('check every interval, the first one interval after the start', async () => {
    fakeClock();
    const { running, seen } = watch({ paused: false, late: [] });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map((s) => `${s.notice.kind} ${s.notice.state}`)).toEqual([
      'paused resolved',
      'account-refused resolved',
      'action-late resolved',
    ]);
    expect(seen.every((s) => s.at === T + 10_000)).toBe(true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(seen).toHaveLength(9);
    await running.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toHaveLength(9);
  });

  it('notice actions due over a minute ago that have not started', async () => {
    fakeClock();
    const state = { paused: false, late: [T - 30_000] };
    const { running, seen, firing } = watch(state);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(firing()).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(firing()).toEqual(['action-late']);
    expect(seen.at(-1)?.notice.message).toMatch(
      /^1 due action\(s\) not started 1m after their instant.*1m10s late/,
    );
    state.late = [];
    await running.checkNow();
    expect(seen.at(-1)?.notice).toMatchObject({ kind: 'action-late', state: 'resolved' });
    await running.stop();
  });

  it('notice a pause longer than ROTA_ALERT_PAUSED_AFTER, from when it began', async () => {
    fakeClock();
    const state = { paused: true, late: [], pausedAt: T - 25 * 60_000 };
    const { running, seen, firing } = watch(state);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(firing()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(firing()).toEqual(['paused']);
    expect(seen.find((s) => s.notice.state === 'firing')?.notice.message).toMatch(
      /^rota has been paused for 30m \(since 2026-12-01 03:05:00Z\): maintenance/,
    );
    await running.stop();
  });

  it('go on after a check that fails', async () => {
    fakeClock();
    const state = { paused: false, late: [] };
    const { queue, store } = fakeQueue(state);
    let broken = true;
    const seen: Notice[] = [];
    const running = startWatch({
      queue: {
        ...queue,
        isPaused: async () => {
          if (broken) throw new Error('Redis is gone');
          return false;
        },
      } as unknown as ActionQueue,
      store,
      log: createLogger('silent'),
      lateAfterMs: 60_000,
      pausedAfterMs: 60_000,
      everyMs: 1_000,
      notice: (notice) => seen.push(notice),
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toEqual([]);
    broken = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toHaveLength(3);
    await running.stop();
  });
});
