import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { resumeActions } from '../../src/queue/admin.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { type Service, startService } from '../../src/service.js';
import { startReceiver } from '../alerts/receiver.js';
import { nextEvent } from '../helpers/events.js';
import {
  agentsFrom,
  benchPerTest,
  inProcess,
  oneOff,
  rosterOf,
  secondsFromNow,
  waitUntil,
} from '../helpers/rota.js';

/** In-process runtimes log nowhere: the test output stays readable. */
const quiet = { log: createLogger('silent') };

/**
 * A wrong account key at a shift boundary is the account's problem, not 50 agents': rota pauses itself,
 * one alert fires, no job fails, and after the key is fixed (workers restarted) and rota resumed, every agent is logged in.
 */

const openBench = benchPerTest();
const running: { runtime: Runtime; service: Service }[] = [];
const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close()));
  for (const { runtime, service } of running.splice(0).reverse()) {
    await service.stop();
    await runtime.close();
  }
});

describe('a wrong CloudAgent API key', () => {
  it('pauses rota at the first answer; no job fails; fixed and resumed, all 50 log in', async () => {
    const { ids, passwords } = agentsFrom(5000, 50);
    const b = await openBench({ agents: passwords });
    const start = secondsFromNow(4);
    await b.writeRoster(rosterOf(ids, () => [oneOff(start, start + 3_600_000)]));

    const receiver = await startReceiver();
    closing.push(receiver);
    const wrong = await openRuntime(
      {
        ...inProcess(b.env),
        CLOUDAGENT_API_KEY: 'not-the-key-123',
        ROTA_CONCURRENCY: '8',
        ROTA_ALERT_WEBHOOK: receiver.url,
      },
      b.dir,
      quiet,
    );
    const refused = nextEvent(wrong.events, 'account:refused', () => true, 30_000);
    const first = await startService(wrong, { worker: true, scheduler: true });
    running.push({ runtime: wrong, service: first });
    const [reason] = await refused;
    expect(reason).toContain('CloudAgent refused the account (Invalid userName or apiKey)');
    // Only the calls already in flight (at most the concurrency) met the answer; none failed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(b.sim.calls().length).toBeLessThanOrEqual(8);
    const counts = await wrong.queue.getJobCounts('failed', 'completed');
    expect(counts).toEqual({ failed: 0, completed: 0 });
    expect(await wrong.queue.isPaused()).toBe(true);
    expect((await wrong.store.pausedBecause())?.reason).toBe(reason);
    // One alert, at once, whatever the number of calls that met the answer; no secret in it.
    const alert = await receiver.next((a) => a.kind === 'account-refused');
    expect(alert.alert).toMatchObject({ state: 'firing', severity: 'critical' });
    expect(alert.raw).not.toContain('not-the-key-123');
    expect(receiver.alerts((a) => a.kind === 'account-refused' && a.state === 'firing')).toHaveLength(1);
    await first.stop();
    running.pop();
    await wrong.close();

    // The key fixed, the worker restarted, then a person resumes.
    const fixed = await openRuntime(b.env, b.dir, quiet);
    const second = await startService(fixed, { worker: true, scheduler: false });
    running.push({ runtime: fixed, service: second });
    expect(await resumeActions(fixed.queue, fixed.store, { source: 'cli', at: Date.now() })).toBe(true);
    const allIn = await waitUntil(() => ids.every((id) => b.sim.state()[id] !== undefined), 30_000);
    expect(allIn).toBe(true);
    expect((await fixed.queue.getJobCounts('failed')).failed).toBe(0);
  }, 60_000);
});
