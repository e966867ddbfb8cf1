import { planJobs } from '../plan/jobs.js';
import { pickJobs, readJobs, readStatus } from '../queue/admin.js';
import { type ActionQueue, JOB_STATES } from '../queue/queue.js';
import type { AdminEntry, Store } from '../store/store.js';
import { ZoneClock } from '../time/zone-clock.js';
import {
  actionRow,
  failureRow,
  inZone,
  isoWriter,
  jobRow,
  nextRow,
  planWindowRow,
  sessionRow,
} from './show.js';

/**
 * The JSON documents of the admin views — `rota status|jobs|history --json` and the console's
 * `/api/status`, `/api/jobs`, `/api/history`, `/api/plan` — built in one place, so a script gets the same
 * shape from either. Times are shown in the roster zone as last synced, with epoch ms beside them.
 */

export async function statusDocument(queue: ActionQueue, store: Store, now: number) {
  const status = await readStatus(queue, store, now);
  // The status carries the plan's meta: its zone is `store.rosterZone()`'s, without reading the meta again.
  const clock = new ZoneClock(status.plan?.zone ?? 'UTC');
  const at = (ms: number) => inZone(clock, ms);
  const { paused, plan, rosterError } = status;
  return {
    zone: clock.name,
    nowMs: now,
    counts: status.counts,
    paused: paused
      ? { reason: paused.reason, ...(paused.at ? { since: at(paused.at), sinceMs: paused.at } : {}) }
      : null,
    plan: plan ? { revision: plan.revision, syncedAt: at(plan.syncedAt), syncedAtMs: plan.syncedAt } : null,
    rosterError: rosterError
      ? { count: rosterError.count, first: rosterError.first, at: at(rosterError.at), atMs: rosterError.at }
      : null,
    loggedIn: status.loggedIn,
    next: status.next.map((job) => nextRow(job, clock, now)),
    failures: status.failures.map((job) => failureRow(job, clock, now)),
  };
}

export interface JobsQuery {
  /** One of `JOB_STATES`; all of them when absent. */
  state?: (typeof JOB_STATES)[number];
  agentId?: string;
}

export async function jobsDocument(queue: ActionQueue, store: Store, query: JobsQuery = {}) {
  const clock = new ZoneClock(await store.rosterZone());
  const jobs = await readJobs(queue, query.state === undefined ? JOB_STATES : [query.state]);
  const picked = pickJobs(jobs, query.agentId === undefined ? {} : { agentId: query.agentId });
  return { zone: clock.name, jobs: picked.map((job) => jobRow(job, clock)) };
}

export async function historyDocument(store: Store, query: { since: number; agentId?: string }) {
  const clock = new ZoneClock(await store.rosterZone());
  const [entries, admin] = await Promise.all([store.history(query), store.adminHistory(query.since)]);
  const concerns = (entry: AdminEntry) => query.agentId === undefined || entry.agentId === query.agentId;
  return {
    zone: clock.name,
    since: inZone(clock, query.since),
    sinceMs: query.since,
    attempts: entries.map((entry) => ({ ...entry, time: inZone(clock, entry.startedAt) })),
    /** What people did (requeue, cancel, login, logout, pause, resume), from the command line or the console. */
    admin: admin.filter(concerns).map((entry) => ({ ...entry, time: inZone(clock, entry.at) })),
  };
}

/**
 * The stored plan (what the scheduler last synced) over `[from, to)`: its sessions, and the actions a
 * sync at `now` derives from them — the same rows as `rota plan --json`.
 */
export async function storedPlanDocument(store: Store, query: { from: number; to: number; now: number }) {
  const [meta, sessions] = await Promise.all([store.planMeta(), store.sessions()]);
  const zone = meta?.zone ?? 'UTC';
  const iso = isoWriter();
  const inWindow = sessions.filter((s) => s.end > query.from && s.start < query.to);
  const jobs = planJobs(inWindow, { now: query.now, from: query.from, to: query.to }, meta?.revision ?? '');
  const zoneOf = new Map(inWindow.map((s) => [s.agentId as string, s.zone]));
  return {
    revision: meta?.revision ?? null,
    window: planWindowRow(iso, zone, query),
    sessions: inWindow.map((session) => sessionRow(iso, session)),
    actions: jobs.map((job) => actionRow(iso, job, zoneOf.get(job.data.agentId) ?? zone)),
  };
}
