import type { RosterIssue } from './types.js';

/**
 * One issue as one line: `roster.yaml:14:12 agents[2].shifts[0].end: message`, with `warning: ` before
 * the message of a warning. A problem with the whole file (line 0) has no line and column, and one
 * without a path has none.
 */
export function formatIssue(issue: RosterIssue): string {
  const place = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const where = issue.path === '' ? place : `${place} ${issue.path}`;
  return `${where}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
}
