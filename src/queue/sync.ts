import { byRunOrder, type DesiredJob, planJobs, syncWindow } from '../plan/jobs.js';
import { waitForReplica } from '../redis/replication.js';
import { expandRoster } from '../roster/expand.js';
import { summarizeIssues } from '../roster/format.js';
import { loadRoster } from '../roster/load.js';
import { rosterRevision } from '../roster/revision.js';
import type { RosterIssue } from '../roster/types.js';
import { SessionLog } from '../store/session-log.js';
import type { Store } from '../store/store.js';
import { type ActionQueue, applyDiff, queueStates } from './queue.js';
import { reconcile } from './reconcile.js';

/**
 * One reconcile: read the roster (and the files it includes), plan `[now - 12 h, now + horizon]`, compare
 * with the queue, apply.
 * A roster with any error changes nothing in the queue or the stored plan.
 */

export interface SyncOptions {
  queue: ActionQueue;
  store: Store;
  file: string;
  now: number;
  horizonMs: number;
  dryRun?: boolean;
}

/** What a valid roster's sync did, counted. */
export interface SyncCounts {
  ok: true;
  revision: string;
  sessions: number;
  added: number;
  removed: number;
  unchanged: number;
  caughtUp: number;
  released: number;
  cancelled: number;
  warnings: RosterIssue[];
}

interface InvalidRoster {
  ok: false;
  issues: RosterIssue[];
}

interface WatchedFiles {
  /** The roster file and the files it includes, as this sync read them: what the scheduler watches. */
  files?: string[];
}

export type SyncResult = (
  | (SyncCounts & {
      /** The jobs added (or, in a dry run, that would be), in the order they run. */
      additions: DesiredJob[];
    })
  | InvalidRoster
) &
  WatchedFiles;

/**
 * What a sync tells the rest of a service (logs, metrics, alerts): its result without the jobs it
 * added, which for a first sync of a big roster are most of its memory.
 */
export type SyncSummary = (SyncCounts | InvalidRoster) & WatchedFiles;

/** `result` without its additions. */
export function summarize(result: SyncResult): SyncSummary {
  if (!result.ok) return result;
  const { additions: _additions, ...summary } = result;
  return summary;
}

export async function syncOnce(options: SyncOptions): Promise<SyncResult> {
  const { queue, store, file, now, horizonMs } = options;
  const loaded = await loadRoster(file);
  const window = syncWindow(now, horizonMs);
  const expanded = loaded.roster ? expandRoster(loaded.roster, window) : undefined;
  const issues = [...loaded.issues, ...(expanded?.issues ?? [])];
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (!loaded.roster || !expanded || errors.length > 0) {
    if (!options.dryRun) {
      await store.noteRosterError({ ...summarizeIssues(errors), at: now });
    }
    return { ok: false, issues: errors, files: loaded.files };
  }
  const revision = rosterRevision(loaded.roster);
  const desired = planJobs(expanded.sessions, window, revision);
  const [existing, agents, cancelled] = await Promise.all([
    queueStates(queue),
    store.agentStates(),
    store.cancelMarks(),
  ]);
  const diff = reconcile({
    desired,
    existing,
    agents,
    sessions: expanded.sessions,
    cancelled,
    now,
    revision,
  });
  let removed = diff.remove.length;
  if (!options.dryRun) {
    await store.writePlan(expanded.sessions, {
      revision,
      file,
      zone: loaded.roster.timezone,
      syncedAt: now,
      from: window.from,
      to: window.to,
    });
    await SessionLog.of(store).record(expanded.sessions, revision, now);
    removed = (await applyDiff(queue, diff, now)).removed;
    await store.dropCancelMarks(diff.expiredCancelMarks);
    // A failover right after this sync must not lose what it wrote: wait for a replica to have it.
    await waitForReplica(store.redis);
  }
  return {
    ok: true,
    revision,
    sessions: expanded.sessions.length,
    added: diff.add.length,
    removed,
    unchanged: diff.unchanged,
    caughtUp: diff.caughtUp,
    released: diff.released,
    cancelled: diff.cancelled,
    warnings: issues.filter((issue) => issue.severity === 'warning'),
    additions: [...diff.add].sort(byRunOrder),
    files: loaded.files,
  };
}
