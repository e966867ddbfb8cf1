import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import { type ActionQueue, JOB_STATES, openQueue } from '../../src/queue/queue.js';
import { syncOnce } from '../../src/queue/sync.js';
import { MAX_ROSTER_BYTES } from '../../src/roster/load.js';
import { Store } from '../../src/store/store.js';
import { captureIo } from '../helpers/io.js';
import { ROOT } from '../helpers/rota.js';
import { FAST, report } from './figures.js';

/**
 * 7. Roster fuzzing: random mutations of valid rosters (text edits and edits of the parsed document,
 * with fast-check), random bytes, deep nesting, alias bombs and huge files. `rota check` (in-process)
 * and a scheduler sync end in a success or a clear, located error — never a crash, within bounded time
 * and memory — and after every invalid roster, what was scheduled (the queue's jobs and their data, the
 * stored plan) is exactly as before.
 */

const SEED = Number(process.env.ROTA_FUZZ_SEED ?? 20261129);
const RUNS = FAST ? 150 : 1000;
const HORIZON_MS = 7 * 86_400_000;
/** A case that takes longer than this (check and sync together) is a finding. */
const CASE_LIMIT_MS = 30_000;

let dir: string;
let redis: Redis;
let queue: ActionQueue;
let store: Store;
let prefix: string;
const baselines: string[] = [];

/** What a case came to, for the figures. */
const stats = { cases: 0, valid: 0, invalid: 0, longestMs: 0, longestCase: '', peakRssMb: 0 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-rel-fuzz-'));
  await copyFile(join(ROOT, 'config/roster.example.yaml'), join(dir, 'example.yaml'));
  await copyFile(join(ROOT, 'config/wfm-export.example.csv'), join(dir, 'wfm-export.example.csv'));
  baselines.push(await readFile(join(dir, 'example.yaml'), 'utf8'));
  baselines.push(HANDMADE);
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  prefix = `fz${randomBytes(4).toString('hex')}`;
  queue = openQueue(redis, prefix);
  store = new Store(redis, prefix);
});

afterAll(async () => {
  await queue?.close();
  await redis?.quit();
  await rm(dir, { recursive: true, force: true });
});

/** A roster with weekly shifts, a handover, a night shift, a cron shift and leave: jobs every day. */
const HANDMADE = `version: 1
timezone: Asia/Kolkata
holidays: [2026-12-25]
teams:
  day: { shifts: [{ days: [mon-sun], start: "09:00", end: "17:00" }] }
agents:
  - { id: "2001", phone: "+919800002001", team: day }
  - { id: "2002", phone: "+919800002001", shifts: [{ days: [mon-sun], start: "17:00", end: "23:00" }] }
  - id: "2003"
    phone: "+919800002003"
    timezone: Europe/London
    shifts:
      - { days: [mon-fri], start: "22:00", end: "06:00" }
      - { cron: "0 12 * * sat,sun", duration: 4h }
    off: [{ from: 2027-01-01, to: 2027-01-03, reason: leave }]
`;

/** The queue and the stored plan: everything a roster error must leave alone. */
async function scheduled(): Promise<string> {
  const jobs = await queue.getJobs([...JOB_STATES], 0, -1, true);
  const rows = await Promise.all(
    jobs.map(async (job) => `${job.id} ${await job.getState()} ${JSON.stringify(job.data)} ${job.delay}`),
  );
  const plan = await redis.hgetall(`${prefix}:plan`);
  const meta = await redis.hget(`${prefix}:plan:meta`, 'meta');
  return JSON.stringify([rows.sort(), Object.entries(plan).sort(), meta]);
}

let caseNo = 0;

/**
 * Runs `rota check` and a sync on `content` (text or bytes), and checks what each must hold. `kind` names
 * the case in the figures; `detail` (the edits made) goes into failure messages.
 */
async function tryRoster(kind: string, content: string | Uint8Array, detail = ''): Promise<void> {
  const file = join(dir, `case-${caseNo++}.yaml`);
  await writeFile(file, content);
  await tryFile(kind, file, detail);
  await rm(file, { force: true });
}

