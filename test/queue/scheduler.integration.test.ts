import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agentsFrom,
  type Bench,
  benchPerTest,
  oneOff,
  rosterOf,
  secondsFromNow,
  waitUntil,
  withQueue,
} from '../helpers/rota.js';

/** The scheduler side: idempotent syncs, even two at once; roster changes on disk; invalid rosters. */

const { ids, passwords } = agentsFrom(700, 60);
const openBench = benchPerTest();

const jobIds = (b: Bench) =>
  withQueue(b, async (q) => (await q.getJobs(['delayed', 'waiting', 'prioritized'])).map((j) => j.id).sort());

describe('sync', () => {
  it('two syncs at once create no duplicates, and a third adds nothing', async () => {
    const b = await openBench({ agents: passwords });
    const T0 = secondsFromNow(3600);
    await b.writeRoster(
      rosterOf(ids, () => [oneOff(T0, T0 + 3_600_000), oneOff(T0 + 7_200_000, T0 + 10_800_000)]),
    );
    const [one, two] = await Promise.all([b.rota(['sync']), b.rota(['sync'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const jobs = await jobIds(b);
    expect(jobs).toHaveLength(ids.length * 4);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(jobs.every((id) => !id?.includes(':'))).toBe(true);
    const third = await b.rota(['sync']);
    expect(third.stdout).toContain(`added 0, removed 0, unchanged ${ids.length * 4}, caught-up 0`);
    expect(await jobIds(b)).toEqual(jobs);
  }, 60_000);

  it('--dry-run says what it would do and changes nothing', async () => {
    const b = await openBench({ agents: passwords });
    const T0 = secondsFromNow(3600);
    await b.writeRoster(rosterOf(ids.slice(0, 3), () => [oneOff(T0, T0 + 3_600_000)]));
    const dry = await b.rota(['sync', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would be added 6, would be removed 0, unchanged 0, caught-up 0 (dry run)');
    expect(await jobIds(b)).toEqual([]);
  }, 30_000);

  it('refuses an invalid roster with its errors and exit 1, keeping every job as it was', async () => {
    const b = await openBench({ agents: passwords });
    const T0 = secondsFromNow(3600);
    await b.writeRoster(rosterOf(ids.slice(0, 2), () => [oneOff(T0, T0 + 3_600_000)]));
    expect((await b.rota(['sync'])).code).toBe(0);
    const before = await jobIds(b);
    await b.writeRoster(rosterOf(ids.slice(0, 2), () => ['{ days: [mon], start: "25:00", end: "18:00" }']));
    const bad = await b.rota(['sync']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/roster\.yaml:4:\d+ agents\[0\]\.shifts\[0\]\.start: "25:00" is not a time/);
    expect(bad.stderr).toContain('nothing was changed');
    expect(await jobIds(b)).toEqual(before);
  }, 30_000);
});

describe('rota scheduler', () => {
  it('re-syncs within seconds when an editor replaces the roster, and keeps the last good plan on a bad one', async () => {
    const b = await openBench({ agents: passwords });
    const T0 = secondsFromNow(3600);
    await b.writeRoster(rosterOf(ids.slice(0, 1), () => [oneOff(T0, T0 + 3_600_000)]));
    const scheduler = b.spawnRota(['scheduler'], { ROTA_SYNC_INTERVAL: '1h' });
    expect(await waitUntil(async () => (await jobIds(b)).length === 2, 15_000)).toBe(true);

    // Editors write a new file and rename it over the old one.
    const replace = async (yaml: string) => {
      const tmp = join(b.dir, '.roster.yaml.swp');
      await writeFile(tmp, yaml);
      await rename(tmp, b.rosterFile);
    };
    await replace(rosterOf(ids.slice(0, 2), () => [oneOff(T0, T0 + 3_600_000)]));
    expect(await waitUntil(async () => (await jobIds(b)).length === 4, 10_000)).toBe(true);

    await replace('version: 1\ntimezone: Mars/Olympus\nagents: []\n');
    expect(await waitUntil(() => scheduler.output().includes('the last good plan stays'), 10_000)).toBe(true);
    expect(await jobIds(b)).toHaveLength(4);
    const error = await withQueue(b, (_queue, store) => store.rosterError());
    expect(error?.first.join('\n')).toMatch(/timezone/);
    expect(await scheduler.stop()).toBe(0);
  }, 60_000);
});

describe("the scheduler's sync thread", () => {
  it('runs a sync that outgrows its heap again at once with twice the heap, and keeps it', async () => {
    const many = agentsFrom(10_000, 5000);
    const b = await openBench({ agents: {} });
    await b.writeRoster(rosterOf(many.ids, () => ['{ days: [mon-sun], start: "09:00", end: "18:00" }']));
    const scheduler = b.spawnRota(['scheduler'], { ROTA_SYNC_INTERVAL: '1h', ROTA_SYNC_HEAP_MB: '64' });
    const lines = () =>
      scheduler
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const synced = () => lines().find((line) => line.msg === 'sync');
    expect(await waitUntil(() => synced() !== undefined, 90_000)).toBe(true);
    const raised = lines().filter((line) => String(line.msg).includes('ran out of its'));
    expect(raised[0]).toMatchObject({ level: 40, heapMb: 128 });
    expect(raised[0]?.msg).toContain('the sync ran out of its 64 MB heap; running it again with 128 MB');
    // The sync cut short left nothing the one after it did not finish: every job once.
    const { added, unchanged } = synced() as { added: number; unchanged: number };
    const jobs = await jobIds(b);
    expect(jobs.length).toBeGreaterThan(5000 * 7);
    expect(jobs).toHaveLength(added + unchanged);
    expect(new Set(jobs).size).toBe(jobs.length);

    // The next sync (the roster saved again) starts with the doubled heap: it does not run out.
    await b.writeRoster(rosterOf(many.ids, () => ['{ days: [mon-sun], start: "09:00", end: "18:00" }']));
    const syncs = () => lines().filter((line) => line.msg === 'sync');
    expect(await waitUntil(() => syncs().length === 2, 60_000)).toBe(true);
    expect(syncs()[1]).toMatchObject({ added: 0, removed: 0, unchanged: jobs.length });
    expect(lines().filter((line) => String(line.msg).includes('ran out of its'))).toHaveLength(raised.length);
    expect(await scheduler.stop()).toBe(0);
  }, 150_000);
});

describe('a roster change never strands an agent', () => {
  it('moves the logout to a new, earlier end, and logs out at once an agent whose session is removed', async () => {
    const [moved, removed] = ids;
    const b = await openBench({ agents: passwords });
    const shift = (start: number, end: number) => [oneOff(start, end)];
    const start = secondsFromNow(-600);
    const later = secondsFromNow(3600);
    await b.writeRoster(rosterOf([moved as string, removed as string], () => shift(start, later)));
    const run = b.spawnRota(['run']);
    expect(await waitUntil(() => Object.keys(b.sim.state()).length === 2, 15_000)).toBe(true);

    // One session now ends in 6 s; the other is gone from the roster.
    const newEnd = secondsFromNow(6);
    await b.writeRoster(rosterOf([moved as string], () => shift(start, newEnd)));
    expect(await waitUntil(() => !((removed as string) in b.sim.state()), 10_000)).toBe(true);
    expect((moved as string) in b.sim.state()).toBe(true);
    expect(await waitUntil(() => Object.keys(b.sim.state()).length === 0, newEnd - Date.now() + 5000)).toBe(
      true,
    );
    const logout = b.sim.calls().find((c) => c.agent === moved && c.action === 'logout');
    expect(Math.abs(Date.parse(logout?.at ?? '') - newEnd)).toBeLessThan(2000);
    expect(run.output()).toMatch(new RegExp(`"job":"release-${removed}-`));
    expect(await run.stop()).toBe(0);
  }, 60_000);
});
