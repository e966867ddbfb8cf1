/**
 * The one grammar of dates, clock times, durations and instants as people write them. The roster, the
 * command line's flags, the environment and the simulator config all read them here, so `"9:00"` means
 * the same everywhere. Each reader returns a value or a message that says what would be right.
 */
import { DateTime } from 'luxon';
import { quote } from '../text/printable.js';
import { DAY_MS, type IsoDate, type ZoneClock } from './zone-clock.js';

/** A value read from text, or why it could not be. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
export const wrong = (message: string): Read<never> => ({ ok: false, message });

/** A wall-clock time of day. */
export interface LocalTime {
  hour: number;
  minute: number;
  second: number;
}

/** Milliseconds since midnight of a wall-clock time. */
export function timeMs(time: LocalTime): number {
  return ((time.hour * 60 + time.minute) * 60 + time.second) * 1000;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The days of `month` (1–12) of `year`: day 0 of the next month is its last. `setUTCFullYear`, unlike
 * `Date.UTC`, keeps a year below 100 as it is. (Luxon's `daysInMonth` builds a DateTime each time.)
 */
function daysInMonth(year: number, month: number): number {
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0);
  return last.getUTCDate();
}

/** DATE: a real calendar date written `YYYY-MM-DD`. */
export function readDate(s: string): Read<IsoDate> {
  const m = DATE.exec(s);
  if (!m) return wrong(`${quote(s)} is not a date; use YYYY-MM-DD, like 2026-12-25`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return wrong(`${quote(s)} is not a real date: months run from 01 to 12`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    const named = DateTime.utc(year, month, 1).toFormat('MMMM yyyy');
    return wrong(`${quote(s)} is not a real date: ${named} has ${days} days`);
  }
  return ok(s);
}

const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** A clock time `H:MM`, `HH:MM` or `HH:MM:SS`. */
export function readClockTime(s: string): Read<LocalTime> {
  const m = CLOCK.exec(s);
  const [hour, minute, second] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3] ?? 0)];
  if (m && hour <= 23 && minute <= 59 && second <= 59) return ok({ hour, minute, second });
  if (m && hour === 24 && minute === 0 && second === 0) {
    return wrong(
      `"${s}" is not a time; write midnight as "00:00" (an end at or before the start is the next day)`,
    );
  }
  return wrong(`${quote(s)} is not a time; use HH:MM or HH:MM:SS`);
}

const UNIT_MS = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Durations: `90s`, `15m`, `2h`, `7d`, `8h30m`, `1h15m30s` — units in descending order, each at most
 * once, the whole text used. Milliseconds; zero is a valid result here (callers bound it).
 */
export function readDuration(s: string): Read<number> {
  const text = s.trim();
  const m = DURATION.exec(text);
  if (!m || text === '') {
    return wrong(`${quote(s)} is not a duration; write it with its units, like 8h30m, 90m or 45s`);
  }
  const [, d, h, min, sec] = m;
  return ok(
    Number(d ?? 0) * UNIT_MS.d +
      Number(h ?? 0) * UNIT_MS.h +
      Number(min ?? 0) * UNIT_MS.m +
      Number(sec ?? 0) * UNIT_MS.s,
  );
}

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const read = readDuration(text);
  return read.ok ? read.value : undefined;
}

/** A duration as a person reads it, to the second, in hours at most: 30600000 → `8h30m`, 86400000 → `24h`. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000) * 1000;
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_MS).filter(([unit]) => unit !== 'd')) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * TIME: ISO 8601 with an offset (`2026-12-01T09:00:00+05:30`), or a clock time today in `clock`'s zone
 * (a time in a spring-forward gap moves forward by the gap, one in an autumn overlap takes the earlier
 * instant).
 */
export function readInstant(s: string, clock: ZoneClock, now: number): Read<number> {
  const help =
    'give an ISO 8601 time with an offset like 2026-12-01T09:00:00+05:30, or HH:MM[:SS] today in the roster zone';
  if (CLOCK.test(s)) {
    const time = readClockTime(s);
    if (!time.ok) return wrong(`${quote(s)} is not a time; ${help}`);
    return ok(clock.resolve(clock.day(now) * DAY_MS + timeMs(time.value)).instant);
  }
  const parsed = ISO_WITH_OFFSET.test(s) ? DateTime.fromISO(s, { setZone: true }) : undefined;
  return parsed?.isValid ? ok(parsed.toMillis()) : wrong(`${quote(s)} is not a time; ${help}`);
}
