import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/redis/server.js';
import { type Bench, oneOff, openBench, type Running, secondsFromNow, waitUntil } from '../helpers/rota.js';

/**
 * `rota run` end to end: real Redis, real HTTP to the simulator, shifts seconds from now. One roster
 * holds every scenario, so the whole story takes about 30 s of real time.
 */

const ids = ['101', '102', '103', '104', '105', '106', '107', '108'];
const passwords = Object.fromEntries(ids.map((id) => [id, `pw-${id}`]));

let bench: Bench;
let httpPort: number;
let run: Running;
const now = Date.now();
const T0 = secondsFromNow(10, now);
const at = (s: number) => T0 + s * 1000;

function roster(withRemoved: boolean): string {
  const agent = (id: string, phone: string, shifts: string[]) =>
    `  - id: "${id}"\n    phone: "${phone}"\n    shifts:\n${shifts.map((s) => `      - ${s}\n`).join('')}`;
  return `version: 1
timezone: Asia/Kolkata
agents:
${agent('101', '+919800000101', [oneOff(at(0), at(6))])}${agent('102', '+919800000102', [oneOff(secondsFromNow(-3600, now), at(120))])}${agent('103', '+919800000103', [oneOff(secondsFromNow(-7200, now), secondsFromNow(-3600, now))])}${agent('104', '+919800000104', [oneOff(at(0), at(4)), oneOff(at(4), at(8))])}${agent('105', '+919800000105', [oneOff(secondsFromNow(-600, now), at(5))])}${agent('106', '+919800000105', [oneOff(at(5), at(12))])}${agent('107', '+919800000107', [oneOff(at(0), at(6))])}${withRemoved ? agent('108', '+919800000108', [oneOff(at(3), at(9))]) : ''}`;
}

const callsOf = (id: string) => bench.sim.calls().filter((c) => c.agent === id);
const lateness = (id: string, action: string, instant: number) => {
  const call = callsOf(id).find((c) => c.action === action);
  return call ? Date.parse(call.at) - instant : Number.NaN;
};

beforeAll(async () => {
  httpPort = await freePort();
  bench = await openBench({
    agents: passwords,
    credentials: { ...passwords, '107': 'wrong-password' },
    // 105 was logged in before rota started; its session ends at the handover to 106.
    loggedIn: { '105': '+919800000105' },
    env: { ROTA_HTTP_PORT: String(httpPort) },
  });
  await bench.writeRoster(roster(true));
  run = bench.spawnRota(['run']);
  // The first sync has run once 108's login job exists; then the roster loses 108.
  const synced = await waitUntil(() => run.output().includes('"msg":"sync"'), 15_000);
  if (!synced) throw new Error(`rota run did not sync:\n${run.output()}`);
  await bench.writeRoster(roster(false));
  await waitUntil(() => callsOf('106').some((c) => c.action === 'logout'), at(12) - Date.now() + 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
}, 90_000);

afterAll(async () => {
  await run?.stop();
  await bench?.close();
});

describe('rota run against the simulator', () => {
  it('logs a shift in and out within 2 s of its instants', () => {
    expect(callsOf('101').map((c) => [c.action, c.answer?.status])).toEqual([
      ['login', 'success'],
      ['logout', 'success'],
    ]);
    expect(Math.abs(lateness('101', 'login', at(0)))).toBeLessThan(2000);
    expect(Math.abs(lateness('101', 'logout', at(6)))).toBeLessThan(2000);
  });

  it('logs in at once an agent whose shift is already in progress', () => {
    const calls = callsOf('102');
    expect(calls.map((c) => [c.action, c.answer?.status])).toEqual([['login', 'success']]);
    expect(Date.parse(calls[0]?.at ?? '')).toBeLessThan(T0);
  });

  it('sends the logout of a shift that ended while nothing ran', () => {
    const calls = callsOf('103');
    expect(calls.map((c) => c.action)).toEqual(['logout']);
    expect(calls[0]?.answer?.message).toMatch(/not logged in/i);
  });

  it('gives back-to-back shifts one login and one logout', () => {
    expect(callsOf('104').map((c) => c.action)).toEqual(['login', 'logout']);
    expect(Math.abs(lateness('104', 'logout', at(8)))).toBeLessThan(2000);
  });

  it('skips a late login with less than a minute of its session left', () => {
    expect(run.output()).toMatch(/"agentId":"105","action":"login".*"outcome":"skipped"/);
  });

  it('hands a shared phone over with no conflict and no failed job', () => {
    expect(callsOf('105').map((c) => [c.action, c.answer?.status])).toEqual([['logout', 'success']]);
    expect(callsOf('106').map((c) => [c.action, c.answer?.status])).toEqual([
      ['login', 'success'],
      ['logout', 'success'],
    ]);
    const handoverLogout = Date.parse(callsOf('105')[0]?.at ?? '');
    const handoverLogin = Date.parse(callsOf('106')[0]?.at ?? '');
    expect(handoverLogout).toBeLessThanOrEqual(handoverLogin);
    expect(Math.abs(lateness('106', 'login', at(5)))).toBeLessThan(2000);
  });

  it('fails an agent with a wrong password once, without retrying, and the others go on', () => {
    const logins = callsOf('107').filter((c) => c.action === 'login');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.answer?.message).toBe('Invalid Authentication');
    expect(run.output()).toMatch(/"agentId":"107".*"outcome":"rejected"/);
  });

  it('never calls for a shift removed from the roster before its instant', () => {
    expect(callsOf('108')).toEqual([]);
  });

  it('adds nothing on a second sync', async () => {
    const again = await bench.rota(['sync']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/added 0, removed 0, unchanged \d+, caught-up 0/);
  });

  it('never writes a password or the API key to its output', () => {
    const out = run.output();
    expect(out).not.toContain('test-api-key-secret');
    for (const pw of [...Object.values(passwords), 'wrong-password']) expect(out).not.toContain(`"${pw}"`);
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { redis: true, worker: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toContain('rota_actions_total{action="login",outcome="done"} 4');
    expect(metrics).toContain('rota_actions_total{action="login",outcome="rejected"} 1');
    expect(metrics).toMatch(/rota_action_lateness_seconds_bucket\{le="2",action="login"\} \d+/);
    expect(metrics).toMatch(/rota_queue_jobs\{state="completed"\} \d+/);
    expect(metrics).toMatch(/rota_syncs_total\{result="ok"\} [1-9]/);
  });
});
