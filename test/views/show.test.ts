import { describe, expect, it } from 'vitest';
import { ZoneClock } from '../../src/time/zone-clock.js';
import { inUtc, inZone, isoWriter, relative, span } from '../../src/views/show.js';

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

describe('isoWriter', () => {
  it('writes each (zone, instant) as the zone clock does', () => {
    const iso = isoWriter();
    const london = Date.parse('2026-03-29T01:00:00Z'); // the hour London springs forward
    expect(iso('Asia/Kolkata', NOW)).toBe(kolkata.iso(NOW));
    expect(iso('Asia/Kolkata', NOW)).toBe('2026-12-01T10:00:00+05:30');
    expect(iso('America/New_York', NOW + 250)).toBe('2026-11-30T23:30:00.250-05:00');
    expect([iso('Europe/London', london - 1), iso('Europe/London', london)]).toEqual([
      '2026-03-29T00:59:59.999+00:00',
      '2026-03-29T02:00:00+01:00',
    ]);
  });
});
