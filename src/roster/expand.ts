/**
 * Roster → sessions. Each agent's shifts (the team's and their own, a rotation's in its own cycle
 * week) become instances on the local dates they start on, in the agent's zone; holidays and leave
 * drop the instances that start on those dates; one agent's touching or overlapping instances merge
 * into sessions; agents sharing a phone must not be on shift at once.
 */
import { CronExpressionParser } from 'cron-parser';
import { timeMs } from '../time/grammar.js';
import {
  clockTime,
  DAY_MS,
  dayNumber,
  isoDate,
  offsetText,
  type Resolved,
  weekday,
  type ZoneClock,
  ZoneClocks,
} from '../time/zone-clock.js';
import { type AgentShift, agentShifts } from './rotation.js';
import { compareIds, findPhoneClashes, mergeSpans, type Span } from './sessions.js';
import type { Agent, CronShift, Place, Roster, RosterIssue, Session, Shift, Window } from './types.js';

const HOUR_MS = 3_600_000;
/** An instance starting before a day's midnight ends less than this after it (24 h shifts, DST hours). */
const LONGEST_INSTANCE_MS = 27 * HOUR_MS;
/** Days looked at before the window's first local day: instances that start earlier and reach into it. */
const LOOK_BACK_DAYS = 2;
/** When a session runs into the edge of the days looked at, look a week further, up to this far. */
const EXTEND_DAYS = 7;
const MAX_EXTENSION_DAYS = 63;

/** A shift instance, with what DST did to its start or end when it did anything. */
interface Instance extends Span {
  shift: Shift;
  day: number;
  startLocal: number;
  endLocal: number;
  startFit: Resolved['fit'];
  endFit: Resolved['fit'];
}

/** What one expansion shares across agents: zone clocks, holiday dates, cron start times. */
class Expansion {
  readonly clocks = new ZoneClocks();
  readonly holidays: Set<number>;
  readonly window: Window;
  readonly #cronTimes = new Map<string, number[]>();
  readonly #windowDays = new Map<string, readonly [number, number]>();
  /** Per shift, per zone and days looked at: its instances on every day but holidays. */
  readonly #everyDay = new Map<Shift, Map<string, Instance[]>>();

  constructor(roster: Roster, window: Window) {
    this.holidays = new Set(roster.holidays.map((holiday) => dayNumber(holiday.date)));
    this.window = window;
  }

  /** The local days a zone's instances are first looked for on: a little before the window to a day past it. */
  windowDays(clock: ZoneClock): readonly [number, number] {
    let days = this.#windowDays.get(clock.name);
    if (!days) {
      days = [clock.day(this.window.from) - LOOK_BACK_DAYS, clock.day(this.window.to - 1) + 1];
      this.#windowDays.set(clock.name, days);
    }
    return days;
  }

  /**
   * The instances of `shift` on local days `first..last` of `clock`'s zone, every day but holidays: the
   * same for every agent of a team in one zone who has no leave, so they are made once and shared (they
   * are only read).
   */
  everyDay(shift: Shift, clock: ZoneClock, first: number, last: number): Instance[] {
    let byZone = this.#everyDay.get(shift);
    if (!byZone) {
      byZone = new Map();
      this.#everyDay.set(shift, byZone);
    }
    const key = `${clock.name}\n${first}\n${last}`;
    let instances = byZone.get(key);
    if (!instances) {
      instances = shiftInstances(shift, clock, this, (day) => !this.holidays.has(day), first, last);
      byZone.set(key, instances);
    }
    return instances;
  }

  /**
   * The wall-clock start times (local ms) of a cron expression on days `first..last`. A cron reads
   * the wall clock, so they are computed once in UTC and shared by every zone, then each agent's
   * zone turns them into instants with the roster's DST rules.
   */
  cronTimes(cron: string, first: number, last: number): number[] {
    const key = `${cron}\n${first}\n${last}`;
    let times = this.#cronTimes.get(key);
    if (!times) {
      const interval = CronExpressionParser.parse(cron, {
        currentDate: first * DAY_MS - 1000,
        endDate: (last + 1) * DAY_MS - 1,
        tz: 'UTC',
      });
      times = [...interval].map((date) => date.getTime());
      this.#cronTimes.set(key, times);
    }
    return times;
  }
}

/**
 * Every session that overlaps `[window.from, window.to)`, sorted by start then agent ID. `issues`
 * holds a warning for each shift instance in the window whose start or end fell in a DST gap or
 * overlap, and an error for each pair of agents sharing a phone whose sessions overlap.
 */
