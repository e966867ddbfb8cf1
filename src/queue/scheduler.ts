import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../log.js';
import { summarizeIssues } from '../roster/format.js';
import type { SyncResult } from './sync.js';

/**
 * `rota scheduler`: sync at start, every interval, and within about a second of the roster file changing
 * on disk (stat polling, so editors that replace the file work too). Syncs never overlap; changes during
 * a sync trigger exactly one more. One bad tick is logged and the last good plan stays.
 */

export interface SchedulerOptions {
  file: string;
  intervalMs: number;
  log: Logger;
  /** Told of each sync's end (the runtime turns these into `sync:finished` / `sync:failed` events). */
  report?: SyncReport;
  sync(): Promise<SyncResult>;
}

export interface SyncReport {
  finished(result: SyncResult): void;
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
      if (result.ok) {
        const { ok: _ok, warnings, additions: _additions, ...counts } = result;
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

  const onChange = (
    current: { mtimeMs: number; ino: number },
    previous: { mtimeMs: number; ino: number },
  ) => {
    if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) {
      log.info({ file: options.file }, 'roster changed on disk');
      void syncNow();
    }
  };
  watchFile(options.file, { interval: WATCH_POLL_MS }, onChange);
  const timer = setInterval(() => void syncNow(), options.intervalMs);
  void syncNow();

  return {
    syncNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      unwatchFile(options.file, onChange);
      await running;
    },
  };
}
