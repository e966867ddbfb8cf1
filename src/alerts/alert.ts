import type { Action } from '../cloudagent/types.js';
import { redact, writtenForms } from '../text/redact.js';
import { formatDuration } from '../time/grammar.js';
import { inUtc } from '../views/show.js';

/**
 * The alert model (pure): what rota tells a webhook, as one plain JSON object a person or a chat can read.
 * Each condition has a stable key — one per failed job, one for each rota-wide condition — under which
 * its `firing` and `resolved` notices are deduplicated (`gate.ts`) and delivered (`outbox.ts`).
 */

export const ALERT_KINDS = [
  'action-failed',
  'action-late',
  'roster-invalid',
  'paused',
  'account-refused',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'warning' | 'critical';
export type AlertState = 'firing' | 'resolved';

/** A due action not started this long after its instant is late (`action-late`; the report's "missed"). */
export const LATE_AFTER_MS = 60_000;

/** How bad each kind is: one agent or a kept plan is a warning; nobody being logged in is critical. */
export const SEVERITY: Record<AlertKind, AlertSeverity> = {
  'action-failed': 'warning',
  'action-late': 'critical',
  'roster-invalid': 'warning',
  paused: 'warning',
  'account-refused': 'critical',
};

/** The body POSTed to each `ROTA_ALERT_WEBHOOK`. Never a password, API key or token. */
export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  state: AlertState;
  /** The condition's stable key: a `resolved` carries the key of the `firing` it ends. */
  key: string;
  agent: string | null;
  action: Action | null;
  job: string | null;
  /** When rota noticed the condition (or its end), ISO 8601 UTC. */
  at: string;
  message: string;
  /** One readable line, for chats that show a webhook's `text` as it is (Slack, Teams). */
  text: string;
}

/** A condition noticed, or noticed to have ended, before it becomes an alert. */
export interface Notice {
  kind: AlertKind;
  state: AlertState;
  key: string;
  agent?: string;
  action?: Action;
  job?: string;
  message: string;
}

/** The job an alert is about, as the worker reports it. */
export interface AlertJob {
  id: string;
  agentId: string;
  action: Action;
  /** The scheduled instant (epoch ms). */
  at: number;
}

const aboutJob = (job: AlertJob) => ({ agent: job.agentId, action: job.action, job: job.id });

function actionFailedKey(jobId: string): string {
  return `action-failed:${jobId}`;
}

function jobNotice(state: AlertState, job: AlertJob, what: string): Notice {
  return {
    kind: 'action-failed',
    state,
    key: actionFailedKey(job.id),
    ...aboutJob(job),
    message: `${job.action} of agent ${job.agentId} due ${inUtc(job.at)} ${what}`,
  };
}

/** A login or logout failed for good (rejected, deadline passed, phone held past the conflict window). */
export function actionFailed(job: AlertJob, reason: string): Notice {
  return jobNotice('firing', job, `failed for good: ${reason}`);
}

/** The failed job ran again and completed (a requeue). */
export function actionCompleted(job: AlertJob, result: string): Notice {
  return jobNotice('resolved', job, `completed: ${result}`);
}

/** Due actions not started: how many, and the one waiting longest. */
export interface LateActions {
  count: number;
  oldest: AlertJob & { lateMs: number };
  lateAfterMs: number;
}

export function actionsLate(late: LateActions): Notice {
  const { count, oldest, lateAfterMs } = late;
  return {
    kind: 'action-late',
    state: 'firing',
    key: 'action-late',
    ...aboutJob(oldest),
    message:
      `${count} due action(s) not started ${formatDuration(lateAfterMs)} after their instant; the oldest is ` +
      `the ${oldest.action} of agent ${oldest.agentId} due ${inUtc(oldest.at)}, ${formatDuration(oldest.lateMs)} ` +
      'late. Are the workers running? Is rota paused?',
  };
}

export function noActionLate(): Notice {
  return { kind: 'action-late', state: 'resolved', key: 'action-late', message: 'no due action is late now' };
}

/** A sync refused the roster: the first error line and how many there are. */
export function rosterInvalid(count: number, first: string | undefined): Notice {
  return {
    kind: 'roster-invalid',
    state: 'firing',
    key: 'roster-invalid',
    message:
      `the roster has ${count} error(s); the scheduler keeps the last good plan` +
      `${first ? `. First: ${first}` : ''}`,
  };
}

export function rosterValid(revision: string): Notice {
  return {
    kind: 'roster-invalid',
    state: 'resolved',
    key: 'roster-invalid',
    message: `the roster is valid again (revision ${revision}); the plan follows it`,
  };
}

export function pausedTooLong(since: number, reason: string, now: number): Notice {
  return {
    kind: 'paused',
    state: 'firing',
    key: 'paused',
    message:
      `rota has been paused for ${formatDuration(now - since)} (since ${inUtc(since)})` +
      `${reason ? `: ${reason}` : ''}; no login or logout is made until rota resume`,
  };
}

export function resumed(): Notice {
  return { kind: 'paused', state: 'resolved', key: 'paused', message: 'rota was resumed' };
}

/** CloudAgent refused the account itself; rota paused every call. */
export function accountRefused(reason: string): Notice {
  return { kind: 'account-refused', state: 'firing', key: 'account-refused', message: reason };
}

export function accountResumed(): Notice {
  return {
    kind: 'account-refused',
    state: 'resolved',
    key: 'account-refused',
    message: 'rota was resumed: calls to CloudAgent go on',
  };
}

/**
 * `text` with every secret, in every form it may be written, replaced: a second guard, after the
 * client's own (too short a secret is not looked for: see `src/text/redact.ts`).
 */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return redact(text, secrets.flatMap(writtenForms));
}

/** The webhook body for a notice, at `now`; every secret in `secrets` is redacted from the message. */
export function alertBody(notice: Notice, now: number, secrets: readonly string[] = []): Alert {
  const severity = SEVERITY[notice.kind];
  // One line: a message from outside (CloudAgent's answer) may hold line breaks.
  const message = withoutSecrets(notice.message, secrets).replace(/\s+/g, ' ').trim();
  const mark = notice.state === 'firing' ? `[FIRING ${severity}]` : '[RESOLVED]';
  return {
    kind: notice.kind,
    severity,
    state: notice.state,
    key: notice.key,
    agent: notice.agent ?? null,
    action: notice.action ?? null,
    job: notice.job ?? null,
    at: new Date(now).toISOString(),
    message,
    text: `${mark} rota ${notice.kind}: ${message}`,
  };
}
