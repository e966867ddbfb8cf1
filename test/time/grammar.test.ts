import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, readDate, readInstant, timeMs } from '../../src/time/grammar.js';
import { ZoneClock } from '../../src/time/zone-clock.js';

/** 2026-12-01 10:00 in Kolkata. */
const NOW = Date.parse('2026-12-01T04:30:00Z');
const kolkata = new ZoneClock('Asia/Kolkata');

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['8h30m', 30_600_000],
    ['1h15m30s', 4_530_000],
    ['0s', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'h', '5', '30m8h', '1.5h', '5 m', '-5m', '2w'])('"%s" is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [30_600_000, '8h30m'],
    [86_400_000, '24h'],
    [4_530_000, '1h15m30s'],
    [3_630_000, '1h30s'],
    [45_000, '45s'],
    [0, '0s'],
  ])('%i ms reads %s, and parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('readInstant: TIME is ISO 8601 with an offset or HH:MM[:SS] today in the roster zone', () => {
  it.each([
    ['09:00', kolkata, NOW, '2026-12-01T03:30:00.000Z'],
    // One grammar: the roster's "9:00" is a TIME too.
    ['9:00', kolkata, NOW, '2026-12-01T03:30:00.000Z'],
    ['23:59:30', kolkata, NOW, '2026-12-01T18:29:30.000Z'],
    ['2026-12-01T09:00:00+05:30', kolkata, NOW, '2026-12-01T03:30:00.000Z'],
    ['2026-12-01T09:00-05:00', kolkata, NOW, '2026-12-01T14:00:00.000Z'],
    ['2026-12-01T03:30:00.250Z', kolkata, NOW, '2026-12-01T03:30:00.250Z'],
    // Europe/London springs forward at 01:00 on 2026-03-29: 01:30 is in the gap and moves to 02:30 BST.
    ['01:30', new ZoneClock('Europe/London'), Date.parse('2026-03-29T09:00:00Z'), '2026-03-29T01:30:00.000Z'],
    // America/New_York falls back at 02:00 on 2026-11-01: 01:30 happens twice; the earlier (EDT) counts.
    [
      '01:30',
      new ZoneClock('America/New_York'),
      Date.parse('2026-11-01T12:00:00Z'),
      '2026-11-01T05:30:00.000Z',
    ],
    // Just after midnight in Kolkata it is still the previous day in UTC: "today" is the zone's.
    ['00:30', kolkata, Date.parse('2026-11-30T18:45:00Z'), '2026-11-30T19:00:00.000Z'],
  ])('%s', (text, clock, now, iso) => {
    const read = readInstant(text, clock, now);
    expect(read.ok && new Date(read.value).toISOString()).toBe(iso);
  });

  it.each([
    '24:00',
    '12:60',
    '12:00:61',
    '2026-12-01T09:00:00',
    '2026-12-01 09:00:00+05:30',
    '2026-02-30T09:00:00+05:30',
    'tomorrow',
    '',
  ])('refuses %j', (text) => {
    expect(readInstant(text, kolkata, NOW).ok).toBe(false);
  });
});

describe('readDate', () => {
  it.each([
    ['2026-12-01', '2026-12-01'],
    ['2028-02-29', '2028-02-29'],
    ['2026-02-29', undefined],
    ['2026-13-01', undefined],
    ['2026-1-01', undefined],
    ['01/12/2026', undefined],
  ])('%s', (text, expected) => {
    const read = readDate(text);
    expect(read.ok ? read.value : undefined).toBe(expected);
  });

  it("ends each month on the Gregorian calendar's last day, years below 100 too", () => {
    for (const year of [0, 4, 99, 100, 400, 1900, 2000, 2024, 2026, 9999]) {
      for (let month = 1; month <= 12; month++) {
        const last = DateTime.utc(year, month, 1).daysInMonth as number;
        const date = (day: number) =>
          `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        expect(readDate(date(last)).ok).toBe(true);
        expect(readDate(date(last + 1))).toMatchObject({ ok: false });
      }
    }
    expect(readDate('2026-02-29')).toEqual({
      ok: false,
      message: '"2026-02-29" is not a real date: February 2026 has 28 days',
    });
  });
});

describe('timeMs', () => {
  it('is the milliseconds since midnight of a clock time', () => {
    expect(timeMs({ hour: 0, minute: 0, second: 0 })).toBe(0);
    expect(timeMs({ hour: 9, minute: 30, second: 15 })).toBe(((9 * 60 + 30) * 60 + 15) * 1000);
    expect(timeMs({ hour: 23, minute: 59, second: 59 })).toBe(86_399_000);
  });
});
