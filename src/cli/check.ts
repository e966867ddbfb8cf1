import { resolve } from 'node:path';
import { CHECK_DAYS_AHEAD, inspectRoster } from '../roster/check.js';
import { formatIssue } from '../roster/format.js';
import { loadRoster } from '../roster/load.js';
import type { Roster, RosterIssue } from '../roster/types.js';
import { type Io, parseFlags, UsageError, type Verb } from './io.js';

const DEFAULT_ROSTER = 'config/roster.yaml';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The roster file a verb works on: FILE, else `ROTA_ROSTER`, else `config/roster.yaml`, relative to
 * the working directory. Issues name it as the user wrote it.
 */
export async function readRosterFile(
  file: string | undefined,
  io: Io,
): Promise<{ shown: string; roster?: Roster; issues: RosterIssue[] }> {
  const shown = file ?? io.env.ROTA_ROSTER ?? DEFAULT_ROSTER;
  const path = resolve(io.cwd, shown);
  const { roster, issues } = await loadRoster(path);
  return { shown, ...(roster ? { roster } : {}), issues: nameFile(issues, path, shown) };
}

/** Issues with the file's full path replaced by the name the user gave it. */
export function nameFile(issues: readonly RosterIssue[], path: string, shown: string): RosterIssue[] {
  return issues.map((issue) => (issue.file === path ? { ...issue, file: shown } : issue));
}

/** Errors first, then warnings, one per line on stderr; returns how many of each. */
export function printIssues(io: Io, issues: readonly RosterIssue[]): { errors: number; warnings: number } {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  for (const issue of [...errors, ...warnings]) io.stderr(`${formatIssue(issue)}\n`);
  return { errors: errors.length, warnings: warnings.length };
}

/** The one positional FILE a verb takes, if any. */
export function rosterArgument(positionals: readonly string[]): string | undefined {
  if (positionals.length > 1) {
    throw new UsageError(`give at most one roster file, not ${positionals.length}: ${positionals.join(' ')}`);
  }
  return positionals[0];
}

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
