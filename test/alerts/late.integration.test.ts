import { describe, expect, it } from 'vitest';
import { benchPerTest, oneOff, rosterOf, secondsFromNow, waitUntil } from '../helpers/rota.js';
import { alertsPerTest, settle } from './service.js';

/**
 * A due action that no worker takes: only a scheduler runs, so the login stays pending past its instant
 * and the periodic check alerts; a worker comes back, logs the agent in, and the alert resolves. The
 * lateness threshold is 60 s in service; here it is 2 s (`startService`'s `alerts.lateAfterMs`), checked
 * every 500 ms.
 */

const openBench = benchPerTest();
const alerts = alertsPerTest();
const quick = { alerts: { lateAfterMs: 2_000, checkEveryMs: 500 } };

describe('alerts for late actions', () => {
  it('a stopped worker past a due instant alerts, and resolves when a worker comes back', async () => {
    const b = await openBench({ agents: { '7201': 'pw-7201' } });
    const receiver = await alerts.receiver();
    const start = secondsFromNow(2);
    await b.writeRoster(rosterOf(['7201'], () => [oneOff(start, start + 3_600_000)]));
    await alerts.start(b, receiver, { worker: false, scheduler: true }, quick);

    const firing = await receiver.next((a) => a.kind === 'action-late', 15_000);
    expect(firing.at - start).toBeGreaterThanOrEqual(2_000);
    expect(firing.alert).toMatchObject({
      kind: 'action-late',
      severity: 'critical',
      state: 'firing',
      agent: '7201',
      action: 'login',
      job: expect.stringMatching(/^login-7201-/),
      message: expect.stringMatching(
        /^1 due action\(s\) not started 2s after their instant; the oldest is the login of agent 7201/,
      ),
    });
    expect(b.sim.calls()).toEqual([]);

    // A worker comes back (another process, alerting too): the login runs, and one of them resolves.
    await alerts.start(b, receiver, { worker: true, scheduler: false }, quick);
    const resolved = await receiver.next((a) => a.kind === 'action-late' && a.state === 'resolved', 15_000);
    expect(resolved.alert.key).toBe(firing.alert.key);
    expect(await waitUntil(() => b.sim.state()['7201'] !== undefined, 5_000)).toBe(true);
    await settle(1_500);
    expect(receiver.alerts().map((a) => `${a.kind} ${a.state}`)).toEqual([
      'action-late firing',
      'action-late resolved',
    ]);
  }, 45_000);
});