async function tryFile(kind: string, file: string, detail = ''): Promise<void> {
  const name = `${kind} ${detail}`.trim();
  const started = performance.now();
  // rota check, in-process.
  const c = captureIo({}, dir);
  const code = await main(['check', file], c.io);
  expect([0, 1], `${name}: rota check exit ${code}\n${c.err()}`).toContain(code);
  if (code === 0) {
    expect(c.out()).toMatch(/agents?, \d+ teams?, \d+ sessions?/);
  } else {
    const lines = c.err().trimEnd().split('\n');
    // Every line names the file (and where, when it can), says what is wrong, and is not a stack trace.
    expect(lines.length, name).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.startsWith(file) || /\.csv:\d+: /.test(line), `${name}: ${line.slice(0, 300)}`).toBe(true);
      expect(line, name).not.toMatch(/^\s+at |\[object Object\]|undefined|TypeError|RangeError/);
    }
    expect(lines.at(-1), name).toMatch(/: \d+ errors?/);
  }

  // A scheduler sync: the queue and the stored plan before and after.
  const before = await scheduled();
  const result = await syncOnce({ queue, store, file, now: Date.now(), horizonMs: HORIZON_MS });
  if (result.ok) {
    stats.valid++;
    // Back to a baseline, so the next invalid roster has something to leave alone.
    const base = join(dir, 'base.yaml');
    await writeFile(base, baselines[caseNo % baselines.length] as string);
    expect((await syncOnce({ queue, store, file: base, now: Date.now(), horizonMs: HORIZON_MS })).ok).toBe(
      true,
    );
  } else {
    stats.invalid++;
    expect(result.issues.length, name).toBeGreaterThan(0);
    for (const issue of result.issues) expect(issue.message, name).toMatch(/\w/);
    expect(await scheduled(), `${name}: an invalid roster changed what was scheduled`).toBe(before);
  }
  const took = performance.now() - started;
  stats.cases++;
  if (took > stats.longestMs) {
    stats.longestMs = took;
    stats.longestCase = kind;
  }
  stats.peakRssMb = Math.max(stats.peakRssMb, process.memoryUsage().rss / 1024 / 1024);
  expect(took, `${name} took ${Math.round(took)} ms`).toBeLessThan(CASE_LIMIT_MS);
}

// ---------------------------------------------------------------------------------------------------
// Text mutations of a valid roster.

const nasty = fc.constantFrom(
  '"25:00"',
  '"24:00"',
  '"9:60"',
  '2026-02-30',
  '2026-13-01',
  '~',
  '""',
  '[]',
  '{}',
  '&x 1',
  '*x',
  '*nowhere',
  '!!binary aGVsbG8=',
  '!!js/function "x"',
  '.inf',
  '-1',
  '1e309',
  '0x1F',
  '"Europe/Nowhere"',
  '"mon-sun-tue"',
  '[xyz]',
  '"99h"',
  '0h',
  "'007'",
  '"\u202e1001"',
  '"10:00"',
  'yes',
  '"* * * * *"',
  '"61 * * * *"',
  '"1001:2"',
  '{ from: 2027-01-01 }',
  '[[[[]]]]',
  '? complex',
  '|\n  block',
  '"\u0000"',
  'constructor',
  '__proto__',
);
const scalar = fc.oneof(
  nasty,
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
);

type TextEdit =
  | { kind: 'replace'; at: number; length: number; text: string }
  | { kind: 'deleteLine' | 'duplicateLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'value'; line: number; value: string }
  | { kind: 'truncate'; at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    length: fc.nat({ max: 20 }),
    text: fc.string({ unit: 'binary', maxLength: 20 }),
  }),
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(), value: scalar }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyEdit(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const at = (n: number) => n % Math.max(1, lines.length);
  switch (edit.kind) {
    case 'replace': {
      const i = edit.at % Math.max(1, text.length);
      return text.slice(0, i) + edit.text + text.slice(i + edit.length);
    }
    case 'deleteLine':
      lines.splice(at(edit.line), 1);
      return lines.join('\n');
    case 'duplicateLine':
      lines.splice(at(edit.line), 0, lines[at(edit.line)] ?? '');
      return lines.join('\n');
    case 'swapLines': {
      const [a, b] = [at(edit.a), at(edit.b)];
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const line = lines[at(edit.line)] ?? '';
      lines[at(edit.line)] = edit.by >= 0 ? ' '.repeat(edit.by) + line : line.slice(-edit.by);
      return lines.join('\n');
    }
    case 'value': {
      const i = at(edit.line);
      const line = lines[i] ?? '';
      const colon = line.search(/: |- /);
      lines[i] = colon < 0 ? `${line} ${edit.value}` : `${line.slice(0, colon + 2)}${edit.value}`;
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, edit.at % Math.max(1, text.length));
  }
}

