/**
 * What `rota check` finds beyond parsing: DST moves and phone clashes over a window long enough to
 * cover every date the roster names and a whole cycle of each rotation, how many sessions the next two
 * weeks hold, and which week of its cycle each rotation is in.
 */

import { DAY_MS, dayNumber, isoDate, ZoneClock } from '../time/zone-clock.js';
import { expandRoster } from './expand.js';
import { cycleWeek } from './rotation.js';
import type { AgentId, IsoDate, Roster, RosterIssue, Rotation, Shift, Window } from './types.js';

/** The days ahead `rota check` always looks at, and the ones it counts sessions in. */
export const CHECK_DAYS_AHEAD = 14;
/** Days past the roster's last named date, so shifts starting that day and ending later are seen. */
const DAYS_PAST_LAST_DATE = 2;
/** However far the roster's dates reach, check no more than this many days. */
export const MAX_CHECK_DAYS = 400;

/** Every rotation of the roster: the teams', then the agents' own. */
function rotations(roster: Roster): Rotation[] {
  const all = Object.values(roster.teams).map((team) => team.rotation);
  all.push(...roster.agents.map((agent) => agent.rotation));
  return all.filter((rotation) => rotation !== undefined);
}

/** The latest date the roster names: one-off shifts, holidays, `until` bounds, leave ends. */
function lastNamedDay(roster: Roster): number | undefined {
  const days = roster.holidays.map((holiday) => dayNumber(holiday.date));
  const shifts: Shift[] = [...Object.values(roster.teams).flatMap((team) => team.shifts)];
  for (const rotation of rotations(roster)) shifts.push(...rotation.weeks.flatMap((week) => week.shifts));
  for (const agent of roster.agents) {
    shifts.push(...agent.shifts);
    days.push(...agent.off.map((range) => dayNumber(range.to)));
  }
  for (const shift of shifts) {
    if (shift.kind === 'date') days.push(dayNumber(shift.date));
    else if (shift.until !== undefined) days.push(dayNumber(shift.until));
  }
  return days.reduce<number | undefined>(
    (latest, day) => (latest === undefined || day > latest ? day : latest),
    undefined,
  );
}

/** The day after one whole cycle of every rotation, from today or from its start when that is later. */
function lastCycleDay(roster: Roster, today: number): number {
  return rotations(roster).reduce(
    (last, rotation) =>
      Math.max(last, Math.max(today, dayNumber(rotation.start)) + 7 * rotation.weeks.length + 1),
    today,
  );
}

/**
 * From the start of yesterday (roster zone) to the latest of the end of the 14th day after today (so
 * the 14 days from `now` are inside), 2 days after the last date the roster names, and the end of a
 * whole cycle of each rotation (a clash in a cycle comes back with it); at most 400 days.
 */
export function checkWindow(roster: Roster, now: number): Window {
  const clock = new ZoneClock(roster.timezone);
  const today = clock.day(now);
  const first = today - 1;
  const last = Math.min(
    Math.max(
      today + CHECK_DAYS_AHEAD + 1,
      (lastNamedDay(roster) ?? today) + DAYS_PAST_LAST_DATE,
      lastCycleDay(roster, today),
    ),
    first + MAX_CHECK_DAYS,
  );
  return { from: clock.resolve(first * DAY_MS).instant, to: clock.resolve(last * DAY_MS).instant };
}

export interface RosterCheck {
  issues: RosterIssue[];
  /** Sessions that overlap the next 14 days from `now`. */
  sessionsAhead: number;
}

/** The issues over the check window, and the number of sessions in the next 14 days. */
export function inspectRoster(roster: Roster, now: number): RosterCheck {
  const { sessions, issues } = expandRoster(roster, checkWindow(roster, now));
  const horizon = now + CHECK_DAYS_AHEAD * DAY_MS;
  const sessionsAhead = sessions.filter((session) => session.end > now && session.start < horizon).length;
  return { issues, sessionsAhead };
}

/** The issues `rota check` reports beyond parsing: DST warnings and phone clashes, over `checkWindow`. */
export function checkRoster(roster: Roster, now: number): RosterIssue[] {
  return inspectRoster(roster, now).issues;
}

/** Where a rotation stands today for the agents that follow it with one offset. */
export interface RotationToday {
  /** A team's rotation, or (with `agentId`) an agent's own. */
  team?: string;
  agentId?: AgentId;
  /** The agents that follow it with this offset (a team's rotation: those of the team). */
  agents: AgentId[];
  offset: number;
  start: IsoDate;
  weeks: number;
  /** False before the rotation starts: then the week is the first it will be in, from `start`. */
  started: boolean;
  /** The cycle week (1-based) of the 7 days `from`..`to` (inclusive). */
  week: number;
  from: IsoDate;
  to: IsoDate;
}

/**
 * Each rotation's week today, in the roster zone (an agent's own: in the agent's zone): a team's once
 * for each `rotation_offset` its agents have.
 */
export function rotationsToday(roster: Roster, now: number): RotationToday[] {
  const at = (rotation: Rotation, zone: string, offset: number) => {
    const today = new ZoneClock(zone).day(now);
    const start = dayNumber(rotation.start);
    const weekStart = today < start ? start : start + 7 * Math.floor((today - start) / 7);
    const week = (cycleWeek(rotation, offset, weekStart) ?? 0) + 1;
    return {
      offset,
      start: rotation.start,
      weeks: rotation.weeks.length,
      started: today >= start,
      week,
      from: isoDate(weekStart),
      to: isoDate(weekStart + 6),
    };
  };
  const result: RotationToday[] = [];
  for (const team of Object.values(roster.teams)) {
    const { rotation } = team;
    if (!rotation) continue;
    const byOffset = new Map<number, AgentId[]>([[0, []]]);
    for (const agent of roster.agents) {
      if (agent.team !== team.name) continue;
      const offset = agent.rotationOffset ?? 0;
      const agents = byOffset.get(offset);
      if (agents) agents.push(agent.id);
      else byOffset.set(offset, [agent.id]);
    }
    for (const [offset, agents] of [...byOffset].sort(([a], [b]) => a - b)) {
      result.push({ team: team.name, agents, ...at(rotation, roster.timezone, offset) });
    }
  }
  for (const agent of roster.agents) {
    if (!agent.rotation) continue;
    const offset = agent.rotationOffset ?? 0;
    result.push({ agentId: agent.id, agents: [agent.id], ...at(agent.rotation, agent.timezone, offset) });
  }
  return result;
}
