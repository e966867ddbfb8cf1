import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/redis/server.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { type Service, startService } from '../../src/service.js';
import { nextEvent } from '../helpers/events.js';
import { captureIo } from '../helpers/io.js';
import {
  ACCOUNT,
  type Bench,
  inProcess,
  oneOff,
  openBench,
  rosterOf,
  secondsFromNow,
} from '../helpers/rota.js';

/** In-process runtimes log nowhere: the test output stays readable. */
const quiet = { log: createLogger('silent') };

/** The console's JSON API and its token-guarded actions, over real HTTP, on a running service. */

const TOKEN = 'test-admin-token-0123456789';
const passwords = { '3001': 'pw-3001-secret', '3002': 'pw-3002-secret' };

interface Running {
  bench: Bench;
  runtime: Runtime;
  service: Service;
  url: string;
}

async function start(env: NodeJS.ProcessEnv): Promise<Running> {
  const bench = await openBench({ agents: passwords });
  const later = secondsFromNow(3600);
  await bench.writeRoster(rosterOf(Object.keys(passwords), () => [oneOff(later, later + 3_600_000)]));
  const port = await freePort();
  const runtime = await openRuntime(
    inProcess({ ...bench.env, ROTA_HTTP_PORT: String(port), ...env }),
    bench.dir,
    quiet,
  );
  const synced = nextEvent(runtime.events, 'sync:finished');
  const service = await startService(runtime, { worker: true, scheduler: true });
  await synced;
  return { bench, runtime, service, url: service.http?.url ?? '' };
}

