import type { Action, Outcome } from '../cloudagent/types.js';
import type { ActionSource, JobKind } from '../plan/jobs.js';
import type { RedisClient } from '../redis/connection.js';
import type { IssueSummary } from '../roster/format.js';
import { compareIds } from '../roster/sessions.js';
import type { Session } from '../roster/types.js';
import { DAY_MS } from '../time/zone-clock.js';

/**
 * rota's own Redis keys beside BullMQ's, all under the prefix:
 * - `<prefix>:plan` (hash agent → sessions) and `<prefix>:plan:meta` (`meta`, and `error`: the last roster
 *   error since): the last good plan, so workers on any machine decide against the current roster
 *   without reading it;
 * - `<prefix>:agents` (hash agent → AgentLoginState): what rota last achieved for each agent;
 * - `<prefix>:history` (stream): every attempt, for `rota history`;
 * - `<prefix>:cancelled` (hash job ID → session key): roster actions a person cancelled;
 * - `<prefix>:paused` (hash): why and when a person paused the API calls;
 * - `<prefix>:audit` (stream): what people did (requeue, cancel, login, logout, pause, resume), and where;
 * - `<prefix>:sessions` (sorted set, `session-log.ts`): the sessions as planned when they were worked, for
 *   `rota report`.
 * History, audit and session log are kept `ROTA_HISTORY_DAYS`.
 * Never a password or API key.
 */

export interface PlanMeta {
  revision: string;
  file: string;
  /** The roster's own zone: admin verbs show times in it. */
  zone: string;
  syncedAt: number;
  from: number;
  to: number;
}

/** The last roster that failed validation since the last good one: a bounded summary. */
export interface RosterError extends IssueSummary {
  at: number;
}

export interface HistoryEntry {
  jobId: string;
  agentId: string;
  action: Action;
  kind: JobKind;
  /** Scheduled instant. */
  at: number;
  startedAt: number;
  lateMs: number;
  latencyMs?: number;
  outcome: Outcome;
  message: string;
  attempt: number;
  httpStatus?: number;
  /** A manual or requeued job: where the person asked for it. */
  source?: ActionSource;
}

/** What a person did through the command line or the console, besides the attempts it led to. */
export interface AdminEntry {
  at: number;
  source: ActionSource;
  /** `requeue`, `cancel`, `login`, `logout`, `pause`, `resume`. */
  verb: string;
  /** The job it concerned, if any. */
  jobId?: string;
  /** The agent it concerned, if any. */
  agentId?: string;
  detail?: string;
}

/** What rota last achieved for an agent, written by the worker after a login or logout succeeded. */
export interface AgentLoginState {
  loggedIn: boolean;
  /** When that state was reached (epoch ms). */
  since: number;
  phone?: string;
  /** Which kind of job reached it: agents a person logged in by hand are not released by a sync. */
  source: JobKind;
}

type StoredSession = Pick<Session, 'start' | 'end' | 'phone' | 'zone' | 'team'>;

/** One agent's sessions as `writePlan` stored them. */
function storedSessions(agentId: string, json: string): Session[] {
  return (JSON.parse(json) as StoredSession[]).map((s) => ({ ...s, agentId: agentId as Session['agentId'] }));
}

/** How long attempts and admin entries are kept by default (`ROTA_HISTORY_DAYS`). */
export const DEFAULT_HISTORY_DAYS = 35;

export interface StoreOptions {
  /** Attempts and admin entries older than this many days are trimmed (`ROTA_HISTORY_DAYS`). */
  historyDays?: number;
}

export class Store {
  readonly keys: {
    plan: string;
    planMeta: string;
    agents: string;
    history: string;
    cancelled: string;
    paused: string;
    audit: string;
  };

