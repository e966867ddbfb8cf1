import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { captureIo as capture } from './helpers/io.js';

describe('rota command line', () => {
  it('without a command prints usage on stderr (it is an error) and exits 2', async () => {
    const c = capture();
    expect(await main([], c.io)).toBe(2);
    expect(c.err()).toContain('usage: rota <command>');
    expect(c.out()).toBe('');
  });

  it('rota help prints the usage of every command on stdout and exits 0', async () => {
    const c = capture();
    expect(await main(['help'], c.io)).toBe(0);
    expect(c.out()).toContain('requeue JOB_ID... | --failed [--agent ID]');
  });

  it.each(['plan', 'check', 'sync', 'login', 'cancel', 'run'])(
    'rota %s --help prints that command’s usage and exits 0',
    async (verb) => {
      for (const flag of ['--help', '-h']) {
        const c = capture();
        expect(await main([verb, flag], c.io)).toBe(0);
        expect(c.out()).toMatch(new RegExp(`^usage: rota ${verb}\\b`));
        expect(c.err()).toBe('');
      }
    },
  );

  it('rejects an unknown command with exit 2, showing it with control characters escaped', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toContain('unknown command "frobnicate"');
    const d = capture();
    expect(await main(['bad\u001b[31mred'], d.io)).toBe(2);
    expect(d.err()).toContain('unknown command "bad\\u001b[31mred"');
    expect(d.err()).not.toContain('\u001b');
  });
});
