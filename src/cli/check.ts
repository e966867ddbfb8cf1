import { CHECK_DAYS_AHEAD, inspectRoster } from '../roster/check.js';
import { parseFlags, type Verb } from './io.js';
import { nameFile, printIssues, readRosterFile, rosterArgument } from './roster-file.js';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `rota check [FILE]`: validate; print errors and DST warnings; exit 1 on any error. */
export const run: Verb = async (args, io) => {
  const { positionals } = parseFlags(args, {});
  const { shown, roster, issues: parsed } = await readRosterFile(rosterArgument(positionals), io);
  const inspected = roster ? inspectRoster(roster, Date.now()) : undefined;
  const issues =
    roster && inspected ? [...parsed, ...nameFile(inspected.issues, roster.file, shown)] : parsed;
  const { errors, warnings } = printIssues(io, issues);
  const warned = warnings === 0 ? 'no warnings' : plural(warnings, 'warning');
  if (!roster || !inspected || errors > 0) {
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
