import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort } from '../../src/redis/server.js';
import { captureIo } from '../helpers/io.js';

describe('starting without what a verb needs', () => {
  it('a worker without the API account stops at once, before waiting for Redis', async () => {
    const c = captureIo({ REDIS_URL: 'redis://127.0.0.1:1' });
    const started = Date.now();
    expect(await main(['worker'], c.io)).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(c.err()).toContain('CLOUDAGENT_USERNAME is required to run workers');
  });

  it('a one-shot verb gives up on an unreachable Redis with a clear message, password masked', async () => {
    const port = await freePort();
    const c = captureIo({ REDIS_URL: `redis://ops:s3cret@127.0.0.1:${port}` });
    expect(await main(['status', '--json'], c.io)).toBe(1);
    expect(c.out()).toBe('');
    expect(c.err()).toContain(`cannot reach Redis at redis://ops:***@127.0.0.1:${port}`);
    expect(c.err()).not.toContain('s3cret');
  }, 20_000);

  it('a bad variable is named with what would be right', async () => {
    const c = captureIo({ ROTA_SYNC_INTERVAL: 'often' });
    expect(await main(['sync'], c.io)).toBe(1);
    expect(c.err()).toContain('ROTA_SYNC_INTERVAL: "often" is not a duration; use e.g. 90s, 15m, 2h or 7d');
  });
});
