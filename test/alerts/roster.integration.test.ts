import { describe, expect, it } from 'vitest';
import { nextEvent } from '../helpers/events.js';
import { benchPerTest, oneOff, rosterOf, secondsFromNow } from '../helpers/rota.js';
import { alertsPerTest, settle } from './service.js';

/** An invalid roster edit alerts once (the scheduler keeps the last good plan); a good one resolves it. */

const openBench = benchPerTest();
const alerts = alertsPerTest();

describe('alerts for the roster', () => {
  it('an invalid roster edit alerts, and a good one resolves it', async () => {
    const b = await openBench({ agents: { '7301': 'pw-7301' } });
    const receiver = await alerts.receiver();
    const start = secondsFromNow(3_600);
    const good = rosterOf(['7301'], () => [oneOff(start, start + 3_600_000)]);
    await b.writeRoster(good);
    let firstSync: ReturnType<typeof nextEvent<'sync:finished'>> | undefined;
    const { runtime, service } = await alerts.start(
      b,
      receiver,
      { worker: false, scheduler: true },
      {
        before: (r) => {
          firstSync = nextEvent(r.events, 'sync:finished');
        },
      },
    );
    expect((await firstSync)?.[0].ok).toBe(true);

    const refused = nextEvent(runtime.events, 'sync:finished', (result) => !result.ok);
    await b.writeRoster(good.replace(/end: "[0-9:]+"/, 'end: "25:00"'));
    await service.scheduler?.syncNow();
    await refused;
    const firing = await receiver.next((a) => a.kind === 'roster-invalid', 10_000);
    expect(firing.alert).toMatchObject({
      kind: 'roster-invalid',
      severity: 'warning',
      state: 'firing',
      agent: null,
      action: null,
      job: null,
      message: expect.stringMatching(
        /^the roster has 1 error\(s\); the scheduler keeps the last good plan\. First: .*roster\.yaml:\d+:\d+ .*"25:00" is not a time/,
      ),
    });
    // Another sync of the same broken roster (the file watch, the interval) sends nothing more.
    await service.scheduler?.syncNow();

    const applied = nextEvent(runtime.events, 'sync:finished', (result) => result.ok);
    await b.writeRoster(good);
    await service.scheduler?.syncNow();
    await applied;
    const resolved = await receiver.next((a) => a.state === 'resolved', 10_000);
    expect(resolved.alert).toMatchObject({ kind: 'roster-invalid', key: 'roster-invalid' });
    expect(resolved.alert.message).toMatch(/^the roster is valid again \(revision \w+\)/);
    await settle(1_000);
    expect(receiver.alerts().map((a) => `${a.kind} ${a.state}`)).toEqual([
      'roster-invalid firing',
      'roster-invalid resolved',
    ]);
    const metrics = await runtime.metrics.registry.metrics();
    expect(metrics).toContain('rota_alerts_total{kind="roster-invalid",state="firing"} 1');
    expect(metrics).toContain('rota_alerts_total{kind="roster-invalid",state="resolved"} 1');
    expect(metrics).toContain('rota_alert_deliveries_total{result="delivered"} 2');
  }, 30_000);
});
