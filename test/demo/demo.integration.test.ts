import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/rota.js';

describe('rota demo', () => {
  it('runs the whole system with nothing configured and stops by itself with a summary', async () => {
    // Nothing configured: no REDIS_URL, no roster, no credentials, no API account.
    const child = spawn(process.execPath, [join(ROOT, 'bin/rota.js'), 'demo'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/Summary: \d+ attempts .*every agent ended logged out\./);
    expect(out).toMatch(/1001 +login done → logout done +logged out/);
    expect(out).toMatch(/1004 +login done → logout done +logged out/);
    expect(out).toMatch(/1006 +login rejected → logout rejected/);
    expect(out).toMatch(/1008 +login already → logout done/);
    const handoverLogout = out.indexOf('logout  1002  done');
    const handoverLogin = out.indexOf('login   1003  done');
    expect(handoverLogout).toBeGreaterThan(0);
    expect(handoverLogin).toBeGreaterThan(handoverLogout);
    expect(out).not.toContain('demo-api-key');
    expect(out).not.toContain('demo-password-');
  }, 180_000);
});