  /** How many days of attempts and admin entries are kept. */
  readonly historyDays: number;

  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    options: StoreOptions = {},
  ) {
    this.historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
    this.keys = {
      plan: `${prefix}:plan`,
      planMeta: `${prefix}:plan:meta`,
      agents: `${prefix}:agents`,
      history: `${prefix}:history`,
      cancelled: `${prefix}:cancelled`,
      paused: `${prefix}:paused`,
      audit: `${prefix}:audit`,
    };
  }

  /** Replaces the stored plan with these sessions (grouped by agent) in one transaction. */
  async writePlan(sessions: Session[], meta: PlanMeta): Promise<void> {
    const byAgent = new Map<string, StoredSession[]>();
    for (const s of sessions) {
      const list = byAgent.get(s.agentId) ?? [];
      list.push({
        start: s.start,
        end: s.end,
        phone: s.phone,
        zone: s.zone,
        ...(s.team ? { team: s.team } : {}),
      });
      byAgent.set(s.agentId, list);
    }
    const fields: string[] = [];
    for (const [agent, list] of byAgent) fields.push(agent, JSON.stringify(list));
    const tx = this.redis.multi().del(this.keys.plan);
    if (fields.length > 0) tx.hset(this.keys.plan, ...fields);
    tx.del(this.keys.planMeta).hset(this.keys.planMeta, 'meta', JSON.stringify(meta));
    await tx.exec();
  }

  /** Notes a roster that failed validation, also before any good one; the last good plan stays as it is. */
  async noteRosterError(error: RosterError): Promise<void> {
    await this.redis.hset(this.keys.planMeta, 'error', JSON.stringify(error));
  }

  /** The roster error since the last good plan, if any. */
  async rosterError(): Promise<RosterError | undefined> {
    const raw = await this.redis.hget(this.keys.planMeta, 'error');
    return raw ? (JSON.parse(raw) as RosterError) : undefined;
  }

  /** The zone the roster is written in, as the last good plan recorded it; UTC before any sync. */
  async rosterZone(): Promise<string> {
    return (await this.planMeta())?.zone ?? 'UTC';
  }

  async planMeta(): Promise<PlanMeta | undefined> {
    const raw = await this.redis.hget(this.keys.planMeta, 'meta');
    return raw ? (JSON.parse(raw) as PlanMeta) : undefined;
  }

  async agentSessions(agentId: string): Promise<Session[]> {
    const raw = await this.redis.hget(this.keys.plan, agentId);
    return raw ? storedSessions(agentId, raw) : [];
  }

  /** Every session of the stored plan, by start. */
  async sessions(): Promise<Session[]> {
    const raw = await this.redis.hgetall(this.keys.plan);
    return Object.entries(raw)
      .flatMap(([agentId, json]) => storedSessions(agentId, json))
      .sort((a, b) => a.start - b.start || compareIds(a.agentId, b.agentId));
  }

  async agentStates(): Promise<Map<string, AgentLoginState>> {
    const raw = await this.redis.hgetall(this.keys.agents);
    return new Map(Object.entries(raw).map(([agent, json]) => [agent, JSON.parse(json) as AgentLoginState]));
  }

  async setAgentState(agentId: string, state: AgentLoginState): Promise<void> {
    await this.redis.hset(this.keys.agents, agentId, JSON.stringify(state));
  }

  async cancelMarks(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.cancelled)));
  }

  /** Remembers that a person cancelled this roster job, for the session it belongs to. */
  async markCancelled(jobId: string, sessionKey: string): Promise<void> {
    await this.redis.hset(this.keys.cancelled, jobId, sessionKey);
  }

  async dropCancelMarks(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.redis.hdel(this.keys.cancelled, ...jobIds);
  }

  async setPaused(reason: string, at: number): Promise<void> {
    await this.redis.hset(this.keys.paused, 'reason', reason, 'at', String(at));
  }

  async clearPaused(): Promise<void> {
    await this.redis.del(this.keys.paused);
  }

  async pausedBecause(): Promise<{ reason: string; at: number } | undefined> {
    const raw = await this.redis.hgetall(this.keys.paused);
    return raw.at ? { reason: raw.reason ?? '', at: Number(raw.at) } : undefined;
  }

  /**
   * Adds an attempt to the history stream and, given the agent's state the attempt reached, sets that
   * too: both sent at once, one round trip. (Not in an ioredis pipeline: making one copies each of the
   * 60-odd scripts BullMQ defines on the connection, about 25 µs.) Stream IDs are epoch ms, so trimming
   * by `MINID` keeps `historyDays` of attempts (`~`: whole stream nodes at a time, so a few more at most).
   */
  async record(entry: HistoryEntry, state?: AgentLoginState): Promise<void> {
    const added = this.append(this.keys.history, entry);
    await (state ? Promise.all([added, this.setAgentState(entry.agentId, state)]) : added);
  }

  /** Adds what a person did to the admin stream, trimmed like the history. */
  async recordAdmin(entry: AdminEntry): Promise<void> {
    await this.append(this.keys.audit, entry);
  }

  /** One entry added to a stream, which is trimmed to `historyDays`. */
  private append(stream: string, entry: HistoryEntry | AdminEntry): Promise<string | null> {
    return this.redis.xadd(stream, 'MINID', '~', this.oldestKept(), '*', 'e', JSON.stringify(entry));
  }

  /** A stream's entries, oldest first, from `start` (a stream ID: epoch ms, or `-`) on. */
  private async readStream<T>(stream: string, start: string): Promise<T[]> {
    const rows = (await this.redis.xrange(stream, start, '+')) as [string, string[]][];
    return rows.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as T);
  }

  /** The stream ID before which entries are older than `historyDays`. */
  oldestKept(now = Date.now()): string {
    return String(now - this.historyDays * DAY_MS);
  }

  /** What people did, oldest first, from `since` (epoch ms) on. */
  async adminHistory(since: number): Promise<AdminEntry[]> {
    return this.readStream<AdminEntry>(this.keys.audit, String(since));
  }

  /** History, oldest first, from `since` (epoch ms) on, optionally for one agent. */
  async history(options: { since?: number; agentId?: string } = {}): Promise<HistoryEntry[]> {
    const start = options.since === undefined ? '-' : String(options.since);
    const entries = await this.readStream<HistoryEntry>(this.keys.history, start);
    return options.agentId ? entries.filter((e) => e.agentId === options.agentId) : entries;
  }
}
