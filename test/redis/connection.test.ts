import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { createRedis, evictionWarning, keyPrefix } from '../../src/redis/connection.js';
import { startPrivateRedis } from '../../src/redis/server.js';
import { connectionPlan, maskRedisUrl } from '../../src/redis/url.js';

describe('Redis connection from REDIS_URL and REDIS_CLUSTER', () => {
  it('takes a plain or TLS URL as it is', () => {
    expect(connectionPlan({ REDIS_URL: 'rediss://:pw@cache:6380/2', REDIS_CLUSTER: false })).toEqual({
      kind: 'url',
      url: 'rediss://:pw@cache:6380/2',
    });
  });

  const sentinel = (host: string, port: number) => ({ host, port });
  it.each([
    // Several sentinels, one on its default port; a percent-encoded password.
    [
      'redis-sentinel://:s%40cret@h1:26379,h2:26380,h3/mymaster',
      [sentinel('h1', 26379), sentinel('h2', 26380), sentinel('h3', 26379)],
      's@cret',
    ],
    // A password holding @ : / as written (the user info ends at the last @); an IPv6 sentinel.
    [
      'redis-sentinel://ops:p@s:s/w@h1:26379,[::1]/mymaster',
      [sentinel('h1', 26379), sentinel('::1', 26379)],
      'p@s:s/w',
    ],
  ])('reads the Sentinel URL %s', (url, sentinels, password) => {
    expect(connectionPlan({ REDIS_URL: url, REDIS_CLUSTER: false })).toEqual({
      kind: 'sentinel',
      sentinels,
      name: 'mymaster',
      password,
    });
  });

  it('says what a Sentinel URL looks like when it is not one', () => {
    expect(() => connectionPlan({ REDIS_URL: 'redis-sentinel://h1:26379', REDIS_CLUSTER: false })).toThrow(
      'REDIS_URL: a Sentinel URL looks like redis-sentinel://:password@h1:26379,h2:26379/mymaster, ' +
        'not "redis-sentinel://h1:26379"',
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

describe('a bad REDIS_URL is a ConfigError naming REDIS_URL, never showing the password', () => {
  it.each([
    ['http://x', false, 'REDIS_URL: "http://x" must start with redis://, rediss:// or redis-sentinel://'],
    [
      'localhost:6379',
      false,
      'REDIS_URL: "localhost:6379" must start with redis://, rediss:// or redis-sentinel://',
    ],
    [
      'redis://:s3cret@cache:63x9',
      false,
      'REDIS_URL: "redis://:***@cache:63x9" is not a URL (is the port a number? ' +
        'percent-encode / ? # % in the password as %2F %3F %23 %25)',
    ],
    [
      'redis://:s3/cret@cache:6379',
      false,
      'REDIS_URL: "redis://:***@cache:6379" is not a URL (is the port a number? ' +
        'percent-encode / ? # % in the password as %2F %3F %23 %25)',
    ],
    [
      'redis://:100%s3cret@cache:6379',
      false,
      'REDIS_URL: the user name or password in "redis://:***@cache:6379" has a % that starts no ' +
        'percent-encoding; write % as %25',
    ],
    [
      'redis-sentinel://nohost',
      false,
      'REDIS_URL: a Sentinel URL looks like redis-sentinel://:password@h1:26379,h2:26379/mymaster, ' +
        'not "redis-sentinel://nohost"',
    ],
    [
      'redis-sentinel://:s3cret@h1:port/mymaster',
      false,
      'REDIS_URL: Sentinel "h1:port" is not host:port, with a port from 1 to 65535',
    ],
    [
      'redis-sentinel://:s3cret@h1:70000/mymaster',
      false,
      'REDIS_URL: Sentinel "h1:70000" is not host:port, with a port from 1 to 65535',
    ],
    [
      'n1:7000,n2:7001',
      true,
      'REDIS_URL: Cluster seed "n1:7000,n2:7001" must start with redis:// or rediss://; ' +
        'with REDIS_CLUSTER=true list seeds like rediss://:password@n1:7000,rediss://:password@n2:7001',
    ],
    [
      'redis://:s3cret@n1:7000,n2:7001',
      true,
      'REDIS_URL: Cluster seed "redis://:***@n1:7000,n2:7001" is not a URL (is the port a number? ' +
        'percent-encode / ? # % in the password as %2F %3F %23 %25)',
    ],
    [
      'rediss://:s3cret@n1:7000,redis://:s3cret@n2:7001',
      true,
      'REDIS_URL: the Cluster seeds mix redis:// and rediss://; use one scheme for all',
    ],
  ])('%s (REDIS_CLUSTER=%s)', (url, cluster, message) => {
    let thrown: unknown;
    try {
      connectionPlan({ REDIS_URL: url, REDIS_CLUSTER: cluster });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([message]);
    expect((thrown as Error).message).not.toContain('s3');
  });
});

describe('maskRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://u:p@ss@host:6379', 'redis://u:***@host:6379'],
    ['rediss://:s3cret@cache:6380/2', 'rediss://:***@cache:6380/2'],
    ['redis://ops:pa:ss/w@rd@host:6379/0', 'redis://ops:***@host:6379/0'],
    ['redis://:p%40ss%3Aw%2Fd@host', 'redis://:***@host'],
    ['redis://onlyapassword@host', 'redis://***@host'],
    ['redis://host:6379/0?password=p@ss&db=1', 'redis://host:6379/0?password=***&db=1'],
    [
      'redis-sentinel://ops:p@ss@h1:26379,h2:26379/mymaster?sentinelPassword=x',
      'redis-sentinel://ops:***@h1:26379,h2:26379/mymaster?sentinelPassword=***',
    ],
    ['rediss://:p@w@n1:7000, rediss://:p@w@n2:7001', 'rediss://:***@n1:7000, rediss://:***@n2:7001'],
    ['redis://n1:7000,redis://:s3cret@n2:7001', 'redis://n1:7000,redis://:***@n2:7001'],
    ['u:p@ss@host:6379', 'u:***@host:6379'],
  ])('%s', (url, shown) => {
    expect(maskRedisUrl(url)).toBe(shown);
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
