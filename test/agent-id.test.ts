import { describe, expect, it } from 'vitest';
import { agentIdProblem, MAX_AGENT_ID_LENGTH } from '../src/agent-id.js';

const AS_SHOWN = 'use the ID exactly as CloudAgent shows it';

describe('agentIdProblem', () => {
  it.each([
    '1001',
    '0123',
    'A-7',
    'agent_7.x',
    'user@example.com',
    '__proto__',
    'é'.repeat(MAX_AGENT_ID_LENGTH),
  ])('%s is an agent ID', (id) => {
    expect(agentIdProblem(id)).toBeUndefined();
  });

  it.each([
    ['', 'the agent ID is empty; use the CloudAgent agent ID, like "1001"'],
    ['a:b', `"a:b" contains ":"; a CloudAgent agent ID cannot — ${AS_SHOWN}`],
    ['10 01', '"10 01" contains a space; a CloudAgent agent ID has none'],
    ['10\t01', '"10\\t01" contains a tab; a CloudAgent agent ID has none'],
    ['1001\n', '"1001\\n" contains a line break; a CloudAgent agent ID has none'],
    ['10\u00a001', '"10\u00a001" contains a space character (U+00A0); a CloudAgent agent ID has none'],
    [
      '10\u0000',
      `"10\\u0000" contains a control character (U+0000); a CloudAgent agent ID cannot — ${AS_SHOWN}`,
    ],
    [
      '10\u007f',
      `"10\\u007f" contains a control character (U+007F); a CloudAgent agent ID cannot — ${AS_SHOWN}`,
    ],
    [
      '10\u009b',
      `"10\\u009b" contains a control character (U+009B); a CloudAgent agent ID cannot — ${AS_SHOWN}`,
    ],
    [
      '10\u200e01',
      `"10\\u200e01" contains an invisible formatting character (U+200E); a CloudAgent agent ID cannot — ${AS_SHOWN}`,
    ],
    [
      'x'.repeat(100_000),
      `the agent ID is 100000 characters long; a CloudAgent agent ID has at most 64 — ${AS_SHOWN}`,
    ],
  ])('%j is not', (id, message) => {
    expect(agentIdProblem(id)).toBe(message);
  });
});
