import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';
import { queuePerTest } from '../helpers/queue.js';

/** Text that came from outside (the API's message) reaches the terminal with control characters escaped. */

const queues = queuePerTest();

describe('rota history', () => {
  it('shows an API message with escape sequences escaped, and --json keeps it as it came', async () => {
    const { prefix, store } = queues.open();
    const now = Date.now();
    const message = 'Agent \u001b[2J\u001b[31m1001\u202e is not logged in\u0007';
    await store.record({
      jobId: 'logout-1001-20261201T033000Z',
      agentId: '1001',
      action: 'logout',
      kind: 'roster',
      at: now - 1000,
      startedAt: now - 990,
      lateMs: 10,
      latencyMs: 4,
      outcome: 'already',
      message,
      attempt: 1,
    });
    const env = { REDIS_URL: inject('redisUrl'), ROTA_PREFIX: prefix, LOG_LEVEL: 'silent' };
    const human = captureIo(env);
    expect(await main(['history'], human.io)).toBe(0);
    expect(human.out()).toContain('Agent \\u001b[2J\\u001b[31m1001\\u202e is not logged in\\u0007');
    for (const raw of ['\u001b', '\u0007', '\u202e']) expect(human.out()).not.toContain(raw);
    const json = captureIo(env);
    expect(await main(['history', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out()).attempts[0].message).toBe(message);
  });
});
