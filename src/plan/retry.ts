import type { CallOutcome } from '../cloudagent/types.js';

/**
 * What to do after an API answer: the one place that turns outcomes into retry decisions (SPEC 4).
 * Pure: the random source and the clock are parameters.
 */

export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 60_000;
/** A phone held by another agent clears in seconds at a handover; give it this long. */
export const CONFLICT_WINDOW_MS = 2 * 60_000;

/** Exponential backoff with jitter: about 1–2 s before the first retry, doubling, capped at 60 s. */
export function retryDelay(attemptsMade: number, random: () => number, retryAfterMs = 0): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.min(MAX_RETRY_MS, Math.round(base * (1 + random())));
  return Math.max(jittered, retryAfterMs);
}

export type NextStep =
  | { kind: 'complete' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'fail'; reason: string }
  /** The account itself is refused: stop every call (pause), and let this job wait rather than fail. */
  | { kind: 'pause'; reason: string; delayMs: number };

/** After pausing for the account, a job tries again this soon once rota is resumed. */
export const AFTER_PAUSE_MS = 1000;

export interface RetryContext {
  now: number;
  /** Retries stop here. */
  deadline: number;
  /** Attempts made so far, this one included (1 after the first call). */
  attemptsMade: number;
  /** When this job first met a phone conflict, if it has. */
  conflictSince?: number;
  retryAfterMs?: number;
  /** `account`: the answer concerns the whole account, not this agent. */
  scope?: 'account';
  random: () => number;
}

export function nextStep(outcome: CallOutcome, message: string, ctx: RetryContext): NextStep {
  switch (outcome) {
    case 'done':
    case 'already':
      return { kind: 'complete' };
    case 'rejected':
      if (ctx.scope === 'account') {
        return {
          kind: 'pause',
          reason:
            `CloudAgent refused the account (${message}): fix CLOUDAGENT_USERNAME / CLOUDAGENT_API_KEY, ` +
            'restart the workers, then rota resume',
          delayMs: AFTER_PAUSE_MS,
        };
      }
      return { kind: 'fail', reason: message };
    case 'conflict':
    case 'transient': {
      const deadline =
        outcome === 'conflict'
          ? Math.min(ctx.deadline, (ctx.conflictSince ?? ctx.now) + CONFLICT_WINDOW_MS)
          : ctx.deadline;
      const delayMs = retryDelay(ctx.attemptsMade, ctx.random, ctx.retryAfterMs);
      if (ctx.now + delayMs > deadline) {
        const why =
          outcome === 'conflict'
            ? 'the phone stayed held by another agent for 2 minutes'
            : 'the deadline passed';
        return { kind: 'fail', reason: `gave up after ${ctx.attemptsMade} attempts (${why}): ${message}` };
      }
      return { kind: 'retry', delayMs };
    }
  }
}
