import { describe, expect, it } from 'vitest';
import { ZoneClock } from '../../src/time/zone-clock.js';
import { inUtc, inZone, relative, span } from '../../src/views/show.js';

const M = 60_000;
/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');
const kolkata = new ZoneClock('Asia/Kolkata');

describe('showing times', () => {
  it('in the roster zone, in UTC, relative, and spans', () => {
    expect(inZone(kolkata, NOW)).toBe('2026-12-01 10:00:00 +05:30');
    expect(inZone(new ZoneClock('America/New_York'), NOW + 250)).toBe('2026-11-30 23:30:00 -05:00');
    expect(inUtc(NOW)).toBe('2026-12-01 04:30:00Z');
    expect([relative(NOW + 5 * M, NOW), relative(NOW - 90_000, NOW), relative(NOW + 200, NOW)]).toEqual([
      'in 5m',
      '1m30s ago',
      'now',
    ]);
    expect([span(312), span(-40), span(9_999), span(90_000), span(-3_600_000)]).toEqual([
      '312ms',
      '-40ms',
      '9999ms',
      '1m30s',
      '-1h',
    ]);
  });
});
