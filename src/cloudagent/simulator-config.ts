/**
 * The simulator's YAML file (SPEC section 7): the account, the agents it knows (the credentials file's
 * shape) and, optionally, who is logged in at start. Every problem is reported at once, with its place.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Place } from '../roster/types.js';

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
    agents: z.record(z.string(), text("the agent's password", '"1001": "password-1001"'), {
      error: 'agents must be a mapping of agent ID to password, like { "1001": "password-1001" }',
    }),
    loggedIn: z
      .record(z.string(), text('the phone number', '"1002": "+919800000002"'), {
        error: 'loggedIn must be a mapping of agent ID to phone, like { "1002": "+919800000002" }',
      })
      .optional(),
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
      issues: [{ file, line: 0, column: 0, path: '', message: `cannot read it: ${reason}` }],
    };
  }
  return parseSimulatorConfig(source, file);
}

export function parseSimulatorConfig(source: string, file: string): SimulatorConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const placeOf = (offset: number | undefined, path: string): SimulatorConfigIssue => {
    const pos = offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path, message: '' };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        ...placeOf(error.pos[0], ''),
        message: `not valid YAML: ${error.message.split('\n')[0]}`,
      })),
    };
  }

  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((issue) => {
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({
            ...placeOf(keyOffset(doc.contents, [...issue.path, key]), formatPath([...issue.path, key])),
            message: `unknown key "${key}"; allowed here: ${allowedKeys(issue.path)}`,
          }));
        }
        return [
          {
            ...placeOf(valueOffset(doc.contents, issue.path), formatPath(issue.path)),
            message: issue.message,
          },
        ];
      }),
    };
  }

  const { account, agents } = parsed.data;
  const loggedIn = parsed.data.loggedIn ?? {};
  const issues: SimulatorConfigIssue[] = [];
  const holders = new Map<string, string>();
  for (const [agent, phone] of Object.entries(loggedIn)) {
    const path = ['loggedIn', agent];
    if (!Object.hasOwn(agents, agent)) {
      issues.push({
        ...placeOf(keyOffset(doc.contents, path), formatPath(path)),
        message: `agent "${agent}" is not listed under agents; add it there with its password, or remove it here`,
      });
    }
    const holder = holders.get(phone);
    if (holder === undefined) holders.set(phone, agent);
    else {
      issues.push({
        ...placeOf(valueOffset(doc.contents, path), formatPath(path)),
        message: `phone "${phone}" is already given to agent ${holder}; one phone serves one agent at a time`,
      });
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: { account, agents, loggedIn } };
}

/** `file:line:column path: message`, as a person reads it. */
export function formatConfigIssue(issue: SimulatorConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}${issue.path === '' ? '' : ` ${issue.path}`}: ${issue.message}`;
}

function allowedKeys(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'account, agents, loggedIn' : 'userName, apiKey';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      const name = String(segment);
      if (typeof segment === 'number') return `[${name}]`;
      const plain = /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
      return index === 0 ? plain : `.${plain}`;
    })
    .join('');
}

/** The YAML pair at `path` (map keys compared as text: `1001:` and `"1001":` are the same agent). */
function pairAt(node: unknown, path: readonly PropertyKey[]) {
  let current = node;
  let pair: { key: unknown; value: unknown } | undefined;
  for (const segment of path) {
    if (isMap(current)) {
      pair = current.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return undefined;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      current = current.items[segment];
      pair = { key: undefined, value: current };
    } else return undefined;
  }
  return pair;
}

/** Start of the value at `path`, or of the nearest enclosing node that exists. */
function valueOffset(root: unknown, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const value = length === 0 ? root : pairAt(root, path.slice(0, length))?.value;
    const range = (value as Node | null | undefined)?.range;
    if (range) return range[0];
    const key = length === 0 ? undefined : (pairAt(root, path.slice(0, length))?.key as Node | undefined);
    if (key?.range) return key.range[0];
  }
  return undefined;
}

/** Start of the key at `path` (for unknown keys), or of the nearest enclosing node. */
function keyOffset(root: unknown, path: readonly PropertyKey[]): number | undefined {
  const key = pairAt(root, path)?.key as Node | undefined;
  return key?.range ? key.range[0] : valueOffset(root, path.slice(0, -1));
}
