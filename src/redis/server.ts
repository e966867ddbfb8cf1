import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private redis-server on a free loopback port, in its own temporary folder: for `rota demo` and the
 * tests. Nothing is saved to disk; stopping it removes the folder.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** The redis-server process (tests freeze it with SIGSTOP to play an outage). */
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether a redis-server on `port` of 127.0.0.1 answers PING within half a second (one loading its AOF
 * answers -LOADING: not yet up; one with a password answers -NOAUTH: up all the same).
 */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'rota-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    let exited = false;
    let missing = false;
    child.once('exit', () => {
      exited = true;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      exited = true;
      missing = error.code === 'ENOENT';
    });
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) {
      if (await answersPing(port)) {
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          pid: child.pid ?? 0,
          async stop() {
            if (!exited) {
              const done = new Promise((resolve) => child.once('exit', resolve));
              child.kill('SIGTERM');
              await done;
            }
            await rm(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    if (missing) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(
    'could not start redis-server: is it installed? On Debian or Ubuntu: sudo apt-get install redis-server; ' +
      'on macOS: brew install redis',
  );
}