// Edits of the parsed document: a value somewhere replaced, a key removed, an unknown key added.

type DocEdit =
  | { path: number[]; kind: 'set'; value: unknown }
  | { path: number[]; kind: 'delete' | 'addKey' };

const docEdit: fc.Arbitrary<DocEdit> = fc.oneof(
  fc.record({
    path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    kind: fc.constant('set' as const),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), nasty),
  }),
  fc.record({
    path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    kind: fc.constantFrom('delete' as const, 'addKey' as const),
  }),
);

function applyDocEdit(text: string, edit: DocEdit): string {
  const doc = parseYaml(text) as Record<string, unknown>;
  let node: unknown = doc;
  for (const [depth, step] of edit.path.entries()) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string;
    const container = node as Record<string, unknown>;
    const last =
      depth === edit.path.length - 1 || typeof container[key] !== 'object' || container[key] === null;
    if (last) {
      if (edit.kind === 'set') container[key] = edit.value;
      else if (edit.kind === 'delete') {
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key];
      } else if (!Array.isArray(container)) container[`unknown_${step}`] = 'x';
      break;
    }
    node = container[key];
  }
  return stringifyYaml(doc);
}

// ---------------------------------------------------------------------------------------------------
// Hostile files.

function aliasBomb(levels: number, width: number): string {
  const lines = ['version: 1', 'timezone: Asia/Kolkata', 'x0: &x0 ["09:00"]'];
  for (let i = 1; i <= levels; i++) {
    lines.push(`x${i}: &x${i} [${Array.from({ length: width }, () => `*x${i - 1}`).join(', ')}]`);
  }
  lines.push('agents:', `  - { id: "1", phone: "+919800000001", shifts: *x${levels} }`);
  return `${lines.join('\n')}\n`;
}

function manyAgents(count: number, shifted: boolean): string {
  const lines = ['version: 1', 'timezone: Asia/Kolkata', 'agents:'];
  for (let i = 0; i < count; i++) {
    const shifts = shifted ? ', shifts: [{ date: 2031-01-01, start: "09:00", end: "17:00" }]' : '';
    lines.push(`  - { id: "${100_000 + i}", phone: "+9198${String(i).padStart(8, '0')}"${shifts} }`);
  }
  return `${lines.join('\n')}\n`;
}

