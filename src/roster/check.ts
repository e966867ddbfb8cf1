/**
 * What `rota check` finds beyond parsing: DST moves and phone clashes over a window long enough to
 * cover every date the roster names, and how many sessions the next two weeks hold.
 */

import { DAY_MS, dayNumber, ZoneClock } from '../time/zone-clock.js';
import { expandRoster } from './expand.js';
import type { Roster, RosterIssue, Window } from './types.js';

/** The days ahead `rota check` always looks at, and the ones it counts sessions in. */
export const CHECK_DAYS_AHEAD = 14;
/** Days past the roster's last named date, so shifts starting that day and ending later are seen. */
const DAYS_PAST_LAST_DATE = 2;
/** However far the roster's dates reach, check no more than this many days. */
export const MAX_CHECK_DAYS = 400;

/** The latest date the roster names: one-off shifts, holidays, `until` bounds, leave ends. */
function lastNamedDay(roster: Roster): number | undefined {
  const days = roster.holidays.map((holiday) => dayNumber(holiday.date));
  const shifts = [...Object.values(roster.teams).flatMap((team) => team.shifts)];
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

/**
 * From the start of yesterday (roster zone) to the later of the end of the 14th day after today (so
 * the 14 days from `now` are inside) and 2 days after the last date the roster names; at most 400 days.
 */
export function checkWindow(roster: Roster, now: number): Window {
  const clock = new ZoneClock(roster.timezone);
  const today = clock.day(now);
  const first = today - 1;
  const last = Math.min(
    Math.max(today + CHECK_DAYS_AHEAD + 1, (lastNamedDay(roster) ?? today) + DAYS_PAST_LAST_DATE),
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
