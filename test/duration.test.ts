import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.js';

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
