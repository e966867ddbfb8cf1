import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  benchPerTest,
  oneOff,
  type Running,
  rosterOf,
  secondsFromNow,
  waitUntil,
} from '../helpers/rota.js';
import { type Receiver, startReceiver } from './receiver.js';
import { settle } from './service.js';

/**
 * Two `rota run` processes with the same environment both see the roster turn invalid and valid again,
 * and either may take the failing job: each alert reaches the webhook once.
 */

const openBench = benchPerTest();
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** How many times a process has logged this message so far. */
const logged = (run: Running, msg: string) =>
  run
    .output()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}`)).length;

describe('alerts from several processes', () => {
  it('two rota run processes send each alert once', async () => {
    receiver = await startReceiver();
    const b = await openBench({
      agents: { '7401': 'pw-7401', '7402': 'pw-7402' },
      credentials: { '7401': 'pw-7401', '7402': 'wrong-password-7402' },
      env: { ROTA_ALERT_WEBHOOK: receiver.url },
    });
    const start = secondsFromNow(6);
    const good = rosterOf(['7401', '7402'], () => [oneOff(start, start + 3_600_000)]);
    await b.writeRoster(good);
    const runs = [b.spawnRota(['run']), b.spawnRota(['run'])];
    const bothSynced = await waitUntil(() => runs.every((run) => logged(run, 'sync') >= 1), 20_000);
    if (!bothSynced) throw new Error(`rota run did not start:\n${runs.map((r) => r.output()).join('\n')}`);

    // One of them takes 7402's login, which fails for good.
    const failed = await receiver.next((a) => a.kind === 'action-failed', 20_000);
    expect(failed.alert).toMatchObject({ state: 'firing', agent: '7402', action: 'login' });

    // Both refuse the broken roster.
    await b.writeRoster(good.replace(/end: "[0-9:]+"/, 'end: "25:00"'));
    const bothRefused = await waitUntil(
      () => runs.every((run) => logged(run, 'the roster has 1 error') >= 1),
      15_000,
    );
    expect(bothRefused).toBe(true);
    await receiver.next((a) => a.kind === 'roster-invalid', 10_000);

    // Both apply the good one again.
    const syncs = runs.map((run) => logged(run, 'sync'));
    await b.writeRoster(good);
    const bothApplied = await waitUntil(
      () => runs.every((run, i) => logged(run, 'sync') > (syncs[i] ?? 0)),
      15_000,
    );
    expect(bothApplied).toBe(true);
    await receiver.next((a) => a.kind === 'roster-invalid' && a.state === 'resolved', 10_000);
    await settle(2_000);

    expect(
      receiver
        .alerts()
        .map((a) => `${a.kind} ${a.state}`)
        .sort(),
    ).toEqual(['action-failed firing', 'roster-invalid firing', 'roster-invalid resolved']);
    expect(b.sim.state()['7401']).toBeDefined();
    for (const run of runs) expect(await run.stop()).toBe(0);
    for (const { raw } of receiver.received) {
      for (const secret of ['wrong-password-7402', 'pw-7402', 'pw-7401', ACCOUNT.apiKey])
        expect(raw).not.toContain(secret);
    }
  }, 60_000);
});
