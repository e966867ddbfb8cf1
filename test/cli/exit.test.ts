import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/rota.js';

/**
 * The built `rota` ends once its verb has finished, even when something left a handle open (a Redis
 * Cluster client can, after a failover): it says what held it and exits with the verb's code.
 */

const run = promisify(execFile);
const ROTA = join(ROOT, 'bin/rota.js');

describe('the rota process', () => {
  it('exits with the verb’s code when nothing is left open', async () => {
    const started = Date.now();
    const { stdout, stderr } = await run(process.execPath, [ROTA, '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('exits soon after its verb has finished even when a handle stays open, naming it', async () => {
    // A timer left running by "a library", before rota's own code starts.
    const leak = 'data:text/javascript,setInterval(() => {}, 1000)';
    const started = Date.now();
    const { stdout, stderr } = await run(process.execPath, ['--import', leak, ROTA, '--version'], {
      timeout: 30_000,
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stderr).toMatch(/^rota: stopped, but .*\bTimeout\b.* kept the process open; exiting\n$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
  });
});
