import { type DestinationStream, type Logger, pino } from 'pino';
import { maskRedisUrl } from './redis/connection.js';

/**
 * Fields that hold a secret, redacted at the logger whatever a caller passes. This is the only guard for
 * a short secret (the client redacts API messages only by values long enough to tell from words).
 */
const SECRET_FIELDS = [
  'password',
  'apiKey',
  'authorization',
  'Authorization',
  'token',
  'CLOUDAGENT_API_KEY',
  'ROTA_ADMIN_TOKEN',
  // Shown with its password masked, not hidden: which Redis matters when reading a log.
  'REDIS_URL',
];

/** How deep a secret field is looked for: `password` up to `a.b.c.password` (`job.data.headers.x`). */
const REDACT_DEPTH = 3;

const REDACT = SECRET_FIELDS.flatMap((field) =>
  Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => `${'*.'.repeat(depth)}${field}`),
);

function censor(value: unknown, path: readonly unknown[]): unknown {
  return path.at(-1) === 'REDIS_URL' && typeof value === 'string' ? maskRedisUrl(value) : '[redacted]';
}

export type { Logger };

/** pino JSON lines on stdout (or the given stream), secrets redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'rota' }, redact: { paths: REDACT, censor } }, destination);
}
