/**
 * What `ROTA_HISTORY_DAYS` of history costs in Redis: a private redis-server filled, through the code
 * rota runs, with N agents × D days of attempts (a roster login and logout per agent per day, as
 * `Store.record` writes them, with the messages CloudAgent sends) and the session log of those days (as a
 * sync writes it). Prints `used_memory` before and after, `MEMORY USAGE` of each key, bytes per attempt
 * and per session, and the total.
 *
 *   npm run bench:history              (2,000 agents, 35 days)
 *   npm run bench:history -- 10000 35
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { jobId } from '../src/plan/jobs.js';
import { startPrivateRedis } from '../src/redis/server.js';
import type { AgentId, Session } from '../src/roster/types.js';
import { SessionLog } from '../src/store/session-log.js';
import { type HistoryEntry, Store } from '../src/store/store.js';
import { DAY_MS } from '../src/time/zone-clock.js';
import { report, smoke } from './common.js';
import { agentId, agentPhone } from './roster.js';

const [agents = smoke ? 100 : 2000, days = smoke ? 7 : 35] = process.argv.slice(2).map(Number);
const ZONE = 'Asia/Kolkata';
const PREFIX = 'rota';
/** Writes in flight at once while filling. */
const IN_FLIGHT = 500;

const ids = Array.from({ length: agents }, (_, i) => agentId(i));
const teams = ['morning', 'day', 'evening', 'night'];
// The last `days` days up to today, each agent's 09:00–18:00 IST shift (03:30–12:30 UTC): all kept.
const firstDay = Math.floor(Date.now() / DAY_MS) - days + 1;
const sessions: Session[] = [];
for (let day = firstDay; day < firstDay + days; day++) {
  for (const [i, id] of ids.entries()) {
    const start = day * DAY_MS + 3.5 * 3_600_000;
    sessions.push({
      agentId: id as AgentId,
      team: teams[i % teams.length] as string,
      phone: agentPhone(i),
      zone: ZONE,
      start,
      end: start + 9 * 3_600_000,
    });
  }
}

/** A roster job's attempt as the worker records it: on time to a few ms, 40–300 ms of API latency. */
function attempt(session: Session, action: 'login' | 'logout', n: number): HistoryEntry {
  const at = action === 'login' ? session.start : session.end;
  const lateMs = n % 17;
  return {
    jobId: jobId('roster', action, session.agentId, at),
    agentId: session.agentId,
    action,
    kind: 'roster',
    at,
    startedAt: at + lateMs,
    lateMs,
    latencyMs: 40 + (n % 261),
    outcome: 'done',
    message: `Agent ${session.agentId} ${action === 'login' ? 'logged in' : 'logged out'} successfully`,
    attempt: 1,
    httpStatus: 200,
  };
}

const server = await startPrivateRedis();
const redis = new Redis(server.url, { maxRetriesPerRequest: null });
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const usedMemory = async () => Number((await redis.info('memory')).match(/used_memory:(\d+)/)?.[1] ?? 0);
const memoryUsage = async (key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
try {
  const store = new Store(redis, PREFIX, { historyDays: days });
  const log = SessionLog.of(store);
  const before = await usedMemory();
  const started = performance.now();
  const entries = sessions.flatMap((s, n) => [attempt(s, 'login', n), attempt(s, 'logout', n)]);
  for (let i = 0; i < entries.length; i += IN_FLIGHT) {
    await Promise.all(entries.slice(i, i + IN_FLIGHT).map((entry) => store.record(entry)));
  }
  const filledMs = performance.now() - started;
  // A sync now logs every session of those days (all started); the earliest is trimmed only after `days`.
  await log.record(sessions, 'a1b2c3d4e5f6', Date.now());
  const after = await usedMemory();
  const [attempts, logged] = await Promise.all([redis.xlen(store.keys.history), redis.zcard(log.key)]);
  const [historyBytes, sessionBytes] = await Promise.all([
    memoryUsage(store.keys.history),
    memoryUsage(log.key),
  ]);
  const sample = JSON.stringify(entries[0]);

  console.log(
    `history of ${agents} agents over ${days} days (ROTA_HISTORY_DAYS=${days}), on a private redis-server`,
  );
  console.log(
    `  ${attempts} attempts (a login and a logout per agent per day), recorded in ${Math.round(filledMs)} ms`,
  );
  console.log(`    one as stored (${sample.length} bytes of JSON): ${sample}`);
  console.log(
    `    ${store.keys.history} (stream)   MEMORY USAGE ${mb(historyBytes)}   ${Math.round(historyBytes / attempts)} bytes per attempt`,
  );
  console.log(`  ${logged} sessions in the session log`);
  console.log(
    `    ${log.key} (sorted set)   MEMORY USAGE ${mb(sessionBytes)}   ${Math.round(sessionBytes / logged)} bytes per session`,
  );
  console.log(`  used_memory before ${mb(before)}, after ${mb(after)}: +${mb(after - before)}`);
  console.log(
    `  total for ${days} days of history for ${agents} agents: ${mb(historyBytes + sessionBytes)} ` +
      `(${Math.round((historyBytes + sessionBytes) / (agents * days))} bytes per agent-day)`,
  );
  report('history', [
    {
      figure: `Redis memory of ${days} days of history and logged sessions, ${agents} agents`,
      rota: `${mb(historyBytes + sessionBytes)} (${Math.round((historyBytes + sessionBytes) / (agents * days))} bytes per agent-day)`,
      target: '—',
    },
  ]);
} finally {
  await redis.quit();
  await server.stop();
}
