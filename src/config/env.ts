import { z } from 'zod';
import { readBaseUrl } from '../cloudagent/client.js';
import { ConfigError } from '../errors/index.js';
import { connectionPlan } from '../redis/url.js';
import { parseDuration } from '../time/grammar.js';

/**
 * The environment, validated once at start (SPEC section 2). zod is the single source of truth: the
 * `Config` type is inferred from it. Every message names the variable and says what would be right.
 */

const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${text}" is not a duration; use e.g. 90s, 15m, 2h or 7d`,
        });
        return z.NEVER;
      }
      return ms;
    });

/** A whole number that `accepts`; otherwise `NAME: "text" is not <what>`, `what` saying what would do. */
const wholeNumber = (name: string, fallback: number, accepts: (value: number) => boolean, what: string) =>
  z
    .string()
    .default(String(fallback))
    .transform((text, ctx) => {
      const value = Number(text);
      if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || !accepts(value)) {
        ctx.addIssue({ code: 'custom', message: `${name}: "${text}" is not ${what}` });
        return z.NEVER;
      }
      return value;
    });

const positiveInt = (name: string, fallback: number) =>
  wholeNumber(name, fallback, (value) => value >= 1, 'a whole number of 1 or more');

/** `100/s`, `600/m`, `5/2s` → at most `max` calls per `durationMs`; `unlimited` (the default) → undefined. */
export interface RateLimit {
  max: number;
  durationMs: number;
}

export function parseRate(text: string): RateLimit | undefined | 'invalid' {
  if (text.trim() === '' || text.trim() === 'unlimited') return undefined;
  const match = /^(\d+)\s*\/\s*(\d*)(ms|s|m|h)$/.exec(text.trim());
  if (!match) return 'invalid';
  const [, max, count, unit] = match;
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  const durationMs = Number(count || 1) * unitMs;
  if (Number(max) < 1 || durationMs < 1) return 'invalid';
  return { max: Number(max), durationMs };
}

/** Where the roster is when neither FILE nor ROTA_ROSTER says. */
export const DEFAULT_ROSTER_FILE = 'config/roster.yaml';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The variables `connectionPlan` reads: it runs only when both are well-formed on their own. */
const REDIS_VARIABLES: readonly PropertyKey[] = ['REDIS_URL', 'REDIS_CLUSTER'];

const envVariables = z.object({
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER: z
    .enum(['true', 'false', '1', '0', ''], { message: 'REDIS_CLUSTER: use true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  ROTA_PREFIX: z
    .string()
    .default('rota')
    .refine((v) => /^[{}A-Za-z0-9_.-]+$/.test(v), {
      message: 'ROTA_PREFIX: use letters, digits, _ . - (and {} for a Redis Cluster hash tag)',
    }),
  ROTA_ROSTER: z.string().default(DEFAULT_ROSTER_FILE),
  ROTA_CREDENTIALS: z.string().default('config/credentials.yaml'),
  CLOUDAGENT_BASE_URL: z
    .string()
    .default('https://in1-ccaas-api.ozonetel.com')
    .superRefine((text, ctx) => {
      const base = readBaseUrl(text);
      if (!base.ok) ctx.addIssue({ code: 'custom', message: base.message });
    }),
  CLOUDAGENT_USERNAME: z.string().optional(),
  CLOUDAGENT_API_KEY: z.string().optional(),
  ROTA_API_TIMEOUT: duration('ROTA_API_TIMEOUT', '10s'),
  ROTA_HORIZON: duration('ROTA_HORIZON', '7d'),
  ROTA_SYNC_INTERVAL: duration('ROTA_SYNC_INTERVAL', '5m'),
  ROTA_CONCURRENCY: positiveInt('ROTA_CONCURRENCY', 32),
  ROTA_API_RATE: z
    .string()
    .default('unlimited')
    .transform((text, ctx) => {
      const rate = parseRate(text);
      if (rate === 'invalid') {
        ctx.addIssue({
          code: 'custom',
          message: `ROTA_API_RATE: "${text}" is not a rate; use e.g. 100/s or 600/m`,
        });
        return z.NEVER;
      }
      return rate;
    }),
  ROTA_HTTP_PORT: wholeNumber(
    'ROTA_HTTP_PORT',
    9464,
    (port) => port <= 65_535,
    'a port; use 0 (off) to 65535',
  ),
  ROTA_ADMIN_TOKEN: z
    .string()
    .optional()
    .refine((token) => token === undefined || (token.length >= 16 && !/\s/.test(token)), {
      message:
        'ROTA_ADMIN_TOKEN: use at least 16 characters and no spaces, e.g. the output of openssl rand -hex 24',
    }),
  ROTA_HTTP_HOST: z
    .string()
    .default('127.0.0.1')
    .refine((host) => /^[A-Za-z0-9.:_-]+$/.test(host), {
      message: 'ROTA_HTTP_HOST: give an address of this machine, like 127.0.0.1 or 0.0.0.0',
    }),
  ROTA_ALERT_WEBHOOK: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const urls = text
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== '');
      for (const url of urls) {
        let parsed: URL | undefined;
        try {
          parsed = new URL(url);
        } catch {
          parsed = undefined;
        }
        if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
          ctx.addIssue({
            code: 'custom',
            message: `ROTA_ALERT_WEBHOOK: "${url.slice(0, 80)}" is not an http(s) URL; give comma-separated URLs`,
          });
          return z.NEVER;
        }
      }
      return urls;
    }),
  ROTA_ALERT_REPEAT: duration('ROTA_ALERT_REPEAT', '1h'),
  ROTA_ALERT_PAUSED_AFTER: duration('ROTA_ALERT_PAUSED_AFTER', '30m'),
  ROTA_HISTORY_DAYS: positiveInt('ROTA_HISTORY_DAYS', 35),
  ROTA_SYNC_HEAP_MB: wholeNumber(
    'ROTA_SYNC_HEAP_MB',
    256,
    (mb) => mb === 0 || (mb >= 64 && mb <= 65_536),
    "a heap size; use 64 to 65536 (MB), or 0 to sync in the scheduler's own thread",
  ),
  LOG_LEVEL: z.enum(logLevels, { message: `LOG_LEVEL: use one of ${logLevels.join(', ')}` }).default('info'),
});

export const envSchema = envVariables
  // REDIS_URL is read with REDIS_CLUSTER (a seed list or one URL), by the same function that connects.
  .superRefine(
    (config, ctx) => {
      try {
        connectionPlan(config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const message of error.problems) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message });
      }
    },
    { when: (payload) => !payload.issues.some((issue) => REDIS_VARIABLES.includes(issue.path?.[0] ?? '')) },
  );

export type Config = z.output<typeof envSchema>;

/** The API account, needed only by workers. */
export interface ApiAccount {
  userName: string;
  apiKey: string;
}

/** Validates the environment; throws ConfigError listing every problem, each naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) =>
        issue.code === 'custom' || String(issue.message).includes(':')
          ? issue.message
          : `${issue.path.join('.')}: ${issue.message}`,
      ),
    );
  }
  return result.data;
}

/** The account for workers: both variables must be set (checked when a worker starts, not before). */
export function requireApiAccount(config: Config): ApiAccount {
  const missing = (['CLOUDAGENT_USERNAME', 'CLOUDAGENT_API_KEY'] as const).filter((key) => !config[key]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((key) => `${key} is required to run workers; set it in the environment`),
    );
  }
  return { userName: config.CLOUDAGENT_USERNAME as string, apiKey: config.CLOUDAGENT_API_KEY as string };
}
