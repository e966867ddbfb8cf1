/**
 * Wall-clock arithmetic for one IANA zone, fast enough to expand thousands of agents.
 *
 * A "day number" is a calendar date counted in days since 1970-01-01; a "local ms" is a wall-clock
 * time written as if the zone were UTC (`day * DAY_MS + milliseconds since midnight`). Turning a
 * local ms into an instant needs the zone's offset; luxon answers that slowly, so each local day is
 * checked once: on a day whose offset cannot change within reach (every day but a few a year), the
 * instant is plain arithmetic.
 */
import { IANAZone } from 'luxon';

/** ISO calendar date `YYYY-MM-DD`, local to whichever zone it is read in. */
export type IsoDate = string;

/** A half-open window of instants `[from, to)`, epoch ms. */
export interface Window {
  from: number;
  to: number;
}

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Further than any real offset change (at most 3 h) reaches across a day's edge. */
const REACH_MS = 3 * HOUR_MS;

/** How a wall-clock time fits its zone on its day. */
export type WallClockFit = 'exact' | 'gap' | 'overlap';

export interface Resolved {
  instant: number;
  fit: WallClockFit;
}

/** `YYYY-MM-DD` to a day number (the date must be valid: the roster parser checked it). */
export function dayNumber(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** A day number to `YYYY-MM-DD`. */
export function isoDate(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Luxon weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** `HH:MM`, with `:SS` only when the seconds are not zero, of a local ms. */
export function clockTime(local: number): string {
  const text = new Date(local).toISOString();
  return text.slice(17, 19) === '00' ? text.slice(11, 16) : text.slice(11, 19);
}

/** `+05:30`, `-04:00`, `+00:00`. */
export function offsetText(offsetMs: number): string {
  const minutes = Math.abs(offsetMs) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${offsetMs < 0 ? '-' : '+'}${hh}:${mm}`;
}

export class ZoneClock {
  readonly name: string;
  readonly #zone: IANAZone;
  /** Per day number: the day's one offset, or null when an offset change is within reach. */
  readonly #days = new Map<number, number | null>();

  constructor(name: string) {
    this.name = name;
    this.#zone = IANAZone.create(name);
  }

  /** The zone's UTC offset at an instant, in ms. */
  offsetMs(instant: number): number {
    return this.#zone.offset(instant) * 60_000;
  }

  /** The local wall-clock ms at an instant. */
  local(instant: number): number {
    return instant + this.offsetMs(instant);
  }

  /** The local day number an instant falls on. */
  day(instant: number): number {
    return Math.floor(this.local(instant) / DAY_MS);
  }

  /**
   * The instant of a wall-clock time. In a spring-forward gap it moves forward by the gap (02:30
   * becomes 03:30); in an autumn overlap it takes the earlier of the two instants.
   */
  resolve(local: number): Resolved {
    const offset = this.#plainOffset(Math.floor(local / DAY_MS));
    return offset === null ? this.#resolveSlowly(local) : { instant: local - offset, fit: 'exact' };
  }

  /** `2026-12-01T09:00:00+05:30` (seconds always, milliseconds when not zero). */
  iso(instant: number): string {
    const offset = this.offsetMs(instant);
    const text = new Date(instant + offset).toISOString();
    const clock = text.endsWith('.000Z') ? text.slice(0, 19) : text.slice(0, 23);
    return `${clock}${offsetText(offset)}`;
  }

  #plainOffset(day: number): number | null {
    const known = this.#days.get(day);
    if (known !== undefined) return known;
    const midnight = day * DAY_MS;
    const offset = this.offsetMs(midnight - this.offsetMs(midnight));
    const plain =
      this.offsetMs(midnight - offset - REACH_MS) === offset &&
      this.offsetMs(midnight + DAY_MS - offset + REACH_MS) === offset;
    const result = plain ? offset : null;
    this.#days.set(day, result);
    return result;
  }

  /** Near an offset change: try the offsets in force a day before and a day after. */
  #resolveSlowly(local: number): Resolved {
    const before = this.offsetMs(local - DAY_MS);
    const after = this.offsetMs(local + DAY_MS);
    const early = local - before;
    const late = local - after;
    const earlyFits = this.offsetMs(early) === before;
    const lateFits = this.offsetMs(late) === after;
    if (earlyFits && lateFits) {
      return early === late
        ? { instant: early, fit: 'exact' }
        : { instant: Math.min(early, late), fit: 'overlap' };
    }
    if (earlyFits) return { instant: early, fit: 'exact' };
    if (lateFits) return { instant: late, fit: 'exact' };
    // In the gap: read with the offset from before the change, which lands as far past the gap's start.
    return { instant: early, fit: 'gap' };
  }
}

/** The zone clocks of one expansion, one per zone name. */
export class ZoneClocks {
  readonly #clocks = new Map<string, ZoneClock>();

  get(name: string): ZoneClock {
    let clock = this.#clocks.get(name);
    if (!clock) {
      clock = new ZoneClock(name);
      this.#clocks.set(name, clock);
    }
    return clock;
  }
}

/** Today's date in a zone. */
export function localToday(zone: string, now: number): IsoDate {
  return isoDate(new ZoneClock(zone).day(now));
}

/** From midnight of `first` to midnight `days` later, both in `zone`. */
export function localDaysWindow(zone: string, first: IsoDate, days: number): Window {
  const clock = new ZoneClock(zone);
  const day = dayNumber(first);
  return { from: clock.resolve(day * DAY_MS).instant, to: clock.resolve((day + days) * DAY_MS).instant };
}
