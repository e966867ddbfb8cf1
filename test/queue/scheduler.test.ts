import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleepReal } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RotaEvents } from '../../src/events.js';
import { createLogger } from '../../src/log.js';
import { type RunningScheduler, startScheduler } from '../../src/queue/scheduler.js';
import type { SyncSummary } from '../../src/queue/sync.js';
import { formatIssue, ISSUES_SHOWN } from '../../src/roster/format.js';
import { loadRoster } from '../../src/roster/load.js';
import { rosterRevision } from '../../src/roster/revision.js';
import type { RosterIssue } from '../../src/roster/types.js';

/**
 * The scheduler loop with a `sync` the test controls: no Redis, fake interval and timeout timers, typed
 * events to await and the log read from memory.
 */

const INTERVAL_MS = 60_000;

const OK: SyncSummary = {
  ok: true,
  revision: 'r1',
  sessions: 1,
  added: 2,
  removed: 0,
  unchanged: 0,
  caughtUp: 0,
  released: 0,
  cancelled: 0,
  warnings: [],
};

/** One sync call the test finishes when it wants. */
interface Call {
  finish(result?: SyncSummary): void;
  fail(error: unknown): void;
}

/** Every call of every fake sync in this test, finished after it whatever happened. */
let everyCall: Call[] = [];

/** A fake `sync`: every call waits until the test finishes it, unless `auto` answers at once. */
function fakeSync(auto?: () => SyncSummary) {
  const calls: Call[] = [];
  const sync = () =>
    new Promise<SyncSummary>((resolve, reject) => {
      const call = { finish: (result = OK) => resolve(result), fail: reject };
      calls.push(call);
      everyCall.push(call);
      if (auto) resolve(auto());
    });
  return { sync, calls };
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-scheduler-'));
  file = join(dir, 'roster.yaml');
  await writeFile(file, 'version: 1\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let lines: string[];
let events: RotaEvents;
let running: RunningScheduler | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
  lines = [];
  events = new RotaEvents();
});
afterEach(async () => {
  const stopping = running?.stop();
  for (const call of everyCall) call.finish();
  await stopping;
  everyCall = [];
  running = undefined;
  vi.useRealTimers();
});

