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

  it('rewrites only the changed sessions on a new revision: the others keep their member and revision', async () => {
    const { store } = queues.open();
    const redis = queues.redis();
    const log = SessionLog.of(store);
    const week = (agent: string, hour: number, team?: string) =>
      [0, 1, 2].map((day) => session(agent, NOW + day * D + hour * H, NOW + day * D + (hour + 8) * H, team));
    // 1004 has sessions of its team and one of its own, without a team.
    const steady = [
      ...week('1001', 3, 'morning'),
      ...week('1002', 3),
      ...week('1004', 5, 'night').slice(0, 2),
      session('1004', NOW + 2 * D + 5 * H, NOW + 2 * D + 13 * H),
    ];
    // A team with a quote and a comma, and the key in it: its content is still told from its revision.
    const odd = week('1005', 4, 'a","revision":"x');
    await log.record([...steady, ...odd, ...week('1003', 3, 'morning')], 'rev-a', NOW - H);
    const before = await redis.zrange(log.key, 0, -1);
    // 1003 moved team and hours; no one else changed.
    await log.record([...steady, ...odd, ...week('1003', 6, 'evening')], 'rev-b', NOW);
    const after = await redis.zrange(log.key, 0, -1);
    const others = (members: string[]) => members.filter((json) => !json.includes('"1003"'));
    expect(others(after)).toEqual(others(before));
    expect(others(before)).toHaveLength(12);
    expect(after.filter((json) => !before.includes(json))).toHaveLength(3);
    expect(await logged(log)).toEqual(
      expect.arrayContaining([
        { agentId: '1001', start: NOW + 3 * H, end: NOW + 11 * H, team: 'morning', revision: 'rev-a' },
        {
          agentId: '1005',
          start: NOW + 4 * H,
          end: NOW + 12 * H,
          team: 'a","revision":"x',
          revision: 'rev-a',
        },
        { agentId: '1003', start: NOW + 6 * H, end: NOW + 14 * H, team: 'evening', revision: 'rev-b' },
      ]),
    );
    expect((await logged(log)).filter((s) => s.agentId === '1003').map((s) => s.revision)).toEqual([
      'rev-b',
      'rev-b',
      'rev-b',
    ]);
    // Each member is what `JSON.stringify` of the whole session makes, as it was before members were
    // compared by content.
    expect(others(before).sort()).toEqual(
      [...steady, ...odd]
        .map(({ agentId, team, phone, zone, start, end }) =>
          JSON.stringify({ agentId, team, phone, zone, start, end, revision: 'rev-a' }),
        )
        .sort(),
    );
  });

  it('keeps one member of a session logged twice under two revisions', async () => {
    const { store } = queues.open();
    const redis = queues.redis();
    const log = SessionLog.of(store);
    const soon = session('1001', NOW + H, NOW + 9 * H);
    // Two schedulers on two revisions of a roster that both have this session.
    await log.record([soon], 'rev-a', NOW);
    await redis.zadd(log.key, soon.start, JSON.stringify({ ...soon, revision: 'rev-b' }));
    await log.record([soon], 'rev-c', NOW);
    expect(await redis.zcard(log.key)).toBe(1);
    expect((await logged(log))[0]?.revision).toMatch(/^rev-[ab]$/);
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
