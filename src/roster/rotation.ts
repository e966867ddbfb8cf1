/**
 * Rotations: which week of its cycle a day falls in. Days are day numbers in the agent's zone (see
 * `time/zone-clock.ts`), so daylight saving never moves a week's edge. Pure.
 */
import { dayNumber, ZoneClocks } from '../time/zone-clock.js';
import type { Agent, Roster, Rotation, Session, Shift } from './types.js';

/**
 * The cycle week (0-based) that local day `day` falls in, `offset` weeks ahead; undefined before the
 * rotation starts, whatever the offset.
 */
export function cycleWeek(rotation: Rotation, offset: number, day: number): number | undefined {
  return weekIndex(dayNumber(rotation.start), rotation.weeks.length, offset, day);
}

function weekIndex(start: number, length: number, offset: number, day: number): number | undefined {
  if (day < start) return undefined;
  return (((Math.floor((day - start) / 7) + offset) % length) + length) % length;
}

/** A shift an agent works, and for a rotation's shift the days it may start on (those of its week). */
export interface AgentShift {
  shift: Shift;
  onDay?: (day: number) => boolean;
}

/** The shifts of a rotation, each kept to the days of its own week. */
function rotationShifts(rotation: Rotation, offset: number): AgentShift[] {
  const start = dayNumber(rotation.start);
  const length = rotation.weeks.length;
  return rotation.weeks.flatMap((week, k) => {
    const onDay = (day: number) => weekIndex(start, length, offset, day) === k;
    return week.shifts.map((shift) => ({ shift, onDay }));
  });
}

/** The agent's team, when the roster has it. */
function teamOf(roster: Roster, agent: Agent) {
  return agent.team !== undefined && Object.hasOwn(roster.teams, agent.team)
    ? roster.teams[agent.team]
    : undefined;
}

/** Every shift the agent works: the team's, the team's rotation's, their own and their rotation's. */
export function agentShifts(roster: Roster, agent: Agent): AgentShift[] {
  const team = teamOf(roster, agent);
  const offset = agent.rotationOffset ?? 0;
  const plain = (shifts: readonly Shift[]) => shifts.map((shift) => ({ shift }));
  return [
    ...plain(team?.shifts ?? []),
    ...(team?.rotation ? rotationShifts(team.rotation, offset) : []),
    ...plain(agent.shifts),
    ...(agent.rotation ? rotationShifts(agent.rotation, offset) : []),
  ];
}

/** The rotation shown for an agent: their own, else their team's. */
function agentRotation(roster: Roster, agent: Agent): Rotation | undefined {
  return agent.rotation ?? teamOf(roster, agent)?.rotation;
}

/**
 * The cycle week (1-based) each session starts in, for agents on a rotation (their own, else their
 * team's, with their offset): undefined for others, and before the rotation starts.
 */
export function sessionWeeks(roster: Roster): (session: Session) => number | undefined {
  const agents = new Map(roster.agents.map((agent) => [agent.id as string, agent]));
  const clocks = new ZoneClocks();
  return (session) => {
    const agent = agents.get(session.agentId);
    const rotation = agent && agentRotation(roster, agent);
    if (!agent || !rotation) return undefined;
    const week = cycleWeek(rotation, agent.rotationOffset ?? 0, clocks.get(session.zone).day(session.start));
    return week === undefined ? undefined : week + 1;
  };
}
