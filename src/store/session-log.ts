import type { RedisClient } from '../redis/connection.js';
import type { Session } from '../roster/types.js';
import { DAY_MS } from '../time/zone-clock.js';
import { DEFAULT_HISTORY_DAYS, type Store } from './store.js';

/**
 * The sessions as they were planned when they were worked, for `rota report`: the stored plan
 * (`<prefix>:plan`) is replaced at each sync, this log is not.
 *
 * `<prefix>:sessions` is a sorted set scored by session start; each member is one session as JSON
 * (agent, team, phone, zone, start, end, and the roster revision that planned it). At each sync:
 * - sessions that have started by the sync's `now` are never rewritten: a session removed or changed
 *   after it started stays as it was; one that started but was not logged yet (the first sync, a
 *   session added while it runs) is added, unless it overlaps one of the agent's logged sessions;
 * - sessions that have not started are replaced by the new plan's (one removed before it started was
 *   never worked);
 * - sessions that started more than `historyDays` ago are trimmed, like the attempts.
 */

/** A session as the roster revision that planned it had it. */
export interface LoggedSession extends Session {
  revision: string;
}

/** Logged sessions this far before the new plan's earliest started one are compared with it. */
const OVERLAP_REACH_MS = 2 * DAY_MS;
/** Sessions per ZADD or ZREM, at most. */
const CHUNK = 1000;

/**
 * The same session as JSON, its keys always in the same order (two schedulers write the same member).
 * Written as two literal shapes, not a spread: a sync makes one for each of tens of thousands of sessions.
 */
function member(session: Session, revision: string): string {
  const { agentId, team, phone, zone, start, end } = session;
  return JSON.stringify(
    team === undefined
      ? { agentId, phone, zone, start, end, revision }
      : { agentId, team, phone, zone, start, end, revision },
  );
}

/**
 * Of the new plan's sessions that have started by `now`, those to add to the log: the ones that overlap
 * no logged session of their agent (a logged one is never rewritten).
 */
export function startedToLog(logged: readonly Session[], started: readonly Session[]): Session[] {
  const byAgent = new Map<string, Session[]>();
  for (const session of logged) {
    const list = byAgent.get(session.agentId);
    if (list) list.push(session);
    else byAgent.set(session.agentId, [session]);
  }
  return started.filter(
    (session) =>
      !(byAgent.get(session.agentId) ?? []).some(
        (other) => other.start === session.start || (other.start < session.end && session.start < other.end),
      ),
  );
}

export class SessionLog {
  readonly key: string;
  readonly #keepMs: number;

  constructor(
    readonly redis: RedisClient,
    prefix: string,
    options: { historyDays?: number } = {},
  ) {
    this.key = `${prefix}:sessions`;
    this.#keepMs = (options.historyDays ?? DEFAULT_HISTORY_DAYS) * DAY_MS;
  }

  /** The session log beside a store: same Redis, prefix and retention. */
  static of(store: Store): SessionLog {
    return new SessionLog(store.redis, store.prefix, { historyDays: store.historyDays });
  }

  /**
   * Logs the sessions of a sync at `now` planned by `revision` (see above). Only the difference is
   * written, in commands of at most 1,000 sessions and not as one transaction: a sync of thousands of
   * agents never holds Redis up for the workers. A sync cut short is completed by the next one.
   */
  async record(sessions: readonly Session[], revision: string, now: number): Promise<void> {
    const started = sessions.filter((session) => session.start <= now);
    const earliest = started.reduce((min, session) => Math.min(min, session.start), now);
    const [logged, planned] = await Promise.all([
      started.length === 0 ? [] : this.between(earliest - OVERLAP_REACH_MS, now + 1),
      this.redis.zrangebyscore(this.key, `(${now}`, '+inf'),
    ]);
    const future = new Map<string, number>();
    for (const session of sessions) {
      if (session.start > now) future.set(member(session, revision), session.start);
    }
    const stale = planned.filter((json) => !future.has(json));
    for (const json of planned) future.delete(json);
    const toAdd: [number, string][] = [
      ...startedToLog(logged, started).map(
        (session) => [session.start, member(session, revision)] as [number, string],
      ),
      ...[...future].map(([json, start]) => [start, json] as [number, string]),
    ];
    const batch = this.redis.pipeline();
    for (let i = 0; i < stale.length; i += CHUNK) batch.zrem(this.key, ...stale.slice(i, i + CHUNK));
    for (let i = 0; i < toAdd.length; i += CHUNK) batch.zadd(this.key, ...toAdd.slice(i, i + CHUNK).flat());
    batch.zremrangebyscore(this.key, '-inf', `(${now - this.#keepMs}`);
    const failed = (await batch.exec())?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  /** The logged sessions that start in `[from, to)`, by start then agent. */
  async between(from: number, to: number): Promise<LoggedSession[]> {
    const raw = await this.redis.zrangebyscore(this.key, from, `(${to}`);
    return raw
      .map((json) => JSON.parse(json) as LoggedSession)
      .sort((a, b) => a.start - b.start || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }
}
