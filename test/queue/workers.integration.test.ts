import { describe, expect, it } from 'vitest';
import {
  agentsFrom,
  benchPerTest,
  oneOff,
  rosterOf,
  secondsFromNow,
  waitUntil,
  withQueue,
} from '../helpers/rota.js';

/** Workers dying and stopping: a SIGKILL mid-burst loses nothing; a SIGTERM finishes calls in flight. */

const { ids, passwords } = agentsFrom(500, 24);
const openBench = benchPerTest();

describe('workers', () => {
  it('recovers a SIGKILLed worker’s jobs on another worker: every agent ends logged in', async () => {
    const b = await openBench({ agents: passwords, env: { ROTA_CONCURRENCY: '6' } });
    b.sim.setFaults({ global: { latencyMs: 1500 } });
    const T0 = secondsFromNow(5);
    await b.writeRoster(rosterOf(ids, () => [oneOff(T0, T0 + 600_000)]));
    expect((await b.rota(['sync'])).code).toBe(0);
    const first = b.spawnRota(['worker']);
    // Kill it while its first calls are in flight (each answer takes 1.5 s).
    await new Promise((resolve) => setTimeout(resolve, T0 + 800 - Date.now()));
    expect(b.sim.calls()).toEqual([]);
    await first.stop('SIGKILL');
    const second = b.spawnRota(['worker']);
    // The killed worker's jobs come back once their 5 s locks lapse and a stalled-job check runs.
    const allDone = await waitUntil(
      () => withQueue(b, async (q) => (await q.getCompletedCount()) === ids.length),
      75_000,
    );
    expect(allDone, second.output()).toBe(true);
    expect(Object.keys(b.sim.state()).sort()).toEqual(ids);
    await withQueue(b, async (queue) => {
      expect(await queue.getFailedCount()).toBe(0);
      expect(await queue.getCompletedCount()).toBe(ids.length);
    });
    // Every agent logged in exactly once at the API, or twice with the second answered "already".
    for (const id of ids) {
      const logins = b.sim.calls().filter((c) => c.agent === id && c.action === 'login' && c.answer);
      expect(logins[0]?.answer?.status).toBe('success');
      for (const again of logins.slice(1)) expect(again.answer?.message).toBe('Agent has already logged in');
    }
    expect(await second.stop()).toBe(0);
  }, 150_000);

  it('on SIGTERM finishes the calls in flight, then exits 0', async () => {
    const few = ids.slice(0, 4);
    const b = await openBench({ agents: passwords });
    b.sim.setFaults({ global: { latencyMs: 2000 } });
    const T0 = secondsFromNow(4);
    await b.writeRoster(rosterOf(few, () => [oneOff(T0, T0 + 600_000)]));
    expect((await b.rota(['sync'])).code).toBe(0);
    const worker = b.spawnRota(['worker']);
    // Calls take 2 s to answer: half a second after the instant they are all in flight.
    await new Promise((resolve) => setTimeout(resolve, T0 + 500 - Date.now()));
    expect(b.sim.calls()).toEqual([]);
    const stoppedAt = Date.now();
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(12_000);
    expect(Object.keys(b.sim.state()).sort()).toEqual(few);
    expect(worker.output()).toContain('finishing calls in flight');
  }, 60_000);

  it('keeps to ROTA_API_RATE across a burst, and records every attempt in the history', async () => {
    const burst = ids.slice(0, 6);
    const b = await openBench({ agents: passwords, env: { ROTA_API_RATE: '2/s' } });
    const T0 = secondsFromNow(4);
    await b.writeRoster(rosterOf(burst, () => [oneOff(T0, T0 + 600_000)]));
    const run = b.spawnRota(['run']);
    expect(await waitUntil(() => Object.keys(b.sim.state()).length === burst.length, 20_000)).toBe(true);
    const arrivals = b.sim.calls().map((c) => Date.parse(c.at));
    // 6 calls at 2 per second need at least two more seconds after the first pair.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(1900);
    const history = await withQueue(b, (_queue, store) => store.history());
    expect(history.map((h) => [h.agentId, h.action, h.outcome, h.attempt]).sort()).toEqual(
      burst.map((id) => [id, 'login', 'done', 1]),
    );
    for (const entry of history) {
      expect(entry.at).toBe(T0);
      expect(entry.lateMs).toBe(entry.startedAt - T0);
      expect(entry.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(await run.stop()).toBe(0);
  }, 60_000);
});
