import { agentIdProblem } from '../agent-id.js';
import type { Action } from '../cloudagent/types.js';
import { UsageError } from '../errors/index.js';
import { manualJob } from '../plan/jobs.js';
import { addManualJob } from '../queue/admin.js';
import { readPhone } from '../roster/schema.js';
import { quote } from '../text/printable.js';
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

/** The phone a manual action sends: `--phone`, else the roster's; a login needs one, a logout does not. */
function manualPhone(
  action: Action,
  agentId: string,
  flag: string | undefined,
  rostered: string | undefined,
): { phone?: string } | { error: string } {
  if (flag !== undefined) {
    const read = readPhone(flag);
    return read.ok ? { phone: read.value } : { error: `--phone ${read.message}` };
  }
  if (rostered !== undefined) return { phone: rostered };
  if (action === 'logout') return {};
  return {
    error: `to log in an agent who is not on the roster, give their phone: rota login ${agentId} --phone NUMBER`,
  };
}

/**
 * `rota login ID [--phone NUMBER] [--at TIME]` and `rota logout ID [--phone NUMBER] [--at TIME]`: a
 * manual action as a job, now or at TIME. The phone is `--phone`, else the roster's: an agent who is not
 * on the roster (overtime) or is on another phone today is logged in with `--phone`, and logged out
 * with no phone at all.
 */
export function manualAction(action: Action): Verb {
  return async (args, io) => {
    const { values, positionals } = parseFlags(args, { at: { type: 'string' }, phone: { type: 'string' } });
    const [agentId, ...extra] = positionals;
    if (agentId === undefined || extra.length > 0)
      throw new UsageError(`give one agent ID: rota ${action} ID [--phone NUMBER] [--at TIME]`);
    const idProblem = agentIdProblem(agentId);
    if (idProblem !== undefined) throw new UsageError(`${quote(agentId)}: ${idProblem}`);
    const { shown, roster, issues } = await readRosterFile(undefined, io);
    if (!roster) {
      printIssues(io, issues);
      io.stderr(`${shown}: the roster has errors; fix them to ${action} agents by hand\n`);
      return 1;
    }
    const agent = roster.agents.find((candidate) => candidate.id === agentId);
    const phone = manualPhone(action, agentId, values.phone, agent?.phone);
    if ('error' in phone) {
      if (values.phone !== undefined) throw new UsageError(phone.error);
      io.stderr(`${shown} has no agent ${agentId}; ${phone.error}\n`);
      return 1;
    }
    const clock = new ZoneClock(roster.timezone);
    const now = io.now();
    const when = manualInstant(values.at, clock, now);
    if ('error' in when) throw new UsageError(when.error);
    const job = manualJob(action, agentId, phone.phone, when.at);
    // A phone given by hand that the roster has for someone else: maybe a typo, maybe a takeover.
    const sharer =
      values.phone === undefined
        ? undefined
        : roster.agents.find((other) => other.phone === phone.phone && other.id !== agentId);
    return withRuntime(io, async (runtime) => {
      const added = await addManualJob(runtime.queue, runtime.store, job, now);
      if (!added.added) {
        io.stderr(
          `${job.id} already exists (${added.state}); to run a finished one again, use rota requeue\n`,
        );
        return 1;
      }
      const runs = when.at <= now ? 'now' : `at ${inZone(clock, when.at)} (${relative(when.at, now)})`;
      const on = phone.phone === undefined ? '' : ` (${phone.phone})`;
      io.stdout(`manual ${action} of agent ${agentId}${on} queued as ${job.id}; it runs ${runs}\n`);
      if (!agent && action === 'login') {
        io.stdout(
          `  note: agent ${agentId} is not on the roster, so no shift ends this; log them out with rota logout ${agentId}\n`,
        );
      }
      if (sharer) io.stdout(`  note: ${phone.phone} is agent ${sharer.id}'s phone on the roster\n`);
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
