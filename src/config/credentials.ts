import { readFile, stat } from 'node:fs/promises';
import { isMap, isScalar } from 'yaml';
import { agentIdProblem, MAX_AGENT_ID_LENGTH } from '../agent-id.js';
import { quote } from '../text/printable.js';
import {
  byPlace,
  deref,
  formatPlaced,
  type Place,
  parseYaml,
  unresolvedAlias,
  wholeFile,
  writtenText,
  type YamlPath,
  yamlMessage,
} from '../yaml-place.js';

/**
 * Agent passwords from the credentials file (`agents: { "1001": "password" }`), never committed, never
 * copied anywhere else. Agent IDs and passwords are read as written (`007` stays 007). Re-read when the
 * file changes (checked at most once a second), so a fixed password needs no restart; a file that turns
 * invalid keeps the last good passwords and says why. No message about the file contains a password.
 */

export interface CredentialStore {
  /** The agent's password, or undefined when the file has none for it. */
  password(agentId: string): Promise<string | undefined>;
  /** Why the last read failed, if it did (never contains a password). */
  problem(): string | undefined;
}

/** A problem in the credentials file, with its place; never quotes a password. */
export interface CredentialsIssue extends Place {
  message: string;
}

export type CredentialsResult =
  | { ok: true; passwords: Map<string, string> }
  | { ok: false; issues: CredentialsIssue[] };

const SHAPE = 'agents: { "1001": "password" }';
const PASSWORD_HINT = 'write it in quotes, like "1001": "password"';

/** Every problem in the file at once, or the passwords by agent ID. */
export function parseCredentials(text: string, file: string): CredentialsResult {
  const yaml = parseYaml(text, file, { keysAsWritten: true });
  const { doc } = yaml;
  const issues: CredentialsIssue[] = [];
  const report = (place: Place, message: string) => issues.push({ ...place, message });
  for (const error of doc.errors) {
    const message = yamlMessage(error, text, { kind: 'the credentials file', quoting: false });
    report(yaml.offsetPlace(error.pos[0], []), `not valid YAML: ${message}`);
  }
  if (issues.length > 0) return { ok: false, issues };

  const root = deref(doc, doc.contents);
  if (!isMap(root)) {
    report(yaml.at([]), `the file should be a mapping like ${SHAPE}`);
    return { ok: false, issues };
  }
  for (const pair of root.items) {
    const key = writtenText(deref(doc, pair.key));
    if (key !== 'agents') {
      const name = key === undefined ? 'a key that is not text' : `the key ${quote(key)}`;
      report(
        yaml.nodePlace(pair.key, key === undefined ? [] : [key]),
        `${name} is not allowed here; the file has only agents, like ${SHAPE}`,
      );
    }
  }
  const agents = deref(doc, root.get('agents', true));
  if (!root.has('agents')) report(yaml.at(['agents']), `agents is missing; write ${SHAPE}`);
  else if (!isMap(agents) && !(isScalar(agents) && agents.value === null)) {
    report(yaml.at(['agents']), `agents should be a mapping from agent ID to password, like ${SHAPE}`);
  }

  const passwords = new Map<string, string>();
  for (const pair of isMap(agents) ? agents.items : []) {
    const keyNode = deref(doc, pair.key);
    const id = writtenText(keyNode);
    if (id === undefined) {
      const message = unresolvedAlias(doc, pair.key) ?? 'an agent ID must be text, like "1001"';
      report(yaml.nodePlace(pair.key ?? agents, ['agents']), message);
      continue;
    }
    // A path that repeats an ID too long to be one would only bury the message.
    const path: YamlPath = [...id].length > MAX_AGENT_ID_LENGTH ? ['agents'] : ['agents', id];
    const problem = agentIdProblem(id);
    if (problem !== undefined) {
      report(yaml.nodePlace(keyNode, path), problem);
      continue;
    }
    // `"1001":` with nothing after it, or `? "1001"` with no value at all: an empty password.
    const password = pair.value === null ? '' : writtenText(deref(doc, pair.value));
    if (password === undefined) {
      const message = unresolvedAlias(doc, pair.value) ?? `the password must be text; ${PASSWORD_HINT}`;
      report(yaml.nodePlace(pair.value, path), message);
    } else if (password === '') {
      report(yaml.nodePlace(keyNode, path), `the password is empty; ${PASSWORD_HINT}`);
    } else {
      passwords.set(id, password);
    }
  }
  issues.sort(byPlace);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, passwords };
}

/** Permission bits a file of passwords must not have: group write, and anything for other users. */
const TOO_OPEN = 0o027;

/** A warning when `mode` lets others than the owner (and the owner's group, reading) at the file. */
export function modeWarning(file: string, mode: number): string | undefined {
  if ((mode & TOO_OPEN) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  const who = mode & 0o007 ? 'other users' : 'its group';
  return `credentials file ${file} has mode ${octal}, so ${who} can get at the passwords in it; restrict it with chmod 600 ${file}`;
}

/** The warning for the credentials file's permissions, if they are too open (none when it is missing). */
export async function credentialsModeWarning(file: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  try {
    return modeWarning(file, (await stat(file)).mode);
  } catch {
    return undefined;
  }
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
    let result: CredentialsResult;
    try {
      result = parseCredentials(await readFile(file, 'utf8'), file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'an unknown error';
      result = { ok: false, issues: [{ ...wholeFile(file), message: `cannot read it (${code})` }] };
    }
    if (result.ok) {
      passwords = result.passwords;
      problem = undefined;
    } else {
      problem = `${result.issues.map(formatPlaced).join('; ')}; keeping the passwords read before`;
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
