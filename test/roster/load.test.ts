import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoster } from '../../src/roster/load.js';

/**
 * `loadRoster` reads the file each time and parses a text once: the scheduler reads an unchanged roster
 * every ROTA_SYNC_INTERVAL, and parsing a big one is most of what such a sync costs.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const roster = (phone: string, end = '18:00') =>
  [
    'version: 1',
    'timezone: Asia/Kolkata',
    'agents:',
    `  - { id: "1001", phone: "${phone}", shifts: [{ days: [mon-fri], start: "09:00", end: "${end}" }] }`,
    '  - { id: "1002", phone: "+919800000002" }',
    '',
  ].join('\n');

describe('loadRoster', () => {
  it('gives an unchanged file the roster it parsed before, and a changed file its new roster', async () => {
    const file = join(dir, 'roster.yaml');
    await writeFile(file, roster('+919800000001'));
    const first = await loadRoster(file);
    const again = await loadRoster(file);
    expect(again.roster).toBe(first.roster);
    expect(again.issues).toEqual(first.issues);

    await writeFile(file, roster('+919800000001', '17:00'));
    const changed = await loadRoster(file);
    expect(changed.roster).not.toBe(first.roster);
    expect(changed.roster?.agents[0]?.shifts[0]).toMatchObject({ end: { hour: 17, minute: 0 } });

    // Back to the first text: parsed again (only the last text is kept), equal to the first.
    await writeFile(file, roster('+919800000001'));
    expect((await loadRoster(file)).roster).toEqual(first.roster);
  });

  it('keeps the same text of another file apart: its issues name that file', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    await writeFile(a, roster('+919800000001'));
    await writeFile(b, roster('+919800000001'));
    const fromA = await loadRoster(a);
    const fromB = await loadRoster(b);
    expect(fromA.issues.map((issue) => issue.file)).toEqual([a]);
    expect(fromB.issues.map((issue) => issue.file)).toEqual([b]);
    expect(fromB.roster?.file).toBe(b);
  });

  it("gives each caller issues of its own: changing them changes no later call's", async () => {
    const file = join(dir, 'own.yaml');
    await writeFile(file, roster('12'));
    const first = await loadRoster(file);
    const issues = [...first.issues];
    expect(issues.length).toBeGreaterThan(0);
    first.issues.push({ ...(first.issues[0] as (typeof first.issues)[number]), message: 'added' });
    expect((await loadRoster(file)).issues).toEqual(issues);
  });
});
