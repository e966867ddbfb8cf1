import { describe, expect, it } from 'vitest';

/**
 * The console's model (web/model.js) is plain browser JavaScript without a DOM: what each mark is and
 * how the rows are grouped, tested here in Node without a browser.
 */

interface Mark {
  key: string;
  agentId: string;
  kind: string;
  atMs: number;
}
interface Agent {
  id: string;
  team: string;
  phones: string[];
  marks: Mark[];
}
interface Model {
  agents: Map<string, Agent>;
  marks: Map<string, Mark>;
  failures: { job: { id: string }; at: number; message: string }[];
  dueNextHour: number;
}
type Row = { heading: true; key: string; count: number } | { heading: false; key: string };
interface ModelModule {
  buildModel(input: Record<string, unknown>): Model;
  buildRows(agents: Map<string, Agent>, filter: string): { rows: Row[]; count: number };
}

// A path, not a specifier TypeScript resolves: the module has no types.
const { buildModel, buildRows } = (await import(
  new URL('../../web/model.js', import.meta.url).href
)) as ModelModule;

const NOW = Date.parse('2026-12-01T04:30:00Z');
const M = 60_000;

const attempt = (jobId: string, attempt: number, outcome: string, startedAt: number) => ({
  jobId,
  attempt,
  outcome,
  startedAt,
  agentId: jobId.split('-')[1],
  action: jobId.split('-')[0],
  at: NOW - 60 * M,
});
const session = (agentId: string, phone: string, team?: string) => ({
  agentId,
  phone,
  ...(team ? { team } : {}),
  startMs: NOW - 60 * M,
  endMs: NOW + 60 * M,
});
const action = (id: string, runAtMs: number) => ({
  id,
  agentId: id.split('-')[1],
  action: id.split('-')[0],
  atMs: runAtMs,
  runAtMs,
});

describe('buildModel', () => {
  const model = buildModel({
    plan: {
      sessions: [session('1', '+911', 'b'), session('2', '+912', 'a'), session('3', '+913')],
      actions: [
        action('logout-1-x', NOW + 30 * M),
        action('logout-2-x', NOW + 2 * 60 * M),
        action('logout-3-x', NOW + 10 * M),
        action('login-1-x', NOW - 60 * M),
      ],
    },
    attempts: [
      attempt('login-1-x', 2, 'done', NOW - 59 * M),
      attempt('login-1-x', 1, 'transient', NOW - 60 * M),
      attempt('login-2-x', 1, 'done', NOW - 60 * M),
      attempt('login-3-x', 1, 'already', NOW - 60 * M),
      attempt('login-4-x', 1, 'skipped', NOW - 60 * M),
      attempt('login-5-x', 1, 'rejected', NOW - 60 * M),
      attempt('login-6-x', 1, 'transient', NOW - 60 * M),
      attempt('login-7-x', 1, 'conflict', NOW - 60 * M),
    ],
    admin: [{ verb: 'cancel', jobId: 'logout-3-x', at: NOW - M, source: 'cli' }],
    failed: [
      { id: 'login-7-x', agentId: '7', action: 'login', scheduledMs: NOW - 60 * M, result: 'conflict' },
      { id: 'login-8-x', agentId: '8', action: 'login', scheduledMs: NOW - 90 * M, result: 'gone' },
    ],
    status: { failures: [{ id: 'login-8-x', failedAtMs: NOW - 5 * M }] },
    now: NOW,
  });

  it('makes a mark of each job: its last attempt, whether it failed for good, or the plan', () => {
    const kinds = Object.fromEntries([...model.marks.values()].map((mark) => [mark.key, mark.kind]));
    expect(kinds).toEqual({
      'login-1-x': 'retried',
      'login-2-x': 'done',
      'login-3-x': 'already',
      'login-4-x': 'skipped',
      'login-5-x': 'failed',
      'login-6-x': 'retrying',
      'login-7-x': 'failed',
      'login-8-x': 'failed',
      'logout-1-x': 'pending',
      'logout-2-x': 'pending',
      'logout-3-x': 'cancelled',
    });
    expect(model.agents.get('1')?.marks.map((mark) => mark.key)).toEqual(['login-1-x', 'logout-1-x']);
  });

  it('counts the pending jobs due within the hour, and lists failures newest first', () => {
    expect(model.dueNextHour).toBe(1);
    expect(model.failures.map(({ job, at, message }) => [job.id, at, message])).toEqual([
      ['login-8-x', NOW - 5 * M, 'gone'],
      ['login-7-x', NOW - 60 * M, 'conflict'],
    ]);
  });
});

describe('buildRows', () => {
  const { agents } = buildModel({
    plan: { sessions: [session('10', '+9110', 'b'), session('9', '+919', 'a'), session('2', '+912')] },
    attempts: [],
    admin: [],
    failed: [],
    now: NOW,
  });

  it('heads each team, by name, the agents without a team last, each team by agent ID', () => {
    expect(buildRows(agents, '').rows.map((row) => row.key)).toEqual([
      'team:a',
      'agent:9',
      'team:b',
      'agent:10',
      'team:',
      'agent:2',
    ]);
  });

  it('keeps the agents whose ID, team or phone holds the filter; a roster without teams has no heading', () => {
    expect(buildRows(agents, ' +9110 ')).toMatchObject({
      count: 1,
      rows: [{ key: 'team:b' }, { key: 'agent:10' }],
    });
    const { agents: solo } = buildModel({
      plan: { sessions: [session('2', '+912'), session('1', '+911')] },
      attempts: [],
      admin: [],
      failed: [],
      now: NOW,
    });
    expect(buildRows(solo, '').rows.map((row) => row.key)).toEqual(['agent:1', 'agent:2']);
  });
});
