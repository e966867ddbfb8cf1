import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialStore, parseCredentials } from '../../src/config/credentials.js';

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

  it('keeps the last good passwords when the file turns invalid, and says why without secrets', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'agents: { "1001": keep-me }\n');
    const store = createCredentialStore(file, now);
    expect(await store.password('1001')).toBe('keep-me');
    await writeFile(file, 'agent: [oops\n');
    clock += 1500;
    expect(await store.password('1001')).toBe('keep-me');
    expect(store.problem()).toContain('not valid YAML');
    expect(store.problem()).not.toContain('keep-me');
  });

  it('says how to create a missing file', async () => {
    const store = createCredentialStore(join(dir, 'missing.yaml'), now);
    expect(await store.password('1001')).toBeUndefined();
    expect(store.problem()).toMatch(/not found; create it with agents:/);
  });

  it('rejects a file of the wrong shape', () => {
    expect(() => parseCredentials('passwords: {}\n', 'c.yaml')).toThrow(
      /c.yaml: it should look like agents:/,
    );
  });
});
