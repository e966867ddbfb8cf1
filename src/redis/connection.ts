import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { connectionPlan, type RedisSettings } from './url.js';

/**
 * Redis connections as SPEC section 6 describes them, to what REDIS_URL and REDIS_CLUSTER say (read by
 * `url.ts`). Reconnects forever with a capped backoff.
 */

export type RedisClient = Redis | Cluster;

/** Workers and blocking calls must never give up on a command (BullMQ requires it). */
const common: RedisOptions = {
  maxRetriesPerRequest: null,
  retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 8), 10_000),
  enableReadyCheck: true,
};

/** The key prefix: on Redis Cluster wrapped in a hash tag so each queue stays on one slot. */
export function keyPrefix(config: { ROTA_PREFIX: string; REDIS_CLUSTER: boolean }): string {
  const prefix = config.ROTA_PREFIX;
  if (config.REDIS_CLUSTER && !/^\{.*\}$/.test(prefix)) return `{${prefix}}`;
  return prefix;
}

export function createRedis(config: RedisSettings): RedisClient {
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
