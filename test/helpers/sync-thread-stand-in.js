// The sync thread's stand-in for the tests of `startSyncThread` (test/sync-thread.test.ts), in plain JS:
// a worker thread cannot load the TS sources. Its roster "file" says what it does at each sync:
//   `ok`            answers, with its heap cap as the revision and its count of syncs as `sessions`;
//   `oom-under-MB`  runs out of memory while its heap cap is under MB, else answers as `ok`;
//   `throws`        answers with an error.
// A file `exit-next` in its cwd makes the next sync end the thread instead (exit code 3).
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, resourceLimits, workerData } from 'node:worker_threads';

const { file, cwd } = workerData;
const heapMb = resourceLimits.maxOldGenerationSizeMb;
let syncs = 0;

parentPort.on('message', (request) => {
  if (request === 'close') return parentPort.close();
  const exitNext = join(cwd, 'exit-next');
  if (existsSync(exitNext)) {
    unlinkSync(exitNext);
    process.exit(3);
  }
  if (file === 'throws') {
    const error = new RangeError('the roster broke');
    return parentPort.postMessage({
      error: { name: error.name, message: error.message, stack: error.stack },
    });
  }
  const under = /^oom-under-(\d+)$/.exec(file);
  if (under && heapMb < Number(under[1])) {
    const hog = [];
    for (;;) hog.push(new Array(100_000).fill(hog.length));
  }
  syncs += 1;
  const counts = { added: 0, removed: 0, unchanged: 0, caughtUp: 0, released: 0, cancelled: 0 };
  parentPort.postMessage({
    result: { ok: true, revision: `heap ${heapMb}`, sessions: syncs, ...counts, warnings: [] },
  });
});
