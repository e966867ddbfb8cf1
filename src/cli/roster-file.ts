import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DEFAULT_ROSTER_FILE } from '../config/env.js';
import { UsageError } from '../errors/index.js';
import { formatIssue } from '../roster/format.js';
import { loadRoster } from '../roster/load.js';
import type { Roster, RosterIssue } from '../roster/types.js';
import type { Io } from './io.js';

/** The roster file as the verbs that take one (`check`, `plan`, `sync`, `login`, `logout`) find and report it. */

/**
 * The roster file a verb works on: FILE, else `ROTA_ROSTER`, else `config/roster.yaml`, relative to
 * the working directory. Issues name it as the user wrote it.
 */
export function rosterPath(file: string | undefined, io: Io): { shown: string; path: string } {
  const shown = file ?? (io.env.ROTA_ROSTER || DEFAULT_ROSTER_FILE);
  return { shown, path: resolve(io.cwd, shown) };
}

/** Reads and parses the roster file a verb works on (see `rosterPath`). */
export async function readRosterFile(
  file: string | undefined,
  io: Io,
): Promise<{ shown: string; roster?: Roster; issues: RosterIssue[] }> {
  const { shown, path } = rosterPath(file, io);
  const { roster, issues } = await loadRoster(path);
  return { shown, ...(roster ? { roster } : {}), issues: nameFile(issues, path, shown) };
}

/**
 * Issues with the file's full path replaced by the name the user gave it, and those of files it
 * includes named from there (`config/exports/week-49.csv` for an include `exports/week-49.csv`).
 */
export function nameFile(issues: readonly RosterIssue[], path: string, shown: string): RosterIssue[] {
  return issues.map((issue) => {
    if (issue.file === path) return { ...issue, file: shown };
    const inside = relative(dirname(path), issue.file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return issue;
    return { ...issue, file: join(dirname(shown), inside) };
  });
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
