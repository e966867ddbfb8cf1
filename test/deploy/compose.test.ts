import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, requireApiAccount } from '../../src/config/env.js';
import { freePort } from '../../src/redis/server.js';
import { connectionPlan } from '../../src/redis/url.js';
import { ROOT } from '../helpers/rota.js';

/**
 * compose.yaml (rota and one Redis) and compose.sentinel.yaml (a master, a replica, three sentinels) are
 * read here as Docker Compose would read them — no Docker engine runs on these machines: services,
 * images, commands, the environment (interpolated, then validated by rota's own schema), healthchecks,
 * volumes and ports. The Redis commands and the sentinel configuration are also started for real on
 * loopback, so a typo in an option fails here rather than on an operator's machine.
 */

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
  restart?: string;
}

interface ComposeFile {
  name: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function read(file: string): ComposeFile {
  // Compose merges `<<: *anchor` keys; the yaml package does with `merge: true`.
  return parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as ComposeFile;
}

/** Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME:?message}` from `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, how?: string, arg?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (how === '?') throw new Error(`${name}: ${arg}`);
    return how === '-' ? (arg ?? '') : '';
  });
}

const DOTENV = { CLOUDAGENT_USERNAME: 'acme', CLOUDAGENT_API_KEY: 'key-from-dotenv' };

/** The rota service's environment as the container gets it (the image sets NODE_ENV and the host). */
function rotaEnv(service: Service, dotenv: Record<string, string> = DOTENV): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), dotenv),
    ]),
  );
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function checkRota(file: ComposeFile, redisUrl: string): void {
  const rota = file.services.rota as Service;
  expect(rota.build).toBe('.');
  expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
  // The Dockerfile's entrypoint is `node bin/rota.js`; the command is the verb.
  expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/rota\.js"\]/);
  expect(rota.command).toEqual(['run']);
  const env = rotaEnv(rota);
  expect(env.REDIS_URL).toBe(redisUrl);
  // Valid for rota itself, with the account a worker needs.
  const config = loadConfig(env);
  expect(requireApiAccount(config)).toEqual({ userName: 'acme', apiKey: 'key-from-dotenv' });
  expect(config.ROTA_HTTP_HOST).toBe('0.0.0.0');
  expect(config.ROTA_ADMIN_TOKEN).toBeUndefined();
  expect(loadConfig(rotaEnv(rota, { ...DOTENV, ROTA_ADMIN_TOKEN: 'a'.repeat(24) })).ROTA_ADMIN_TOKEN).toBe(
    'a'.repeat(24),
  );
  // Without the account, Compose itself refuses to start, naming the variable.
  expect(() => rotaEnv(rota, {})).toThrow(/CLOUDAGENT_USERNAME: set CLOUDAGENT_USERNAME in .env/);
  // The roster and credentials from the host, read-only, where the image looks for them.
  expect(rota.volumes).toContain('./config:/app/config:ro');
  expect(config.ROTA_ROSTER).toBe('config/roster.yaml');
  expect(config.ROTA_CREDENTIALS).toBe('config/credentials.yaml');
  // The console on this machine only, on the port rota listens on.
  expect(rota.ports).toEqual([`127.0.0.1:${config.ROTA_HTTP_PORT}:${config.ROTA_HTTP_PORT}`]);
  // Healthy when /healthz answers 200 (Redis reachable, worker running), like the image's HEALTHCHECK.
  expect(rota.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  expect(rota.healthcheck?.test[3]).toContain(`http://127.0.0.1:${config.ROTA_HTTP_PORT}/healthz`);
  expect(dockerfile).toContain('/healthz');
  // Calls in flight (each up to ROTA_API_TIMEOUT) finish before Docker's SIGKILL.
  expect(Number.parseInt(rota.stop_grace_period ?? '10s', 10) * 1000).toBeGreaterThan(
    config.ROTA_API_TIMEOUT,
  );
  expect(rota.restart).toBe('unless-stopped');
}

/** A Redis service: pinned Redis 7 image, AOF with fsync every second, noeviction, a volume, a healthcheck. */
function checkRedis(file: ComposeFile, name: string): string[] {
  const redis = file.services[name] as Service;
  expect(redis.image).toMatch(/^redis:7\.\d+/);
  const command = redis.command ?? [];
  expect(command[0]).toBe('redis-server');
  const option = (flag: string) => command[command.indexOf(flag) + 1];
  expect(option('--appendonly')).toBe('yes');
  expect(option('--appendfsync')).toBe('everysec');
  expect(option('--maxmemory-policy')).toBe('noeviction');
  const volume = redis.volumes?.[0]?.split(':') ?? [];
  expect(volume[1]).toBe('/data');
  expect(file.volumes).toHaveProperty(volume[0] as string);
  expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  return command.slice(1);
}

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Starts redis-server with `args` on a free loopback port; resolves with a client once it answers. */
async function startRedis(args: string[]): Promise<{ redis: Redis; port: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-compose-'));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  started.push(child);
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    if (await redis.ping().catch(() => undefined)) return { redis, port };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  redis.disconnect();
  throw new Error(`redis-server ${args.join(' ')} did not start`);
}

describe('compose.yaml', () => {
  const file = read('compose.yaml');

  it('runs rota (the Dockerfile image, rota run) after a healthy Redis', () => {
    expect(Object.keys(file.services).sort()).toEqual(['redis', 'rota']);
    checkRota(file, 'redis://redis:6379');
    expect(file.services.rota?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(connectionPlan({ REDIS_URL: 'redis://redis:6379', REDIS_CLUSTER: false })).toEqual({
      kind: 'url',
      url: 'redis://redis:6379',
    });
  });

  it('runs Redis with AOF and noeviction: the options start a real redis-server', async () => {
    const args = checkRedis(file, 'redis');
    const { redis } = await startRedis(args);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    redis.disconnect();
  });
});

describe('compose.sentinel.yaml', () => {
  const file = read('compose.sentinel.yaml');
  const sentinels = ['sentinel-1', 'sentinel-2', 'sentinel-3'];

  /** The sentinel configuration a sentinel service writes at start: its printf lines. */
  function sentinelConf(name: string): string[] {
    const script = file.services[name]?.command?.[2] ?? '';
    expect(file.services[name]?.command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script).toContain('exec redis-server /data/sentinel.conf --sentinel');
    return [...script.matchAll(/'([^']*)'/g)].map((m) => m[1] as string).filter((line) => line !== '%s\\n');
  }

  it('has a master, a replica of it, three sentinels watching it, and rota asking them', () => {
    expect(Object.keys(file.services).sort()).toEqual(['redis-1', 'redis-2', 'rota', ...sentinels].sort());
    checkRedis(file, 'redis-1');
    const replica = checkRedis(file, 'redis-2');
    expect(replica.slice(replica.indexOf('--replicaof'), replica.indexOf('--replicaof') + 3)).toEqual([
      '--replicaof',
      'redis-1',
      '6379',
    ]);
    const url = 'redis-sentinel://sentinel-1:26379,sentinel-2:26379,sentinel-3:26379/rota';
    checkRota(file, url);
    const plan = connectionPlan({ REDIS_URL: url, REDIS_CLUSTER: false });
    expect(plan).toEqual({
      kind: 'sentinel',
      name: 'rota',
      sentinels: sentinels.map((host) => ({ host, port: 26379 })),
    });
    for (const [i, name] of sentinels.entries()) {
      const conf = sentinelConf(name);
      expect(conf).toContain('port 26379');
      // The master rota names, watched with a majority quorum of the three.
      expect(conf).toContain('sentinel monitor rota redis-1 6379 2');
      expect(conf).toContain('sentinel resolve-hostnames yes');
      expect(conf).toContain(`sentinel announce-ip sentinel-${i + 1}`);
      expect(conf.some((line) => /^sentinel down-after-milliseconds rota \d+$/.test(line))).toBe(true);
      expect(file.services[name]?.healthcheck?.test).toEqual(['CMD', 'redis-cli', '-p', '26379', 'ping']);
      expect(file.services.rota?.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('its sentinel configuration starts a real sentinel watching a real master', async () => {
    const { redis: master, port } = await startRedis(checkRedis(file, 'redis-1'));
    const dir = await mkdtemp(join(tmpdir(), 'rota-compose-sentinel-'));
    dirs.push(dir);
    const sentinelPort = await freePort();
    // The same lines, on loopback: the master's service name and port, the sentinel's port.
    const conf = sentinelConf('sentinel-1')
      .map((line) =>
        line.replace('redis-1 6379', `127.0.0.1 ${port}`).replace('port 26379', `port ${sentinelPort}`),
      )
      .map((line) => line.replace('announce-ip sentinel-1', 'announce-ip 127.0.0.1'));
    await writeFile(join(dir, 'sentinel.conf'), `${conf.join('\n')}\nbind 127.0.0.1\ndir ${dir}\n`);
    const child = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
    started.push(child);
    const sentinel = new Redis(sentinelPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    sentinel.on('error', () => {});
    let answer: unknown;
    for (let i = 0; i < 100 && answer === undefined; i++) {
      answer = await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'rota').catch(() => undefined);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toEqual(['127.0.0.1', String(port)]);
    sentinel.disconnect();
    master.disconnect();
  });
});
