import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ActionQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import { registerActions } from './actions.js';
import { registerApi } from './api.js';
import { registerBoard } from './board.js';
import { registerPage } from './page.js';

/**
 * rota's HTTP endpoint on ROTA_HTTP_HOST:ROTA_HTTP_PORT: `GET /healthz` and `GET /metrics` for
 * operations, and — where the process has a queue to show — the console at `/`, its JSON API under
 * `/api/`, the admin actions (only with ROTA_ADMIN_TOKEN) and bull-board, read-only, at `/queues`.
 */

export type HealthCheck = () => Promise<boolean>;

/** What the console and its API read and act on. */
export interface ConsoleDeps {
  queue: ActionQueue;
  store: Store;
  /** How far ahead the scheduler plans: the timeline's end. */
  horizonMs: number;
  /** The bearer token of the admin actions; unset, the actions do not exist. */
  adminToken?: string;
  now?: () => number;
  log?: Logger;
}

export interface WebOptions {
  port: number;
  host: string;
  metrics: Metrics;
  checks: Record<string, HealthCheck>;
  console?: ConsoleDeps;
}

export interface WebServer {
  port: number;
  /** `http://host:port`, the console's address. */
  url: string;
  close(): Promise<void>;
}

/** A check that has not answered by then counts as failed (a Redis that is down never answers). */
const CHECK_TIMEOUT_MS = 2000;
/** Request bodies are small JSON documents (a pause reason at most). */
const BODY_LIMIT_BYTES = 16 * 1024;

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

/** Every answer: no sniffing, no framing, no referrer; the page's own policy is set by `registerPage`. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

function buildApp(options: WebOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, return503OnClosing: true });
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });

  app.get('/healthz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => [name, await settle(check)] as const),
    );
    const healthy = results.every(([, ok]) => ok);
    return reply
      .code(healthy ? 200 : 503)
      .send({ status: healthy ? 'ok' : 'unhealthy', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });

  if (options.console) {
    registerPage(app);
    registerApi(app, options.console);
    registerActions(app, options.console);
    registerBoard(app, options.console.queue);
  }

  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      error: `no ${request.method} ${request.url.split('?')[0]}; rota serves /healthz, /metrics${
        options.console ? ', the console at / and its API under /api/' : ''
      }`,
    }),
  );
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) options.console?.log?.error({ err: error }, 'console request failed');
    return reply.code(status).send({ error: error.message });
  });
  return app;
}

export async function startWebServer(options: WebOptions): Promise<WebServer> {
  const app = buildApp(options);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close().catch(() => {});
    throw listenProblem(error as NodeJS.ErrnoException, options.host, options.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`,
    async close() {
      await app.close();
    },
  };
}
