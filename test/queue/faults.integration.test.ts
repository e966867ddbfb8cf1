import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bench,
  oneOff,
  openBench,
  type Running,
  secondsFromNow,
  waitUntil,
  withQueue,
} from '../helpers/rota.js';

/**
 * Injected faults at a shift boundary: every kind the simulator has (5xx, hangs, dropped connections,
 * HTML bodies, 429) for the first seconds of the shift, then a healthy API. Every agent must end logged
 * in, within its session, with no failed job.
 */

const faults = {
  '201': { serverErrorRate: 1 },
  '202': { hangRate: 1 },
  '203': { dropRate: 1 },
  '204': { htmlRate: 1 },
  '205': { tooManyRequestsRate: 1, retryAfter: '2' },
};
const ids = Object.keys(faults);
const passwords = Object.fromEntries(ids.map((id) => [id, `pw-${id}`]));

let bench: Bench;
let run: Running;
const T0 = secondsFromNow(8);

beforeAll(async () => {
  bench = await openBench({ agents: passwords, env: { ROTA_API_TIMEOUT: '1s' } });
  bench.sim.setFaults({ agents: faults });
  await bench.writeRoster(`version: 1
timezone: Europe/London
agents:
${ids.map((id) => `  - { id: "${id}", phone: "+4420700${id}", shifts: [${oneOff(T0, T0 + 300_000, 'Europe/London')}] }\n`).join('')}`);
  run = bench.spawnRota(['run']);
  await waitUntil(() => bench.sim.calls().length >= ids.length, T0 - Date.now() + 10_000);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, T0 + 3000 - Date.now())));
  bench.sim.setFaults({});
  await waitUntil(() => Object.keys(bench.sim.state()).length === ids.length, 30_000);
}, 90_000);

afterAll(async () => {
  await run?.stop();
  await bench?.close();
});

describe('faults at a shift boundary', () => {
  it('ends with every agent logged in', () => {
    expect(Object.keys(bench.sim.state()).sort()).toEqual(ids);
  });

  it.each(Object.entries(faults))('agent %s met its fault, then succeeded by a retry', (id, fault) => {
    const calls = bench.sim.calls().filter((c) => c.agent === id);
    const kind = { serverErrorRate: 'serverError', hangRate: 'hang', dropRate: 'drop', htmlRate: 'html' }[
      Object.keys(fault)[0] as string
    ];
    expect(calls[0]?.fault).toBe(kind ?? 'tooManyRequests');
    expect(calls.at(-1)?.answer).toEqual({
      status: 'success',
      message: `Agent ${id} logged in successfully`,
    });
  });

  it('honours Retry-After on 429', () => {
    const calls = bench.sim.calls().filter((c) => c.agent === '205');
    const gaps = calls.slice(1).map((c, i) => Date.parse(c.at) - Date.parse(calls[i]?.at ?? ''));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1900);
  });

  it('failed no job and recorded the transient attempts', async () => {
    await withQueue(bench, async (queue) => {
      expect(await queue.getFailedCount()).toBe(0);
      expect(await queue.getCompletedCount()).toBe(ids.length);
    });
    expect(run.output()).toMatch(/"agentId":"202","action":"login".*"outcome":"transient"/);
  });
});
