import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { jobId } from '../../src/plan/jobs.js';
import { freePort } from '../../src/redis/server.js';
import { startReceiver } from '../alerts/receiver.js';
import { ACCOUNT, type Bench, oneOff, openBench, secondsFromNow, waitUntil } from '../helpers/rota.js';
import { keepLog, report } from './figures.js';
import { sleep, startNode, stopAllNodes, until } from './servers.js';

/**
 * 8. Secrets: a full `rota run` with LOG_LEVEL=debug, alerts on, a Redis password, a wrong agent password
 * and every CLI verb and console route used; then every log line, CLI output, HTTP answer (`/metrics`,
 * `/api/*`, the page, bull-board), alert body and every Redis key and value (strings, hashes, lists, sets,
 * sorted sets, streams, and each key's DUMP) is searched for each secret — agent passwords, the API key,
 * the Basic tokens, the admin token, the Redis password — raw, URL-encoded, base64 and JSON-escaped.
 */

const tag = randomBytes(4).toString('hex');
const PASSWORDS: Record<string, string> = {
  '8101': `Pw8101-${tag}-alpha`,
  '8102': `Pw8102-${tag}-b@t:h/é`,
  '8103': `Pw8103-${tag}-"quoted"`,
  '8104': `Pw8104-${tag}-delta`,
  '8105': `Pw8105-${tag}-echo`,
};
const WRONG = `Wrong8104-${tag}-pw`;
/** The simulator's account key (openBench gives it to rota as CLOUDAGENT_API_KEY). */
const API_KEY = ACCOUNT.apiKey;
const ADMIN_TOKEN = `admintoken-${tag}-abcdef0123`;
const REDIS_PASSWORD = `redispw-${tag}-x`;
let bench: Bench | undefined;

afterAll(async () => {
  await bench?.close();
  await stopAllNodes();
});

/** Every form a secret could take in a text: raw, URL-encoded, form-encoded, base64, JSON-escaped. */
function forms(secret: string, user?: string): string[] {
  const all = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    JSON.stringify(secret).slice(1, -1),
  ];
  if (user !== undefined) all.push(Buffer.from(`${user}:${secret}`).toString('base64'));
  return [...new Set(all)];
}

