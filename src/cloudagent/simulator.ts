/**
 * A stand-in for the CloudAgent Agent Authentication endpoint (cloudagent-api.md), for tests, benchmarks
 * and the demo: same path, same form fields, same Basic auth, per-agent login state, phone conflicts and
 * every documented answer as `{"status", "message"}` with HTTP 200. Faults (latency, 5xx, 429, hangs, HTML
 * bodies, dropped connections) can be injected globally or per agent, drawn from a seeded random source.
 *
 * Guesses, since the vendor does not document them: login without `phoneNumber` answers
 * `phoneNumber is required`; an unknown `action` answers `Invalid action`; the account is checked before
 * the agent's credentials, and parameters before state. A faulted call changes no state.
 *
 * Admin API (JSON in and out): GET /_sim/state, POST /_sim/state `{"loggedIn": {...}}`, GET /_sim/calls,
 * GET|PUT /_sim/faults, POST /_sim/reset (state and faults back to how the simulator started, calls
 * cleared).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { ENDPOINT_PATH } from './client.js';

const rate = z.number().min(0).max(1);

const faultSetSchema = z
  .strictObject({
    /** Delay before every answer (or fault), ms: fixed, or uniformly random in [min, max]. */
    latencyMs: z
      .union([
        z.number().int().min(0),
        z
          .strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) })
          .refine((range) => range.min <= range.max, 'min must not be above max'),
      ])
      .optional(),
    /** Share of calls whose connection is destroyed without an answer. */
    dropRate: rate.optional(),
    /** Share of calls never answered. */
    hangRate: rate.optional(),
    /** Share of calls answered with an HTTP 5xx and an HTML page. */
    serverErrorRate: rate.optional(),
    /** The 5xx status sent (default 503). */
    serverErrorStatus: z.number().int().min(500).max(599).optional(),
    /** Share of calls answered with HTTP 429 and a `Retry-After` header. */
    tooManyRequestsRate: rate.optional(),
    /** The `Retry-After` value sent with 429 (default "1"): seconds or an HTTP date. */
    retryAfter: z.string().optional(),
    /** Share of calls answered with HTTP 200 and an HTML maintenance page. */
    htmlRate: rate.optional(),
  })
  .refine(
    (set) =>
      (set.dropRate ?? 0) +
        (set.hangRate ?? 0) +
        (set.serverErrorRate ?? 0) +
        (set.tooManyRequestsRate ?? 0) +
        (set.htmlRate ?? 0) <=
      1,
    'the fault rates add up to more than 1',
  );

const faultsSchema = z.strictObject({
  /** Seed of the random source (default 1); setting faults restarts it. */
  seed: z.number().int().optional(),
  /** Faults for every agent without an entry of its own. */
  global: faultSetSchema.optional(),
  /** Per agent ID: replaces `global` for that agent. */
  agents: z.record(z.string(), faultSetSchema).optional(),
});

export type FaultSet = z.infer<typeof faultSetSchema>;
export type Faults = z.infer<typeof faultsSchema>;
export type FaultKind = 'drop' | 'hang' | 'serverError' | 'tooManyRequests' | 'html';

/** One call to the endpoint, as the call log keeps it. Never holds a password or an API key. */
export interface SimulatedCall {
  /** When the request arrived, ISO 8601. */
  at: string;
  /** The Basic-auth user name, when one came. */
  agent: string | null;
  action: string | null;
  phone: string | null;
  fault: FaultKind | null;
  /** null when no answer was sent (drop, hang). */
  httpStatus: number | null;
  /** The JSON answer, when one was sent. */
  answer: { status: 'success' | 'error'; message: string } | null;
  /** From arrival to the answer (or the fault), ms. */
  latencyMs: number;
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  account: { userName: string; apiKey: string };
  /** Agent ID → password. */
  agents: Record<string, string>;
  /** Agent ID → phone, logged in at start. */
  loggedIn?: Record<string, string>;
  faults?: Faults;
}

export interface Simulator {
  /** Like `http://127.0.0.1:8088`: the base URL to give the client. */
  url: string;
  port: number;
  /** Validates and applies faults (throws on invalid ones); restarts the random source. */
  setFaults(faults: Faults): void;
  faults(): Faults;
  /** The call log, oldest first (the last 10 000 calls). */
  calls(): SimulatedCall[];
  /** Agent ID → phone of every logged-in agent. */
  state(): Record<string, string>;
  /** Replaces who is logged in (throws for unknown agents or a phone given twice). */
  setState(loggedIn: Record<string, string>): void;
  /** State and faults back to how the simulator started; call log emptied. */
  reset(): void;
  close(): Promise<void>;
}

