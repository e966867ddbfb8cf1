import { Worker } from 'node:worker_threads';
import type { Config } from './config/env.js';
import type { Logger } from './log.js';
import type { SyncSummary } from './queue/sync.js';

/**
 * The scheduler's syncs, run in a worker thread whose heap is capped (ROTA_SYNC_HEAP_MB). A sync of a
 * big roster keeps little at once (about 100 MB at the height of a 10,000-agent first sync) but
 * allocates a lot, and V8 grows a heap it may grow to several times that: 390–605 MB resident syncing in
 * the scheduler's own thread against 290–340 MB with the sync in a thread capped at 256 MB (bench:sync).
 *
 * The thread lives as long as the scheduler, with its own Redis connections, and runs one sync at a
 * time (the scheduler never overlaps them). A sync that runs out of the cap ends its thread; it is run
 * again at once in a new thread with twice the heap, which is kept for the syncs after it. A sync cut
 * short changes nothing the next one does not finish: each compares the whole plan with the queue.
 */

/** What the thread is started with. */
export interface SyncThreadData {
  config: Config;
  cwd: string;
  /** The roster file, absolute. */
  file: string;
}

export type SyncThreadRequest = 'sync' | 'close';

export type SyncThreadReply =
  | { result: SyncSummary }
  | { error: { name: string; message: string; stack?: string } };

export interface SyncThreadOptions extends SyncThreadData {
  /** The thread's old-generation heap cap, in MB. */
  heapMb: number;
  log: Logger;
  /** The thread's code: `sync-thread-body.js`, built beside this file, unless a test gives a stand-in. */
  body?: URL;
}

export interface SyncThread {
  sync(): Promise<SyncSummary>;
  /** Ends the thread after the sync it runs, closing its Redis connections. */
  close(): Promise<void>;
}

/** The thread's code, built beside this file. */
const BODY = new URL('./sync-thread-body.js', import.meta.url);
/** How often one sync may double the heap after running out of it: 256 MB becomes at most 2 GB. */
const MAX_DOUBLINGS = 3;
/** How long a closing thread has to close its connections before it is stopped. */
const CLOSE_MS = 10_000;

const outOfMemory = (error: unknown) =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';

export function startSyncThread(options: SyncThreadOptions): SyncThread {
  const { log, heapMb: _heapMb, body = BODY, ...data } = options;
  let heapMb = options.heapMb;
  let current: Thread | undefined;
  let closed = false;

  return {
    async sync() {
      for (let doublings = 0; ; doublings++) {
        if (closed) throw new Error('the sync thread is closed');
        current ??= spawn(body, data, heapMb);
        const thread = current;
        try {
          return await thread.sync();
        } catch (error) {
          if (thread.ended) current = undefined;
          if (!outOfMemory(error) || doublings === MAX_DOUBLINGS) throw error;
          log.warn(
            { heapMb: heapMb * 2 },
            `the sync ran out of its ${heapMb} MB heap; running it again with ${heapMb * 2} MB ` +
              '(set ROTA_SYNC_HEAP_MB to start there)',
          );
          heapMb *= 2;
        }
      }
    },
    async close() {
      closed = true;
      await current?.close();
      current = undefined;
    },
  };
}

interface Thread {
  /** Why the thread ended, once it has. */
  readonly ended: Error | undefined;
  sync(): Promise<SyncSummary>;
  close(): Promise<void>;
}

function spawn(body: URL, data: SyncThreadData, heapMb: number): Thread {
  const worker = new Worker(body, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
  let pending: { resolve(result: SyncSummary): void; reject(error: Error): void } | undefined;
  let ended: Error | undefined;
  const settle = (how: (waiting: NonNullable<typeof pending>) => void) => {
    const waiting = pending;
    pending = undefined;
    if (waiting) how(waiting);
  };
  worker.on('error', (error) => {
    ended = error;
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      ended ??= new Error(`the sync thread stopped (exit code ${code})`);
      settle((waiting) => waiting.reject(ended as Error));
      resolve();
    });
  });
  worker.on('message', (reply: SyncThreadReply) => {
    if ('result' in reply) return settle((waiting) => waiting.resolve(reply.result));
    const error = Object.assign(new Error(reply.error.message), { name: reply.error.name });
    if (reply.error.stack) error.stack = reply.error.stack;
    settle((waiting) => waiting.reject(error));
  });
  return {
    get ended() {
      return ended;
    },
    sync() {
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage('sync' satisfies SyncThreadRequest);
      });
    },
    async close() {
      if (!ended) worker.postMessage('close' satisfies SyncThreadRequest);
      const timer = setTimeout(() => void worker.terminate(), CLOSE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
