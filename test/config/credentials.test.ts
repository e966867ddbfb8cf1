import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createCredentialStore,
  credentialsModeWarning,
  modeWarning,
  parseCredentials,
} from '../../src/config/credentials.js';
import { formatPlaced } from '../../src/yaml-place.js';

let dir: string;
let clock = 0;
const now = () => clock;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-cred-'));
  clock = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('credentials', () => {
  it('reads passwords, numbers included, and answers concurrent first calls alike', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents:\n  "1001": secret-1\n  1002: 12345\n');
    const store = createCredentialStore(file, now);
    const answers = await Promise.all(['1001', '1002', '1003'].map((id) => store.password(id)));
    expect(answers).toEqual(['secret-1', '12345', undefined]);
    expect(store.problem()).toBeUndefined();
  });

  it('picks up a fixed password after the file is replaced, with no restart', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents: { "1001": old }\n');
    const store = createCredentialStore(file, now);
    expect(await store.password('1001')).toBe('old');
    await writeFile(join(dir, 'new.yaml'), 'agents: { "1001": new-password }\n');
    await rename(join(dir, 'new.yaml'), file);
    expect(await store.password('1001')).toBe('old');
    clock += 1500;
    expect(await store.password('1001')).toBe('new-password');
  });

  it('keeps the last good passwords when the file turns invalid, and says why, placed, without secrets', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents: { "1001": keep-me }\n');
    const store = createCredentialStore(file, now);
    expect(await store.password('1001')).toBe('keep-me');
    await writeFile(file, 'agent: [oops\n');
    clock += 1500;
    expect(await store.password('1001')).toBe('keep-me');
    expect(store.problem()).toContain('not valid YAML');
    expect(store.problem()).not.toContain('keep-me');
    await writeFile(file, 'agents:\n  "1001": new-secret\n  "a:b": other-secret\n');
    clock += 1500;
    expect(await store.password('1001')).toBe('keep-me');
    expect(store.problem()).toBe(
      `${file}:3:3 agents["a:b"]: "a:b" contains ":"; a CloudAgent agent ID cannot — use the ID exactly as CloudAgent shows it; keeping the passwords read before`,
    );
  });

  it('says how to create a missing file', async () => {
    const store = createCredentialStore(join(dir, 'missing.yaml'), now);
    expect(await store.password('1001')).toBeUndefined();
    expect(store.problem()).toMatch(/not found; create it with agents:/);
  });

  it('rejects a file of the wrong shape, at its place', () => {
    expect(problems('passwords: {}\n')).toEqual([
      'c.yaml:1:1 passwords: the key "passwords" is not allowed here; the file has only agents, like agents: { "1001": "password" }',
      'c.yaml:1:1 agents: agents is missing; write agents: { "1001": "password" }',
    ]);
    expect(problems('')).toEqual([
      'c.yaml: the file should be a mapping like agents: { "1001": "password" }',
    ]);
    expect(problems('agents: [a, b]\n')).toEqual([
      'c.yaml:1:9 agents: agents should be a mapping from agent ID to password, like agents: { "1001": "password" }',
    ]);
  });
});

/** What is wrong with `text` as a credentials file, one line per problem. */
function problems(text: string): string[] {
  const result = parseCredentials(text, 'c.yaml');
  return result.ok ? [] : result.issues.map(formatPlaced);
}

function passwords(text: string): Map<string, string> {
  const result = parseCredentials(text, 'c.yaml');
  if (!result.ok) throw new Error(result.issues.map(formatPlaced).join('\n'));
  return result.passwords;
}

describe('credentials: keys and passwords as written', () => {
  it('007 stays 007 and 0123 stays 0123; 7 and 007 are two agents', () => {
    expect(passwords('agents:\n  0123: 007\n  7: 0x1F\n  007: 1e3\n  "1001": true\n  "1002": ~\n')).toEqual(
      new Map([
        ['0123', '007'],
        ['7', '0x1F'],
        ['007', '1e3'],
        ['1001', 'true'],
        ['1002', '~'],
      ]),
    );
  });

  it('a key written twice, quoted or not, is reported with its line', () => {
    expect(problems('agents:\n  1001: a\n  "1001": b\n')).toEqual([
      'c.yaml:3:3: not valid YAML: the key "1001" is written twice in the same mapping; keep one',
    ]);
  });
});

