/**
 * The CloudAgent Agent Authentication client (adapter): one HTTP POST per call over keep-alive
 * connections, its answer handed to the outcome table. It never throws for API or network trouble, and
 * no secret (agent password, API key, Authorization header, form body) that an answer echoes reaches a
 * result, unless it is too short to tell from ordinary words (see MIN_REDACTED_LENGTH).
 */
import http from 'node:http';
import https from 'node:https';
import { redact, writtenForms } from '../text/redact.js';
import { ROTA_VERSION } from '../version.js';
import { type Answer, decideOutcome } from './outcome.js';
import type { CallRequest, CallResult, CloudAgentClient, CloudAgentClientOptions } from './types.js';

export const ENDPOINT_PATH = '/CAServices/AgentAuthenticationV2/index.php';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Twice the default ROTA_CONCURRENCY: a worker never waits for a connection. */
const DEFAULT_MAX_SOCKETS = 64;
/** CloudAgent answers are a few dozen bytes; an error page is cut here. */
const MAX_BODY_BYTES = 64 * 1024;
/** Idle connections are closed before a server's usual 5 s keep-alive limit can close them under a request. */
const IDLE_SOCKET_MS = 4_000;
const USER_AGENT = `rota/${ROTA_VERSION} (+contact-centre shift scheduler)`;

/** Throws (at start, not per call) when `baseUrl` breaks the rule of `readBaseUrl`. */
export function createCloudAgentClient(options: CloudAgentClientOptions): CloudAgentClient {
  const base = readBaseUrl(options.baseUrl);
  if (!base.ok) throw new Error(base.message);
  // The base may carry a path prefix.
  const endpoint = new URL(`${base.url.pathname.replace(/\/+$/, '')}${ENDPOINT_PATH}`, base.url.origin);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`the CloudAgent timeout must be a positive number of milliseconds, not ${timeoutMs}`);
  }
  if (!Number.isInteger(maxSockets) || maxSockets < 1) {
    throw new Error(
      `the CloudAgent connection count must be a whole number of at least 1, not ${maxSockets}`,
    );
  }
  // The API key's forms are the same for every call: found once.
  const accountSecrets = writtenForms(options.apiKey);
  const transport = endpoint.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    scheduling: 'lifo',
    timeout: IDLE_SOCKET_MS,
  });

  /** One POST; resolves to what happened, never rejects. */
  function send(headers: http.OutgoingHttpHeaders, body: string, request: CallRequest): Promise<Answer> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      let stoppedBy: 'timeout' | 'cancelled' | undefined;
      let settled = false;
      const stop = (why: 'timeout' | 'cancelled') => {
        stoppedBy ??= why;
        controller.abort();
      };
      const onCancel = () => stop('cancelled');
      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      request.signal?.addEventListener('abort', onCancel, { once: true });

      const finish = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onCancel);
        resolve(answer);
      };
      const fail = (error: unknown) => {
        if (stoppedBy === 'timeout') finish({ kind: 'timeout', timeoutMs });
        else if (stoppedBy === 'cancelled') finish({ kind: 'cancelled' });
        else finish({ kind: 'network', ...describeError(error) });
      };
      if (request.signal?.aborted) {
        stoppedBy = 'cancelled';
        fail(undefined);
        return;
      }

      try {
        const outgoing = transport.request(
          endpoint,
          { method: 'POST', agent, headers, signal: controller.signal },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              if (size >= MAX_BODY_BYTES) return;
              chunks.push(chunk);
              size += chunk.length;
            });
            response.on('error', fail);
            response.on('close', () => {
              if (!response.complete)
                fail(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' }));
            });
            response.on('end', () => {
              const retryAfter = response.headers['retry-after'];
              finish({
                kind: 'http',
                action: request.action,
                httpStatus: response.statusCode ?? 0,
                ...(retryAfter === undefined ? {} : { retryAfter }),
                body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES),
              });
            });
          },
        );
        outgoing.on('error', fail);
        outgoing.end(body);
      } catch (error) {
        fail(error);
      }
    });
  }

  return {
    async call(request) {
      const started = performance.now();
      const token = Buffer.from(`${request.agentId}:${request.password}`).toString('base64');
      const form = new URLSearchParams({ userName: options.userName, apiKey: options.apiKey });
      if (request.phone !== undefined) form.set('phoneNumber', request.phone);
      form.set('action', request.action);
      const body = form.toString();
      const headers: http.OutgoingHttpHeaders = {
        Authorization: `Basic ${token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': Buffer.byteLength(body),
        Accept: 'application/json',
        'User-Agent': USER_AGENT,
      };

      const answer = await send(headers, body, request);
      const decision = decideOutcome(answer, Date.now());
      const secrets = [...accountSecrets, ...[request.password, token, body].flatMap(writtenForms)];
      const result: CallResult = {
        outcome: decision.outcome,
        message: redact(decision.message, secrets),
        latencyMs: Math.round(performance.now() - started),
      };
      if (answer.kind === 'http') result.httpStatus = answer.httpStatus;
      if (decision.retryAfterMs !== undefined) result.retryAfterMs = decision.retryAfterMs;
      if (decision.scope) result.scope = decision.scope;
      return result;
    },
    async close() {
      agent.destroy();
    },
  };
}

const BASE_URL_EXAMPLE = 'https://in1-ccaas-api.ozonetel.com';

/**
 * CLOUDAGENT_BASE_URL's one rule, used by the environment at start (config/env.ts) and by the client:
 * an http(s) URL without a user name or password, plain http only to this machine (agent passwords
 * must not cross a network unencrypted). Each message names the variable and says what would be right.
 */
export function readBaseUrl(text: string): { ok: true; url: URL } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Text with an `@` may hold a password: it is not repeated.
    const shown = text.includes('@') ? 'the value' : JSON.stringify(text);
    return {
      ok: false,
      message: `CLOUDAGENT_BASE_URL: ${shown} is not a URL; use one like ${BASE_URL_EXAMPLE}`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      message:
        `CLOUDAGENT_BASE_URL: must not hold a user name or password; give only the host, like ${BASE_URL_EXAMPLE} ` +
        '(the account goes in CLOUDAGENT_USERNAME and CLOUDAGENT_API_KEY)',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `CLOUDAGENT_BASE_URL: must start with https://, not ${url.protocol}//` };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return {
      ok: false,
      message:
        `CLOUDAGENT_BASE_URL: ${url.origin} uses plain http://, which would send agent passwords unencrypted; ` +
        'use https:// (plain http:// is allowed only for this machine: localhost, 127.x.x.x, ::1)',
    };
  }
  return { ok: true, url };
}

/** This machine: localhost, 127.x.x.x or ::1 (the only hosts plain http:// may go to). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Node's error code and words; a failed happy-eyeballs connect hides them in an AggregateError. */
function describeError(error: unknown): { code?: string; detail: string } {
  if (!(error instanceof Error)) return { detail: String(error) };
  const code = (error as NodeJS.ErrnoException).code;
  const inner = error instanceof AggregateError ? error.errors.map((e) => String(e?.message ?? e)) : [];
  const detail = error.message || inner.join('; ') || code || error.name;
  return code === undefined ? { detail } : { code, detail };
}
