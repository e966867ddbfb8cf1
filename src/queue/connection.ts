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

function sentinelOptions(url: string): RedisOptions {
  const parsed = new URL(url.replace(/^redis-sentinel:/, 'http:'));
  const hosts = url
    .replace(/^redis-sentinel:\/\/(?:[^@/]*@)?/, '')
    .split('/')[0]
    ?.split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host: host ?? '127.0.0.1', port: Number(port ?? 26379) };
    });
  const name = parsed.pathname.replace(/^\//, '');
  if (!hosts?.length || !name) {
    throw new Error('REDIS_URL: a Sentinel URL looks like redis-sentinel://h1:26379,h2:26379/mymaster');
  }
  return {
    ...common,
    sentinels: hosts,
    name,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

export function createRedis(config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER'>): RedisClient {
  const url = config.REDIS_URL;
  if (config.REDIS_CLUSTER) {
    const seeds = url.split(',').map((seed) => {
      const parsed = new URL(seed.trim());
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
    const first = new URL(url.split(',')[0]?.trim() ?? url);
    return new Cluster(seeds, {
      clusterRetryStrategy: common.retryStrategy,
      redisOptions: {
        ...common,
        ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    });
  }
  if (url.startsWith('redis-sentinel://')) return new Redis(sentinelOptions(url));
  return new Redis(url, common);
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
