import { afterAll, describe, expect, it } from 'vitest';
import { jobId } from '../../src/plan/jobs.js';
import { LOCK_DURATION_MS } from '../../src/queue/worker.js';
import { agentsFrom, type Bench, oneOff, openBench, rosterOf, secondsFromNow } from '../helpers/rota.js';
import { doneAfter, keepLog, look, report, stateCounts, tally, worst } from './figures.js';
import { sleep, until } from './servers.js';

/**
 * 1. A worker is SIGKILLed in the middle of a burst of 500 logins at one instant, with a second worker
 * running. Its jobs come back on the other worker once their locks lapse and a stalled-job check runs:
 * within two lock durations (about 10 s), not the 30 s of the old 15 s lock and interval.
 */

const AGENTS = 500;
const { ids, passwords } = agentsFrom(10_000, AGENTS);
let bench: Bench | undefined;

afterAll(async () => {
  await bench?.close();
});

describe('a worker SIGKILLed mid-burst', () => {
  it('loses no job: every agent logged in, at most 2 login calls each, the worst lateness under 20 s', async () => {
    bench = await openBench({ agents: passwords });
    const b = bench;
    // Each answer takes 250 ms: 500 logins over 2 × 32 calls in flight take about 2 s.
    b.sim.setFaults({ global: { latencyMs: 250 } });
    const T0 = secondsFromNow(15);
    await b.writeRoster(rosterOf(ids, () => [oneOff(T0, T0 + 3_600_000)]));
    const sync = await b.rota(['sync']);
    expect(sync.code, sync.stderr).toBe(0);
    const victim = b.spawnRota(['worker']);
    const survivor = b.spawnRota(['worker']);
    await until('both workers to start', async () =>
      [victim, survivor].every((w) => w.output().includes('"msg":"rota started"')),
    );
    expect(Date.now()).toBeLessThan(T0 - 2000);

    // One second into the burst the victim has its 32 calls in flight and has finished some others.
    await sleep(T0 + 1000 - Date.now());
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const victimAttempts = victim
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"login ')).length;

    await until(
      'every login job to complete',
      () => look(b.env, async ({ queue }) => (await queue.getCompletedCount()) === AGENTS),
      60_000,
    );
    const { counts, history, stalled } = await look(b.env, async ({ queue, store, redis, prefix }) => {
      const stalledJobs = await Promise.all(
        ids.map((id) => redis.hget(`${prefix}:actions:${jobId('roster', 'login', id, T0)}`, 'stc')),
      );
      return {
        counts: await stateCounts(queue),
        history: await store.history({ since: T0 - 60_000 }),
        stalled: stalledJobs.filter((n) => Number(n ?? 0) > 0).length,
      };
    });
    const calls = b.sim.calls();
    const state = b.sim.state();
    await keepLog('sigkill-survivor', survivor.output());
    await keepLog('sigkill-victim', victim.output());
    await keepLog('sigkill-history', history.map((h) => JSON.stringify(h)).join('\n'));

    const t = tally(calls, ids, ['login']);
    // Lateness: when each job's last attempt started (the job done), and when each agent was logged in.
    const lastAttempt = new Map<string, number>();
    for (const entry of history) {
      lastAttempt.set(entry.jobId, Math.max(lastAttempt.get(entry.jobId) ?? 0, entry.startedAt - entry.at));
    }
    const worstLateMs = worst([...lastAttempt.values()]);
    const worstLoginMs = worst(ids.map((id) => doneAfter(calls, id, 'login', T0)));
    report('sigkill', {
      agents: AGENTS,
      calls: t.calls,
      lost: AGENTS - Object.keys(state).length,
      dup: t.dup,
      stalled,
      victimAttempts,
      killedAtMs: killedAt - T0,
      lockMs: LOCK_DURATION_MS,
      worstLateMs,
      worstLoginMs,
    });

    // Nothing lost: every agent logged in, every login job completed (the logouts wait), none failed.
    expect(Object.keys(state).sort()).toEqual([...ids].sort());
    expect(counts).toEqual({ completed: AGENTS, delayed: AGENTS });
    expect(lastAttempt.size).toBe(AGENTS);
    // The victim held jobs when it died; they came back on the survivor, and a repeat met "already".
    expect(stalled).toBeGreaterThan(0);
    expect(t.maxPerAction).toBeLessThanOrEqual(2);
    expect(t.badDup).toBe(0);
    expect(worstLateMs).toBeLessThan(20_000);
    expect(await survivor.stop()).toBe(0);
  });
});