export function expandRoster(roster: Roster, window: Window): { sessions: Session[]; issues: RosterIssue[] } {
  const expansion = new Expansion(roster, window);
  const sessions: Session[] = [];
  const warnings: RosterIssue[] = [];
  const sharing = agentsSharingPhones(roster);
  const instancesOf = new Map<string, Instance[]>();
  for (const agent of roster.agents) {
    const shifts = agentShifts(roster, agent);
    if (shifts.length === 0) continue;
    const clock = expansion.clocks.get(agent.timezone);
    const { spans, instances } = agentSpans(agent, shifts, clock, expansion);
    if (sharing.has(agent.id)) instancesOf.set(agent.id, instances);
    const { id: agentId, team, phone, timezone: zone } = agent;
    for (const { start, end } of spans) {
      sessions.push(
        team === undefined
          ? { agentId, phone, zone, start, end }
          : { agentId, team, phone, zone, start, end },
      );
    }
    for (const instance of instances) {
      if (instance.startFit === 'exact' && instance.endFit === 'exact') continue;
      if (instance.start >= window.to || Math.max(instance.start, instance.end) <= window.from) continue;
      warnings.push(dstWarning(agent, instance, clock));
    }
  }
  sessions.sort((a, b) => a.start - b.start || compareIds(a.agentId, b.agentId));
  return {
    sessions,
    issues: [
      ...warnings,
      // Only agents who share a phone can clash: the others' sessions need no look.
      ...(sharing.size === 0
        ? []
        : phoneClashErrors(
            roster,
            sessions.filter((session) => sharing.has(session.agentId)),
            expansion.clocks,
            instancesOf,
          )),
    ],
  };
}

/** The IDs of agents whose phone another agent has too: only their shifts can clash. */
function agentsSharingPhones(roster: Roster): Set<string> {
  const byPhone = new Map<string, string[]>();
  for (const agent of roster.agents) {
    const ids = byPhone.get(agent.phone);
    if (ids) ids.push(agent.id);
    else byPhone.set(agent.phone, [agent.id]);
  }
  return new Set([...byPhone.values()].filter((ids) => ids.length > 1).flat());
}

/**
 * One agent's merged sessions that overlap the window, and the instances they came from. Days are
 * looked at from a little before the window to a day past it, and further while a session runs into
 * the edge of what was looked at, so that a session's start and end never depend on the window.
 */
function agentSpans(
  agent: Agent,
  shifts: readonly AgentShift[],
  clock: ZoneClock,
  expansion: Expansion,
): { spans: Span[]; instances: Instance[] } {
  const { window } = expansion;
  const leave = agent.off.map((range) => [dayNumber(range.from), dayNumber(range.to)] as const);
  const works = (day: number) =>
    !expansion.holidays.has(day) && !leave.some(([from, to]) => day >= from && day <= to);
  const [firstDay, lastDay] = expansion.windowDays(clock);
  let first = firstDay;
  let last = lastDay;
  for (;;) {
    const instances = shifts.flatMap(({ shift, onDay }) =>
      onDay === undefined && leave.length === 0
        ? expansion.everyDay(shift, clock, first, last)
        : shiftInstances(
            shift,
            clock,
            expansion,
            onDay ? (day) => onDay(day) && works(day) : works,
            first,
            last,
          ),
    );
    const spans = mergeSpans(instances.filter((instance) => instance.end > instance.start)).filter(
      (span) => span.start < window.to && span.end > window.from,
    );
    const earliest = spans[0];
    const latest = spans.at(-1);
    const reachesBack =
      earliest !== undefined &&
      earliest.start < clock.resolve(first * DAY_MS).instant + LONGEST_INSTANCE_MS &&
      firstDay - first < MAX_EXTENSION_DAYS;
    const reachesOn =
      latest !== undefined &&
      latest.end >= clock.resolve((last + 1) * DAY_MS).instant &&
      last - lastDay < MAX_EXTENSION_DAYS;
    if (!reachesBack && !reachesOn) return { spans, instances };
    if (reachesBack) first -= EXTEND_DAYS;
    if (reachesOn) last += EXTEND_DAYS;
  }
}

/** The instances of one shift starting on local days `first..last` that the agent `works`. */
function shiftInstances(
  shift: Shift,
  clock: ZoneClock,
  expansion: Expansion,
  works: (day: number) => boolean,
  first: number,
  last: number,
): Instance[] {
  const instances: Instance[] = [];
  if (shift.kind === 'cron') {
    const [from, until] = bounds(shift, first, last);
    for (const startLocal of expansion.cronTimes(shift.cron, from, until)) {
      const day = Math.floor(startLocal / DAY_MS);
      if (works(day)) instances.push(cronInstance(shift, clock, day, startLocal));
    }
    return instances;
  }
  const startMs = timeMs(shift.start);
  const endMs = timeMs(shift.end);
  const endDayOffset = endMs <= startMs ? 1 : 0;
  if (shift.kind === 'date') {
    const day = dayNumber(shift.date);
    if (day >= first && day <= last && works(day)) {
      instances.push(timedInstance(shift, clock, day, startMs, endMs, endDayOffset));
    }
    return instances;
  }
  const [from, until] = bounds(shift, first, last);
  const days = new Set<number>(shift.days);
  for (let day = from; day <= until; day++) {
    if (days.has(weekday(day)) && works(day)) {
      instances.push(timedInstance(shift, clock, day, startMs, endMs, endDayOffset));
    }
  }
  return instances;
}

