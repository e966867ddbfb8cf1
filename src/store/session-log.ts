import type { RedisClient } from '../redis/connection.js';
import { compareIds } from '../roster/sessions.js';
import type { Session } from '../roster/types.js';
import { DAY_MS } from '../time/zone-clock.js';
import { DEFAULT_HISTORY_DAYS, type Store } from './store.js';

/**
 * The sessions as they were planned when they were worked, for `rota report`: the stored plan
 * (`<prefix>:plan`) is replaced at each sync, this log is not.
 *
 * `<prefix>:sessions` is a sorted set scored by session start; each member is one session as JSON
 * (agent, team, phone, zone, start, end, and the roster revision since which it has stood as it is). At
 * each sync:
 * - sessions that have started by the sync's `now` are never rewritten: a session removed or changed
 *   after it started stays as it was; one that started but was not logged yet (the first sync, a
 *   session added while it runs) is added, unless it overlaps one of the agent's logged sessions;
 * - sessions that have not started are replaced by the new plan's (one removed before it started was
 *   never worked), except that one the new plan has as it is keeps its member, and so its revision: a
 *   re-sync after an edit writes only the sessions the edit changed;
 * - sessions that started more than `historyDays` ago are trimmed, like the attempts.
 */

/**
 * A session as it was logged, with the roster revision since which it has stood so: the revision of the
 * sync that first logged it as it is. A later roster that planned it the same left it, revision and all.
 */
export interface LoggedSession extends Session {
  revision: string;
}

/** Logged sessions this far before the new plan's earliest started one are compared with it. */
const OVERLAP_REACH_MS = 2 * DAY_MS;
/** Sessions per ZADD or ZREM, at most. */
const CHUNK = 1000;

/** A member's last key: what precedes it is the session's content. */
const REVISION_KEY = ',"revision":';

/**
 * Makes sessions' members without their revision: a session's JSON, keys always in the same order (two
 * schedulers write the same member), without the closing brace. The member is this, then `,"revision":`,
 * the revision as JSON and `}` (see `member`). A sync makes one for each of tens of thousands of
 * sessions, a handful per agent: each agent's fields are written once, for all its sessions.
 */
function contents(): (session: Session) => string {
  const heads = new Map<string, { team: string | undefined; phone: string; zone: string; json: string }>();
  return (session) => {
    const { agentId, team, phone, zone } = session;
    let head = heads.get(agentId);
    if (head === undefined || head.team !== team || head.phone !== phone || head.zone !== zone) {
      const json = JSON.stringify(
        team === undefined ? { agentId, phone, zone } : { agentId, team, phone, zone },
      );
      head = { team, phone, zone, json: json.slice(0, -1) };
      heads.set(agentId, head);
    }
    // Finite numbers: written as JSON.stringify writes them.
    return `${head.json},"start":${session.start},"end":${session.end}`;
  };
}

/** The member of a session whose `content` this is, logged under `revision`. */
function member(content: string, revision: string): string {
  return `${content}${REVISION_KEY}${JSON.stringify(revision)}}`;
}

/**
 * The content of a logged member, without parsing it: everything before `,"revision":`, which is its
 * last key. In JSON a quote inside a string is escaped (`\"`), so `,"` is found only between keys: the
 * first `,"revision":` is the key. Undefined for a member of another shape (none is written).
 */
function loggedContent(json: string): string | undefined {
  const at = json.indexOf(REVISION_KEY);
  return at < 0 ? undefined : json.slice(0, at);
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
    // The new plan's sessions not started, by content. A logged one with the content of one of them
    // stays as it is (of two logged with one content, by two schedulers on two revisions, the second is
    // stale); the others are stale, and the plan's sessions not logged so are added.
    const content = contents();
    const future = new Map<string, number>();
    for (const session of sessions) {
      if (session.start > now) future.set(content(session), session.start);
    }
    const stale: string[] = [];
    for (const json of planned) {
      const kept = loggedContent(json);
      if (kept === undefined || !future.delete(kept)) stale.push(json);
    }
    const toAdd: (number | string)[] = [];
    for (const session of startedToLog(logged, started)) {
      toAdd.push(session.start, member(content(session), revision));
    }
    for (const [text, start] of future) toAdd.push(start, member(text, revision));
    const batch = this.redis.pipeline();
    for (let i = 0; i < stale.length; i += CHUNK) batch.zrem(this.key, ...stale.slice(i, i + CHUNK));
    for (let i = 0; i < toAdd.length; i += 2 * CHUNK) batch.zadd(this.key, ...toAdd.slice(i, i + 2 * CHUNK));
    batch.zremrangebyscore(this.key, '-inf', `(${now - this.#keepMs}`);
    const failed = (await batch.exec())?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  /** The logged sessions that start in `[from, to)`, by start then agent. */
  async between(from: number, to: number): Promise<LoggedSession[]> {
    const raw = await this.redis.zrangebyscore(this.key, from, `(${to}`);
    return raw
      .map((json) => JSON.parse(json) as LoggedSession)
      .sort((a, b) => a.start - b.start || compareIds(a.agentId, b.agentId));
  }
}
