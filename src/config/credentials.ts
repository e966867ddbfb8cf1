import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Agent passwords from the credentials file (`agents: { "1001": "password" }`), never committed, never
 * copied anywhere else. Re-read when the file changes (checked at most once a second), so a fixed
 * password needs no restart; a file that turns invalid keeps the last good passwords and says why.
 */

const credentialsSchema = z.strictObject({
  agents: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)),
});

export interface CredentialStore {
  /** The agent's password, or undefined when the file has none for it. */
  password(agentId: string): Promise<string | undefined>;
  /** Why the last read failed, if it did (never contains a password). */
  problem(): string | undefined;
}

export function parseCredentials(text: string, file: string): Map<string, string> {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    throw new Error(`${file}: not valid YAML; it should look like agents: { "1001": "password" }`);
  }
  const result = credentialsSchema.safeParse(data);
  if (!result.success) {
    throw new Error(`${file}: it should look like agents: { "1001": "password" } (one entry per agent ID)`);
  }
  return new Map(Object.entries(result.data.agents));
}

export function createCredentialStore(file: string, now: () => number = Date.now): CredentialStore {
  let passwords = new Map<string, string>();
  let version = '';
  let checkedAt = Number.NEGATIVE_INFINITY;
  let problem: string | undefined;

  let reading: Promise<void> | undefined;

  /** At most one read in flight: calls arriving meanwhile wait for it rather than see stale passwords. */
  function refresh(): Promise<void> {
    if (reading) return reading;
    if (now() - checkedAt < 1000) return Promise.resolve();
    checkedAt = now();
    reading = read().finally(() => {
      reading = undefined;
    });
    return reading;
  }

  async function read(): Promise<void> {
    let current: string;
    try {
      const info = await stat(file);
      current = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch {
      problem = `credentials file ${file} not found; create it with agents: { "<agent id>": "<password>" }`;
      passwords = new Map();
      version = '';
      return;
    }
    if (current === version) return;
    try {
      passwords = parseCredentials(await readFile(file, 'utf8'), file);
      problem = undefined;
    } catch (error) {
      problem = `${(error as Error).message}; keeping the passwords read before`;
    }
    version = current;
  }

  return {
    async password(agentId) {
      await refresh();
      return passwords.get(agentId);
    },
    problem: () => problem,
  };
}
