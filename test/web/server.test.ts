import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics.js';
import type { HistoryEntry } from '../../src/store/store.js';
import { type HealthCheck, startWebServer, type WebServer } from '../../src/web/server.js';

/** The operations endpoint: /healthz from the checks, /metrics from the registry, on a free local port. */

const HOST = '127.0.0.1';

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(checks: Record<string, HealthCheck>, metrics = new Metrics()): Promise<WebServer> {
  const server = await startWebServer({ port: 0, host: HOST, metrics, checks });
  servers.push(server);
  return server;
}

const url = (server: WebServer, path: string) => `http://${HOST}:${server.port}${path}`;

const passes: HealthCheck = async () => true;

describe('GET /healthz', () => {
  it('is 200 with every check when all pass', async () => {
    const server = await serve({ redis: passes, worker: passes });
    const res = await fetch(url(server, '/healthz'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ status: 'ok', checks: { redis: true, worker: true } });
  });

  it('is 503 naming a check that fails or throws', async () => {
    const server = await serve({
      redis: passes,
      worker: async () => false,
      scheduler: async () => {
        throw new Error('boom');
      },
    });
    const res = await fetch(url(server, '/healthz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unhealthy',
      checks: { redis: true, worker: false, scheduler: false },
    });
  });

  it('is 503 after 2 s when a check never answers (a Redis that is down)', async () => {
    const server = await serve({ redis: () => new Promise<boolean>(() => {}), worker: passes });
    const started = Date.now();
    const res = await fetch(url(server, '/healthz'));
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unhealthy', checks: { redis: false, worker: true } });
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(8000);
  });
});

describe('GET /metrics', () => {
  it('serves Prometheus text with the attempts and syncs recorded', async () => {
    const metrics = new Metrics(async () => ({ delayed: 3, failed: 1 }));
    const server = await serve({}, metrics);
    const entry: HistoryEntry = {
      jobId: 'login-1001-20261201T033000Z',
      agentId: '1001',
      action: 'login',
      kind: 'roster',
      at: Date.parse('2026-12-01T03:30:00Z'),
      startedAt: Date.parse('2026-12-01T03:30:00.120Z'),
      lateMs: 120,
      latencyMs: 80,
      outcome: 'done',
      message: 'Agent logged in',
      attempt: 1,
      httpStatus: 200,
    };
    metrics.recordAttempt(entry);
    metrics.recordAttempt({ ...entry, outcome: 'transient', attempt: 2 });
    metrics.recordSync('ok');

    const res = await fetch(url(server, '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const lines = text.split('\n');
    expect(lines).toContain('rota_actions_total{action="login",outcome="done"} 1');
    expect(lines).toContain('rota_actions_total{action="login",outcome="transient"} 1');
    expect(lines).toContain('rota_syncs_total{result="ok"} 1');
    expect(lines).toContain('rota_action_lateness_seconds_count{action="login"} 1');
    expect(lines).toContain('rota_queue_jobs{state="delayed"} 3');
    expect(lines).toContain('rota_queue_jobs{state="failed"} 1');
  });
});

describe('other requests', () => {
  it('are 404 with what the endpoint serves (a process without a queue has no console)', async () => {
    const server = await serve({ redis: passes });
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/health'],
      ['POST', '/healthz'],
    ] as const) {
      const res = await fetch(url(server, path), { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({
        error: `no ${method} ${path}; rota serves /healthz, /metrics`,
      });
    }
  });

  it('allow a query string on every route, and carry the security headers', async () => {
    const server = await serve({ redis: passes });
    const res = await fetch(url(server, '/healthz?from=monitor'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('the port', () => {
  it('REGRESSION: a port in use is refused in one clear line, and close() frees it', async () => {
    // A second rota on the same port used to die with a bare EADDRINUSE stack.
    const first = await serve({ redis: passes });
    const refused = await startWebServer({
      port: first.port,
      host: HOST,
      metrics: new Metrics(),
      checks: {},
    }).then(
      (server) => {
        servers.push(server);
        throw new Error('a second server listened on a port in use');
      },
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Error);
    const { message } = refused as Error;
    expect(message).toContain('already in use');
    expect(message).toContain('ROTA_HTTP_PORT');
    expect(message).toContain(`${HOST}:${first.port}`);
    expect(message).not.toContain('\n');

    await first.close();
    servers.splice(servers.indexOf(first), 1);
    const reused = await startWebServer({
      port: first.port,
      host: HOST,
      metrics: new Metrics(),
      checks: { redis: passes },
    });
    servers.push(reused);
    expect(reused.port).toBe(first.port);
    expect((await fetch(url(reused, '/healthz'))).status).toBe(200);
  });
});
