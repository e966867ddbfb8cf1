import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './io.js';

/**
 * Verbs run in-process in a temp folder of their own, with the clock fixed at `now` for each test:
 * `write` puts a file there (returning the name verbs are given), `rota` runs a verb and returns what it
 * printed. Registers the suite's hooks; call it once at the top of a test file.
 */
export function verbsInTempDir(prefix: string, now: string) {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(now));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function write(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    return name;
  }

  async function rota(args: string[], env: NodeJS.ProcessEnv = {}) {
    const c = captureIo(env, dir);
    const code = await main(args, c.io);
    return { code, out: c.out(), err: c.err() };
  }

  return { write, rota };
}
