import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigIssue, parseSimulatorConfig } from '../../src/cloudagent/simulator-config.js';
import { ROTA_ROOT } from '../../src/version.js';

const ACCOUNT = 'account: { userName: acme, apiKey: demo-key }\n';

describe('parseSimulatorConfig', () => {
  it('reads account, agents (numeric keys as text) and who is logged in', () => {
    expect(
      parseSimulatorConfig(
        `${ACCOUNT}agents:\n  1001: pw-1\n  "1002": pw-2\nloggedIn: { 1002: "+912" }\n`,
        'sim.yaml',
      ),
    ).toEqual({
      ok: true,
      config: {
        account: { userName: 'acme', apiKey: 'demo-key' },
        agents: { '1001': 'pw-1', '1002': 'pw-2' },
        loggedIn: { '1002': '+912' },
      },
    });
  });

  it('accepts the example file', async () => {
    const text = await readFile(join(ROTA_ROOT, 'config/simulator.example.yaml'), 'utf8');
    const result = parseSimulatorConfig(text, 'config/simulator.example.yaml');
    expect(result.ok && result.config.account).toEqual({ userName: 'demo', apiKey: 'demo-key' });
  });

  it.each([
    ['an empty file', '', ['sim.yaml: the file must be a mapping with account and agents, like:']],
    ['a YAML syntax error', `${ACCOUNT}agents: { "1001": pw\n`, ['sim.yaml:3:1: not valid YAML: ']],
    [
      'a repeated agent',
      `${ACCOUNT}agents:\n  "1001": a\n  "1001": b\n`,
      ['sim.yaml:4:3: not valid YAML: the key "1001" is written twice in the same mapping; keep one'],
    ],
    ['no agents', ACCOUNT, ['sim.yaml:1:1 agents: agents must be a mapping of agent ID to password']],
    [
      'a phone that is a list',
      `${ACCOUNT}agents: { "1001": pw }\nloggedIn: { "1001": [+919800000001] }\n`,
      [
        'sim.yaml:3:21 loggedIn["1001"]: the phone number must be text; put it in quotes, like "1002": "+919800000002"',
      ],
    ],
    [
      'an empty password',
      `${ACCOUNT}agents: { "1001": "" }\n`,
      ['sim.yaml:2:19 agents["1001"]: the agent\'s password is empty; give it, like "1001": "password-1001"'],
    ],
    [
      'an unknown key in account',
      'account: { userName: acme, apiKey: k, region: in }\nagents: {}\n',
      ['sim.yaml:1:39 account.region: unknown key "region"; allowed here: userName, apiKey'],
    ],
    [
      'a logged-in agent not listed',
      `${ACCOUNT}agents: { "1001": pw }\nloggedIn: { "1002": "+912" }\n`,
      [
        'sim.yaml:3:13 loggedIn["1002"]: agent "1002" is not listed under agents; add it there with its password, or remove it here',
      ],
    ],
    [
      'one phone for two agents',
      `${ACCOUNT}agents: { "1001": a, "1002": b }\nloggedIn:\n  "1001": "+91"\n  "1002": "+91"\n`,
      [
        'sim.yaml:5:11 loggedIn["1002"]: phone "+91" is already given to agent "1001"; one phone serves one agent at a time',
      ],
    ],
  ])('reports %s with its place', (_name, text, expected) => {
    const result = parseSimulatorConfig(text, 'sim.yaml');
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toHaveLength(expected.length);
    expected.forEach((start, i) => {
      expect(lines[i]?.startsWith(start), lines[i]).toBe(true);
    });
  });
});

describe('parseSimulatorConfig: agent IDs are names, read as written', () => {
  const agentsOf = (text: string) => {
    const result = parseSimulatorConfig(text, 'sim.yaml');
    if (!result.ok) throw new Error(result.issues.map(formatConfigIssue).join('\n'));
    return result.config;
  };

  it('__proto__, constructor and toString are agents like any other, with no prototype touched', () => {
    const config = agentsOf(
      `${ACCOUNT}agents:\n  __proto__: pw-a\n  constructor: pw-b\n  toString: pw-c\nloggedIn: { __proto__: "+911" }\n`,
    );
    expect(Object.entries(config.agents)).toEqual([
      ['__proto__', 'pw-a'],
      ['constructor', 'pw-b'],
      ['toString', 'pw-c'],
    ]);
    expect(Object.entries(config.loggedIn)).toEqual([['__proto__', '+911']]);
    expect(Object.hasOwn(config.agents, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(config.agents)).not.toBe('pw-a');
    expect(({} as Record<string, unknown>).pw).toBeUndefined();
  });

  it('checks the value under __proto__ rather than dropping it', () => {
    const result = parseSimulatorConfig(`${ACCOUNT}agents: { "1001": pw, __proto__: "" }\n`, 'sim.yaml');
    expect(result.ok ? [] : result.issues.map(formatConfigIssue)).toEqual([
      'sim.yaml:2:34 agents.__proto__: the agent\'s password is empty; give it, like "1001": "password-1001"',
    ]);
  });

  it('a logged-in constructor that is not an agent is reported', () => {
    const result = parseSimulatorConfig(
      `${ACCOUNT}agents: { "1001": pw }\nloggedIn: { constructor: "+911" }\n`,
      'sim.yaml',
    );
    expect(result.ok ? [] : result.issues.map(formatConfigIssue)).toEqual([
      'sim.yaml:3:13 loggedIn.constructor: agent "constructor" is not listed under agents; add it there with its password, or remove it here',
    ]);
  });

  it('keeps IDs, passwords and phones as written: 0123 and 007 keep their zeros, 7 and 007 are two agents', () => {
    const config = agentsOf(
      `${ACCOUNT}agents:\n  0123: 007\n  7: true\n  007: 1e3\nloggedIn: { 0123: +919800000001 }\n`,
    );
    expect(config.agents).toEqual({ '0123': '007', '7': 'true', '007': '1e3' });
    expect(config.loggedIn).toEqual({ '0123': '+919800000001' });
  });

  it('a YAML error does not repeat the text of the file (it holds passwords)', () => {
    const result = parseSimulatorConfig(`${ACCOUNT}agents: { "1001": "se\\qret" }\n`, 'sim.yaml');
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toEqual([
      'sim.yaml:2:22: not valid YAML: a backslash in double quotes starts an escape YAML does not know; use single quotes',
    ]);
  });
});