describe('credentials: prototype keys are agent IDs like any other', () => {
  it('__proto__, constructor and toString have their own passwords', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents:\n  __proto__: pw-a\n  constructor: pw-b\n  toString: pw-c\n');
    const store = createCredentialStore(file, now);
    expect(await store.password('__proto__')).toBe('pw-a');
    expect(await store.password('constructor')).toBe('pw-b');
    expect(await store.password('toString')).toBe('pw-c');
    expect(await store.password('hasOwnProperty')).toBeUndefined();
    expect(store.problem()).toBeUndefined();
    expect(({} as Record<string, unknown>).pw).toBeUndefined();
  });

  it('a __proto__ key at the top is reported, not skipped', () => {
    expect(problems('agents: {}\n__proto__: { "1001": pw }\n')).toEqual([
      'c.yaml:2:1 __proto__: the key "__proto__" is not allowed here; the file has only agents, like agents: { "1001": "password" }',
    ]);
  });
});

describe('credentials: every problem at once, placed, never with a password', () => {
  const text = [
    'agents:',
    '  "1001": secret-1',
    '  "a:b": secret-2',
    '  "10 01": secret-3',
    '  "1002": ""',
    '  "1003": [secret-4]',
    '  "1004":',
    '  "a\\u200eb": secret-5',
    `  ${'x'.repeat(65)}: secret-6`,
    '  "1005": *nowhere',
    'extra: secret-7',
    '',
  ].join('\n');

  it('lists each with file, line, column and path', () => {
    expect(problems(text)).toEqual([
      'c.yaml:3:3 agents["a:b"]: "a:b" contains ":"; a CloudAgent agent ID cannot — use the ID exactly as CloudAgent shows it',
      'c.yaml:4:3 agents["10 01"]: "10 01" contains a space; a CloudAgent agent ID has none',
      'c.yaml:5:3 agents["1002"]: the password is empty; write it in quotes, like "1001": "password"',
      'c.yaml:6:11 agents["1003"]: the password must be text; write it in quotes, like "1001": "password"',
      'c.yaml:7:3 agents["1004"]: the password is empty; write it in quotes, like "1001": "password"',
      'c.yaml:8:3 agents["a\\u200eb"]: "a\\u200eb" contains an invisible formatting character (U+200E); a CloudAgent agent ID cannot — use the ID exactly as CloudAgent shows it',
      'c.yaml:9:3 agents: the agent ID is 65 characters long; a CloudAgent agent ID has at most 64 — use the ID exactly as CloudAgent shows it',
      'c.yaml:10:11 agents["1005"]: the alias *nowhere names no anchor; put &nowhere on a value before it, or write the value out',
      'c.yaml:11:1 extra: the key "extra" is not allowed here; the file has only agents, like agents: { "1001": "password" }',
    ]);
  });

  it.each([
    ['an unknown escape', 'agents: { "1001": "se\\qret" }\n'],
    ['a block scalar header with text after it', 'agents:\n  "1001": |secret\n    x\n'],
    ['a reserved first character', 'agents:\n  "1001": @secret\n'],
    ['an unclosed quote', 'agents:\n  "1001": "secret\n'],
    ['text after a flow mapping', 'agents: { "1001": "s" } secret\n'],
  ])('a YAML error (%s) does not repeat the file', (_name, bad) => {
    const lines = problems(bad);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^c\.yaml:\d+:\d+: not valid YAML: /);
      expect(line).not.toMatch(/secret|qret/);
    }
  });

  it('no message carries a password', () => {
    expect(problems(text).join('\n')).not.toMatch(/secret/);
  });
});

describe('credentials file permissions', () => {
  it.each([
    [0o600, undefined],
    [0o640, undefined],
    [0o400, undefined],
    [0o644, 'other users'],
    [0o660, 'its group'],
    [0o604, 'other users'],
    [0o666, 'other users'],
  ])('mode %o', (mode, who) => {
    const warning = modeWarning('c.yaml', mode);
    if (who === undefined) expect(warning).toBeUndefined();
    else {
      expect(warning).toBe(
        `credentials file c.yaml has mode ${mode.toString(8).padStart(4, '0')}, so ${who} can get at the passwords in it; restrict it with chmod 600 c.yaml`,
      );
    }
  });

  it.skipIf(process.platform === 'win32')('reads the mode of the file itself; never a password', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents: { "1001": secret }\n');
    await chmod(file, 0o644);
    const warning = await credentialsModeWarning(file);
    expect(warning).toContain('mode 0644');
    expect(warning).not.toContain('secret');
    await chmod(file, 0o600);
    expect(await credentialsModeWarning(file)).toBeUndefined();
    expect(await credentialsModeWarning(join(dir, 'missing.yaml'))).toBeUndefined();
  });
});
