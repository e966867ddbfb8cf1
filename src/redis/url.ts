import { ConfigError } from '../errors/index.js';

/**
 * REDIS_URL read, without connecting: a plain URL (`redis://`, `rediss://` with the password in it),
 * Sentinel (`redis-sentinel://h1:26379,h2:26379/mymaster`) or Cluster (`REDIS_CLUSTER=true` with
 * comma-separated seed URLs), and shown with its passwords masked. Apart from `connection.ts`, so that
 * the environment's check and the logger do not load the Redis client (about 55 ms of every command).
 */

/** The variables that say where Redis is (validated by the environment schema with `connectionPlan`). */
export interface RedisSettings {
  REDIS_URL: string;
  REDIS_CLUSTER: boolean;
}

/** How to connect, read from REDIS_URL and REDIS_CLUSTER (pure, so it can be checked without a Redis). */
export type ConnectionPlan =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; password?: string }
  | { kind: 'cluster'; seeds: { host: string; port: number }[]; password?: string; tls: boolean };

/** Where a URL's scheme is; REDIS_URL must have one of three. */
const SCHEME = /^\s*([a-z][a-z0-9+.-]*:)\/\//i;
/** A comma that starts the next URL (a Cluster seed list); Sentinel's `h1:26379,h2:26379` has none. */
const NEXT_URL = /(,\s*)(?=[a-z][a-z0-9+.-]*:\/\/)/i;
/** A password given as a query option (`?password=`, `?sentinelPassword=`): ioredis reads those too. */
const QUERY_PASSWORD = /([?&][^=&#]*password=)[^&#]*/gi;
const SENTINEL_SHAPE = 'redis-sentinel://:password@h1:26379,h2:26379/mymaster';
const CLUSTER_SHAPE = 'rediss://:password@n1:7000,rediss://:password@n2:7001';
const ENCODE_HINT = 'percent-encode / ? # % in the password as %2F %3F %23 %25';

/**
 * REDIS_URL as it may be shown: every password masked, in every form REDIS_URL takes (one URL, a
 * Sentinel URL, a Cluster seed list). A URL's user info ends at its last `@`, as for WHATWG URL (and so
 * ioredis): a password may hold `@` or `:`, and a raw `/` is masked too rather than shown.
 */
export function maskRedisUrl(url: string): string {
  return url.split(NEXT_URL).map(maskOneUrl).join('');
}

function maskOneUrl(url: string): string {
  const text = url.replace(QUERY_PASSWORD, '$1***');
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  const at = text.lastIndexOf('@');
  if (at < scheme.length) return text;
  const userinfo = text.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  // Without a colon the whole user info may be a password (older clients read it so): mask it all.
  const user = colon === -1 ? '' : userinfo.slice(0, colon + 1);
  return `${scheme}${user}***${text.slice(at)}`;
}

/** A problem with REDIS_URL, found at start (env.ts) or when connecting; never shows the password. */
function badRedisUrl(message: string): ConfigError {
  return new ConfigError([`REDIS_URL: ${message}`]);
}

/** `text` percent-decoded, or a ConfigError when a `%` starts no percent-encoding. */
function decodePart(text: string, url: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRedisUrl(
      `the user name or password in "${maskRedisUrl(url)}" has a % that starts no percent-encoding; write % as %25`,
    );
  }
}

/** One `redis://` or `rediss://` URL with a host, read as ioredis reads it (WHATWG URL), or a ConfigError. */
function readRedisUrl(text: string, what: string, allowed: string): URL {
  const shown = `${what}"${maskRedisUrl(text)}"`;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw badRedisUrl(`${shown} must start with ${allowed}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRedisUrl(`${shown} is not a URL (is the port a number? ${ENCODE_HINT})`);
  }
  if (!url.hostname) throw badRedisUrl(`${shown} has no host`);
  decodePart(url.username, text);
  decodePart(url.password, text);
  return url;
}

/** A Sentinel's `host:port` (`[::1]:26379` for IPv6); the port is 1 to 65535. */
function hostPort(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(text.trim());
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (!match || port < 1 || port > 65_535) {
    throw badRedisUrl(`Sentinel "${text.trim()}" is not host:port, with a port from 1 to 65535`);
  }
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

function sentinelPlan(url: string): ConnectionPlan {
  const shape = `a Sentinel URL looks like ${SENTINEL_SHAPE}, not "${maskRedisUrl(url)}"`;
  const rest = url.replace(SCHEME, '');
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? '' : rest.slice(0, at);
  const [hosts, name, ...more] = rest.slice(at + 1).split('/');
  if (!hosts || !name || more.length > 0 || /[?#]/.test(name)) throw badRedisUrl(shape);
  const colon = userinfo.indexOf(':');
  const password = colon === -1 ? '' : decodePart(userinfo.slice(colon + 1), url);
  return {
    kind: 'sentinel',
    sentinels: hosts.split(',').map((host) => hostPort(host, 26379)),
    name: decodePart(name, url),
    ...(password ? { password } : {}),
  };
}

function clusterPlan(list: string): ConnectionPlan {
  const allowed = `redis:// or rediss://; with REDIS_CLUSTER=true list seeds like ${CLUSTER_SHAPE}`;
  const seeds = list
    .split(NEXT_URL)
    .filter((_, i) => i % 2 === 0) // the odd ones are the commas between seeds
    .map((seed) => readRedisUrl(seed.trim(), 'Cluster seed ', allowed));
  const first = seeds[0] as URL;
  if (seeds.some((seed) => seed.protocol !== first.protocol)) {
    throw badRedisUrl('the Cluster seeds mix redis:// and rediss://; use one scheme for all');
  }
  const password = decodePart(first.password, list);
  return {
    kind: 'cluster',
    seeds: seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
    ...(password ? { password } : {}),
    tls: first.protocol === 'rediss:',
  };
}

/**
 * How to connect, or a ConfigError naming REDIS_URL (with its password masked). env.ts calls this at
 * start, so a REDIS_URL that passes there cannot fail here when connecting.
 */
export function connectionPlan(config: RedisSettings): ConnectionPlan {
  const url = config.REDIS_URL.trim();
  if (config.REDIS_CLUSTER) return clusterPlan(url);
  if (SCHEME.exec(url)?.[1]?.toLowerCase() === 'redis-sentinel:') return sentinelPlan(url);
  readRedisUrl(url, '', 'redis://, rediss:// or redis-sentinel://');
  return { kind: 'url', url };
}
