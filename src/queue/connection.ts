import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/env.js';

/**
 * Redis connections as SPEC section 6 describes them: a plain URL (`redis://`, `rediss://` with the
 * password in it), Sentinel (`redis-sentinel://h1:26379,h2:26379/mymaster`) or Cluster (`REDIS_CLUSTER=true`
 * with comma-separated seed URLs). Reconnects forever with a capped backoff.
 */

export type RedisClient = Redis | Cluster;

/** Workers and blocking calls must never give up on a command (BullMQ requires it). */
const common: RedisOptions = {
  maxRetriesPerRequest: null,
  retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 8), 10_000),
  enableReadyCheck: true,
};

/** The key prefix: on Redis Cluster wrapped in a hash tag so each queue stays on one slot. */
export function keyPrefix(config: Pick<Config, 'ROTA_PREFIX' | 'REDIS_CLUSTER'>): string {
  const prefix = config.ROTA_PREFIX;
  if (config.REDIS_CLUSTER && !/^\{.*\}$/.test(prefix)) return `{${prefix}}`;
  return prefix;
}

/** How to connect, read from REDIS_URL and REDIS_CLUSTER (pure, so it can be checked without a Redis). */
export type ConnectionPlan =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; password?: string }
  | { kind: 'cluster'; seeds: { host: string; port: number }[]; password?: string; tls: boolean };

const SENTINEL_URL = /^redis-sentinel:\/\/(?:[^:@/]*(?::([^@/]*))?@)?([^/]+)\/([^/?#]+)$/;

function hostPort(text: string, defaultPort: number): { host: string; port: number } {
  const [host, port] = text.trim().split(':');
  if (!host || (port !== undefined && !/^\d+$/.test(port))) {
    throw new Error(`REDIS_URL: "${text}" is not host:port`);
  }
  return { host, port: port === undefined ? defaultPort : Number(port) };
}

export function connectionPlan(config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER'>): ConnectionPlan {
  const url = config.REDIS_URL.trim();
  if (config.REDIS_CLUSTER) {
    const seeds = url.split(',').map((seed) => new URL(seed.trim()));
    const first = seeds[0] as URL;
    return {
      kind: 'cluster',
      seeds: seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      tls: first.protocol === 'rediss:',
    };
  }
  if (url.startsWith('redis-sentinel:')) {
    const match = SENTINEL_URL.exec(url);
    if (!match) {
      throw new Error('REDIS_URL: a Sentinel URL looks like redis-sentinel://h1:26379,h2:26379/mymaster');
    }
    const [, password, hosts, name] = match as unknown as [string, string | undefined, string, string];
    return {
      kind: 'sentinel',
      sentinels: hosts.split(',').map((host) => hostPort(host, 26379)),
      name: decodeURIComponent(name),
      ...(password ? { password: decodeURIComponent(password) } : {}),
    };
  }
  return { kind: 'url', url };
}

export function createRedis(config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER'>): RedisClient {
  const plan = connectionPlan(config);
  switch (plan.kind) {
    case 'cluster':
      return new Cluster(plan.seeds, {
        clusterRetryStrategy: common.retryStrategy,
        redisOptions: {
          ...common,
          ...(plan.password ? { password: plan.password } : {}),
          ...(plan.tls ? { tls: {} } : {}),
        },
      });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: plan.sentinels,
        name: plan.name,
        ...(plan.password ? { password: plan.password } : {}),
      });
    case 'url':
      return new Redis(plan.url, common);
  }
}

/** SPEC 6: Redis must not evict keys (jobs would vanish). Returns a warning, or undefined when all is well. */
export async function evictionWarning(redis: RedisClient): Promise<string | undefined> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      return `Redis maxmemory-policy is "${policy}": set it to noeviction, or Redis may drop scheduled jobs`;
    }
  } catch {
    // Managed Redis often forbids CONFIG: nothing to check then.
  }
  return undefined;
}
