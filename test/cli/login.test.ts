import { describe, expect, it } from 'vitest';
import { manualInstant } from '../../src/cli/login.js';
import { ZoneClock } from '../../src/time/zone-clock.js';

const M = 60_000;
/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');
const kolkata = new ZoneClock('Asia/Kolkata');

describe('manualInstant', () => {
  it('is now without --at, and TIME when it is ahead', () => {
    expect(manualInstant(undefined, kolkata, NOW)).toEqual({ at: NOW });
    expect(manualInstant('10:05', kolkata, NOW)).toEqual({ at: NOW + 5 * M });
  });

  it('takes a time typed a moment ago as now', () => {
    expect(manualInstant('09:59:30', kolkata, NOW)).toEqual({ at: NOW });
  });

  it('refuses a bad time and one in the past, saying what would be right', () => {
    expect(manualInstant('9am', kolkata, NOW)).toEqual({
      error:
        '--at "9am" is not a time; give an ISO 8601 time with an offset like 2026-12-01T09:00:00+05:30, ' +
        'or HH:MM[:SS] today in the roster zone',
    });
    expect(manualInstant('09:00', kolkata, NOW)).toEqual({
      error: '--at "09:00" is 1h ago; give a time ahead, or leave --at out to act now',
    });
  });
});
