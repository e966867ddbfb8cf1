import { EventEmitter } from 'node:events';
import type { ActionResult } from '../jobs/agent-action.js';
import type { ActionJobData } from './plan/jobs.js';
import type { SyncSummary } from './queue/sync.js';
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
  'sync:finished': [SyncSummary];
  /** A scheduler sync could not run (Redis trouble): the last good state stays. */
  'sync:failed': [Error];
  /** A worker recorded one attempt at a login or logout (the history entry). */
  'attempt:recorded': [HistoryEntry];
  /** CloudAgent refused the account itself (a wrong API key): rota paused every call, for this reason. */
  'account:refused': [string];
  /**
   * A job failed for good (rejected, deadline passed, phone held past the conflict window): its ID, data
   * and the reason (secrets already redacted). It waits for a person (`rota requeue`).
   */
  'action:failed': [string, ActionJobData, string];
  /** A job completed (done, already, skipped): its ID, data and result. */
  'action:completed': [string, ActionJobData, ActionResult];
}

export class RotaEvents extends EventEmitter<RotaEventMap> {}
