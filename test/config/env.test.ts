import { describe, expect, it } from 'vitest';
import { createCloudAgentClient, readBaseUrl } from '../../src/cloudagent/client.js';
import { envSchema, loadConfig, parseRate, requireApiAccount } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors/index.js';

/** The problems loadConfig reports for `env`, each naming its variable (none when it passes). */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('environment', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER: false,
      ROTA_PREFIX: 'rota',
      ROTA_ROSTER: 'config/roster.yaml',
      ROTA_CREDENTIALS: 'config/credentials.yaml',
      CLOUDAGENT_BASE_URL: 'https://in1-ccaas-api.ozonetel.com',
      ROTA_API_TIMEOUT: 10_000,
      ROTA_HORIZON: 7 * 86_400_000,
      ROTA_SYNC_INTERVAL: 300_000,
      ROTA_CONCURRENCY: 32,
      ROTA_API_RATE: undefined,
      ROTA_HTTP_PORT: 9464,
      ROTA_HTTP_HOST: '127.0.0.1',
      ROTA_ALERT_WEBHOOK: [],
      ROTA_ALERT_REPEAT: 3_600_000,
      ROTA_ALERT_PAUSED_AFTER: 1_800_000,
      ROTA_HISTORY_DAYS: 35,
      ROTA_SYNC_HEAP_MB: 256,
      LOG_LEVEL: 'info',
    });
  });

  it('reads rates', () => {
    expect(parseRate('100/s')).toEqual({ max: 100, durationMs: 1000 });
    expect(parseRate('600/m')).toEqual({ max: 600, durationMs: 60_000 });
    expect(parseRate('5/2s')).toEqual({ max: 5, durationMs: 2000 });
    expect(parseRate('unlimited')).toBeUndefined();
    expect(parseRate('fast')).toBe('invalid');
    expect(parseRate('0/s')).toBe('invalid');
  });

  it('names every bad variable at once, and what would be right', () => {
    const problems = problemsOf({
      ROTA_HORIZON: 'a week',
      ROTA_CONCURRENCY: '0',
      ROTA_API_RATE: 'lots',
      CLOUDAGENT_BASE_URL: 'http://api.example.com',
      LOG_LEVEL: 'loud',
      ROTA_HTTP_PORT: '70000',
    });
    expect(problems.sort()).toEqual([
      'CLOUDAGENT_BASE_URL: http://api.example.com uses plain http://, which would send agent passwords ' +
        'unencrypted; use https:// (plain http:// is allowed only for this machine: localhost, 127.x.x.x, ::1)',
      'LOG_LEVEL: use one of fatal, error, warn, info, debug, trace, silent',
      'ROTA_API_RATE: "lots" is not a rate; use e.g. 100/s or 600/m',
      'ROTA_CONCURRENCY: "0" is not a whole number of 1 or more',
      'ROTA_HORIZON: "a week" is not a duration; use e.g. 90s, 15m, 2h or 7d',
      'ROTA_HTTP_PORT: "70000" is not a port; use 0 (off) to 65535',
    ]);
  });

  it("takes the sync thread's heap from 64 MB, or 0 for none", () => {
    expect(loadConfig({ ROTA_SYNC_HEAP_MB: '0' }).ROTA_SYNC_HEAP_MB).toBe(0);
    expect(loadConfig({ ROTA_SYNC_HEAP_MB: '64' }).ROTA_SYNC_HEAP_MB).toBe(64);
    for (const text of ['32', '1g', '-1', '70000']) {
      expect(problemsOf({ ROTA_SYNC_HEAP_MB: text })).toEqual([
        `ROTA_SYNC_HEAP_MB: "${text}" is not a heap size; use 64 to 65536 (MB), or 0 to sync in the ` +
          "scheduler's own thread",
      ]);
    }
  });

  it('allows plain http to loopback only', () => {
    expect(loadConfig({ CLOUDAGENT_BASE_URL: 'http://127.0.0.1:8088' }).CLOUDAGENT_BASE_URL).toBe(
      'http://127.0.0.1:8088',
    );
  });

  it('refuses at start the CLOUDAGENT_BASE_URL the client would refuse, in the same words', () => {
    for (const baseUrl of ['https://acme:key-Secret@api.example.com', 'ftp://api.example.com', 'not a url']) {
      const [message] = problemsOf({ CLOUDAGENT_BASE_URL: baseUrl });
      expect(readBaseUrl(baseUrl)).toEqual({ ok: false, message });
      expect(message).toMatch(/^CLOUDAGENT_BASE_URL: /);
      expect(() => createCloudAgentClient({ baseUrl, userName: 'acme', apiKey: 'k' })).toThrow(message);
    }
    expect(problemsOf({ CLOUDAGENT_BASE_URL: 'https://acme:key-Secret@api.example.com' })).toEqual([
      'CLOUDAGENT_BASE_URL: must not hold a user name or password; give only the host, like ' +
        'https://in1-ccaas-api.ozonetel.com (the account goes in CLOUDAGENT_USERNAME and CLOUDAGENT_API_KEY)',
    ]);
  });

  it('refuses a bad REDIS_URL at start, naming it, with its password masked', () => {
    expect(problemsOf({ REDIS_URL: 'redis-sentinel://:s3cret@nohost' })).toEqual([
      'REDIS_URL: a Sentinel URL looks like redis-sentinel://:password@h1:26379,h2:26379/mymaster, ' +
        'not "redis-sentinel://:***@nohost"',
    ]);
    expect(problemsOf({ REDIS_URL: 'http://x' })).toEqual([
      'REDIS_URL: "http://x" must start with redis://, rediss:// or redis-sentinel://',
    ]);
    expect(problemsOf({ REDIS_URL: 'redis://:s3cret@cache:port' })[0]).toMatch(
      /^REDIS_URL: "redis:\/\/:\*\*\*@cache:port" is not a URL/,
    );
    // Read together with REDIS_CLUSTER: a seed list is fine for a Cluster, not as one URL.
    const seeds = 'redis://:s3cret@n1:7000,redis://:s3cret@n2:7001';
    expect(problemsOf({ REDIS_URL: seeds, REDIS_CLUSTER: 'true' })).toEqual([]);
    expect(problemsOf({ REDIS_URL: seeds })[0]).toMatch(/^REDIS_URL: .* is not a URL/);
    expect(problemsOf({ REDIS_URL: 'n1:7000,n2:7001', REDIS_CLUSTER: 'true' })[0]).toMatch(
      /^REDIS_URL: Cluster seed "n1:7000,n2:7001" must start with redis:\/\/ or rediss:\/\//,
    );
    // Listed with every other bad variable; not read at all while REDIS_CLUSTER itself is bad.
    expect(problemsOf({ REDIS_URL: 'http://x', ROTA_CONCURRENCY: '0' })).toHaveLength(2);
    expect(problemsOf({ REDIS_URL: 'http://x', REDIS_CLUSTER: 'maybe' })).toEqual([
      'REDIS_CLUSTER: use true or false',
    ]);
    for (const message of problemsOf({ REDIS_URL: 'redis-sentinel://:s3cret@h1:x/m' })) {
      expect(message).not.toContain('s3cret');
    }
  });

  it('asks for the API account only when a worker starts', () => {
    expect(() => requireApiAccount(loadConfig({ CLOUDAGENT_USERNAME: 'acme' }))).toThrow(
      'CLOUDAGENT_API_KEY is required to run workers; set it in the environment',
    );
    expect(requireApiAccount(loadConfig({ CLOUDAGENT_USERNAME: 'acme', CLOUDAGENT_API_KEY: 'k' }))).toEqual({
      userName: 'acme',
      apiKey: 'k',
    });
  });
});

describe('config/rota.example.env', () => {
  it('lists every variable rota reads, each with its default', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../config/rota.example.env', import.meta.url), 'utf8');
    const pairs = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split('=', 2) as [string, string]),
    );
    expect(Object.keys(pairs).sort()).toEqual(Object.keys(envSchema.shape).sort());
    const { CLOUDAGENT_USERNAME: _u, CLOUDAGENT_API_KEY: _k, ...rest } = pairs;
    expect(loadConfig(rest)).toEqual(loadConfig({}));
  });
});
