import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '../log.js';
import { summarizeIssues } from '../roster/format.js';
import type { SyncSummary } from './sync.js';

/**
 * `rota scheduler`: sync at start, every interval, and within about a second of the roster file or a
 * file it includes changing on disk (stat polling, so editors that replace the file work too, and a
 * missing file is noticed when it appears). Which files are watched is taken again from each sync, so an
 * include added to or taken out of the roster is followed. Syncs never overlap; changes during a sync
 * trigger exactly one more. One bad tick is logged and the last good plan stays.
 */

export interface SchedulerOptions {
  file: string;
  intervalMs: number;
  log: Logger;
  /** Told of each sync's end (the runtime turns these into `sync:finished` / `sync:failed` events). */
  report?: SyncReport;
  sync(): Promise<SyncSummary>;
}

export interface SyncReport {
  finished(result: SyncSummary): void;
  failed(error: Error): void;
}

export interface RunningScheduler {
  /** Resolves when the sync it asked for (or the one running) has finished. */
  syncNow(): Promise<void>;
  stop(): Promise<void>;
}

const WATCH_POLL_MS = 500;

export function startScheduler(options: SchedulerOptions): RunningScheduler {
  const { log, report } = options;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function tick(): Promise<void> {
    try {
      const result = await options.sync();
      if (result.files && !stopped) watchFiles(result.files);
      if (result.ok) {
        const { ok: _ok, warnings, files: _files, ...counts } = result;
        log.info({ ...counts, warnings: warnings.length }, 'sync');
      } else {
        // A broken 10,000-agent roster has thousands of errors: log a bounded summary, not all of them.
        const { count, first } = summarizeIssues(result.issues);
        log.error(
          { errorCount: count, errors: first },
          `the roster has ${count} error(s): nothing was changed; the last good plan stays`,
        );
      }
      report?.finished(result);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error), { cause: error });
      log.error({ err: cause }, 'sync failed; will try again');
      report?.failed(cause);
    }
  }

  function syncNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await tick();
      } while (again && !stopped);
      running = undefined;
    })();
    return running;
  }

  /** The watched files by absolute path, each with its listener. */
  const watched = new Map<string, (current: Stats, previous: Stats) => void>();
  const roster = resolve(options.file);

  /** Watch the roster and `files`, and no other file any longer. */
  function watchFiles(files: readonly string[]): void {
    const wanted = new Map([...files, options.file].map((file) => [resolve(file), file]));
    for (const [path, listener] of watched) {
      if (wanted.has(path)) continue;
      unwatchFile(path, listener);
      watched.delete(path);
    }
    for (const [path, file] of wanted) {
      if (watched.has(path)) continue;
      const listener = (current: Stats, previous: Stats) => {
        if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) {
          log.info({ file }, path === roster ? 'roster changed on disk' : 'included file changed on disk');
          void syncNow();
        }
      };
      watchFile(path, { interval: WATCH_POLL_MS }, listener);
      watched.set(path, listener);
    }
  }

  watchFiles([]);
  const timer = setInterval(() => void syncNow(), options.intervalMs);
  void syncNow();

  return {
    syncNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const [path, listener] of watched) unwatchFile(path, listener);
      watched.clear();
      await running;
    },
  };
}
