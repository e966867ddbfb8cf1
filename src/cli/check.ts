import { CHECK_DAYS_AHEAD, inspectRoster } from '../roster/check.js';
import type { RosterIssue } from '../roster/types.js';
import { parseFlags, printJson, type Verb } from './io.js';
import { nameFile, printIssues, readRosterFile, rosterArgument } from './roster-file.js';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `rota check [FILE] [--json]`: validate; print errors and DST warnings; exit 1 on any error. */
export const run: Verb = async (args, io) => {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean', default: false } });
  const { shown, roster, issues: parsed } = await readRosterFile(rosterArgument(positionals), io);
  const inspected = roster ? inspectRoster(roster, io.now()) : undefined;
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
  return 0;
};
