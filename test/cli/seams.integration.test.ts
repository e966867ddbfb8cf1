import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';
import { type Bench, openBench } from '../helpers/rota.js';

/** The command line where it meets the queue: what `plan` promises is what `sync` does; JSON on errors. */

const H = 3_600_000;
/** A fixed clock: 2026-12-01 10:10 in Kolkata (a Tuesday). */
const NOW = Date.parse('2026-12-01T04:40:00Z');

async function rota(bench: Bench, args: string[], now = NOW) {
  const c = captureIo(bench.env, bench.dir, () => now);
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

// A session in progress (catch-up login now), one that ended an hour ago (catch-up logout now), a
// handover of one phone at 13:00, a weekly pattern reaching past the 2-day horizon.
const ROSTER = `version: 1
timezone: Asia/Kolkata
agents:
  - { id: "1001", phone: "+919800000001", shifts: [{ date: 2026-12-01, start: "09:00", end: "13:00" }] }
  - { id: "1002", phone: "+919800000001", shifts: [{ date: 2026-12-01, start: "13:00", end: "18:00" }] }
  - { id: "1003", phone: "+919800000003", shifts: [{ date: 2026-12-01, start: "06:00", end: "09:10" }] }
  - { id: "1004", phone: "+919800000004", shifts: [{ days: [mon-fri], start: "22:00", end: "06:00" }] }
`;

describe('plan and sync', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await openBench({ agents: {}, env: { ROTA_HORIZON: '2d' } });
    await bench.writeRoster(ROSTER);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('rota plan --json lists exactly the jobs a dry-run sync would add to an empty queue', async () => {
    const plan = await rota(bench, ['plan', '--json']);
    expect(plan.code).toBe(0);
    const sync = await rota(bench, ['sync', '--dry-run', '--json']);
    expect(sync.code).toBe(0);
    const planned = JSON.parse(plan.out).actions.map(
      ({ id, action, agentId, atMs, runAtMs, after }: Record<string, unknown>) => ({
        id,
        action,
        agentId,
        atMs,
        runAtMs,
        ...(after ? { after } : {}),
      }),
    );
    const added = JSON.parse(sync.out).additions;
    expect(planned).toEqual(added);
    // The cases that used to differ: catch-up runs now, the handover login waits, the horizon holds.
    const byId = new Map(added.map((job: { id: string }) => [job.id, job]));
    expect(byId.get('login-1001-20261201T033000Z')).toMatchObject({ runAtMs: NOW });
    expect(byId.get('logout-1003-20261201T034000Z')).toMatchObject({ runAtMs: NOW });
    expect(byId.get('login-1002-20261201T073000Z')).toMatchObject({ after: 'logout-1001-20261201T073000Z' });
    expect(added.every((job: { runAtMs: number }) => job.runAtMs < NOW + 2 * 24 * H)).toBe(true);
    // The human table says so too.
    const table = (await rota(bench, ['plan'])).out;
    expect(table).toContain('catch-up: runs now');
    expect(table).toContain("handover: waits for 1001's logout");
  });

  it('rota check --json reports a valid roster, and an invalid one with its errors and exit 1', async () => {
    const good = await rota(bench, ['check', '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ valid: true, errors: [], agents: 4 });
    await writeFile(join(bench.dir, 'bad.yaml'), 'version: 1\ntimezone: Mars/Olympus\nagents: []\n');
    const bad = await rota(bench, ['check', 'bad.yaml', '--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.out);
    expect(report.valid).toBe(false);
    expect(report.errors.map((e: { path: string }) => e.path)).toEqual(['timezone', 'agents']);
    expect(bad.err).toBe('');
  });
});

describe('a roster broken from the very first sync', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await openBench({ agents: {} });
    await bench.writeRoster('version: 1\ntimezone: Mars/Olympus\nagents: []\n');
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('sync --json prints the errors as JSON on stdout and exits 1', async () => {
    const sync = await rota(bench, ['sync', '--json']);
    expect(sync.code).toBe(1);
    const result = JSON.parse(sync.out);
    expect(result).toMatchObject({ ok: false, file: bench.rosterFile });
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatchObject({ line: 2, path: 'timezone', severity: 'error' });
  });

  it('status shows the error although no good plan was ever stored', async () => {
    const status = await rota(bench, ['status']);
    expect(status.out.split('\n')[0]).toMatch(
      /^ROSTER ERROR since .*: 2 error\(s\); no roster has been applied yet, so nothing is scheduled\.$/,
    );
    expect(status.out).toContain('roster.yaml:2:11 timezone: "Mars/Olympus" is not a time zone');
    const json = JSON.parse((await rota(bench, ['status', '--json'])).out);
    expect(json.plan).toBeNull();
    expect(json.rosterError).toMatchObject({ count: 2 });
  });
});

describe('the roster revision is a fingerprint of the schedule', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await openBench({ agents: {} });
    await bench.writeRoster(ROSTER);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('stays the same when the file moves or gains comments and blank lines, and changes with a shift', async () => {
    const revision = async (file: string) =>
      JSON.parse((await rota(bench, ['plan', file, '--json'])).out).revision;
    const first = await revision('roster.yaml');
    await copyFile(join(bench.dir, 'roster.yaml'), join(bench.dir, 'moved.yaml'));
    await writeFile(
      join(bench.dir, 'commented.yaml'),
      `# the roster\n\n${ROSTER.replace('agents:', 'agents:  # all')}`,
    );
    await writeFile(join(bench.dir, 'changed.yaml'), ROSTER.replace('"18:00"', '"18:30"'));
    expect(await revision('moved.yaml')).toBe(first);
    expect(await revision('commented.yaml')).toBe(first);
    expect(await revision('changed.yaml')).not.toBe(first);
  });
});
