import type { ActionJobData } from '../../src/plan/jobs.js';

/** A roster login of agent "1" due at `at`, its session an hour from then; `over` changes any field. */
export function loginData(at: number, over: Partial<ActionJobData> = {}): ActionJobData {
  return {
    action: 'login',
    agentId: '1',
    at,
    kind: 'roster',
    revision: 'r',
    session: { start: at, end: at + 3_600_000 },
    ...over,
  };
}
