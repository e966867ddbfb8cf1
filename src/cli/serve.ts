import { loadConfig, requireApiAccount } from '../config/env.js';
import { ShutdownError } from '../errors/index.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { type Service, type ServiceParts, startService } from '../service.js';
import { type Io, parseFlags } from './io.js';

/**
 * The long-running verbs (`worker`, `scheduler`, `run`): start the parts asked for, run until SIGTERM or
 * SIGINT, then stop taking jobs, let calls in flight finish and exit 0. Stopping takes at most
 * ROTA_API_TIMEOUT + 20 s, whatever a connection does. A signal while waiting for Redis ends the wait
 * (exit 0); a part that cannot start stops the others and exits 1 with one line.
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
  let service: Service;
  try {
    service = await startService(runtime, parts);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  log.info({ ...parts, prefix: runtime.prefix, httpPort: service.http?.port ?? null }, 'rota started');
  await new Promise<void>((resolve) => {
    if (io.shutdown.aborted) resolve();
    io.shutdown.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info('stopping: finishing calls in flight');
  const stopping = service.stop().finally(() => runtime.close());
  if (await within(config.ROTA_API_TIMEOUT + STOP_MARGIN_MS, stopping)) {
    log.info('stopped');
  } else {
    // BullMQ and ioredis can wait forever for a connection to a Redis node that died (a Cluster after a
    // failover): the calls in flight have had their time, so rota ends without those connections.
    log.error(
      { waitedMs: config.ROTA_API_TIMEOUT + STOP_MARGIN_MS },
      'stopping took too long: exiting with connections still closing',
    );
  }
  return 0;
}

/** What stopping may take beyond the longest call in flight (ROTA_API_TIMEOUT). */
const STOP_MARGIN_MS = 20_000;

/** Whether `work` settles within `ms`; a rejection is thrown. */
async function within(ms: number, work: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
