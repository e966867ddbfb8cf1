import { loadConfig, requireApiAccount } from '../config/env.js';
import { ShutdownError } from '../errors/index.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { type ServiceParts, startService } from '../service.js';
import { type Io, parseFlags } from './io.js';

/**
 * The long-running verbs (`worker`, `scheduler`, `run`): start the parts asked for, run until SIGTERM or
 * SIGINT, then stop taking jobs, let calls in flight finish and exit 0. A signal while waiting for Redis
 * ends the wait (exit 0); a part that cannot start stops the others and exits 1 with one line.
 */
export async function serve(args: string[], io: Io, parts: ServiceParts): Promise<number> {
  parseFlags(args, {}, false);
  const config = loadConfig(io.env);
  // A worker without its account fails here, before waiting for Redis.
  if (parts.worker) requireApiAccount(config);
  let runtime: Runtime;
  try {
    runtime = await openRuntime(io.env, io.cwd, { config, shutdown: io.shutdown });
  } catch (error) {
    if (error instanceof ShutdownError) return 0;
    throw error;
  }
  const { log } = runtime;
  try {
    const service = await startService(runtime, parts);
    log.info({ ...parts, prefix: runtime.prefix, httpPort: service.http?.port ?? null }, 'rota started');
    await new Promise<void>((resolve) => {
      if (io.shutdown.aborted) resolve();
      io.shutdown.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('stopping: finishing calls in flight');
    await service.stop();
    log.info('stopped');
    return 0;
  } finally {
    await runtime.close();
  }
}
