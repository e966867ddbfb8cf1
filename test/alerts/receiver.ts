import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../src/alerts/alert.js';

/**
 * A webhook receiver on 127.0.0.1 for the alert tests: it records every POST (its raw body and the alert
 * in it), and answers as told — 200, 500, or never (a hang, until it is told otherwise or closed).
 */

export type Answer = 'ok' | 'fail' | 'hang';

export interface Received {
  alert: Alert;
  raw: string;
  path: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How the next POSTs are answered. */
  answer: Answer;
  /**
   * The first POST that passes `match` and that no earlier `next` returned, received already or still to
   * come (real timers only: the time limit is a timer).
   */
  next(match?: (alert: Alert) => boolean, timeoutMs?: number): Promise<Received>;
  /** The alerts received that pass `match`. */
  alerts(match?: (alert: Alert) => boolean): Alert[];
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = 'ok'): Promise<Receiver> {
  const received: Received[] = [];
  const taken = new Set<Received>();
  const waiting = new Set<(entry: Received) => void>();
  const hung = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      raw += chunk;
    });
    request.on('end', () => {
      const entry = { alert: JSON.parse(raw) as Alert, raw, path: request.url ?? '', at: Date.now() };
      received.push(entry);
      for (const wake of [...waiting]) wake(entry);
      if (receiver.answer === 'hang') {
        hung.add(response);
        return;
      }
      response.writeHead(receiver.answer === 'ok' ? 200 : 500, { 'Content-Type': 'text/plain' });
      response.end(receiver.answer === 'ok' ? 'ok' : 'broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/T000/secret-path`,
    received,
    answer,
    next(match = () => true, timeoutMs = 20_000) {
      const fits = (entry: Received) => !taken.has(entry) && match(entry.alert);
      const already = received.find(fits);
      if (already) {
        taken.add(already);
        return Promise.resolve(already);
      }
      return new Promise((resolve, reject) => {
        const wake = (entry: Received) => {
          if (!fits(entry)) return;
          taken.add(entry);
          clearTimeout(timer);
          waiting.delete(wake);
          resolve(entry);
        };
        const timer = setTimeout(() => {
          waiting.delete(wake);
          reject(
            new Error(
              `no matching alert within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.alert.text))}`,
            ),
          );
        }, timeoutMs);
        waiting.add(wake);
      });
    },
    alerts: (match = () => true) => received.map((entry) => entry.alert).filter(match),
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
