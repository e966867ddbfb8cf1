import { formatPlaced } from '../yaml-place.js';
import type { RosterIssue } from './types.js';

/**
 * One issue as one line: `roster.yaml:14:12 agents[2].shifts[0].end: message`, with `warning: ` before
 * the message of a warning. A problem with the whole file (line 0) has no line and column, one in a
 * CSV row (column 0) no column — `week-49.csv:7: message` — and one without a path has none.
 */
export function formatIssue(issue: RosterIssue): string {
  return formatPlaced({
    ...issue,
    message: `${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`,
  });
}

/** At most this many issues are kept where a roster error is stored or logged. */
export const ISSUES_SHOWN = 20;

/** A bounded account of a roster's errors: how many, and the first few as lines. */
export interface IssueSummary {
  count: number;
  first: string[];
}

export function summarizeIssues(issues: readonly RosterIssue[], max = ISSUES_SHOWN): IssueSummary {
  return { count: issues.length, first: issues.slice(0, max).map(formatIssue) };
}
