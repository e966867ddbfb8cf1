import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';

/**
 * The operations endpoint on ROTA_HTTP_PORT: `GET /healthz` (200 when every check passes, 503 with the
 * failing ones otherwise) and `GET /metrics` (Prometheus text).
 */

export type HealthCheck = () => Promise<boolean>;

/** A check that has not answered by then counts as failed (a Redis that is down never answers). */
const CHECK_TIMEOUT_MS = 2000;

function settle(check: HealthCheck): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
    check()
      .then(
        (ok) => resolve(ok),
        () => resolve(false),
      )
      .finally(() => clearTimeout(timer));
  });
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Why the endpoint cannot listen, in one line that says what to change. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  const why =
    error.code === 'EADDRINUSE'
      ? `${where} is already in use; set ROTA_HTTP_PORT to a free port, or 0 to turn the endpoint off`
      : error.code === 'EADDRNOTAVAIL'
        ? `${host} is not an address of this machine; check ROTA_HTTP_HOST`
        : error.code === 'EACCES'
          ? `no permission to listen on ${where}; use a port above 1023`
          : `${where}: ${error.message}`;
  return new Error(`cannot serve /healthz and /metrics: ${why}`);
}

export async function startOpsServer(
  { port, host }: { port: number; host: string },
  metrics: Metrics,
  checks: Record<string, HealthCheck>,
): Promise<OpsServer> {
  const server: Server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/healthz') {
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => [name, await settle(check)] as const),
        );
        const healthy = results.every(([, ok]) => ok);
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', checks: Object.fromEntries(results) }),
        );
      } else if (req.method === 'GET' && req.url === '/metrics') {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('rota serves GET /healthz and GET /metrics\n');
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenProblem(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
