/**
 * The simulator's YAML file (SPEC section 7): the account, the agents it knows (the credentials file's
 * shape) and, optionally, who is logged in at start. Every problem is reported at once, with its place.
 */
import { readFile } from 'node:fs/promises';
import { isMap } from 'yaml';
import { z } from 'zod';
import { ownRecord } from '../own-record.js';
import { quote } from '../text/printable.js';
import {
  deref,
  formatPlaced,
  keepAsWritten,
  type Place,
  parseYaml,
  wholeFile,
  yamlMessage,
} from '../yaml-place.js';

export interface SimulatorConfig {
  account: { userName: string; apiKey: string };
  agents: Record<string, string>;
  loggedIn: Record<string, string>;
}

export interface SimulatorConfigIssue extends Place {
  message: string;
}

export type SimulatorConfigResult =
  | { ok: true; config: SimulatorConfig }
  | { ok: false; issues: SimulatorConfigIssue[] };

const EXAMPLE = 'account: { userName: acme, apiKey: demo-key }\nagents: { "1001": "password-1001" }';

const text = (what: string, example: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${what} is missing; add it, like ${example}`
          : `${what} must be text; put it in quotes, like ${example}`,
    })
    .min(1, `${what} is empty; give it, like ${example}`);

const schema = z.strictObject(
  {
    account: z.strictObject(
      {
        userName: text('the CloudAgent account name', 'userName: acme'),
        apiKey: text('the API key', 'apiKey: demo-key'),
      },
      { error: 'account must be a mapping like { userName: acme, apiKey: demo-key }' },
    ),
    agents: ownRecord(text("the agent's password", '"1001": "password-1001"'), {
      error: 'agents must be a mapping of agent ID to password, like { "1001": "password-1001" }',
    }),
    loggedIn: ownRecord(text('the phone number', '"1002": "+919800000002"'), {
      error: 'loggedIn must be a mapping of agent ID to phone, like { "1002": "+919800000002" }',
    }).optional(),
  },
  { error: `the file must be a mapping with account and agents, like:\n${EXAMPLE}` },
);

/** Reads and validates the file; an unreadable file is an issue like any other. */
export async function readSimulatorConfig(path: string, file = path): Promise<SimulatorConfigResult> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : String(error);
    return {
      ok: false,
      issues: [{ ...wholeFile(file), message: `cannot read it: ${reason}` }],
    };
  }
  return parseSimulatorConfig(source, file);
}

export function parseSimulatorConfig(source: string, file: string): SimulatorConfigResult {
  const yaml = parseYaml(source, file, { keysAsWritten: true });
  const { doc } = yaml;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        ...yaml.offsetPlace(error.pos[0], []),
        // The file holds passwords: yaml's words only, none of the file's.
        message: `not valid YAML: ${yamlMessage(error, source, { kind: 'the simulator config', quoting: false })}`,
      })),
    };
  }
  // Agent IDs, passwords and phones are text as written, as in the credentials file (`007` stays 007).
  for (const section of ['agents', 'loggedIn']) {
    const map = deref(doc, doc.get(section, true));
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      keepAsWritten(pair.key, 'all');
      keepAsWritten(pair.value, 'all');
    }
  }

  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({
            ...yaml.keyAt(issue.path, key),
            message: `unknown key ${quote(key)}; allowed here: ${allowedKeys(issue.path)}`,
          }));
        }
        return [{ ...yaml.at(issue.path), message: issue.message }];
      }),
    };
  }

  const { account, agents } = parsed.data;
  const loggedIn: Record<string, string> = parsed.data.loggedIn ?? Object.create(null);
  const issues: SimulatorConfigIssue[] = [];
  const holders = new Map<string, string>();
  for (const [agent, phone] of Object.entries(loggedIn)) {
    const path = ['loggedIn', agent];
    if (!Object.hasOwn(agents, agent)) {
      issues.push({
        ...yaml.keyAt(['loggedIn'], agent),
        message: `agent ${quote(agent)} is not listed under agents; add it there with its password, or remove it here`,
      });
    }
    const holder = holders.get(phone);
    if (holder === undefined) holders.set(phone, agent);
    else {
      issues.push({
        ...yaml.at(path),
        message: `phone ${quote(phone)} is already given to agent ${quote(holder)}; one phone serves one agent at a time`,
      });
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: { account, agents, loggedIn } };
}

/** `file:line:column path: message`, as a person reads it. */
export const formatConfigIssue = (issue: SimulatorConfigIssue): string => formatPlaced(issue);

function allowedKeys(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'account, agents, loggedIn' : 'userName, apiKey';
}
