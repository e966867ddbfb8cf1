import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/roster/format.js';
import { loadRoster, MAX_ROSTER_BYTES } from '../../src/roster/load.js';

const corpus = join(import.meta.dirname, 'corpus');
const names = (await readdir(corpus)).filter((f) => f.endsWith('.yaml')).sort();

/** What `rota check` would print for the file, with the file named by its base name. */
async function printed(file: string): Promise<string[]> {
  const { roster, issues } = await loadRoster(file);
  expect(roster).toBeUndefined();
  for (const issue of issues) expect(issue.file).toBe(file);
  return issues.map((issue) => formatIssue({ ...issue, file: basename(file) }));
}

describe('invalid rosters: every problem, with its place and a plain message', () => {
  it('has a corpus of at least 30 rosters, each with its expected output', async () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)('%s', async (name) => {
    const expected = (await readFile(join(corpus, name.replace(/\.yaml$/, '.expected')), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(await printed(join(corpus, name))).toEqual(expected);
  });
});

describe('files that are not roster text', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rota-roster-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file', async () => {
    expect(await printed(join(dir, 'nope.yaml'))).toEqual([
      'nope.yaml: cannot read the roster file: no such file',
    ]);
  });

  it('a directory', async () => {
    expect(await printed(dir)).toEqual([
      `${basename(dir)}: this is a directory; give the path of a roster YAML file`,
    ]);
  });

  it('a file over 16 MiB (17 MiB here), refused before it is read', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(
      file,
      `version: 1\n${`${'#'.repeat(1023)}\n`.repeat((MAX_ROSTER_BYTES / 1024 / 16) * 17)}`,
    );
    expect(await printed(file)).toEqual(['huge.yaml: the file is 17 MiB; a roster may be at most 16 MiB']);
  });

  it('bytes that are not UTF-8', async () => {
    const file = join(dir, 'latin1.yaml');
    await writeFile(file, Buffer.from('version: 1\ntimezone: Europe/Z\xfcrich\n', 'latin1'));
    expect(await printed(file)).toEqual(['latin1.yaml: the file is not UTF-8 text; save it as UTF-8']);
  });

  it('nesting deep enough to overflow the YAML parser: a plain problem, no crash', async () => {
    const file = join(dir, 'deep.yaml');
    await writeFile(file, `version: 1\nagents: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const { roster, issues } = await loadRoster(file);
    expect(roster).toBeUndefined();
    // Where the parser's stack runs out depends on the stack: one or two reports, all on line 2.
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue).toMatchObject({ line: 2, message: 'YAML: lists or mappings are nested too deeply here' });
    }
  });
});