type ApiAnswer = { status: 'success' | 'error'; message: string };

const MAX_CALLS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SEED = 1;

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>' +
  '<body><h1>We will be back soon</h1></body></html>\n';

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const agents = new Map(Object.entries(options.agents));
  const initialLoggedIn = { ...options.loggedIn };
  const initialFaults = parseFaults(options.faults ?? {});
  let loggedIn = checkLoggedIn(initialLoggedIn, agents);
  let faults = initialFaults;
  let random = seededRandom(faults.seed ?? DEFAULT_SEED);
  let calls: SimulatedCall[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const record = (call: SimulatedCall) => {
    calls.push(call);
    if (calls.length > 2 * MAX_CALLS) calls = calls.slice(-MAX_CALLS);
  };

  /** The documented answers; `form` and `credentials` as sent. */
  function answer(form: URLSearchParams, credentials: { user: string; password: string } | null): ApiAnswer {
    if (form.get('userName') !== options.account.userName || form.get('apiKey') !== options.account.apiKey) {
      return { status: 'error', message: 'Invalid userName or apiKey' };
    }
    if (credentials === null || agents.get(credentials.user) !== credentials.password) {
      return { status: 'error', message: 'Invalid Authentication' };
    }
    const agent = credentials.user;
    const action = (form.get('action') ?? '').trim().toLowerCase();
    if (action === 'login') {
      const phone = form.get('phoneNumber') ?? '';
      if (phone === '') return { status: 'error', message: 'phoneNumber is required' };
      if (loggedIn.has(agent)) return { status: 'error', message: 'Agent has already logged in' };
      for (const [other, otherPhone] of loggedIn) {
        if (otherPhone === phone)
          return { status: 'error', message: `${other} logged in with the number (${phone})` };
      }
      loggedIn.set(agent, phone);
      return { status: 'success', message: `Agent ${agent} logged in successfully` };
    }
    if (action === 'logout') {
      if (!loggedIn.delete(agent)) return { status: 'error', message: `Agent ${agent} is not logged in` };
      return { status: 'success', message: `Agent ${agent} logged out successfully` };
    }
    return { status: 'error', message: 'Invalid action' };
  }

  async function serveEndpoint(req: IncomingMessage, res: ServerResponse) {
    const arrived = performance.now();
    const at = new Date().toISOString();
    const body = await readBody(req);
    const form = isForm(req) ? new URLSearchParams(body) : new URLSearchParams();
    const credentials = parseBasicAuth(req.headers.authorization);
    const agent = credentials?.user ?? null;
    const own = agent !== null && faults.agents && Object.hasOwn(faults.agents, agent);
    const set = (own ? faults.agents?.[agent] : faults.global) ?? {};
    const fault = drawFault(set, random());
    const latency = set.latencyMs;
    const delay =
      latency === undefined
        ? 0
        : typeof latency === 'number'
          ? latency
          : Math.round(latency.min + random() * (latency.max - latency.min));
    if (delay > 0) await sleep(delay);

    const call: SimulatedCall = {
      at,
      agent,
      action: form.get('action'),
      phone: form.get('phoneNumber'),
      fault,
      httpStatus: null,
      answer: null,
      latencyMs: 0,
    };
    const done = (httpStatus: number | null, sent: ApiAnswer | null = null) => {
      record({ ...call, httpStatus, answer: sent, latencyMs: Math.round(performance.now() - arrived) });
    };
    switch (fault) {
      case 'drop':
        done(null);
        req.socket.destroy();
        return;
      case 'hang':
        done(null);
        return;
      case 'serverError': {
        const status = set.serverErrorStatus ?? 503;
        done(status);
        sendText(
          res,
          status,
          'text/html',
          `<html><body><h1>${status} Service Unavailable</h1></body></html>\n`,
        );
        return;
      }
      case 'tooManyRequests':
        done(429);
        sendText(res, 429, 'text/plain', 'Too Many Requests\n', { 'Retry-After': set.retryAfter ?? '1' });
        return;
      case 'html':
        done(200);
        sendText(res, 200, 'text/html', HTML_PAGE);
        return;
      case null: {
        const sent = answer(form, credentials);
        done(200, sent);
        sendText(res, 200, 'application/json', JSON.stringify(sent));
      }
    }
  }

  const simulator: Omit<Simulator, 'url' | 'port' | 'close'> = {
    setFaults(next) {
      faults = parseFaults(next);
      random = seededRandom(faults.seed ?? DEFAULT_SEED);
    },
    faults: () => structuredClone(faults),
    calls: () => calls.slice(-MAX_CALLS),
    state: () => Object.fromEntries(loggedIn),
    setState(next) {
      loggedIn = checkLoggedIn(next, agents);
    },
    reset() {
      loggedIn = checkLoggedIn(initialLoggedIn, agents);
      simulator.setFaults(initialFaults);
      calls = [];
    },
  };

  async function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string) {
    const route = `${req.method} ${path}`;
    const body = await readBody(req);
    try {
      switch (route) {
        case 'GET /_sim/state':
          return sendJson(res, 200, { loggedIn: simulator.state() });
        case 'POST /_sim/state': {
          const parsed = z
            .strictObject({ loggedIn: z.record(z.string(), z.string()) })
            .safeParse(parseJson(body));
          if (!parsed.success)
            throw new Error(`expected {"loggedIn": {"<agent>": "<phone>"}}: ${describe(parsed.error)}`);
          simulator.setState(parsed.data.loggedIn);
          return sendJson(res, 200, { loggedIn: simulator.state() });
        }
        case 'GET /_sim/calls':
          return sendJson(res, 200, { calls: simulator.calls() });
        case 'GET /_sim/faults':
          return sendJson(res, 200, simulator.faults());
        case 'PUT /_sim/faults':
          simulator.setFaults(parseJson(body) as Faults);
          return sendJson(res, 200, simulator.faults());
        case 'POST /_sim/reset':
          simulator.reset();
          return sendJson(res, 200, { loggedIn: simulator.state(), faults: simulator.faults() });
        default:
          return sendJson(res, 404, {
            error: `no ${route}; try GET /_sim/state, POST /_sim/state, GET /_sim/calls, GET|PUT /_sim/faults, POST /_sim/reset`,
          });
      }
    } catch (error) {
      return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const served = path.startsWith('/_sim/')
      ? serveAdmin(req, res, path)
      : path !== ENDPOINT_PATH
        ? Promise.resolve(
            sendText(res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>\n'),
          )
        : req.method !== 'POST'
          ? Promise.resolve(sendText(res, 405, 'text/plain', 'Method Not Allowed\n', { Allow: 'POST' }))
          : serveEndpoint(req, res);
    served.catch(() => req.socket.destroy());
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on ${host} is already in use; pick another (0 picks a free one)`
            : `cannot listen on ${host} port ${options.port ?? 0}: ${error.message}`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);

  return {
    ...simulator,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseFaults(faults: Faults): Faults {
  const parsed = faultsSchema.safeParse(faults);
  if (!parsed.success) throw new Error(`invalid faults: ${describe(parsed.error)}`);
  return parsed.data;
}

/** Who is logged in, checked: every agent known, no phone held twice. */
function checkLoggedIn(loggedIn: Record<string, string>, agents: Map<string, string>): Map<string, string> {
  const holders = new Map<string, string>();
  for (const [agent, phone] of Object.entries(loggedIn)) {
    if (!agents.has(agent))
      throw new Error(`agent "${agent}" cannot be logged in: the simulator does not know it`);
    const holder = holders.get(phone);
    if (holder !== undefined) throw new Error(`phone "${phone}" is given to both ${holder} and ${agent}`);
    holders.set(phone, agent);
  }
  return new Map(Object.entries(loggedIn));
}

/** Which fault (if any) a draw `u` in [0, 1) picks, the rates taken in a fixed order. */
function drawFault(set: FaultSet, u: number): FaultKind | null {
  const shares: [FaultKind, number | undefined][] = [
    ['drop', set.dropRate],
    ['hang', set.hangRate],
    ['serverError', set.serverErrorRate],
    ['tooManyRequests', set.tooManyRequestsRate],
    ['html', set.htmlRate],
  ];
  let edge = 0;
  for (const [kind, share] of shares) {
    edge += share ?? 0;
    if (u < edge) return kind;
  }
  return null;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function isForm(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return type.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new Error('the request body is not JSON');
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': `${type}; charset=utf-8`,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendText(res, status, 'application/json', `${JSON.stringify(value)}\n`);
}
