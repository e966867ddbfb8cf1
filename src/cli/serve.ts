import { loadConfig, requireApiAccount } from '../config/env.js';
import { startOpsServer } from '../http.js';
import { openRuntime, runScheduler, runWorker } from '../runtime.js';
import { type Io, parseFlags } from './io.js';

/**
 * The long-running verbs (`worker`, `scheduler`, `run`): start the parts asked for, run until SIGTERM or
 * SIGINT, then stop taking jobs, let calls in flight finish and exit 0.
 */
export async function serve(
  args: string[],
  io: Io,
  parts: { worker: boolean; scheduler: boolean },
): Promise<number> {
  parseFlags(args, {}, false);
  const config = loadConfig(io.env);
  // A worker without its account fails here, before waiting for Redis.
  if (parts.worker) requireApiAccount(config);
  const runtime = await openRuntime(io.env, io.cwd, { config });
  const { log } = runtime;
  try {
    const worker = parts.worker ? await runWorker(runtime, io.cwd) : undefined;
    const scheduler = parts.scheduler ? runScheduler(runtime) : undefined;
    const port = runtime.config.ROTA_HTTP_PORT;
    const ops =
      port > 0
        ? await startOpsServer(port, runtime.metrics, {
            redis: async () => (await runtime.redis.ping()) === 'PONG',
            ...(worker ? { worker: async () => worker.worker.isRunning() } : {}),
          })
        : undefined;
    log.info(
      {
        worker: parts.worker,
        scheduler: parts.scheduler,
        prefix: runtime.prefix,
        httpPort: ops?.port ?? null,
      },
      'rota started',
    );
    await new Promise<void>((resolve) => {
      if (io.shutdown.aborted) resolve();
      io.shutdown.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('stopping: finishing calls in flight');
    await ops?.close();
    await scheduler?.stop();
    await worker?.close();
    log.info('stopped');
    return 0;
  } finally {
    await runtime.close();
  }
}
