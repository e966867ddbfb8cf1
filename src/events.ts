import { EventEmitter } from 'node:events';
import type { SyncResult } from './queue/sync.js';
import type { HistoryEntry } from './store/store.js';

/**
 * What a running rota process reports as it goes, typed (graphile-worker's `WorkerEventMap` is the
 * model): logs and metrics listen, and tests await an exact event instead of scraping log lines.
 */
export interface RotaEventMap {
  /** The long-running verb has started every part it was asked for. */
  started: [{ worker: boolean; scheduler: boolean; httpPort: number | null }];
  /** It has stopped every part (calls in flight finished). */
  stopped: [];
  /** A scheduler sync finished: applied, or refused for roster errors. */
  'sync:finished': [SyncResult];
  /** A scheduler sync could not run (Redis trouble): the last good state stays. */
  'sync:failed': [Error];
  /** A worker recorded one attempt at a login or logout (the history entry). */
  'attempt:recorded': [HistoryEntry];
}

export class RotaEvents extends EventEmitter<RotaEventMap> {}
