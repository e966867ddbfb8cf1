import { afterAll, describe, expect, it } from 'vitest';
import { agentsFrom, type Bench, oneOff, openBench, secondsFromNow } from '../helpers/rota.js';
import { doneAfter, look, report, stateCounts, tally, worst } from './figures.js';
import { sleep, until } from './servers.js';

/**
 * 6. Several processes on one roster: two `rota run` and a `rota scheduler`, syncing at once at start and
 * again when the roster file changes, through a shift boundary of 150 actions (50 handovers of a shared
 * phone, 50 more logins) after 50 logins before it. No duplicate API call beyond what `already` absorbs,
 * and each action's attempts were made by one process only.
 */

const X = agentsFrom(60_000, 50);
const Y = agentsFrom(61_000, 50);
const W = agentsFrom(62_000, 50);
const HOUR = 3_600_000;
let bench: Bench | undefined;

afterAll(async () => {
  await bench?.close();
});

function roster(S: number, T0: number, comment: string): string {
  const phone = (i: number) => `+9198${String(i).padStart(8, '0')}`;
  const line = (id: string, p: string, shift: string) =>
    `  - { id: "${id}", phone: "${p}", shifts: [${shift}] }\n`;
  return (
    `# ${comment}\nversion: 1\ntimezone: Asia/Kolkata\nagents:\n` +
    X.ids.map((id, i) => line(id, phone(i), oneOff(S, T0))).join('') +
    // Y[i] takes over X[i]'s phone at T0.
    Y.ids.map((id, i) => line(id, phone(i), oneOff(T0, T0 + HOUR))).join('') +
    W.ids.map((id, i) => line(id, phone(100 + i), oneOff(T0, T0 + HOUR))).join('')
  );
}

describe('two rota run and a rota scheduler on one roster', () => {
  it('call the API once per action (repeats answered "already"), each action made by one process', async () => {
    bench = await openBench({ agents: { ...X.passwords, ...Y.passwords, ...W.passwords } });
    const b = bench;
    b.sim.setFaults({ global: { latencyMs: { min: 20, max: 200 } } });
    const S = secondsFromNow(12);
    const T0 = S + 10_000;
    await b.writeRoster(roster(S, T0, 'first'));
    const procs = {
      run1: b.spawnRota(['run']),
      run2: b.spawnRota(['run']),
      scheduler: b.spawnRota(['scheduler']),
    };
    await until('every process to sync', async () =>
      Object.values(procs).every((p) => p.output().includes('"msg":"sync"')),
    );
    // Between S and T0 the file changes (a comment): all three schedulers sync again, at once.
    await sleep(S + 3000 - Date.now());
    await b.writeRoster(roster(S, T0, 'second'));

    const wanted = () => {
      const state = b.sim.state();
      return [...Y.ids, ...W.ids].every((id) => id in state) && X.ids.every((id) => state[id] === undefined);
    };
    await until('the boundary', async () => wanted() && Date.now() > T0, T0 + 30_000 - Date.now());
    await until(
      'every job finished',
      () => look(b.env, async ({ queue }) => (await stateCounts(queue)).completed === 200),
      15_000,
    );
    const { counts, history } = await look(b.env, async ({ queue, store }) => ({
      counts: await stateCounts(queue),
      history: await store.history({ since: S - 60_000 }),
    }));
    const calls = b.sim.calls();
    const t = tally(calls, [...X.ids, ...Y.ids, ...W.ids], ['login', 'logout']);

    // Who made each action's attempts: the job IDs in each worker process's attempt lines.
    const owners = new Map<string, Set<string>>();
    for (const [name, proc] of Object.entries(procs)) {
      for (const line of proc.stdout().split('\n')) {
        const job = /"job":"([^"]+)"/.exec(line)?.[1];
        if (job && /"outcome":"/.test(line)) owners.set(job, (owners.get(job) ?? new Set()).add(name));
      }
    }
    const shared = [...owners].filter(([, by]) => by.size > 1).map(([job]) => job);
    const attemptsPerJob = new Map<string, number>();
    for (const entry of history) attemptsPerJob.set(entry.jobId, (attemptsPerJob.get(entry.jobId) ?? 0) + 1);
    const syncs = Object.values(procs).map(
      (p) =>
        p
          .stdout()
          .split('\n')
          .filter((l) => l.includes('"msg":"sync"')).length,
    );
    const boundary = [
      ...X.ids.map((id) => doneAfter(calls, id, 'logout', T0)),
      ...Y.ids.map((id) => doneAfter(calls, id, 'login', T0)),
      ...W.ids.map((id) => doneAfter(calls, id, 'login', T0)),
    ];
    report('processes', {
      processes: 3,
      agents: 150,
      actions: 200,
      calls: calls.length,
      lost: boundary.filter((ms) => Number.isNaN(ms)).length,
      dup: t.dup,
      syncs: syncs.reduce((a, n) => a + n, 0),
      sharedOwners: shared.length,
      byRun1: [...owners.values()].filter((by) => by.has('run1')).length,
      byRun2: [...owners.values()].filter((by) => by.has('run2')).length,
      worstLateMs: worst(boundary),
    });
    expect(t.badDup).toBe(0);
    expect(t.dup).toBe(0);
    expect(shared).toEqual([]);
    expect(owners.size).toBe(200);
    expect([...owners.values()].every((by) => !by.has('scheduler'))).toBe(true);
    expect([...attemptsPerJob.values()].every((n) => n === 1)).toBe(true);
    expect(attemptsPerJob.size).toBe(200);
    expect(counts).toEqual({ completed: 200, delayed: 100 });
    for (const proc of Object.values(procs)) expect(await proc.stop()).toBe(0);
  });
});