async function stop(running: Running | undefined) {
  await running?.service.stop();
  await running?.runtime.close();
  await running?.bench.close();
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON documents under test, read field by field
type Json = any;
const get = async (url: string): Promise<Json> => (await fetch(url)).json();

const post = (url: string, body: unknown = {}, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('without ROTA_ADMIN_TOKEN', () => {
  let r: Running | undefined;
  beforeAll(async () => {
    r = await start({});
  }, 30_000);
  afterAll(() => stop(r));

  it('serves the same documents as the --json verbs', async () => {
    const { bench, url } = r as Running;
    const verb = async (args: string[]) => {
      const c = captureIo(bench.env, bench.dir);
      expect(await main(args, c.io)).toBe(0);
      return JSON.parse(c.out());
    };
    expect(await get(`${url}/api/jobs?agent=3001`)).toEqual(
      await verb(['jobs', '--agent', '3001', '--json']),
    );
    const api = await get(`${url}/api/status`);
    const cli = await verb(['status', '--json']);
    expect(Object.keys(api).sort()).toEqual(Object.keys(cli).sort());
    expect(api.counts).toEqual(cli.counts);
    expect(api.next.map((row: { id: string }) => row.id)).toEqual(
      cli.next.map((row: { id: string }) => row.id),
    );
    const history = await get(`${url}/api/history?since=1h&agent=3001`);
    expect(Object.keys(history).sort()).toEqual(['admin', 'attempts', 'since', 'sinceMs', 'zone']);
  });

  it('serves the stored plan for the timeline, by default from yesterday to the horizon', async () => {
    const { url } = r as Running;
    const plan = await get(`${url}/api/plan`);
    expect(plan.sessions.map((s: { agentId: string }) => s.agentId).sort()).toEqual(['3001', '3002']);
    expect(plan.actions).toHaveLength(4);
    expect(plan.window.fromMs).toBeLessThan(Date.now() - 86_400_000 + 1);
  });

  it('has no mutating routes (404), refuses bad queries with a reason, and answers unknown routes 404', async () => {
    const { url } = r as Running;
    expect((await post(`${url}/api/pause`, { reason: 'x' }, TOKEN)).status).toBe(404);
    const bad = await fetch(`${url}/api/jobs?state=bogus`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toContain('state "bogus" is not a job state');
    expect((await fetch(`${url}/api/plan?from=someday`)).status).toBe(400);
    expect((await fetch(`${url}/api/history?since=forever`)).status).toBe(400);
    const unknown = await fetch(`${url}/api/nothing?x=1`);
    expect(unknown.status).toBe(404);
  });

  it('never carries a secret: no password, API key or token in any document', async () => {
    const { url } = r as Running;
    for (const path of [
      '/api/status',
      '/api/plan',
      '/api/jobs',
      '/api/history?since=2h',
      '/api/console',
      '/metrics',
    ]) {
      const text = await (await fetch(`${url}${path}`)).text();
      for (const secret of [...Object.values(passwords), ACCOUNT.apiKey]) expect(text).not.toContain(secret);
    }
  });
});

describe('with ROTA_ADMIN_TOKEN', () => {
  let r: Running | undefined;
  beforeAll(async () => {
    r = await start({ ROTA_ADMIN_TOKEN: TOKEN });
  }, 30_000);
  afterAll(() => stop(r));

  it('answers 401 without the token or with a wrong one', async () => {
    const { url } = r as Running;
    const none = await post(`${url}/api/pause`, { reason: 'x' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="rota"');
    expect((await post(`${url}/api/pause`, { reason: 'x' }, `${TOKEN}x`)).status).toBe(401);
    expect((await post(`${url}/api/jobs/anything/requeue`, {}, 'short')).status).toBe(401);
    expect((await get(`${url}/api/status`)).paused).toBeNull();
  });

  it('pauses and resumes, recorded in the admin history with its source', async () => {
    const { url } = r as Running;
    expect((await post(`${url}/api/pause`, { reason: 'CloudAgent maintenance' }, TOKEN)).status).toBe(200);
    expect((await get(`${url}/api/status`)).paused).toMatchObject({
      reason: 'CloudAgent maintenance',
    });
    expect((await post(`${url}/api/resume`, {}, TOKEN)).status).toBe(200);
    expect((await get(`${url}/api/status`)).paused).toBeNull();
    const { admin } = await get(`${url}/api/history?since=1h`);
    expect(admin.map((entry: { verb: string; source: string }) => `${entry.source} ${entry.verb}`)).toEqual([
      'web pause',
      'web resume',
    ]);
  });

  it('logs an agent in now: a manual job whose attempt is recorded with source web', async () => {
    const { url, runtime } = r as Running;
    const attempt = nextEvent(runtime.events, 'attempt:recorded', (entry) => entry.agentId === '3001');
    const res = await post(`${url}/api/agents/3001/login`, {}, TOKEN);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Json;
    expect(id).toMatch(/^manual-login-3001-/);
    const [entry] = await attempt;
    expect(entry).toMatchObject({ jobId: id, kind: 'manual', source: 'web', outcome: 'done' });
    expect((await post(`${url}/api/agents/9999/logout`, {}, TOKEN)).status).toBe(404);
  });

  it('cancels a pending job and refuses to requeue one that has not run', async () => {
    const { url } = r as Running;
    const { jobs } = await get(`${url}/api/jobs?agent=3002&state=delayed`);
    const [first] = jobs;
    expect((await post(`${url}/api/jobs/${first.id}/requeue`, {}, TOKEN)).status).toBe(409);
    expect((await post(`${url}/api/jobs/${first.id}/cancel`, {}, TOKEN)).status).toBe(200);
    expect((await post(`${url}/api/jobs/${first.id}/cancel`, {}, TOKEN)).status).toBe(404);
  });

  it('limits and validates request bodies', async () => {
    const { url } = r as Running;
    expect((await post(`${url}/api/pause`, { reason: 'x'.repeat(20_000) }, TOKEN)).status).toBe(413);
    expect((await post(`${url}/api/pause`, { reason: 42 }, TOKEN)).status).toBe(400);
    expect((await post(`${url}/api/agents/3001/login`, { phone: 'call me' }, TOKEN)).status).toBe(400);
  });
});
