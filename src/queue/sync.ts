import { createHash } from 'node:crypto';
import { CATCH_UP_LOGOUT_MS, planJobs } from '../plan/jobs.js';
import { expandRoster } from '../roster/expand.js';
import { formatIssue } from '../roster/format.js';
import { loadRoster } from '../roster/load.js';
import type { Roster, RosterIssue } from '../roster/types.js';
import { type ActionQueue, applyDiff, queueStates } from './queue.js';
import { reconcile } from './reconcile.js';
import type { Store } from './store.js';

/**
 * One reconcile: read the roster, plan `[now - 12 h, now + horizon]`, compare with the queue, apply.
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

export type SyncResult =
  | {
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
  | { ok: false; issues: RosterIssue[] };

/** A short fingerprint of the roster's content: jobs record which plan made them. */
export function rosterRevision(roster: Roster): string {
  return createHash('sha256').update(JSON.stringify(roster)).digest('hex').slice(0, 12);
}

export async function syncOnce(options: SyncOptions): Promise<SyncResult> {
  const { queue, store, file, now, horizonMs } = options;
  const loaded = await loadRoster(file);
  const expanded = loaded.roster
    ? expandRoster(loaded.roster, { from: now - CATCH_UP_LOGOUT_MS, to: now + horizonMs })
    : undefined;
  const issues = [...loaded.issues, ...(expanded?.issues ?? [])];
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (!loaded.roster || !expanded || errors.length > 0) {
    if (!options.dryRun) {
      await store.notePlanError(
        `${errors.length} error(s): ${errors.map(formatIssue).slice(0, 3).join('; ')}`,
        now,
      );
    }
    return { ok: false, issues: errors };
  }
  const revision = rosterRevision(loaded.roster);
  const desired = planJobs(expanded.sessions, now, horizonMs, revision);
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
      from: now - CATCH_UP_LOGOUT_MS,
      to: now + horizonMs,
    });
    removed = (await applyDiff(queue, diff, now)).removed;
    await store.dropCancelMarks(diff.expiredCancelMarks);
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
  };
}