function start(sync: () => Promise<SyncSummary>, rosterFile = file): RunningScheduler {
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  running = startScheduler({
    file: rosterFile,
    intervalMs: INTERVAL_MS,
    log,
    report: {
      finished: (result) => events.emit('sync:finished', result),
      failed: (error) => events.emit('sync:failed', error),
    },
    sync,
  });
  return running;
}

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
/** Lets pending promise callbacks run (setImmediate is not faked). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startScheduler', () => {
  it('syncs once at start, and logs the counts without the added jobs', async () => {
    const { sync, calls } = fakeSync(() => OK);
    const finished = once(events, 'sync:finished');
    start(sync);
    expect(await finished).toEqual([OK]);
    await settle();
    expect(calls).toHaveLength(1);
    expect(logged()).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'sync',
        revision: 'r1',
        added: 2,
        warnings: 0,
      }),
    ]);
  });

  it('coalesces syncNow() calls during a sync into exactly one more sync', async () => {
    const { sync, calls } = fakeSync();
    const scheduler = start(sync);
    expect(calls).toHaveLength(1);
    const asked = [scheduler.syncNow(), scheduler.syncNow(), scheduler.syncNow(), scheduler.syncNow()];
    await settle();
    expect(calls).toHaveLength(1);

    const first = once(events, 'sync:finished');
    calls[0]?.finish();
    await first;
    await settle();
    expect(calls).toHaveLength(2);

    const second = once(events, 'sync:finished');
    calls[1]?.finish();
    await second;
    await Promise.all(asked);
    await settle();
    expect(calls).toHaveLength(2);
  });

  it('syncs again at every interval', async () => {
    const { sync, calls } = fakeSync(() => OK);
    start(sync);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    expect(calls).toHaveLength(4);
  });

  it('logs and emits a sync that throws, and runs the next tick', async () => {
    const { sync, calls } = fakeSync();
    start(sync);
    calls[0]?.finish();
    await once(events, 'sync:finished');

    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(calls).toHaveLength(2);
    const failed = once(events, 'sync:failed');
    calls[1]?.fail(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const [error] = await failed;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('connect ECONNREFUSED 127.0.0.1:6379');
    const line = logged().find((entry) => entry.msg === 'sync failed; will try again');
    expect(line).toMatchObject({ level: 50, err: { message: 'connect ECONNREFUSED 127.0.0.1:6379' } });

    // Something that is not an Error is wrapped into one, with the value as its cause.
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    const wrapped = once(events, 'sync:failed');
    calls[2]?.fail('redis went away');
    const [wrappedError] = await wrapped;
    expect(wrappedError).toBeInstanceOf(Error);
    expect(wrappedError).toMatchObject({ message: 'redis went away', cause: 'redis went away' });

    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(calls).toHaveLength(4);
    const recovered = once(events, 'sync:finished');
    calls[3]?.finish();
    expect(await recovered).toEqual([OK]);
  });

  it('stop() waits for the running sync, and no sync runs after it', async () => {
    const { sync, calls } = fakeSync();
    const scheduler = start(sync);
    void scheduler.syncNow(); // asked during the sync: dropped by the stop
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);

    calls[0]?.finish();
    await stopping;
    expect(calls).toHaveLength(1);
    await scheduler.syncNow();
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    await settle();
    expect(calls).toHaveLength(1);
  });

  it('REGRESSION: a roster with 5,000 errors logs one small line with the first 20 and the count', async () => {
    // Every error went into one log line: megabytes for a broken 10,000-agent roster.
    const issues: RosterIssue[] = Array.from({ length: 5000 }, (_, i) => ({
      severity: 'error',
      file: 'roster.yaml',
      line: 4 + i,
      column: 12,
      path: `agents[${i}].shifts[0].end`,
      message: '"25:00" is not a time; use HH:MM or HH:MM:SS',
    }));
    const { sync } = fakeSync(() => ({ ok: false, issues }));
    const finished = once(events, 'sync:finished');
    start(sync);
    await finished;

    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line.length).toBeLessThan(10_000);
    const entry = JSON.parse(line) as { errors: string[]; errorCount: number; msg: string; level: number };
    expect(entry.level).toBe(50);
    expect(entry.errorCount).toBe(5000);
    expect(entry.errors).toHaveLength(ISSUES_SHOWN);
    expect(ISSUES_SHOWN).toBeLessThanOrEqual(20);
    expect(entry.errors[0]).toBe(formatIssue(issues[0] as RosterIssue));
    expect(entry.errors[0]).toBe(
      'roster.yaml:4:12 agents[0].shifts[0].end: "25:00" is not a time; use HH:MM or HH:MM:SS',
    );
    expect(entry.msg).toBe('the roster has 5000 error(s): nothing was changed; the last good plan stays');
  });

  it('re-reads an included file within a second of it changing, and follows the roster’s list of them', async () => {
    const folder = await mkdtemp(join(dir, 'include-'));
    const roster = join(folder, 'roster.yaml');
    const week = join(folder, 'week.csv');
    const rosterText = (include: string) =>
      `version: 1\ntimezone: Asia/Kolkata\n${include}agents:\n  - { id: "1001", phone: "+919800000001" }\n`;
    await writeFile(roster, rosterText('include: [{ csv: week.csv }]\n'));
    await writeFile(week, 'agent,date,start,end\n1001,2026-12-07,09:00,17:00\n');
    // The roster engine for real, without Redis: what a sync reads and the revision it would write.
    const sync = async (): Promise<SyncSummary> => {
      const loaded = await loadRoster(roster);
      if (!loaded.roster) return { ok: false, issues: loaded.issues, files: loaded.files };
      return { ...OK, revision: rosterRevision(loaded.roster), files: loaded.files };
    };
    const changes = async (change: () => Promise<void>) => {
      const finished = once(events, 'sync:finished');
      const at = performance.now();
      await change();
      const [result] = (await finished) as [SyncSummary];
      return { result, ms: performance.now() - at };
    };

    const started = once(events, 'sync:finished');
    start(sync, roster);
    const [first] = (await started) as [SyncSummary];
    expect(first).toMatchObject({ ok: true, files: [roster, week] });

    // A changed row: a sync within a second, with another revision.
    const edited = await changes(() =>
      writeFile(week, 'agent,date,start,end\n1001,2026-12-07,09:00,18:00\n'),
    );
    expect(edited.ms).toBeLessThan(1000);
    expect(edited.result).toMatchObject({ ok: true });
    expect(edited.result.ok && first.ok && edited.result.revision !== first.revision).toBe(true);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: 'included file changed on disk', file: week }),
    );

    // A broken row: the sync gets it at its line (a real sync then applies nothing).
    const broken = await changes(() => writeFile(week, 'agent,date,start,end\n1001,2026-12-07,9am,18:00\n'));
    expect(broken.ms).toBeLessThan(1000);
    expect(broken.result.ok ? [] : broken.result.issues.map(formatIssue)).toEqual([
      `${week}:2: the start (column "start"): "9am" is not a time; use HH:MM or HH:MM:SS`,
    ]);

    // The include taken out of the roster: the file is no longer watched.
    const dropped = await changes(() => writeFile(roster, rosterText('')));
    expect(dropped.result).toMatchObject({ ok: true, files: [roster] });
    const syncs = logged().filter((entry) => entry.msg === 'sync').length;
    await writeFile(week, 'agent,date,start,end\n');
    await sleepReal(1200);
    expect(logged().filter((entry) => entry.msg === 'sync').length).toBe(syncs);
  });
});
