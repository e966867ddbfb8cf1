import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ShutdownError } from '../../src/errors/index.js';
import { createLogger } from '../../src/log.js';
import { EARLY_MS } from '../../src/queue/queue.js';
import { freePort } from '../../src/redis/server.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { startService } from '../../src/service.js';
import { nextEvent } from '../helpers/events.js';
import { captureIo } from '../helpers/io.js';
import { benchPerTest, inProcess, oneOff, rosterOf, secondsFromNow } from '../helpers/rota.js';

/** In-process runtimes log nowhere: the test output stays readable. */
const quiet = { log: createLogger('silent') };

/** Start and stop of the long-running verbs: signals at any moment, a part that cannot start, events. */

const openBench = benchPerTest();
let held: Server | undefined;
let runtime: Runtime | undefined;
afterEach(async () => {
  await new Promise((resolve) => (held ? held.close(resolve) : resolve(undefined)));
  held = undefined;
  await runtime?.close();
  runtime = undefined;
});

async function holdPort(): Promise<number> {
  const port = await freePort();
  held = createServer();
  await new Promise<void>((resolve) => held?.listen(port, '127.0.0.1', resolve));
  return port;
}

describe('starting and stopping', () => {
  it('SIGTERM while waiting for an unreachable Redis ends the worker at once with exit 0', async () => {
    const port = await freePort();
    const c = captureIo({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      CLOUDAGENT_USERNAME: 'acme',
      CLOUDAGENT_API_KEY: 'key-123456',
      ROTA_HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const exit = main(['worker'], c.io);
    setTimeout(() => c.stop(), 300);
    const started = Date.now();
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a shutdown while waiting for Redis abandons the start with a ShutdownError, at once', async () => {
    const env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, LOG_LEVEL: 'silent' };
    const shutdown = new AbortController();
    const opening = openRuntime(env, process.cwd(), { ...quiet, shutdown: shutdown.signal });
    shutdown.abort();
    await expect(opening).rejects.toBeInstanceOf(ShutdownError);
  });

  it('rota run with its HTTP port taken exits 1 with one line, leaving nothing running', async () => {
    const b = await openBench({ agents: { '1': 'pw-1' } });
    await b.writeRoster(rosterOf(['1'], () => [oneOff(secondsFromNow(3600), secondsFromNow(7200))]));
    const port = await holdPort();
    const run = b.spawnRota(['run'], { ROTA_HTTP_PORT: String(port) });
    // The process ends by itself: nothing (scheduler timer, worker, Redis connection) keeps it alive.
    const code = await Promise.race([
      run.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000)),
    ]);
    expect(code).toBe(1);
    expect(run.stderr()).toBe(
      `rota run: cannot serve /healthz and /metrics: 127.0.0.1:${port} is already in use; ` +
        'set ROTA_HTTP_PORT to a free port, or 0 to turn the endpoint off\n',
    );
  }, 30_000);

  it('a service reports started, a sync, an on-time attempt and stopped as typed events', async () => {
    const b = await openBench({ agents: { '7001': 'pw-7001' } });
    const start = secondsFromNow(3);
    await b.writeRoster(rosterOf(['7001'], () => [oneOff(start, start + 3_600_000)]));
    runtime = await openRuntime(inProcess(b.env), b.dir, quiet);
    const started = nextEvent(runtime.events, 'started');
    const synced = nextEvent(runtime.events, 'sync:finished');
    const service = await startService(runtime, { worker: true, scheduler: true });
    expect((await started)[0]).toEqual({ worker: true, scheduler: true, httpPort: null });
    expect((await synced)[0]).toMatchObject({ ok: true, added: 2 });
    const [attempt] = await nextEvent(
      runtime.events,
      'attempt:recorded',
      (entry) => entry.jobId === `login-7001-${new Date(start).toISOString().replace(/[-:]|\.000/g, '')}`,
    );
    expect(attempt).toMatchObject({ outcome: 'done', attempt: 1 });
    // Taken EARLY_MS ahead, it waits for the instant: never early, and well within a second late.
    expect(attempt.lateMs).toBeGreaterThanOrEqual(0);
    expect(attempt.lateMs).toBeLessThan(1000);
    expect(EARLY_MS).toBeGreaterThan(0);
    const stopped = nextEvent(runtime.events, 'stopped');
    await service.stop();
    await stopped;
  }, 30_000);

  it('a part that cannot start stops the parts already started, and the error says why', async () => {
    const b = await openBench({ agents: {} });
    await b.writeRoster(rosterOf(['1'], () => [oneOff(secondsFromNow(3600), secondsFromNow(7200))]));
    const port = await holdPort();
    runtime = await openRuntime(inProcess({ ...b.env, ROTA_HTTP_PORT: String(port) }), b.dir, quiet);
    let startedEvent = false;
    runtime.events.on('started', () => {
      startedEvent = true;
    });
    await expect(startService(runtime, { worker: true, scheduler: true })).rejects.toThrow(/already in use/);
    expect(startedEvent).toBe(false);
    // The worker started before the endpoint was closed again: no BullMQ worker is registered any more.
    const workers = await runtime.queue.getWorkers();
    expect(workers).toEqual([]);
  });
});
