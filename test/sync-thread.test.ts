import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { createLogger } from '../src/log.js';
import { type SyncThread, startSyncThread } from '../src/sync-thread.js';

/**
 * `startSyncThread` with a stand-in for the thread's code (`helpers/sync-thread-stand-in.js`): one thread
 * for many syncs, the heap doubled when a sync runs out of it, errors and a thread's end carried back,
 * and closing. The real thread's code runs in `rota scheduler` (scheduler.integration.test.ts).
 */

const STAND_IN = new URL('./helpers/sync-thread-stand-in.js', import.meta.url);
let dir: string;
const threads: SyncThread[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-sync-thread-'));
});
afterAll(async () => {
  for (const thread of threads) await thread.close();
  await rm(dir, { recursive: true, force: true });
});

function start(file: string, heapMb = 64) {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  const thread = startSyncThread({ config: loadConfig({}), cwd: dir, file, heapMb, log, body: STAND_IN });
  threads.push(thread);
  const warned = () =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 40);
  return { thread, warned };
}

describe('the sync thread', () => {
  it('runs every sync in one thread, and refuses syncs once closed', async () => {
    const { thread } = start('ok');
    expect(await thread.sync()).toMatchObject({ ok: true, revision: 'heap 64', sessions: 1 });
    expect(await thread.sync()).toMatchObject({ sessions: 2 });
    await thread.close();
    await expect(thread.sync()).rejects.toThrow('the sync thread is closed');
  });

  it('runs a sync that runs out of its heap again at once with twice the heap, and keeps that heap', async () => {
    const { thread, warned } = start('oom-under-256');
    expect(await thread.sync()).toMatchObject({ ok: true, revision: 'heap 256', sessions: 1 });
    expect(warned()).toEqual([
      expect.objectContaining({
        heapMb: 128,
        msg: 'the sync ran out of its 64 MB heap; running it again with 128 MB (set ROTA_SYNC_HEAP_MB to start there)',
      }),
      expect.objectContaining({ heapMb: 256, msg: expect.stringContaining('ran out of its 128 MB heap') }),
    ]);
    expect(await thread.sync()).toMatchObject({ revision: 'heap 256', sessions: 2 });
    expect(warned()).toHaveLength(2);
  }, 60_000);

  it('gives a sync up after doubling its heap three times', async () => {
    const { thread, warned } = start('oom-under-100000');
    await expect(thread.sync()).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(warned().map((line) => line.heapMb)).toEqual([128, 256, 512]);
  }, 60_000);

  it("carries the thread's error back, with its name and stack", async () => {
    const { thread } = start('throws');
    const error = await thread.sync().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RangeError', message: 'the roster broke' });
    expect(error?.stack).toContain('sync-thread-stand-in.js');
  });

  it('fails the sync of a thread that ends, and starts a new thread for the next', async () => {
    const { thread } = start('ok');
    expect(await thread.sync()).toMatchObject({ sessions: 1 });
    await writeFile(join(dir, 'exit-next'), '');
    await expect(thread.sync()).rejects.toThrow('the sync thread stopped (exit code 3)');
    expect(await thread.sync()).toMatchObject({ sessions: 1 });
  });
});
