import { describe, expect, it } from 'vitest';
import { type Answer, decideOutcome, MESSAGE_RULES, parseRetryAfter } from '../../src/cloudagent/outcome.js';
import type { Action, CallOutcome } from '../../src/cloudagent/types.js';

const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);

const json = (status: string, message: string) => JSON.stringify({ status, message });
const http = (action: Action, httpStatus: number, body: string, retryAfter?: string): Answer =>
  retryAfter === undefined
    ? { kind: 'http', action, httpStatus, body }
    : { kind: 'http', action, httpStatus, body, retryAfter };

interface Case {
  name: string;
  answer: Answer;
  outcome: CallOutcome;
  /** Exact message, or a fragment it must contain. */
  message: string | RegExp;
  retryAfterMs?: number;
}

const cases: Case[] = [
  // The documented answers (cloudagent-api.md), HTTP 200.
  ...(
    [
      ['login ok', 'login', 'success', 'Agent 1001 logged in successfully', 'done'],
      ['logout ok', 'logout', 'success', 'Agent 1001 logged out successfully', 'done'],
      ['login, already in', 'login', 'error', 'Agent has already logged in', 'already'],
      ['logout, not in', 'logout', 'error', 'Agent 1001 is not logged in', 'already'],
      ['bad account (login)', 'login', 'error', 'Invalid userName or apiKey', 'rejected'],
      ['bad account (logout)', 'logout', 'error', 'Invalid userName or apiKey', 'rejected'],
      ['bad agent or password', 'login', 'error', 'Invalid Authentication', 'rejected'],
      ['bad agent or password (logout)', 'logout', 'error', 'Invalid Authentication', 'rejected'],
      ['phone held', 'login', 'error', '1002 logged in with the number (+919800000002)', 'conflict'],
      ['phone held, no space', 'login', 'error', '1002 logged in with the number(+919800000002)', 'conflict'],
      // Seen in the vendor's server code, not documented.
      ['login limit exceeded', 'login', 'error', 'Agent Login Limit Exceeded', 'rejected'],
      ['login limit not set', 'login', 'error', 'Agent Login Limit not Set', 'rejected'],
      ['blocked by admin', 'login', 'error', 'Not able to login, Please contact Admin', 'rejected'],
      // Loose matching: case, spacing, punctuation around the words.
      ['already, shouting', 'login', 'error', 'AGENT HAS ALREADY LOGGED IN', 'already'],
      ['already, spaced', 'login', 'error', '  Agent  has\talready logged   in. ', 'already'],
      ['not in, other case', 'logout', 'error', 'agent 1001 IS NOT logged in', 'already'],
      ['phone held, spaced', 'login', 'error', '1002 logged  in with the   number  (+91 98000)', 'conflict'],
      ['bad account, lower case', 'login', 'error', 'invalid username or APIKEY', 'rejected'],
      ['status in capitals', 'login', 'Success', 'Agent 1001 logged in successfully', 'done'],
      // A known text on the wrong action is not what it seems: unknown, so rejected.
      ['already on logout', 'logout', 'error', 'Agent has already logged in', 'rejected'],
      ['not in on login', 'login', 'error', 'Agent 1001 is not logged in', 'rejected'],
      // Guesses and unknown texts.
      ['unknown text', 'login', 'error', 'Something new went wrong', 'rejected'],
      ['missing phone (simulator guess)', 'login', 'error', 'phoneNumber is required', 'rejected'],
    ] as const
  ).map(
    ([name, action, status, message, outcome]): Case => ({
      name,
      answer: http(action, 200, json(status, message)),
      outcome,
      message,
    }),
  ),
  {
    name: 'error without a message',
    answer: http('login', 200, '{"status":"error"}'),
    outcome: 'rejected',
    message: 'CloudAgent answered "error" with no message',
  },

  // JSON is authoritative whatever the HTTP status...
  {
    name: 'success on HTTP 500',
    answer: http('login', 500, json('success', 'Agent 1001 logged in successfully')),
    outcome: 'done',
    message: 'Agent 1001 logged in successfully',
  },
  {
    name: 'already on HTTP 400',
    answer: http('login', 400, json('error', 'Agent has already logged in')),
    outcome: 'already',
    message: 'Agent has already logged in',
  },
  {
    name: 'bad credentials on HTTP 401',
    answer: http('login', 401, json('error', 'Invalid Authentication')),
    outcome: 'rejected',
    message: 'Invalid Authentication',
  },
  {
    name: 'bad credentials on HTTP 503',
    answer: http('login', 503, json('error', 'Invalid Authentication')),
    outcome: 'rejected',
    message: 'Invalid Authentication',
  },
  {
    name: 'unknown text on HTTP 403',
    answer: http('logout', 403, json('error', 'Forbidden for this account')),
    outcome: 'rejected',
    message: 'Forbidden for this account',
  },
  // ...except that an unknown text on 5xx/408/429 is the server saying "later".
  {
    name: 'unknown text on HTTP 503',
    answer: http('login', 503, json('error', 'Service busy')),
    outcome: 'transient',
    message: 'HTTP 503: Service busy',
  },
  {
    name: 'unknown text on HTTP 429 with Retry-After',
    answer: http('login', 429, json('error', 'Rate limit exceeded'), '7'),
    outcome: 'transient',
    message: 'HTTP 429: Rate limit exceeded',
    retryAfterMs: 7000,
  },

  // Not CloudAgent's JSON.
  {
    name: 'HTML on HTTP 200',
    answer: http('login', 200, '<!DOCTYPE html>\n<html><head><title>Maintenance</title></head></html>'),
    outcome: 'transient',
    message: /^HTTP 200 with an answer that is not CloudAgent's JSON: "<!DOCTYPE html> <html><head>/,
  },
  {
    name: 'empty on HTTP 200',
    answer: http('login', 200, ''),
    outcome: 'transient',
    message: 'HTTP 200 with an empty answer',
  },
  {
    name: 'blank on HTTP 200',
    answer: http('logout', 200, ' \n '),
    outcome: 'transient',
    message: /empty answer/,
  },
  {
    name: 'other JSON on HTTP 200',
    answer: http('login', 200, '{"ok":true}'),
    outcome: 'transient',
    message: /not CloudAgent's JSON/,
  },
  {
    name: 'JSON null',
    answer: http('login', 200, 'null'),
    outcome: 'transient',
    message: /not CloudAgent's JSON/,
  },
  {
    name: 'unknown status word',
    answer: http('login', 200, json('pending', 'wait')),
    outcome: 'transient',
    message: /not CloudAgent's JSON/,
  },
  {
    name: 'HTML on HTTP 500',
    answer: http('login', 500, '<html><body><h1>500 Internal Server Error</h1></body></html>'),
    outcome: 'transient',
    message: /^HTTP 500 with/,
  },
  {
    name: 'HTML on HTTP 502',
    answer: http('logout', 502, '<html>Bad Gateway</html>'),
    outcome: 'transient',
    message: /^HTTP 502 with/,
  },
  {
    name: 'HTML on HTTP 503, Retry-After in seconds',
    answer: http('login', 503, '<html>down</html>', '120'),
    outcome: 'transient',
    message: /^HTTP 503 with/,
    retryAfterMs: 120_000,
  },
  {
    name: 'empty on HTTP 504',
    answer: http('login', 504, ''),
    outcome: 'transient',
    message: 'HTTP 504 with an empty answer',
  },
  {
    name: 'HTTP 429, Retry-After in seconds',
    answer: http('login', 429, 'Too Many Requests', '2'),
    outcome: 'transient',
    message: /^HTTP 429 with/,
    retryAfterMs: 2000,
  },
  {
    name: 'HTTP 429, Retry-After as an HTTP date',
    answer: http('login', 429, 'Too Many Requests', new Date(NOW + 30_000).toUTCString()),
    outcome: 'transient',
    message: /^HTTP 429 with/,
    retryAfterMs: 30_000,
  },
  {
    name: 'HTTP 429, Retry-After date already past',
    answer: http('login', 429, '', new Date(NOW - 5_000).toUTCString()),
    outcome: 'transient',
    message: /^HTTP 429 with an empty answer/,
    retryAfterMs: 0,
  },
  {
    name: 'HTTP 429, unreadable Retry-After is ignored',
    answer: http('login', 429, '', 'soon'),
    outcome: 'transient',
    message: /^HTTP 429/,
  },
  { name: 'HTTP 408', answer: http('login', 408, ''), outcome: 'transient', message: /^HTTP 408/ },
  {
    name: 'HTTP 404 from a wrong base URL',
    answer: http('login', 404, '<html><body><h1>404 Not Found</h1></body></html>'),
    outcome: 'rejected',
    message: /^HTTP 404 with .*check CLOUDAGENT_BASE_URL/,
  },
  {
    name: 'HTTP 401 HTML from a gateway',
    answer: http('login', 401, '<html>Unauthorized</html>'),
    outcome: 'rejected',
    message: /check CLOUDAGENT_BASE_URL/,
  },
  {
    name: 'HTTP 301 redirect',
    answer: http('logout', 301, ''),
    outcome: 'rejected',
    message: /^HTTP 301 with an empty answer: .*check CLOUDAGENT_BASE_URL/,
  },
  {
    name: 'a long page is cut in the message',
    answer: http('login', 200, `<html>${'x'.repeat(500)}</html>`),
    outcome: 'transient',
    message: /"<html>x{54}…"$/,
  },

  // No answer at all.
  {
    name: 'timeout',
    answer: { kind: 'timeout', timeoutMs: 300 },
    outcome: 'transient',
    message: 'no answer within 300 ms (timeout)',
  },
  {
    name: 'cancelled by shutdown',
    answer: { kind: 'cancelled' },
    outcome: 'transient',
    message: /^cancelled before an answer came/,
  },
  {
    name: 'connection refused',
    answer: { kind: 'network', code: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 127.0.0.1:9' },
    outcome: 'transient',
    message: 'connection refused (connect ECONNREFUSED 127.0.0.1:9)',
  },
  {
    name: 'connection reset',
    answer: { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up' },
    outcome: 'transient',
    message: 'connection closed by the other side before an answer came (socket hang up)',
  },
  {
    name: 'DNS: no such host',
    answer: { kind: 'network', code: 'ENOTFOUND', detail: 'getaddrinfo ENOTFOUND nowhere.invalid' },
    outcome: 'transient',
    message: 'host name not found (DNS) (getaddrinfo ENOTFOUND nowhere.invalid)',
  },
  {
    name: 'DNS: try again',
    answer: { kind: 'network', code: 'EAI_AGAIN', detail: 'getaddrinfo EAI_AGAIN api.example' },
    outcome: 'transient',
    message: /^host name lookup failed for now/,
  },
  {
    name: 'unknown network error code',
    answer: { kind: 'network', code: 'ERR_SOMETHING', detail: 'odd failure' },
    outcome: 'transient',
    message: 'network error (odd failure)',
  },
  {
    name: 'network error without a code',
    answer: { kind: 'network', detail: 'odd failure' },
    outcome: 'transient',
    message: 'network error (odd failure)',
  },
];

describe('decideOutcome: every answer maps to one outcome', () => {
  it.each(cases)('$name → $outcome', ({ answer, outcome, message, retryAfterMs }) => {
    const decision = decideOutcome(answer, NOW);
    expect(decision.outcome).toBe(outcome);
    if (typeof message === 'string') expect(decision.message).toBe(message);
    else expect(decision.message).toMatch(message);
    expect(decision.retryAfterMs).toBe(retryAfterMs);
  });

  it('keeps the API message verbatim (no normalising leaks into it)', () => {
    const text = '  1002 logged in with the number(+91 98)  ';
    expect(decideOutcome(http('login', 200, json('error', text)), NOW).message).toBe(text);
  });

  it('has a case for every rule of the table', () => {
    const texts = cases.flatMap(({ answer }) => {
      if (answer.kind !== 'http') return [];
      try {
        return [(JSON.parse(answer.body) as { message?: string }).message ?? ''];
      } catch {
        return [];
      }
    });
    for (const rule of MESSAGE_RULES) {
      expect(
        texts.some((t) => rule.pattern.test(t.toLowerCase().replace(/\s+/g, ' ').trim())),
        rule.meaning,
      ).toBe(true);
    }
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['15', 15_000],
    [' 3 ', 3000],
    [new Date(NOW + 90_000).toUTCString(), 90_000],
    ['Tue, 01 Dec 2026 09:00:10 GMT', 10_000],
    ['-1', undefined],
    ['1.5', undefined],
    ['', undefined],
    ['later', undefined],
  ])('%j → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('answers about the whole account', () => {
  it('marks "Invalid userName or apiKey" as the account’s problem, and nothing else', () => {
    for (const action of ['login', 'logout'] as const) {
      expect(decideOutcome(http(action, 200, json('error', 'Invalid userName or apiKey')), 0)).toEqual({
        outcome: 'rejected',
        message: 'Invalid userName or apiKey',
        scope: 'account',
      });
    }
    expect(
      decideOutcome(http('login', 200, json('error', 'Invalid Authentication')), 0).scope,
    ).toBeUndefined();
  });
});
