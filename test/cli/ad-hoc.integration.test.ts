import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { jobId } from '../../src/plan/jobs.js';
import { captureIo } from '../helpers/io.js';
import { queuePerTest } from '../helpers/queue.js';

/**
 * `rota login ID --phone NUMBER` for an agent who is not on the roster (overtime) or is on another phone
 * today, and `rota logout ID`, which for such an agent needs no phone: the verbs in-process, against the
 * run's private Redis under a prefix of their own, the queued job read back.
 */

const queues = queuePerTest();
let dir: string;
const NOW = Date.parse('2026-12-01T04:30:00Z');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rota-ad-hoc-'));
  await writeFile(
    join(dir, 'roster.yaml'),
    `version: 1
timezone: Asia/Kolkata
agents:
  - { id: "1001", phone: "+919800000001", shifts: [{ days: [mon-fri], start: "09:00", end: "18:00" }] }
  - { id: "1002", phone: "+919800000002", shifts: [{ days: [mon-fri], start: "09:00", end: "18:00" }] }
`,
  );
  await writeFile(join(dir, 'credentials.yaml'), 'agents: {}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function open() {
  const test = queues.open();
  const rota = async (args: string[]) => {
    const c = captureIo(
      {
        REDIS_URL: inject('redisUrl'),
        ROTA_PREFIX: test.prefix,
        ROTA_ROSTER: join(dir, 'roster.yaml'),
        ROTA_CREDENTIALS: join(dir, 'credentials.yaml'),
        LOG_LEVEL: 'error',
      },
      dir,
      () => NOW,
    );
    const code = await main(args, c.io);
    return { code, out: c.out(), err: c.err() };
  };
  const data = async (id: string) => (await test.queue.getJob(id))?.data;
  return { rota, data };
}

describe('rota login --phone', () => {
  it('logs in an agent who is not on the roster, and logout needs no phone for them', async () => {
    const { rota, data } = open();
    const login = await rota(['login', '9999', '--phone', '+919811111111']);
    expect(login).toEqual({
      code: 0,
      out:
        `manual login of agent 9999 (+919811111111) queued as ${jobId('manual', 'login', '9999', NOW)}; it runs now\n` +
        '  note: agent 9999 is not on the roster, so no shift ends this; log them out with rota logout 9999\n',
      err: '',
    });
    expect(await data(jobId('manual', 'login', '9999', NOW))).toMatchObject({
      action: 'login',
      agentId: '9999',
      phone: '+919811111111',
      kind: 'manual',
    });

    const at = NOW + 3_600_000;
    const logout = await rota(['logout', '9999', '--at', '11:00']);
    expect(logout.code).toBe(0);
    expect(logout.out).toBe(
      `manual logout of agent 9999 queued as ${jobId('manual', 'logout', '9999', at)}; it runs at 2026-12-01 11:00:00 +05:30 (in 1h)\n`,
    );
    const logoutData = await data(jobId('manual', 'logout', '9999', at));
    expect(logoutData).toMatchObject({ action: 'logout', agentId: '9999', kind: 'manual', at });
    expect(logoutData).not.toHaveProperty('phone');
  });

  it('logs a roster agent in on another phone today, and says whose phone it is on the roster', async () => {
    const { rota, data } = open();
    const login = await rota(['login', '1001', '--phone', '+919800000002']);
    expect(login.code).toBe(0);
    expect(login.out).toBe(
      `manual login of agent 1001 (+919800000002) queued as ${jobId('manual', 'login', '1001', NOW)}; it runs now\n` +
        "  note: +919800000002 is agent 1002's phone on the roster\n",
    );
    expect(await data(jobId('manual', 'login', '1001', NOW))).toMatchObject({ phone: '+919800000002' });
    // Without --phone, a roster agent's phone is the roster's, as before.
    const logout = await rota(['logout', '1001']);
    expect(logout.out).toContain('manual logout of agent 1001 (+919800000001) queued as');
  });

  it('refuses a login with no phone to send, and a phone that is not one', async () => {
    const { rota } = open();
    expect(await rota(['login', '9999'])).toEqual({
      code: 1,
      out: '',
      err: `${join(dir, 'roster.yaml')} has no agent 9999; to log in an agent who is not on the roster, give their phone: rota login 9999 --phone NUMBER\n`,
    });
    const bad = await rota(['login', '9999', '--phone', '98 11']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--phone "98 11" is not a phone number; use 6 to 15 digits with no spaces, optionally after a +',
    );
    const id = await rota(['login', 'a:b', '--phone', '+919811111111']);
    expect(id.code).toBe(2);
    expect(id.err).toContain('"a:b": ');
  });
});
