import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALERT_STATE_MS, AlertGate } from '../../src/alerts/gate.js';

/** The Redis gate: which process sends each alert, on the run's private redis-server. */

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.quit();
});

const fresh = (repeatMs = 60_000) => {
  const prefix = `ta${randomBytes(4).toString('hex')}`;
  return { prefix, gate: new AlertGate(redis, prefix, repeatMs) };
};
const T = 1_000_000;

describe('the alert gate', () => {
  it('lets one of many processes send a firing, once within the repeat', async () => {
    const { prefix, gate } = fresh();
    const others = [new AlertGate(redis, prefix, 60_000), new AlertGate(redis, prefix, 60_000)];
    const passed = await Promise.all([gate, ...others].map((g) => g.pass('paused', 'firing', T)));
    expect(passed.filter(Boolean)).toHaveLength(1);
    expect(await gate.pass('paused', 'firing', T + 1)).toBe(false);
    expect(await redis.pttl(`${prefix}:alert:paused:firing`)).toBeGreaterThan(59_000);
    expect(await redis.pttl(`${prefix}:alert:paused`)).toBeGreaterThan(ALERT_STATE_MS - 60_000);
  });

  it('sends a firing again once the repeat has passed while it still fires', async () => {
    const { gate } = fresh(150);
    expect(await gate.pass('action-late', 'firing', T)).toBe(true);
    expect(await gate.pass('action-late', 'firing', T)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await gate.pass('action-late', 'firing', T + 250)).toBe(true);
  });

  it('sends a resolved only for a key that fired, once, by one process', async () => {
    const { prefix, gate } = fresh();
    expect(await gate.pass('roster-invalid', 'resolved', T)).toBe(false);
    expect(await gate.pass('roster-invalid', 'firing', T)).toBe(true);
    const other = new AlertGate(redis, prefix, 60_000);
    const passed = await Promise.all([gate, other].map((g) => g.pass('roster-invalid', 'resolved', T + 1)));
    expect(passed.filter(Boolean)).toHaveLength(1);
    expect(await gate.pass('roster-invalid', 'resolved', T + 2)).toBe(false);
    // A new incident after the resolve is sent at once, whatever the repeat.
    expect(await gate.pass('roster-invalid', 'firing', T + 3)).toBe(true);
  });

  it('keeps keys apart: one failed job does not silence another', async () => {
    const { gate } = fresh();
    expect(await gate.pass('action-failed:login-1-20261201T033000Z', 'firing', T)).toBe(true);
    expect(await gate.pass('action-failed:login-2-20261201T033000Z', 'firing', T)).toBe(true);
  });

  it('ignores a periodic check that began reading before the firing was sent', async () => {
    const { gate } = fresh();
    expect(await gate.pass('paused', 'firing', T)).toBe(true);
    expect(await gate.pass('paused', 'resolved', T - 5, true)).toBe(false);
    expect(await gate.pass('paused', 'resolved', T + 5, true)).toBe(true);
  });
});