describe('secrets', () => {
  it('no password, API key, Basic token, admin token or Redis password in any log, output, answer, alert or key', async () => {
    const redisNode = await startNode({ args: ['--requirepass', REDIS_PASSWORD] });
    const receiver = await startReceiver();
    const httpPort = await freePort();
    bench = await openBench({
      agents: PASSWORDS,
      env: {
        REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redisNode.port}`,
        ROTA_ADMIN_TOKEN: ADMIN_TOKEN,
        ROTA_ALERT_WEBHOOK: receiver.url,
        ROTA_HTTP_PORT: String(httpPort),
        LOG_LEVEL: 'debug',
      },
    });
    const b = bench;
    // Quoted as JSON (valid YAML): the passwords hold quotes, a colon, a slash and an accent.
    const credentials = { ...PASSWORDS, '8104': WRONG };
    await writeFile(
      join(b.dir, 'credentials.yaml'),
      `agents:\n${Object.entries(credentials)
        .map(([id, pw]) => `  "${id}": ${JSON.stringify(pw)}\n`)
        .join('')}`,
      { mode: 0o600 },
    );
    b.sim.setFaults({ agents: { '8105': { serverErrorRate: 1 } } });
    const T0 = secondsFromNow(10);
    const at = (s: number) => T0 + s * 1000;
    const agent = (id: string, phone: string, shift: string) =>
      `  - { id: "${id}", phone: "${phone}", shifts: [${shift}] }\n`;
    await b.writeRoster(
      `version: 1\ntimezone: Asia/Kolkata\nagents:\n` +
        agent('8101', '+919800008101', oneOff(at(0), at(6))) +
        agent('8102', '+919800008102', oneOff(at(0), at(4))) +
        agent('8103', '+919800008102', oneOff(at(4), at(4) + 3_600_000)) +
        agent('8104', '+919800008104', oneOff(at(0), at(0) + 3_600_000)) +
        agent('8105', '+919800008105', oneOff(at(0), at(0) + 3_600_000)),
    );
    const texts: [string, string][] = [];
    const keep = (where: string, text: string) => texts.push([where, text]);

    const run = b.spawnRota(['run']);
    await until('the first sync', async () => run.output().includes('"msg":"sync"'), 30_000);
    // The transient failures of 8105 for a few seconds, then it is let through.
    await sleep(at(3) - Date.now());
    b.sim.setFaults({});
    await until(
      'the run',
      async () => '8103' in b.sim.state() && '8105' in b.sim.state() && !('8101' in b.sim.state()),
      60_000,
    ).catch(async (error) => {
      await keepLog('secrets-run', run.output());
      throw new Error(`${error.message}; logged in: ${Object.keys(b.sim.state())}`);
    });
    await until(
      'the failed alert of 8104',
      async () => receiver.alerts((a) => a.agent === '8104').length > 0,
      30_000,
    );

    // Every verb, as a person would run them.
    const cli = async (...args: string[]) => {
      const r = await b.rota(args);
      keep(`rota ${args.join(' ')} (exit ${r.code})`, r.stdout + r.stderr);
      return r;
    };
    for (const args of [
      ['check'],
      ['plan', '--json'],
      ['plan', '--agent', '8101', '--format', 'ics'],
      ['sync', '--json'],
      ['sync', '--dry-run'],
      ['status'],
      ['status', '--json'],
      ['jobs', '--json'],
      ['jobs'],
      ['history', '--json'],
      ['history'],
      ['report', '--format', 'json'],
      ['report', '--format', 'csv'],
      ['requeue', '--failed'],
      ['login', '8101'],
      ['logout', '8101', '--at', new Date(Date.now() + 3_600_000).toISOString()],
      ['cancel', '--agent', '8101'],
      ['pause', '--reason', 'secrets test'],
      ['resume'],
      ['help'],
    ]) {
      await cli(...args);
    }

    // The console: every read route, every action with the token, and one with a wrong token.
    const http = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) => {
      const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      keep(`${method} ${path} (${res.status})`, text + JSON.stringify([...res.headers]));
      return { status: res.status, text };
    };
    for (const path of [
      '/',
      '/healthz',
      '/metrics',
      '/api/console',
      '/api/status',
      '/api/plan',
      '/api/jobs',
      '/api/history',
      '/api/agents/8101.ics',
      '/queues',
      '/queues/api/queues',
    ]) {
      await http('GET', path);
    }
    const metrics = texts.find(([where]) => where.startsWith('GET /metrics'))?.[1] ?? '';
    // prom-client's default process metrics are there too.
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics).toContain('nodejs_active_handles');
    expect((await http('POST', '/api/pause', { reason: 'x' }, 'not-the-token-0000')).status).toBe(401);
    expect((await http('POST', '/api/pause', { reason: 'web' })).status).toBeLessThan(300);
    expect((await http('POST', '/api/resume')).status).toBeLessThan(300);
    const failed = jobId('roster', 'login', '8104', at(0));
    await http('POST', `/api/jobs/${failed}/requeue`);
    await http('POST', '/api/agents/8105/logout', {});
    await http('POST', `/api/jobs/${jobId('roster', 'logout', '8105', at(0) + 3_600_000)}/cancel`);
    // The manual logout ran, so its attempt and its log lines are among what is scanned below.
    expect(await waitUntil(() => !('8105' in b.sim.state()), 15_000)).toBe(true);
    await sleep(1500);

    expect(await run.stop()).toBe(0);
    keep('rota run stdout', run.stdout());
    keep('rota run stderr', run.stderr());
    for (const alert of receiver.received) keep(`alert ${alert.alert.kind}`, alert.raw + alert.path);
    await receiver.close();

    // Every key in the Redis, whatever its type, as values and as DUMP bytes.
    const redis = new Redis(redisNode.port, '127.0.0.1', { password: REDIS_PASSWORD });
    let keys = 0;
    try {
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
        cursor = next;
        for (const key of batch) {
          keys++;
          const type = await redis.type(key);
          const value =
            type === 'string'
              ? await redis.get(key)
              : type === 'hash'
                ? await redis.hgetall(key)
                : type === 'list'
                  ? await redis.lrange(key, 0, -1)
                  : type === 'set'
                    ? await redis.smembers(key)
                    : type === 'zset'
                      ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                      : type === 'stream'
                        ? await redis.xrange(key, '-', '+')
                        : `unknown type ${type}`;
          const dump = (await redis.dumpBuffer(key))?.toString('latin1') ?? '';
          keep(`redis ${type} ${key}`, `${key} ${JSON.stringify(value)} ${dump}`);
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }

    // The search.
    const secrets: [string, string[]][] = [
      ...Object.entries(PASSWORDS).map(([id, pw]): [string, string[]] => [
        `password of ${id}`,
        forms(pw, id),
      ]),
      ['the wrong password of 8104', forms(WRONG, '8104')],
      ['the API key', forms(API_KEY)],
      ['the admin token', forms(ADMIN_TOKEN)],
      ['the Redis password', forms(REDIS_PASSWORD)],
    ];
    const found = (text: string) =>
      secrets.flatMap(([what, variants]) =>
        variants.filter((v) => text.includes(v)).map((v) => `${what} (${v})`),
      );
    // A control: the search finds every password in the credentials file, and a Basic token as sent.
    const file = await readFile(join(b.dir, 'credentials.yaml'), 'utf8');
    // (8104's real password is not in it: rota has the wrong one.)
    expect(new Set(found(file).map((f) => f.slice(0, f.indexOf(' (')))).size).toBe(5);
    expect(
      found(`Authorization: Basic ${Buffer.from(`8101:${PASSWORDS['8101']}`).toString('base64')}`),
    ).toHaveLength(1);
    const leaks = texts.flatMap(([where, text]) => found(text).map((what) => `${what} in ${where}`));
    const logLines = (run.stdout() + run.stderr()).split('\n').filter((l) => l.trim()).length;
    report('secrets', {
      logLines,
      debugLines: run
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"level":20')).length,
      cliOutputs: texts.filter(([w]) => w.startsWith('rota ')).length,
      httpAnswers: texts.filter(([w]) => /^(GET|POST) /.test(w)).length,
      alerts: texts.filter(([w]) => w.startsWith('alert ')).length,
      redisKeys: keys,
      texts: texts.length,
      bytes: texts.reduce((n, [, t]) => n + t.length, 0),
      secretForms: secrets.reduce((n, [, v]) => n + v.length, 0),
      leaks: leaks.length,
    });
    expect(leaks).toEqual([]);
    // The run did what it should: 8104's wrong password was refused, the others were logged in.
    expect(
      b.sim.calls().some((c) => c.agent === '8104' && c.answer?.message === 'Invalid Authentication'),
    ).toBe(true);
    expect(logLines).toBeGreaterThan(20);
    expect(keys).toBeGreaterThan(10);
  });
});
