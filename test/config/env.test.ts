import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig, parseRate, requireApiAccount } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors/index.js';

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
    let error: unknown;
    try {
      loadConfig({
        ROTA_HORIZON: 'a week',
        ROTA_CONCURRENCY: '0',
        ROTA_API_RATE: 'lots',
        CLOUDAGENT_BASE_URL: 'http://api.example.com',
        LOG_LEVEL: 'loud',
        ROTA_HTTP_PORT: '70000',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.sort()).toEqual([
      'CLOUDAGENT_BASE_URL: plain http:// is allowed only for loopback (127.0.0.1, localhost); use https://',
      'LOG_LEVEL: use one of fatal, error, warn, info, debug, trace, silent',
      'ROTA_API_RATE: "lots" is not a rate; use e.g. 100/s or 600/m',
      'ROTA_CONCURRENCY: "0" is not a whole number of 1 or more',
      'ROTA_HORIZON: "a week" is not a duration; use e.g. 90s, 15m, 2h or 7d',
      'ROTA_HTTP_PORT: "70000" is not a port; use 0 (off) to 65535',
    ]);
  });

  it('allows plain http to loopback only', () => {
    expect(loadConfig({ CLOUDAGENT_BASE_URL: 'http://127.0.0.1:8088' }).CLOUDAGENT_BASE_URL).toBe(
      'http://127.0.0.1:8088',
    );
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
