import { describe, expect, it } from 'vitest';
import type { AgentId, Session } from '../../src/roster/types.js';
import { SessionLog } from '../../src/store/session-log.js';
import { DEFAULT_HISTORY_DAYS, type HistoryEntry, Store } from '../../src/store/store.js';
import { queuePerTest } from '../helpers/queue.js';

/** The session log and the history's retention, on the run's private redis-server. */

const queues = queuePerTest();
const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-12-01T06:00:00Z');

const session = (agent: string, start: number, end: number, team?: string): Session => ({
  agentId: agent as AgentId,
  ...(team ? { team } : {}),
  phone: `+91980000${agent}`,
  zone: 'Asia/Kolkata',
  start,
  end,
});

const logged = async (log: SessionLog) =>
  (await log.between(0, Number.MAX_SAFE_INTEGER)).map(({ agentId, start, end, team, revision }) => ({
    agentId,
    start,
    end,
    ...(team ? { team } : {}),
    revision,
  }));

describe('the session log', () => {
  it('keeps started sessions as they were and replaces the ones not started by the new plan', async () => {
    const { store } = queues.open();
    const log = SessionLog.of(store);
    const worked = session('1001', NOW - 2 * H, NOW + 6 * H, 'morning');
    const soon = session('1002', NOW + H, NOW + 9 * H);
    const dropped = session('1003', NOW + 2 * D, NOW + 2 * D + 8 * H);
    await log.record([worked, soon, dropped], 'rev-a', NOW);
    // Two hours later the roster changed: 1001 shortened and moved team, 1002 (started an hour ago) and
    // 1003 (not started) removed, 1004 added.
    const later = NOW + 2 * H;
    const added = session('1004', NOW + D, NOW + D + 8 * H);
    await log.record([{ ...worked, end: NOW + 3 * H, team: 'evening' }, added], 'rev-b', later);
    expect(await logged(log)).toEqual([
      { agentId: '1001', start: worked.start, end: worked.end, team: 'morning', revision: 'rev-a' },
      { agentId: '1002', start: soon.start, end: soon.end, revision: 'rev-a' },
      { agentId: '1004', start: added.start, end: added.end, revision: 'rev-b' },
    ]);
  });

  it('logs a session that started before it was first seen, once; a repeated sync changes nothing', async () => {
    const { store } = queues.open();
    const redis = queues.redis();
    const log = SessionLog.of(store);
    const running = session('1001', NOW - H, NOW + H);
    await log.record([running], 'rev-a', NOW);
    await log.record([running], 'rev-a', NOW + 60_000);
    // Its start moved after the fact: it overlaps the logged one, which stays.
    await log.record([{ ...running, start: NOW - 2 * H }], 'rev-b', NOW + 120_000);
    expect(await redis.zcard(log.key)).toBe(1);
    expect(await logged(log)).toEqual([{ agentId: '1001', start: NOW - H, end: NOW + H, revision: 'rev-a' }]);
  });

  it('reads the sessions that start in [from, to), by start then agent', async () => {
    const { store } = queues.open();
    const log = SessionLog.of(store);
    await log.record(
      [session('1002', NOW, NOW + H), session('1001', NOW, NOW + H), session('1001', NOW + D, NOW + D + H)],
      'r',
      NOW - 1,
    );
    expect((await log.between(NOW, NOW + D)).map((s) => s.agentId)).toEqual(['1001', '1002']);
    expect((await log.between(NOW + 1, NOW + D + 1)).map((s) => s.start)).toEqual([NOW + D]);
  });

  it('trims sessions that started more than ROTA_HISTORY_DAYS ago', async () => {
    const { prefix, store } = queues.open();
    const log = new SessionLog(store.redis, prefix, { historyDays: 2 });
    const old = session('1001', NOW - 3 * D, NOW - 3 * D + H);
    const kept = session('1001', NOW - D, NOW - D + H);
    await log.record([old, kept], 'r', NOW - 3 * D + 2 * H);
    expect(await log.between(0, NOW)).toHaveLength(2);
    await log.record([], 'r', NOW);
    expect((await log.between(0, NOW)).map((s) => s.start)).toEqual([kept.start]);
    expect(SessionLog.of(new Store(store.redis, prefix, { historyDays: 7 }))).toMatchObject({ key: log.key });
  });
});

describe('history retention', () => {
  const entry = (startedAt: number): HistoryEntry => ({
    jobId: 'login-1001-20261201T033000Z',
    agentId: '1001',
    action: 'login',
    kind: 'roster',
    at: startedAt,
    startedAt,
    lateMs: 0,
    latencyMs: 40,
    outcome: 'done',
    message: 'Agent 1001 logged in successfully',
    attempt: 1,
  });

  it('keeps 35 days by default, or the days it is given', () => {
    const redis = queues.redis();
    const prefix = 'unused';
    expect(new Store(redis, prefix).historyDays).toBe(DEFAULT_HISTORY_DAYS);
    expect(DEFAULT_HISTORY_DAYS).toBe(35);
    expect(new Store(redis, prefix, { historyDays: 7 }).oldestKept(NOW)).toBe(String(NOW - 7 * D));
  });

  it('trims attempts and admin entries older than the history days when it adds one (stream IDs are ms)', async () => {
    const { prefix } = queues.open();
    const redis = queues.redis();
    const store = new Store(redis, prefix, { historyDays: 35 });
    const old = Date.now() - 40 * D;
    // More than one stream node (100 entries) of old entries: `~` trims whole nodes.
    for (const key of [store.keys.history, store.keys.audit]) {
      const tx = redis.multi();
      for (let i = 0; i < 250; i++) tx.xadd(key, `${old + i}-0`, 'e', JSON.stringify(entry(old + i)));
      await tx.exec();
    }
    const recent = Date.now() - 30 * D;
    await redis.xadd(store.keys.history, `${recent}-0`, 'e', JSON.stringify(entry(recent)));
    await store.record(entry(Date.now()));
    await store.recordAdmin({ at: Date.now(), source: 'cli', verb: 'pause' });
    for (const key of [store.keys.history, store.keys.audit]) {
      // At most the last, partly old, node is left of the old entries.
      expect(await redis.xlen(key)).toBeLessThan(100 + 2);
    }
    const kept = await store.history({ since: old + 250 });
    expect(kept.map((e) => e.startedAt)).toEqual([recent, expect.any(Number)]);
    expect((await store.history()).every((e) => e.startedAt >= old + 150)).toBe(true);
  });
});
