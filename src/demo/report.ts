import { DateTime } from 'luxon';
import type { Outcome } from '../cloudagent/types.js';
import type { HistoryEntry } from '../store/store.js';
import { table } from '../text/table.js';
import type { DemoAgent } from './setup.js';

/** What `rota demo` prints: one line per attempt as it happens, and a summary at the end. Pure. */

export function formatAttempt(entry: HistoryEntry, zone: string): string {
  const time = DateTime.fromMillis(entry.startedAt, { zone }).toFormat('HH:mm:ss.SSS');
  const late = entry.lateMs >= 1000 ? `${(entry.lateMs / 1000).toFixed(1)} s` : `${entry.lateMs} ms`;
  const api = entry.latencyMs === undefined ? '' : `api ${entry.latencyMs} ms`;
  const attempt = entry.attempt > 1 ? ` (attempt ${entry.attempt})` : '';
  return (
    `  ${time}  ${entry.action.padEnd(6)}  ${entry.agentId}  ${entry.outcome.padEnd(9)}  ` +
    `late ${late.padEnd(8)}  ${api.padEnd(11)}  ${entry.message}${attempt}\n`
  );
}

const OUTCOMES: Outcome[] = ['done', 'already', 'skipped', 'conflict', 'transient', 'rejected'];

/** `login transient ×3 → login done → logout done`. */
function story(entries: HistoryEntry[]): string {
  const steps: { text: string; times: number }[] = [];
  for (const entry of entries) {
    const text = `${entry.action} ${entry.outcome}`;
    const last = steps.at(-1);
    if (last?.text === text) last.times++;
    else steps.push({ text, times: 1 });
  }
  return (
    steps.map((step) => (step.times > 1 ? `${step.text} ×${step.times}` : step.text)).join(' → ') ||
    '(no call)'
  );
}

export function summarize(entries: HistoryEntry[], agents: DemoAgent[], loggedInAtEnd: string[]): string {
  const counts = OUTCOMES.map((o) => [o, entries.filter((e) => e.outcome === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o}`)
    .join(', ');
  const onTime = entries.filter((e) => e.attempt === 1 && e.lateMs >= 0 && e.lateMs < 60_000);
  const worst = onTime.reduce((max, e) => Math.max(max, e.lateMs), 0);
  const rows = agents.map((agent) => [
    agent.id,
    story(entries.filter((e) => e.agentId === agent.id)),
    loggedInAtEnd.includes(agent.id) ? 'logged in' : 'logged out',
    agent.story,
  ]);
  const stranded =
    loggedInAtEnd.length === 0
      ? 'every agent ended logged out'
      : `still logged in: ${loggedInAtEnd.join(', ')}`;
  return (
    `\nSummary: ${entries.length} attempts (${counts}); scheduled actions started at most ${worst} ms late; ${stranded}.\n\n` +
    table(['agent', 'what happened', 'at the end', 'the story'], rows)
  );
}