const HOSTILE: [string, () => string | Uint8Array][] = [
  ['empty file', () => ''],
  ['only spaces', () => '   \n\n  \t\n'],
  ['a JSON array', () => '[1, 2, 3]'],
  ['a scalar', () => 'hello'],
  ['two documents', () => `${HANDMADE}---\n${HANDMADE}`],
  ['version 2', () => HANDMADE.replace('version: 1', 'version: 2')],
  ['BOM and CRLF', () => `\ufeff${HANDMADE.replaceAll('\n', '\r\n')}`],
  ['NUL byte', () => `${HANDMADE}\u0000`],
  ['Windows-1252 bytes', () => Buffer.concat([Buffer.from(HANDMADE), Buffer.from([0x93, 0x94, 0xe9])])],
  ['flow nesting 100,000 deep', () => `version: 1\nagents: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
  ['map nesting 50,000 deep', () => `version: 1\nagents: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`],
  [
    'block nesting 1,000 deep',
    () =>
      `version: 1\nagents:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')} 1\n`,
  ],
  ['alias bomb 10^9', () => aliasBomb(9, 10)],
  ['alias bomb 2^40', () => aliasBomb(40, 2)],
  ['alias to itself', () => 'version: 1\ntimezone: Asia/Kolkata\nagents: &a [*a]\n'],
  [
    'merge-key bomb',
    () => 'version: 1\na: &a {x: 1}\nb: &b {<<: [*a, *a, *a, *a]}\nc: {<<: [*b, *b, *b, *b]}\n',
  ],
  ['an unterminated string', () => 'version: 1\ntimezone: "Asia/Kolkata\n'],
  ['a tab-indented file', () => HANDMADE.replaceAll('  ', '\t')],
  [
    'a 10 MB agent ID',
    () =>
      `version: 1\ntimezone: Asia/Kolkata\nagents:\n  - { id: "${'9'.repeat(10_000_000)}", phone: "+91" }\n`,
  ],
  ['a million comment lines', () => `${'#\n'.repeat(1_000_000)}${HANDMADE}`],
  ['15 MiB comment and a valid roster', () => `# ${'x'.repeat(15 * 1024 * 1024)}\n${HANDMADE}`],
  ['one byte over the size limit', () => `${HANDMADE}#${'x'.repeat(MAX_ROSTER_BYTES)}`],
  ['20,000 agents, shifts outside the horizon', () => manyAgents(20_000, true)],
  ['100,000 agents without shifts', () => manyAgents(100_000, false)],
  [
    '20,000 agents with one phone',
    () => manyAgents(20_000, true).replace(/phone: "\+9198\d{8}"/g, 'phone: "+919800000000"'),
  ],
];

/** RUNS cases of 1 to `maxEdits` random edits of a baseline roster, each tried as `kind`. */
async function tryEdits<E>(
  kind: string,
  edit: fc.Arbitrary<E>,
  maxEdits: number,
  apply: (text: string, edit: E) => string,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: baselines.length - 1 }),
      fc.array(edit, { minLength: 1, maxLength: maxEdits }),
      async (which, edits) => {
        const text = edits.reduce(apply, baselines[which] as string);
        await tryRoster(kind, text, JSON.stringify(edits).slice(0, 300));
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
}

describe('roster fuzzing: rota check and a sync', () => {
  it('a valid baseline syncs, so invalid rosters have a schedule to leave alone', async () => {
    await tryRoster('baseline example', baselines[0] as string);
    await tryRoster('baseline handmade', HANDMADE);
    const base = join(dir, 'base.yaml');
    await writeFile(base, HANDMADE);
    const synced = await syncOnce({ queue, store, file: base, now: Date.now(), horizonMs: HORIZON_MS });
    expect(synced.ok && synced.added + synced.unchanged).toBeGreaterThan(0);
  });

  it('hostile files: deep nesting, alias bombs, huge files, odd bytes', async () => {
    for (const [name, make] of HOSTILE) await tryRoster(name, make());
    // Not a file at all.
    const folder = join(dir, 'a-folder.yaml');
    await mkdir(folder, { recursive: true });
    await tryFile('a directory', folder);
    await tryFile('a missing file', join(dir, 'missing.yaml'));
  });

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => tryRoster('random-bytes', bytes)),
      { seed: SEED, numRuns: Math.round(RUNS / 5) },
    );
  });

  it('text edits of valid rosters', async () => {
    await tryEdits('text-edits', textEdit, 4, applyEdit);
  });

  it('edits of the parsed document of valid rosters', async () => {
    await tryEdits('document-edits', docEdit, 3, applyDocEdit);
    report('fuzz', {
      seed: SEED,
      cases: stats.cases,
      valid: stats.valid,
      invalid: stats.invalid,
      scheduleChanged: 0,
      longestCheckAndSyncMs: Math.round(stats.longestMs),
      longestCase: stats.longestCase.replace(/\W+/g, '-'),
      peakRssMb: Math.round(stats.peakRssMb),
    });
    // Bounded memory: the whole test process, every case above included, stays under 2 GB.
    expect(stats.peakRssMb).toBeLessThan(2048);
  });
});
