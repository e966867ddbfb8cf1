/**
 * The roster engine's vocabulary. `parseRoster` turns YAML text into a `Roster` (validated and
 * normalised, every shift with its place in the file); `expandRoster` turns a `Roster` and a window
 * into `Session`s. Everything here is plain data: epoch milliseconds for instants, ISO dates
 * (`YYYY-MM-DD`) for local calendar days, IANA names for zones.
 */

export type AgentId = string & { readonly brand: 'AgentId' };

/** A problem a user can cause, reported with its place. Warnings do not stop a roster from applying. */
export interface RosterIssue extends Place {
  severity: 'error' | 'warning';
  message: string;
}

export type { LocalTime } from '../time/grammar.js';
export type { IsoDate, Window } from '../time/zone-clock.js';
export type { Place } from '../yaml-place.js';

import type { LocalTime } from '../time/grammar.js';
import type { IsoDate } from '../time/zone-clock.js';
import type { Place } from '../yaml-place.js';

/** Luxon weekday numbers: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

interface ShiftBase {
  /** Place of the shift entry in the file (for warnings such as DST moves). */
  place: Place;
}

/** A weekly pattern: on these weekdays, from `start` to `end` (end <= start: ends the next day). */
export interface WeeklyShift extends ShiftBase {
  kind: 'weekly';
  days: Weekday[];
  start: LocalTime;
  end: LocalTime;
  from?: IsoDate;
  until?: IsoDate;
}

/** A one-off shift on one date. */
export interface DateShift extends ShiftBase {
  kind: 'date';
  date: IsoDate;
  start: LocalTime;
  end: LocalTime;
}

/** Start instants by a 5-field cron expression evaluated in the agent's zone, each lasting `durationMs`. */
export interface CronShift extends ShiftBase {
  kind: 'cron';
  cron: string;
  durationMs: number;
  from?: IsoDate;
  until?: IsoDate;
}

export type Shift = WeeklyShift | DateShift | CronShift;

export interface LeaveRange {
  from: IsoDate;
  to: IsoDate;
  reason?: string;
}

export interface Holiday {
  date: IsoDate;
  name?: string;
}

/**
 * A cycle of weeks: week `k` (0-based here, "week k+1" to people) holds on the 7 days from
 * `start + 7k`, modulo the number of weeks; before `start` the rotation yields nothing. A shift belongs
 * to the week its start falls in.
 */
export interface Rotation {
  start: IsoDate;
  weeks: { shifts: Shift[] }[];
  place: Place;
}

export interface Team {
  name: string;
  shifts: Shift[];
  rotation?: Rotation;
}

/** The columns of an included CSV that hold each field of a shift, by header name. */
export interface CsvColumns {
  agent: string;
  date: string;
  start: string;
  end: string;
}

/** An included CSV file of dated shifts (`include: [ { csv, columns } ]`). */
export interface Include {
  /** As written in the roster: relative to the roster's folder, or absolute. */
  csv: string;
  columns: CsvColumns;
  place: Place;
}

export interface Agent {
  id: AgentId;
  phone: string;
  team?: string;
  /** The agent's own zone, or the roster's. Always set after parsing. */
  timezone: string;
  /**
   * The agent's own shifts only, those of included files after the roster's (once `loadRoster` has
   * read them); the team's shifts are in `Roster.teams`.
   */
  shifts: Shift[];
  off: LeaveRange[];
  /** The agent's own rotation, beside the team's if it has one. */
  rotation?: Rotation;
  /** Whole weeks ahead in every rotation that applies to the agent (`rotation_offset`). */
  rotationOffset?: number;
  place: Place;
  /** Where the phone number is written, for a clash with another agent's phone; else `place` is used. */
  phonePlace?: Place;
}

export interface Roster {
  version: 1;
  file: string;
  timezone: string;
  holidays: Holiday[];
  /** By name; read it with `Object.hasOwn` (a parsed roster's has no prototype: `constructor` is a name). */
  teams: Record<string, Team>;
  agents: Agent[];
  /** Included CSV files; their shifts are added to the agents by `loadRoster`. */
  includes?: Include[];
}

/**
 * One agent's continuous time on shift: touching or overlapping shift instances merged.
 * `start` inclusive, `end` exclusive, epoch ms. One login at `start`, one logout at `end`.
 */
export interface Session {
  agentId: AgentId;
  /** The agent's team, when it has one (for grouping in the console). */
  team?: string;
  phone: string;
  zone: string;
  start: number;
  end: number;
}
