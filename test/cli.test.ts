import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { captureIo as capture } from './helpers/io.js';

describe('rota command line', () => {
  it('prints usage and exits 2 without a command', async () => {
    const c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.out()).toContain('usage: rota <command>');
  });

  it('rejects an unknown command with exit 2', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toContain('unknown command "frobnicate"');
  });
});
