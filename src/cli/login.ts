import type { Action } from '../cloudagent/types.js';
import { UsageError } from '../errors/index.js';
import { manualJob } from '../plan/jobs.js';
import { addManualJob } from '../queue/admin.js';
import { readInstant } from '../time/grammar.js';
import { ZoneClock } from '../time/zone-clock.js';
import { inZone, relative } from '../views/show.js';
import { parseFlags, type Verb } from './io.js';
import { withRuntime } from './one-shot.js';
import { printIssues, readRosterFile } from './roster-file.js';

/** A TIME this far in the past (typed a moment ago) still counts: the action runs now. */
const PAST_GRACE_MS = 60_000;

/** When a manual action runs: now without `--at`, else at TIME, which must not be in the past. */
export function manualInstant(
  text: string | undefined,
  clock: ZoneClock,
  now: number,
): { at: number } | { error: string } {
  if (text === undefined) return { at: now };
  const read = readInstant(text, clock, now);
  if (!read.ok) return { error: `--at ${read.message}` };
  const at = read.value;
  if (at < now - PAST_GRACE_MS) {
    return {
      error: `--at "${text}" is ${relative(at, now)}; give a time ahead, or leave --at out to act now`,
    };
  }
  return { at: Math.max(at, now) };
}

/**
 * `rota login ID [--at TIME]` and `rota logout ID [--at TIME]`: a manual action as a job, now or at TIME.
 * The agent and its phone come from the roster.
 */
export function manualAction(action: Action): Verb {
  return async (args, io) => {
    const { values, positionals } = parseFlags(args, { at: { type: 'string' } });
    const [agentId, ...extra] = positionals;
    if (agentId === undefined || extra.length > 0)
      throw new UsageError(`give one agent ID: rota ${action} ID [--at TIME]`);
    const { shown, roster, issues } = await readRosterFile(undefined, io);
    if (!roster) {
      printIssues(io, issues);
      io.stderr(`${shown}: the roster has errors; fix them to ${action} agents by hand\n`);
      return 1;
    }
    const agent = roster.agents.find((candidate) => candidate.id === agentId);
    if (!agent) {
      io.stderr(`${shown} has no agent ${agentId}\n`);
      return 1;
    }
    const clock = new ZoneClock(roster.timezone);
    const now = io.now();
    const when = manualInstant(values.at, clock, now);
    if ('error' in when) throw new UsageError(when.error);
    const job = manualJob(action, agentId, agent.phone, when.at);
    return withRuntime(io, async (runtime) => {
      const added = await addManualJob(runtime.queue, job, now);
      if (!added.added) {
        io.stderr(
          `${job.id} already exists (${added.state}); to run a finished one again, use rota requeue\n`,
        );
        return 1;
      }
      const runs = when.at <= now ? 'now' : `at ${inZone(clock, when.at)} (${relative(when.at, now)})`;
      io.stdout(
        `manual ${action} of agent ${agentId} (${agent.phone}) queued as ${job.id}; it runs ${runs}\n`,
      );
      const paused = await runtime.store.pausedBecause();
      if (paused)
        io.stdout(
          `  note: rota is paused${paused.reason ? ` (${paused.reason})` : ''}; it waits for rota resume\n`,
        );
      return 0;
    });
  };
}

export const run = manualAction('login');
