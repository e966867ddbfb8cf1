/**
 * The outcome table: the one place that reads CloudAgent's answers and decides what they mean (SPEC
 * section 4, cloudagent-api.md). Pure: no I/O, no clock of its own.
 *
 * Decisions beyond the documented answers:
 * - A JSON answer of the documented shape (`{"status", "message"}`) is authoritative whatever the HTTP
 *   status: `success` is `done` even on a 500, and a recognised error text means what it always means.
 *   One exception: an error text this table does not know, on HTTP 5xx, 408 or 429, is `transient` (the
 *   server itself says the trouble is temporary), not `rejected`.
 * - An answer that is not that JSON (HTML, empty, other JSON) is `transient` on 2xx, 5xx, 408 and 429,
 *   and `rejected` on any other status (3xx, 404, 401...): the request reached something that is not the
 *   CloudAgent endpoint, so retrying cannot help; the message says to check CLOUDAGENT_BASE_URL.
 * - `Retry-After` (seconds or an HTTP date) is honoured on every `transient` HTTP answer.
 * - A call cancelled by the caller (shutdown) is `transient`: whether CloudAgent acted is unknown.
 */
import type { Action, CallOutcome } from './types.js';

/** What came back from one call, or what happened instead. */
export type Answer =
  | {
      kind: 'http';
      action: Action;
      httpStatus: number;
      /** The `Retry-After` header, as sent. */
      retryAfter?: string;
      body: string;
    }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'cancelled' }
  /** Refused, reset, DNS...: `code` is Node's error code (`ECONNREFUSED`), `detail` its message. */
  | { kind: 'network'; code?: string; detail: string };

export interface Decision {
  outcome: CallOutcome;
  /** The API's message verbatim, or what went wrong in words an operator understands. */
  message: string;
  retryAfterMs?: number;
  /** `account`: the answer is about the whole account (every call will get it), not this agent. */
  scope?: 'account';
}

interface MessageRule {
  /** What the answer means, for people reading this table. */
  meaning: string;
  /** The actions whose answer this can be; the same text on another action is unknown. */
  actions: readonly Action[];
  /** Tested against the message lower-cased, whitespace collapsed and trimmed. */
  pattern: RegExp;
  outcome: CallOutcome;
  /** `account`: every call of the account meets this until its configuration is fixed. */
  scope?: 'account';
}

/** Every error text known (documented, or seen in the vendor's server code). Anything else is unknown. */
export const MESSAGE_RULES: readonly MessageRule[] = [
  {
    meaning: 'login: the agent is already logged in (the wanted state holds)',
    actions: ['login'],
    pattern: /\balready logged ?in\b/,
    outcome: 'already',
  },
  {
    meaning: 'logout: the agent is not logged in (the wanted state holds)',
    actions: ['logout'],
    pattern: /\bis not logged ?in\b/,
    outcome: 'already',
  },
  {
    meaning: 'the phone is held by another agent; clears when their logout lands',
    actions: ['login', 'logout'],
    pattern: /\blogged ?in with (?:the )?number ?\(/,
    outcome: 'conflict',
  },
  {
    meaning: 'wrong account name or API key: every call fails until the configuration is fixed',
    actions: ['login', 'logout'],
    pattern: /\binvalid username or apikey\b/,
    outcome: 'rejected',
    scope: 'account',
  },
  {
    meaning: "wrong agent ID or this agent's password",
    actions: ['login', 'logout'],
    pattern: /\binvalid authentication\b/,
    outcome: 'rejected',
  },
  {
    meaning: 'account limits or an admin block (vendor server code, undocumented)',
    actions: ['login', 'logout'],
    pattern: /\b(?:agent login limit (?:exceeded|not set)|not able to login)\b/,
    outcome: 'rejected',
  },
];

/** Node error codes in words; any network failure is `transient` whatever its code. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection closed by the other side before an answer came',
  EPIPE: 'connection broken while sending',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed for now (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

const EXCERPT_LENGTH = 60;

/** Maps one call's answer (or failure) to its outcome. `now` (epoch ms) dates a `Retry-After` date. */
export function decideOutcome(answer: Answer, now: number): Decision {
  switch (answer.kind) {
    case 'timeout':
      return { outcome: 'transient', message: `no answer within ${answer.timeoutMs} ms (timeout)` };
    case 'cancelled':
      return {
        outcome: 'transient',
        message: 'cancelled before an answer came (shutting down); CloudAgent may or may not have acted',
      };
    case 'network': {
      const words = (answer.code && NETWORK_ERRORS[answer.code]) ?? 'network error';
      return { outcome: 'transient', message: `${words} (${answer.detail})` };
    }
    case 'http':
      return decideHttp(answer, now);
  }
}

function decideHttp(answer: Extract<Answer, { kind: 'http' }>, now: number): Decision {
  const { httpStatus } = answer;
  const temporary = httpStatus >= 500 || httpStatus === 408 || httpStatus === 429;
  const retryAfterMs = answer.retryAfter === undefined ? undefined : parseRetryAfter(answer.retryAfter, now);
  const transient = (message: string): Decision =>
    retryAfterMs === undefined
      ? { outcome: 'transient', message }
      : { outcome: 'transient', message, retryAfterMs };

  const json = parseApiJson(answer.body);
  if (json) {
    if (json.status === 'success') return { outcome: 'done', message: json.message };
    const rule = findRule(answer.action, json.message);
    if (rule)
      return { outcome: rule.outcome, message: json.message, ...(rule.scope ? { scope: rule.scope } : {}) };
    if (temporary) return transient(`HTTP ${httpStatus}: ${json.message}`);
    return { outcome: 'rejected', message: json.message || 'CloudAgent answered "error" with no message' };
  }

  const what = describeBody(answer.body);
  if (temporary || (httpStatus >= 200 && httpStatus < 300)) {
    return transient(`HTTP ${httpStatus} with ${what}`);
  }
  return {
    outcome: 'rejected',
    message:
      `HTTP ${httpStatus} with ${what}: this is not the CloudAgent API answering; ` +
      'check CLOUDAGENT_BASE_URL (for example https://in1-ccaas-api.ozonetel.com)',
  };
}

/** The message rule an error text matches for this action, if any. */
function findRule(action: Action, message: string): MessageRule | undefined {
  const text = message.toLowerCase().replace(/\s+/g, ' ').trim();
  return MESSAGE_RULES.find((rule) => rule.actions.includes(action) && rule.pattern.test(text));
}

/** The documented answer shape, or undefined for anything else (HTML, empty, other JSON). */
function parseApiJson(body: string): { status: 'success' | 'error'; message: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, message } = value as Record<string, unknown>;
  if (typeof status !== 'string' || (message !== undefined && typeof message !== 'string')) return undefined;
  const normalised = status.trim().toLowerCase();
  if (normalised !== 'success' && normalised !== 'error') return undefined;
  return { status: normalised, message: message ?? '' };
}

function describeBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return 'an empty answer';
  const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
  return `an answer that is not CloudAgent's JSON: ${JSON.stringify(excerpt)}`;
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; undefined when unreadable. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
