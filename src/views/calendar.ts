import ical from 'ical-generator';
import { jobId } from '../plan/jobs.js';
import type { Session } from '../roster/types.js';
import { ZoneClocks } from '../time/zone-clock.js';
import { ROTA_VERSION } from '../version.js';

/**
 * One agent's sessions as an iCalendar file (RFC 5545), for `rota plan --agent ID --format ics` and
 * `GET /api/agents/ID.ics`: one event per session, in UTC. An event's UID is its login job's ID, so it
 * is the same in every run and every export, and a calendar that subscribes updates the event in place.
 */
export function sessionsCalendar(agentId: string, sessions: readonly Session[], now: number): string {
  const calendar = ical({
    name: `rota: agent ${agentId}`,
    prodId: { company: 'rota', product: `rota ${ROTA_VERSION}`, language: 'EN' },
  });
  const clocks = new ZoneClocks();
  for (const session of sessions) {
    const clock = clocks.get(session.zone);
    const local = (instant: number) => clock.iso(instant).slice(0, 16).replace('T', ' ');
    calendar.createEvent({
      id: `${jobId('roster', 'login', agentId, session.start)}@rota`,
      start: new Date(session.start),
      end: new Date(session.end),
      stamp: new Date(now),
      summary: session.team === undefined ? 'On shift' : `On shift (team ${session.team})`,
      description:
        `Agent ${agentId} on phone ${session.phone}, from ${local(session.start)} to ` +
        `${local(session.end)} (${session.zone}). rota logs the agent in at the start and out at the end.`,
    });
  }
  return calendar.toString();
}