function timedInstance(
  shift: Shift,
  clock: ZoneClock,
  day: number,
  startMs: number,
  endMs: number,
  endDayOffset: number,
): Instance {
  const startLocal = day * DAY_MS + startMs;
  const endLocal = (day + endDayOffset) * DAY_MS + endMs;
  const start = clock.resolve(startLocal);
  const end = clock.resolve(endLocal);
  return {
    shift,
    day,
    start: start.instant,
    end: end.instant,
    startLocal,
    endLocal,
    startFit: start.fit,
    endFit: end.fit,
  };
}

function cronInstance(shift: CronShift, clock: ZoneClock, day: number, startLocal: number): Instance {
  const start = clock.resolve(startLocal);
  const end = start.instant + shift.durationMs;
  return {
    shift,
    day,
    start: start.instant,
    end,
    startLocal,
    // Shown only for an end DST moved, which a cron end (a duration after the start) never is.
    endLocal: startLocal + shift.durationMs,
    startFit: start.fit,
    endFit: 'exact',
  };
}

/** Days `first..last` narrowed by a pattern's `from`/`until` (inclusive). */
function bounds(shift: { from?: string; until?: string }, first: number, last: number): [number, number] {
  return [
    shift.from === undefined ? first : Math.max(first, dayNumber(shift.from)),
    shift.until === undefined ? last : Math.min(last, dayNumber(shift.until)),
  ];
}

function dstWarning(agent: Agent, instance: Instance, clock: ZoneClock): RosterIssue {
  const parts: string[] = [];
  const describe = (edge: 'starts' | 'ends', fit: Resolved['fit'], local: number, instant: number) => {
    const day = Math.floor(local / DAY_MS);
    const on = day === instance.day ? '' : ` on ${isoDate(day)}`;
    const wall = `${clockTime(local)}${on}`;
    if (fit === 'gap') {
      parts.push(
        `it ${edge} at ${wall}, a time that does not exist in ${clock.name} (the clocks go forward), ` +
          `so it ${edge} at ${clockTime(clock.local(instant))} instead`,
      );
    } else if (fit === 'overlap') {
      parts.push(
        `it ${edge} at ${wall}, a time that happens twice in ${clock.name} (the clocks go back), ` +
          `so it ${edge} at the first ${clockTime(local)} (UTC${offsetText(clock.offsetMs(instant))})`,
      );
    }
  };
  describe('starts', instance.startFit, instance.startLocal, instance.start);
  describe('ends', instance.endFit, instance.endLocal, instance.end);
  if (instance.end <= instance.start) parts.push('that leaves no time on shift, so it does not happen');
  return {
    ...instance.shift.place,
    severity: 'warning',
    message: `agent ${agent.id}'s shift on ${isoDate(instance.day)}: ${parts.join('; ')}`,
  };
}

/**
 * Where a clash between two agents over `[from, to)` is reported: at the row of an included file that
 * put one of them on shift then (the later-listed agent's first), else at the later agent's phone.
 */
function clashPlace(
  roster: Roster,
  agents: readonly [Agent, Agent],
  from: number,
  to: number,
  instancesOf: ReadonlyMap<string, readonly Instance[]>,
): Place {
  for (const agent of [agents[1], agents[0]]) {
    const row = instancesOf
      .get(agent.id)
      ?.find(
        (instance) => instance.start < to && instance.end > from && instance.shift.place.file !== roster.file,
      );
    if (row) return row.shift.place;
  }
  return agents[1].phonePlace ?? agents[1].place;
}

function phoneClashErrors(
  roster: Roster,
  sessions: readonly Session[],
  clocks: ZoneClocks,
  instancesOf: ReadonlyMap<string, readonly Instance[]>,
): RosterIssue[] {
  const order = new Map(roster.agents.map((agent, index) => [agent.id as string, index]));
  const agentOf = (session: Session) => roster.agents[order.get(session.agentId) ?? 0] as Agent;
  return findPhoneClashes(sessions).map(({ phone, first, second, from, to, times }) => {
    const [earlier, later] = [first, second].sort(
      (a, b) => (order.get(a.agentId) ?? 0) - (order.get(b.agentId) ?? 0),
    ) as [Session, Session];
    const clock = clocks.get(later.zone);
    const fromLocal = clock.local(from);
    const toLocal = clock.local(to);
    const sameDay = Math.floor(fromLocal / DAY_MS) === Math.floor(toLocal / DAY_MS);
    const toText = sameDay
      ? clockTime(toLocal)
      : `${isoDate(Math.floor(toLocal / DAY_MS))} ${clockTime(toLocal)}`;
    const more = times > 1 ? ` (and ${times - 1} more time${times > 2 ? 's' : ''})` : '';
    return {
      ...clashPlace(roster, [agentOf(earlier), agentOf(later)], from, to, instancesOf),
      severity: 'error' as const,
      message:
        `agents ${earlier.agentId} and ${later.agentId} share phone ${phone} and are both on shift ` +
        `on ${isoDate(Math.floor(fromLocal / DAY_MS))} from ${clockTime(fromLocal)} to ${toText} ` +
        `(${clock.name})${more}; a phone serves one agent at a time: give one of them another phone, ` +
        `or end one shift when the other starts`,
    };
  });
}
