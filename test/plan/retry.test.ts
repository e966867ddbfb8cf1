import { describe, expect, it } from 'vitest';
import { AFTER_PAUSE_MS, CONFLICT_WINDOW_MS, nextStep, retryDelay } from '../../src/plan/retry.js';

const NOW = 1_000_000;
const ctx = (over: Partial<Parameters<typeof nextStep>[2]> = {}) => ({
  now: NOW,
  deadline: NOW + 3_600_000,
  attemptsMade: 1,
  random: () => 0.5,
  ...over,
});

describe('retryDelay', () => {
  it('starts at 1–2 s, doubles, and caps at 60 s', () => {
    expect(retryDelay(1, () => 0)).toBe(1000);
    expect(retryDelay(1, () => 0.999)).toBe(1999);
    expect(retryDelay(2, () => 0)).toBe(2000);
    expect(retryDelay(3, () => 0.5)).toBe(6000);
    expect(retryDelay(7, () => 0)).toBe(60_000);
    expect(retryDelay(20, () => 0.9)).toBe(60_000);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(retryDelay(1, () => 0, 30_000)).toBe(30_000);
  });
});

describe('nextStep: the one place outcomes become retry decisions', () => {
  it.each([
    ['done', { kind: 'complete' }],
    ['already', { kind: 'complete' }],
    ['rejected', { kind: 'fail', reason: 'Invalid Authentication' }],
    ['transient', { kind: 'retry', delayMs: 1500 }],
    ['conflict', { kind: 'retry', delayMs: 1500 }],
  ] as const)('%s', (outcome, expected) => {
    expect(nextStep(outcome, 'Invalid Authentication', ctx())).toEqual(expected);
  });

  it('gives up on a transient failure when the next try would pass the deadline', () => {
    expect(nextStep('transient', 'HTTP 503', ctx({ deadline: NOW + 1000 }))).toEqual({
      kind: 'fail',
      reason: 'gave up after 1 attempts (the deadline passed): HTTP 503',
    });
  });

  it('retries a phone conflict for at most 2 minutes from the first one', () => {
    const since = NOW - CONFLICT_WINDOW_MS + 10_000;
    expect(nextStep('conflict', 'x', ctx({ conflictSince: since })).kind).toBe('retry');
    expect(nextStep('conflict', 'x', ctx({ conflictSince: since, attemptsMade: 5 }))).toMatchObject({
      kind: 'fail',
    });
  });

  it('pauses instead of failing when the account itself is refused: no job fails for it', () => {
    expect(nextStep('rejected', 'Invalid userName or apiKey', ctx({ scope: 'account' }))).toEqual({
      kind: 'pause',
      reason:
        'CloudAgent refused the account (Invalid userName or apiKey): fix CLOUDAGENT_USERNAME / ' +
        'CLOUDAGENT_API_KEY, restart the workers, then rota resume',
      delayMs: AFTER_PAUSE_MS,
    });
  });
});
