import { describe, expect, it } from 'vitest';
import { connectionPlan, createRedis, evictionWarning, keyPrefix } from '../../src/queue/connection.js';
import { startPrivateRedis } from '../../src/redis-server.js';

describe('Redis connection from REDIS_URL and REDIS_CLUSTER', () => {
  it('takes a plain or TLS URL as it is', () => {
    expect(connectionPlan({ REDIS_URL: 'rediss://:pw@cache:6380/2', REDIS_CLUSTER: false })).toEqual({
      kind: 'url',
      url: 'rediss://:pw@cache:6380/2',
    });
  });

  it('reads a Sentinel URL with several sentinels and a password', () => {
    expect(
      connectionPlan({
        REDIS_URL: 'redis-sentinel://:s%40cret@h1:26379,h2:26380,h3/mymaster',
        REDIS_CLUSTER: false,
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'h1', port: 26379 },
        { host: 'h2', port: 26380 },
        { host: 'h3', port: 26379 },
      ],
      name: 'mymaster',
      password: 's@cret',
    });
  });

  it('says what a Sentinel URL looks like when it is not one', () => {
    expect(() => connectionPlan({ REDIS_URL: 'redis-sentinel://h1:26379', REDIS_CLUSTER: false })).toThrow(
      'REDIS_URL: a Sentinel URL looks like redis-sentinel://h1:26379,h2:26379/mymaster',
    );
  });

  it('reads Cluster seed nodes, and wraps the prefix in a hash tag', () => {
    expect(
      connectionPlan({ REDIS_URL: 'rediss://:pw@n1:7000, rediss://:pw@n2:7001', REDIS_CLUSTER: true }),
    ).toEqual({
      kind: 'cluster',
      seeds: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      password: 'pw',
      tls: true,
    });
    expect(keyPrefix({ ROTA_PREFIX: 'rota', REDIS_CLUSTER: true })).toBe('{rota}');
    expect(keyPrefix({ ROTA_PREFIX: '{rota}', REDIS_CLUSTER: true })).toBe('{rota}');
    expect(keyPrefix({ ROTA_PREFIX: 'rota', REDIS_CLUSTER: false })).toBe('rota');
  });
});

describe('the eviction policy check', () => {
  it('warns when Redis may evict keys, and is quiet with noeviction', async () => {
    // A redis-server of its own: the test changes its configuration.
    const server = await startPrivateRedis();
    const redis = createRedis({ REDIS_URL: server.url, REDIS_CLUSTER: false });
    try {
      expect(await evictionWarning(redis)).toBeUndefined();
      await redis.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await evictionWarning(redis)).toBe(
        'Redis maxmemory-policy is "allkeys-lru": set it to noeviction, or Redis may drop scheduled jobs',
      );
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
