import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, parseDocument } from 'yaml';
import { mixedRoster } from '../bench/roster.js';
import { keptAsWritten } from '../src/roster/parse.js';
import { keepAsWritten, parseYaml } from '../src/yaml-place.js';
import { readPlainYaml } from '../src/yaml-plain.js';
import { ROOT } from './helpers/rota.js';

/**
 * The same text read by `yaml` as the full path reads a roster: undefined when yaml finds an error or a
 * warning, or an empty document (the plain reader must then give undefined too).
 */
function readByYaml(text: string): { data: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0 || doc.warnings.length > 0 || doc.contents === null) return undefined;
  const agents = doc.get('agents', true);
  if (isMap(doc.contents) && isSeq(agents)) {
    for (const agent of agents.items) {
      if (isMap(agent)) for (const key of ['id', 'phone']) keepAsWritten(agent.get(key, true), 'numbers');
    }
  }
  return { data: doc.toJS({ maxAliasCount: -1 }) };
}

/** A value as text that tells apart what `toEqual` might not: -0, NaN, key order, own `__proto__`. */
function exact(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? 'n:-0' : `n:${value}`;
  if (Array.isArray(value)) return `[${value.map(exact).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${exact((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return `${typeof value}:${JSON.stringify(value)}`;
}

/** Every path to a value in `data`, with each mapping's keys. */
function* paths(data: unknown, path: PropertyKey[] = []): Generator<{ path: PropertyKey[]; keys: string[] }> {
  const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
  yield { path, keys };
  if (Array.isArray(data)) for (const [i, item] of data.entries()) yield* paths(item, [...path, i]);
  for (const key of keys) yield* paths((data as Record<string, unknown>)[key], [...path, key]);
}

/**
 * Whatever the plain reader gives, `yaml` gives the same: the data, and the place of every value, of
 * every key, of a key that is not there and of a path that goes on past a value. Returns whether the
 * plain reader read the text.
 */
function agrees(text: string): boolean {
  const plain = readPlainYaml(text, 'f.yaml', { keepAsWritten: keptAsWritten });
  if (plain === undefined) return false;
  const full = readByYaml(text);
  expect(full, `yaml finds a problem in what the plain reader read:\n${text}`).toBeDefined();
  expect(exact(plain.data), text).toBe(exact(full?.data));
  const where = parseYaml(text, 'f.yaml');
  for (const { path, keys } of paths(plain.data)) {
    for (const asked of [path, [...path, 'missing'], [...path, 0, 'x']]) {
      expect(plain.where.at(asked), `${text}\nat ${JSON.stringify(asked)}`).toEqual(where.at(asked));
    }
    for (const key of [...keys, 'missing']) {
      expect(plain.where.keyAt(path, key), `${text}\nkey ${key} at ${JSON.stringify(path)}`).toEqual(
        where.keyAt(path, key),
      );
    }
  }
  return true;
}

describe('readPlainYaml reads what yaml reads, or leaves the text to it', () => {
  it('every YAML file of the project', async () => {
    const dirs = [join(ROOT, 'test/roster/corpus'), join(ROOT, 'config')];
    let read = 0;
    let files = 0;
    for (const dir of dirs) {
      for (const name of await readdir(dir)) {
        if (!/\.ya?ml$/.test(name)) continue;
        files++;
        if (agrees(await readFile(join(dir, name), 'utf8'))) read++;
      }
    }
    // Most are plain; those with aliases, tabs, two documents or syntax errors are left to yaml.
    expect(files).toBeGreaterThan(40);
    expect(read).toBeGreaterThan(files / 2);
  });

  it('the benches’ big roster', () => {
    expect(agrees(mixedRoster(300, { firstDay: '2026-11-29' }))).toBe(true);
  });

  it('scalars: numbers, yes/no words, nulls and text, plain and quoted', () => {
    const scalars = [
      '0123',
      '-0',
      '+0',
      '+12',
      '1_000',
      '0o17',
      '0O17',
      '0x1F',
      '0b101',
      '1e3',
      '1E+3',
      '.5',
      '1.',
      '-.5e-2',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      'nan',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      'True',
      'TRUE',
      'tRUE',
      'false',
      '~',
      'null',
      'Null',
      'NULL',
      'nULL',
      '',
      '09:00',
      '9:00',
      '1:2:3',
      '2026-12-01',
      '2026-12-01T09:00:00Z',
      '+919876543210',
      '"0123"',
      "'0123'",
      '"a\\tb"',
      "'it''s'",
      '"\\u00e9"',
      'a b',
      'a #b',
      'é',
      '12abc',
      '0x',
      '0o8',
      '1..2',
      '-',
      '--1',
      '1e',
      '99999999999999999999',
      '0.10',
    ];
    for (const scalar of scalars) {
      agrees(`v: ${scalar}\nlist: [${scalar === '' ? '""' : scalar}]\n`);
      agrees(`agents:\n  - id: ${scalar}\n    phone: ${scalar}\n    team: ${scalar}\n`);
    }
    expect(
      readPlainYaml('agents:\n  - id: 0123\n', 'f.yaml', { keepAsWritten: keptAsWritten })?.data,
    ).toEqual({
      agents: [{ id: '0123' }],
    });
  });

  it('keys: text, numbers, duplicates, prototype names, merge', () => {
    const texts = [
      'a: 1\na: 2\n',
      '1: a\n"1": b\n',
      '7: a\n007: b\n',
      'true: a\nnull: b\n',
      '~: a\n',
      '__proto__: {a: 1}\nconstructor: 2\ntoString: 3\n',
      'base: {a: 1}\nm:\n  <<: {b: 2}\n',
      '[a, b]: 1\n',
      '{a: 1}: 2\n',
      `${'k'.repeat(1100)}: 1\n`,
      '? a\n: 1\n',
    ];
    for (const text of texts) agrees(text);
    const data = readPlainYaml('__proto__: {a: 1}\n', 'f.yaml')?.data as object;
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('what it leaves to yaml', () => {
    const left = [
      '%YAML 1.1\n---\na: yes\n',
      'a: !!str 1\n',
      'a: &x 1\nb: *x\n',
      'a: |\n  text\n',
      'a: >\n  text\n',
      'a: [1,\n  2]\n',
      'a: [\n  1]\n',
      'a: [1, 2\n]\n',
      'a: 1\n---\nb: 2\n',
      '# only a comment\n',
      '',
      'a: [1, 2\n',
      'a:\n\t- 1\n',
    ];
    for (const text of left) expect(readPlainYaml(text, 'f.yaml'), JSON.stringify(text)).toBeUndefined();
  });

  it('generated documents, whole and damaged', () => {
    const word = fc.constantFrom(
      'a',
      'id',
      'phone',
      'team',
      'agents',
      '__proto__',
      '1',
      '0123',
      'x y',
      'é',
      '-',
    );
    const scalar = fc.oneof(
      fc.constantFrom(
        '0123',
        '1e3',
        '.5',
        '-0',
        '0x1F',
        'yes',
        'null',
        '~',
        'true',
        '09:00',
        '+91 98',
        'a: b',
        "'q'",
      ),
      fc.constantFrom(
        '"two\n  lines"',
        'plain\n  folded',
        "'single\n\n  para'",
        '"esc \\" \\\\ \\n"',
        'x # c',
      ),
      fc.string({ maxLength: 6 }),
    );
    type Tree = string | Tree[] | [string, Tree][];
    const { tree } = fc.letrec<{ tree: Tree; list: Tree[]; map: [string, Tree][] }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('tree'), { maxLength: 3 }),
      map: fc.array(fc.tuple(word, tie('tree')), { maxLength: 3 }),
    }));
    const isMapTree = (t: Tree): t is [string, Tree][] =>
      Array.isArray(t) &&
      t.length > 0 &&
      t.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string');
    /** Block style at the top, flow (on one line) below `flowFrom` levels. */
    const render = (t: Tree, indent: number, flow: boolean): string => {
      if (typeof t === 'string') return t;
      if (isMapTree(t)) {
        if (flow || t.length === 0)
          return `{ ${t.map(([k, v]) => `${k}: ${render(v, 0, true)}`).join(', ')} }`;
        const pad = ' '.repeat(indent);
        return t.map(([k, v]) => `\n${pad}${k}: ${render(v, indent + 2, indent >= 2)}`).join('');
      }
      if (flow || t.length === 0) return `[ ${t.map((v) => render(v, 0, true)).join(', ')} ]`;
      const pad = ' '.repeat(indent);
      return t.map((v) => `\n${pad}- ${render(v, indent + 2, true)}`).join('');
    };
    const doc = fc
      .array(fc.tuple(word, tree), { minLength: 1, maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${k}: ${render(v, 2, false)}`).join('\n'));
    // Insert one of these at a place, or (null) delete the character there.
    const damage = fc.tuple(
      fc.nat(),
      fc.option(
        fc.constantFrom(
          ':',
          '-',
          '"',
          "'",
          '[',
          ']',
          '{',
          '}',
          ',',
          ' ',
          '\n',
          '#',
          '\t',
          '&',
          '*',
          '!',
          '?',
          '|',
          '\\',
        ),
      ),
    );
    let read = 0;
    let damagedRead = 0;
    const runs = Number(process.env.FUZZ_RUNS ?? 3000);
    fc.assert(
      fc.property(doc, fc.option(damage), (text, hurt) => {
        const at = hurt ? hurt[0] % (text.length + 1) : 0;
        const damaged =
          hurt && text.slice(0, at) + (hurt[1] ?? '') + text.slice(hurt[1] === null ? at + 1 : at);
        if (agrees(damaged || text)) {
          read++;
          if (hurt) damagedRead++;
        }
      }),
      { numRuns: runs },
    );
    // The generator is worth something only if the plain reader reads much of what it makes.
    expect(read).toBeGreaterThan(runs / 10);
    expect(damagedRead).toBeGreaterThan(runs / 40);
  });
});
