import http from 'node:http';
import https from 'node:https';
import { ROTA_VERSION } from '../version.js';

/**
 * The webhook transport (adapter): one JSON POST, bounded by a timeout, over connections of its own (never
 * the CloudAgent client's). It never rejects: it says what happened. A webhook URL can hold a token
 * (Slack's do), so only its origin is ever shown.
 */

export type PostResult = { ok: true; status: number } | { ok: false; problem: string };

export type PostJson = (url: string, body: string, timeoutMs: number) => Promise<PostResult>;

export interface WebhookPoster {
  post: PostJson;
  close(): void;
}

const USER_AGENT = `rota/${ROTA_VERSION} (+alerts)`;

/** `https://hooks.slack.com`, never the path or query (they may hold a token). */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

export function createWebhookPoster(): WebhookPoster {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 4, timeout: 30_000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 4, timeout: 30_000 }),
  };

  function post(url: string, body: string, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const fail = (error: unknown) =>
        finish({ ok: false, problem: error instanceof Error ? error.message : String(error) });
      let outgoing: http.ClientRequest | undefined;
      // A global timer, so that tests can fake it.
      const timer = setTimeout(() => {
        finish({ ok: false, problem: `no answer within ${timeoutMs} ms` });
        outgoing?.destroy();
      }, timeoutMs);
      try {
        const target = new URL(url);
        const transport = target.protocol === 'https:' ? https : http;
        outgoing = transport.request(
          target,
          {
            method: 'POST',
            agent: agents[target.protocol as 'http:' | 'https:'],
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              'User-Agent': USER_AGENT,
            },
          },
          (response) => {
            const status = response.statusCode ?? 0;
            response.resume();
            response.on('error', fail);
            response.on('end', () =>
              finish(
                status >= 200 && status < 300
                  ? { ok: true, status }
                  : { ok: false, problem: `HTTP ${status}` },
              ),
            );
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
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
