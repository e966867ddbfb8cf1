import { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, pino } from 'pino';
import { maskRedisUrl } from './redis/url.js';

/**
 * Fields that hold a secret, redacted at the logger whatever a caller passes. This is the only guard for
 * a short secret (the client redacts API messages only by values long enough to tell from words).
 */
const SECRET_FIELDS = new Set([
  'password',
  'apiKey',
  'authorization',
  'Authorization',
  'token',
  'CLOUDAGENT_API_KEY',
  'ROTA_ADMIN_TOKEN',
  // Shown with its password masked, not hidden: which Redis matters when reading a log.
  'REDIS_URL',
]);

/** How deep a secret field is looked for: `password` up to `a.b.c.password` (`job.data.headers.x`). */
const REDACT_DEPTH = 3;

function censor(field: string, value: unknown): unknown {
  return field === 'REDIS_URL' && typeof value === 'string' ? maskRedisUrl(value) : '[redacted]';
}

/**
 * `value` with its secret fields censored, down to REDACT_DEPTH levels below it (array items count as a
 * level), in one walk: `value` itself when it holds none, nothing copied. Otherwise each object on the
 * way to a secret is copied with its prototype and all its properties, so an Error stays one for pino's
 * `err` serializer — which also writes an AggregateError's `errors`, not enumerable, so those are looked
 * at too. (pino's own `redact`, given these fields at each depth as paths, took 55 µs a login line,
 * most of it on fields that hold no object; this walk takes well under 1.)
 */
function redacted(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const keys: string[] = [];
  for (const key in object) keys.push(key);
  if (value instanceof AggregateError) keys.push('errors');
  const changes: [string, unknown][] = [];
  for (const key of keys) {
    const inner = object[key];
    const shown = SECRET_FIELDS.has(key)
      ? censor(key, inner)
      : depth < REDACT_DEPTH
        ? redacted(inner, depth + 1)
        : inner;
    if (shown !== inner) changes.push([key, shown]);
  }
  if (changes.length === 0) return value;
  if (Array.isArray(value)) return Object.assign(value.slice(), Object.fromEntries(changes));
  const properties = Object.getOwnPropertyDescriptors(value);
  for (const [key, shown] of changes) {
    const enumerable = properties[key]?.enumerable ?? true;
    properties[key] = { value: shown, enumerable, writable: true, configurable: true };
  }
  return Object.create(Object.getPrototypeOf(value), properties);
}

export type { Logger };

/**
 * pino JSON lines on stdout (or the given stream), secrets redacted: in the object logged, in any
 * argument a message interpolates, and in a child logger's bindings.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { app: 'rota' },
      hooks: {
        logMethod(args, method) {
          const all: unknown[] = args;
          for (let i = 0; i < all.length; i++) all[i] = redacted(all[i]);
          method.apply(this, args);
        },
      },
    },
    destination,
  );
  // Redacted once, when the child is made. Its own children inherit this `child` (pino makes a child
  // with Object.create of its parent).
  const { child } = logger;
  logger.child = function <L extends string = never>(
    this: Logger,
    bindings: Bindings,
    options?: ChildLoggerOptions<L>,
  ): Logger<L> {
    return Reflect.apply(child, this, [redacted(bindings), options]);
  };
  return logger;
}
