import { CHECK_DAYS_AHEAD, inspectRoster, type RotationToday, rotationsToday } from '../roster/check.js';
import type { RosterIssue } from '../roster/types.js';
import { localToday } from '../time/zone-clock.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { nameFile, printIssues, readRosterFile, rosterArgument } from './roster-file.js';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Agent IDs named up to this many in a rotation's line; the rest are counted. */
const AGENTS_NAMED = 5;

/** `team rotating, rotation_offset 1 (agents 1002, 1005): week 2 of 4 (2026-12-14 to 2026-12-20)` */
function rotationLine(r: RotationToday): string {
  const offset = r.offset ? `, rotation_offset ${r.offset}` : '';
  const named = r.agents.slice(0, AGENTS_NAMED).join(', ');
  const more = r.agents.length > AGENTS_NAMED ? ` and ${r.agents.length - AGENTS_NAMED} more` : '';
  // A team's agents without an offset are the team itself; those with one are named.
  const agents = r.offset ? ` (${r.agents.length === 1 ? 'agent' : 'agents'} ${named}${more})` : '';
  const who = r.agentId !== undefined ? `agent ${r.agentId}${offset}` : `team ${r.team}${offset}${agents}`;
  const when = r.started
    ? `week ${r.week} of ${r.weeks} (${r.from} to ${r.to}), then week ${(r.week % r.weeks) + 1}`
    : `starts ${r.start} with week ${r.week} of ${r.weeks}`;
  return `  ${who}: ${when}\n`;
}

/** `rota check [FILE] [--json]`: validate; print errors and DST warnings; exit 1 on any error. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean', default: false } });
  const { shown, roster, issues: parsed } = await readRosterFile(rosterArgument(positionals), io);
  const now = io.now();
  const inspected = roster ? inspectRoster(roster, now) : undefined;
  const issues =
    roster && inspected ? [...parsed, ...nameFile(inspected.issues, roster.file, shown)] : parsed;
  const only = (severity: RosterIssue['severity']) => issues.filter((issue) => issue.severity === severity);
  const valid = roster !== undefined && inspected !== undefined && only('error').length === 0;
  if (values.json) {
    printJson(io, {
      file: shown,
      valid,
      errors: only('error'),
      warnings: only('warning'),
      ...(valid
        ? {
            agents: roster.agents.length,
            teams: Object.keys(roster.teams).length,
            sessionsAhead: inspected.sessionsAhead,
            daysAhead: CHECK_DAYS_AHEAD,
            rotations: rotationsToday(roster, now),
          }
        : {}),
    });
    return valid ? 0 : 1;
  }
  const { errors, warnings } = printIssues(io, issues);
  const warned = warnings === 0 ? 'no warnings' : plural(warnings, 'warning');
  if (!valid) {
    io.stderr(`${shown}: ${plural(errors, 'error')}${warnings === 0 ? '' : `, ${warned}`}\n`);
    return 1;
  }
  const teams = Object.keys(roster.teams).length;
  io.stdout(
    `${shown}: ${plural(roster.agents.length, 'agent')}, ${plural(teams, 'team')}, ` +
      `${plural(inspected.sessionsAhead, 'session')} in the next ${CHECK_DAYS_AHEAD} days; ${warned}\n`,
  );
  const rotations = rotationsToday(roster, now);
  if (rotations.length > 0) {
    io.stdout(`rotations, today ${localToday(roster.timezone, now)} (${roster.timezone}):\n`);
    for (const rotation of rotations) io.stdout(rotationLine(rotation));
  }
  return 0;
};
