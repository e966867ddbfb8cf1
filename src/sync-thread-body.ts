import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from './log.js';
import { summarize } from './queue/sync.js';
import { openRuntime, type Runtime, syncRoster } from './runtime.js';
import type { SyncThreadData, SyncThreadReply, SyncThreadRequest } from './sync-thread.js';

/**
 * The sync thread's code (`startSyncThread` starts it): its own runtime, opened at the first sync and
 * kept, and one sync for each request, answered with the sync's summary or its error. It logs nothing:
 * the scheduler logs each sync's end, and its own connection's problems, as before.
 */

const port = parentPort;
if (!port) throw new Error('sync-thread-body.js runs as the sync thread; start it with startSyncThread');
const { config, cwd, file } = workerData as SyncThreadData;
const shutdown = new AbortController();
let opening: Promise<Runtime> | undefined;

/** The thread's runtime; opened again by the next sync when opening failed. */
function runtime(): Promise<Runtime> {
  opening ??= openRuntime({}, cwd, { config, log: createLogger('silent'), shutdown: shutdown.signal }).catch(
    (error: unknown) => {
      opening = undefined;
      throw error;
    },
  );
  return opening;
}

port.on('message', async (request: SyncThreadRequest) => {
  if (request === 'close') {
    shutdown.abort();
    const open = await opening?.catch(() => undefined);
    await open?.close();
    port.close();
    return;
  }
  let reply: SyncThreadReply;
  try {
    reply = { result: summarize(await syncRoster(await runtime(), { now: Date.now(), file })) };
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    reply = { error: { name, message, ...(stack ? { stack } : {}) } };
  }
  port.postMessage(reply);
});
