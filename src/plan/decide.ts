import type { Session } from '../roster/types.js';
import type { ActionJobData } from './jobs.js';

/**
 * A job never acts against the current plan (SPEC 3). Decided just before calling the API, from the
 * agent's sessions as the scheduler last stored them. Pure.
 */

/** A login running more than this after its instant, or on a retry, is late. */
export const LATE_AFTER_MS = 5000;
/** A late login with less than this of its session left is not worth making. */
export const MIN_SESSION_LEFT_MS = 60_000;

export type Decision = { call: true; deadline: number } | { call: false; reason: string };

export function decide(
  job: ActionJobData,
  sessions: readonly Session[],
  now: number,
  attemptsMade: number,
): Decision {
  if (job.kind === 'manual') return { call: true, deadline: job.deadline ?? now };
  // A worker whose clock runs a little behind must not see itself before the job's own instant.
  const t = Math.max(now, job.at);
  const covering = sessions.find((s) => s.start <= t && t < s.end);
  if (job.action === 'logout') {
    if (covering) {
      return {
        call: false,
        reason: `the agent is inside a session until ${new Date(covering.end).toISOString()} by the current plan`,
      };
    }
    return { call: true, deadline: job.deadline ?? now };
  }
  if (!covering) {
    return { call: false, reason: 'stale: the session has ended or is no longer in the plan' };
  }
  const late = now - job.at > LATE_AFTER_MS || attemptsMade > 0;
  if (late && covering.end - now < MIN_SESSION_LEFT_MS) {
    return { call: false, reason: 'stale: running late with less than a minute of the session left' };
  }
  return { call: true, deadline: covering.end };
}
