/**
 * `npm run bench:cloudagent`: requests per second of the CloudAgent client against the simulator at
 * concurrency 1, 16 and 64, beside a minimal raw `fetch` loop sending the same requests to the same
 * simulator. Target: the client costs at most 10% of raw fetch throughput.
 *
 * The simulator runs in a worker thread so that its work does not share the measured event loop. Each
 * lane logs its own agent in and out, so every answer is a real "done". Kinds alternate within each
 * round and the median of the rounds is reported. BENCH_SECONDS (default 2) sets each run's length.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { createCloudAgentClient } from '../src/cloudagent/client.js';
import { startSimulator } from '../src/cloudagent/simulator.js';
import type { Action } from '../src/cloudagent/types.js';
import { BENCH_ACCOUNT, judge, report, smoke } from './common.js';

const CONCURRENCIES = [1, 16, 64];
const ROUNDS = smoke ? 1 : 3;
const WARM_UP_PAIRS = smoke ? 10 : 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? (smoke ? 0.2 : 2));
const TARGET_RATIO = 0.9;

const agentId = (lane: number) => String(5000 + lane);
const password = (lane: number) => `bench-password-${lane}`;
const phone = (lane: number) => `+91980000${String(lane).padStart(4, '0')}`;
const AGENTS = Object.fromEntries(Array.from({ length: 64 }, (_, lane) => [agentId(lane), password(lane)]));

/** One login or logout; true when the answer was a success. */
type Send = (lane: number, action: Action) => Promise<boolean>;

if (!isMainThread) {
  const simulator = await startSimulator({ account: BENCH_ACCOUNT, agents: AGENTS });
  parentPort?.postMessage(simulator.url);
  parentPort?.once('message', () => {
    void simulator.close().then(() => parentPort?.close());
  });
} else {
  const worker = new Worker(new URL(import.meta.url));
  const url = await new Promise<string>((resolve) => worker.once('message', resolve));
  const endpoint = `${url}/CAServices/AgentAuthenticationV2/index.php`;

  const rawFetch: Send = async (lane, action) => {
    const form = new URLSearchParams({ ...BENCH_ACCOUNT, phoneNumber: phone(lane), action });
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${agentId(lane)}:${password(lane)}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form.toString(),
    });
    const body = (await res.json()) as { status?: string };
    return body.status === 'success';
  };

  const client = createCloudAgentClient({ baseUrl: url, ...BENCH_ACCOUNT, maxSockets: 64 });
  const viaClient: Send = async (lane, action) => {
    const result = await client.call({
      action,
      agentId: agentId(lane),
      password: password(lane),
      phone: phone(lane),
    });
    return result.outcome === 'done';
  };

  /** Requests per second over `seconds`, every lane logging its agent in and out in turn. */
  const measure = async (send: Send, concurrency: number, seconds: number, maxPairs = Infinity) => {
    let requests = 0;
    let failures = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        for (let pairs = 0; pairs < maxPairs && performance.now() < deadline; pairs++) {
          for (const action of ['login', 'logout'] as const) {
            if (!(await send(lane, action))) failures++;
            requests++;
          }
        }
      }),
    );
    return { perSecond: requests / ((performance.now() - started) / 1000), failures };
  };

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const rows: { concurrency: number; raw: number; client: number; failures: number }[] = [];
  for (const concurrency of CONCURRENCIES) {
    await measure(rawFetch, concurrency, 10, WARM_UP_PAIRS);
    await measure(viaClient, concurrency, 10, WARM_UP_PAIRS);
    const raw: number[] = [];
    const viaClientRates: number[] = [];
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r = await measure(rawFetch, concurrency, SECONDS);
      const c = await measure(viaClient, concurrency, SECONDS);
      raw.push(r.perSecond);
      viaClientRates.push(c.perSecond);
      failures += r.failures + c.failures;
    }
    rows.push({ concurrency, raw: median(raw), client: median(viaClientRates), failures });
  }
  await client.close();
  worker.postMessage('close');

  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const lines = [
    `CloudAgent client vs raw fetch, against the simulator (median of ${ROUNDS} runs of ${SECONDS} s)`,
    `${pad('concurrency', 11)} ${pad('raw fetch req/s', 16)} ${pad('client req/s', 13)} ${pad('client/raw', 11)} ${pad('failed', 7)}`,
    ...rows.map(
      (row) =>
        `${pad(row.concurrency, 11)} ${pad(row.raw.toFixed(0), 16)} ${pad(row.client.toFixed(0), 13)} ` +
        `${pad((row.client / row.raw).toFixed(2), 11)} ${pad(row.failures, 7)}`,
    ),
  ];
  const met = rows.every((row) => row.client >= TARGET_RATIO * row.raw && row.failures === 0);
  lines.push(
    `target (client costs at most 10% of raw fetch throughput, no failed calls): ${met ? 'met' : 'NOT met'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  report(
    'cloudagent',
    rows.map((row) => ({
      figure: `CloudAgent client requests per second against the simulator, concurrency ${row.concurrency}`,
      rota: `${row.client.toFixed(0)}/s`,
      baseline: `raw fetch ${row.raw.toFixed(0)}/s`,
      ratio: row.client / row.raw,
      target: '≥ 0.9× raw',
      met: judge(row.client >= TARGET_RATIO * row.raw && row.failures === 0),
    })),
  );
}
