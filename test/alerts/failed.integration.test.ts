import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requeueJob } from '../../src/queue/admin.js';
import { nextEvent } from '../helpers/events.js';
import { ACCOUNT, benchPerTest, oneOff, rosterOf, secondsFromNow } from '../helpers/rota.js';
import { alertsPerTest, settle } from './service.js';

/**
 * Alerts for a job that fails for good (a wrong agent password), resolved when it completes after a
 * requeue, and for the account refused: real Redis, the simulator over HTTP, rota in this process.
 */

const openBench = benchPerTest();
const alerts = alertsPerTest();
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

describe('alerts for failures', () => {
  it('a wrong password alerts once within 10 s of the failure, with no secret; a requeue resolves it', async () => {
    const b = await openBench({
      agents: { '7001': 'pw-7001' },
      credentials: { '7001': 'wrong-secret-password' },
    });
    const receiver = await alerts.receiver();
    const start = secondsFromNow(3);
    await b.writeRoster(rosterOf(['7001'], () => [oneOff(start, start + 3_600_000)]));
    let failed: ReturnType<typeof nextEvent<'action:failed'>> | undefined;
    const { runtime } = await alerts.start(
      b,
      receiver,
      { worker: true, scheduler: true },
      {
        env: { ROTA_ADMIN_TOKEN: ADMIN_TOKEN },
        before: (r) => {
          failed = nextEvent(r.events, 'action:failed');
        },
      },
    );
    const [jobId, , reason] = (await failed) ?? [];
    const failedAt = Date.now();
    expect(reason).toBe('Invalid Authentication');

    const { alert, raw, at } = await receiver.next((a) => a.kind === 'action-failed', 10_000);
    expect(at - failedAt).toBeLessThan(10_000);
    expect(alert).toMatchObject({
      kind: 'action-failed',
      severity: 'warning',
      state: 'firing',
      agent: '7001',
      action: 'login',
      job: jobId,
      message: expect.stringMatching(/^login of agent 7001 due .* failed for good: Invalid Authentication$/),
      text: expect.stringMatching(/^\[FIRING warning\] rota action-failed: login of agent 7001/),
    });
    expect(new Date(alert.at).getTime()).toBeGreaterThanOrEqual(failedAt - 1000);
    const basic = Buffer.from('7001:wrong-secret-password').toString('base64');
    for (const secret of ['wrong-secret-password', 'pw-7001', ACCOUNT.apiKey, ADMIN_TOKEN, basic]) {
      expect(raw).not.toContain(secret);
    }
    await settle(1500);
    expect(receiver.alerts().map((a) => `${a.kind} ${a.state}`)).toEqual(['action-failed firing']);

    // The password fixed (the file is read again within a second), a person requeues the job.
    await writeFile(join(b.dir, 'credentials.yaml'), 'agents:\n  "7001": "pw-7001"\n');
    await settle(1200);
    const completed = nextEvent(runtime.events, 'action:completed', (id) => id === jobId);
    expect((await requeueJob(runtime.queue, runtime.store, jobId ?? '', Date.now(), 'cli')).ok).toBe(true);
    await completed;
    const resolved = await receiver.next((a) => a.state === 'resolved', 10_000);
    expect(resolved.alert).toMatchObject({
      kind: 'action-failed',
      state: 'resolved',
      key: alert.key,
      job: jobId,
      message: expect.stringMatching(/completed: done: /),
    });
    expect(resolved.alert.text).toMatch(/^\[RESOLVED\] rota action-failed: /);
    await settle(500);
    expect(receiver.alerts().map((a) => `${a.kind} ${a.state}`)).toEqual([
      'action-failed firing',
      'action-failed resolved',
    ]);
  }, 45_000);

  it('the account refused fires one critical alert at once', async () => {
    const b = await openBench({ agents: { '7101': 'pw-7101', '7102': 'pw-7102' } });
    const receiver = await alerts.receiver();
    const start = secondsFromNow(3);
    await b.writeRoster(rosterOf(['7101', '7102'], () => [oneOff(start, start + 3_600_000)]));
    let refused: ReturnType<typeof nextEvent<'account:refused'>> | undefined;
    await alerts.start(
      b,
      receiver,
      { worker: true, scheduler: true },
      {
        env: { CLOUDAGENT_API_KEY: 'not-the-key-1234567' },
        before: (r) => {
          refused = nextEvent(r.events, 'account:refused');
        },
      },
    );
    const [reason] = (await refused) ?? [];
    const { alert, raw } = await receiver.next((a) => a.kind === 'account-refused', 5_000);
    expect(alert).toMatchObject({
      kind: 'account-refused',
      severity: 'critical',
      state: 'firing',
      agent: null,
      job: null,
      message: reason,
    });
    expect(alert.text).toMatch(/^\[FIRING critical\] rota account-refused: CloudAgent refused the account/);
    expect(raw).not.toContain('not-the-key-1234567');
    await settle(1500);
    expect(receiver.alerts().map((a) => `${a.kind} ${a.state}`)).toEqual(['account-refused firing']);
  }, 30_000);
});
