import { loadConfig } from '../config/env.js';
import { createLogger } from '../log.js';
import { openRuntime, type Runtime } from '../runtime.js';
import type { Io } from './io.js';

/** A one-shot verb waits this long for Redis before it says it cannot reach it. */
const ONE_SHOT_CONNECT_MS = 10_000;

/**
 * A one-shot verb's runtime: Redis within 10 s or a clear error; log lines on stderr (stdout is the
 * verb's own, one JSON document with --json); always closed afterwards.
 */
export async function withRuntime<T>(io: Io, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const runtime = await openRuntime(io.env, io.cwd, {
    config,
    connectTimeoutMs: ONE_SHOT_CONNECT_MS,
    shutdown: io.shutdown,
    log: createLogger(config.LOG_LEVEL, { write: (line: string) => io.stderr(line) }),
  });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}
