import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { jobId, planJobs, syncWindow } from '../../src/plan/jobs.js';
import type { AgentId } from '../../src/roster/types.js';
import { captureIo } from '../helpers/io.js';
import { addJobs, queuePerTest } from '../helpers/queue.js';

/** `rota cancel --agent` when one of the agent's jobs is running: that one is left to finish. */

const queues = queuePerTest();
const H = 3_600_000;

describe('rota cancel --agent', () => {
  it('cancels the pending jobs, reports the running one as left to finish, and exits 0', async () => {
    const { prefix, queue, hand } = queues.open();
    const now = Date.now();
    // A session in progress (its login due now) and one tomorrow: three jobs of agent 42.
    const session = (start: number, end: number) => ({
      agentId: '42' as AgentId,
      phone: '+919800000042',
      zone: 'Asia/Kolkata',
      start,
      end,
    });
    const jobs = planJobs(
      [session(now - H, now + H), session(now + 24 * H, now + 25 * H)],
      syncWindow(now, 48 * H),
      'r',
    );
    await addJobs(queue, jobs, now);
    const running = await hand.getNextJob('token', { block: false });
    expect(running?.id).toBe(jobId('roster', 'login', '42', now - H));

    const c = captureIo({ REDIS_URL: inject('redisUrl'), ROTA_PREFIX: prefix, LOG_LEVEL: 'silent' });
    expect(await main(['cancel', '--agent', '42'], c.io)).toBe(0);
    expect(c.err()).toBe('');
    expect(c.out()).toContain(`left ${running?.id} to finish: it is running now`);
    expect(c.out().match(/^cancelled /gm)).toHaveLength(3);
    expect(await queue.getJobCounts('delayed', 'waiting', 'prioritized', 'active')).toEqual({
      delayed: 0,
      waiting: 0,
      prioritized: 0,
      active: 1,
    });
  });
});
