// rota console: what the page shows, derived from the API documents (no DOM here).

/**
 * The kinds of mark on the timeline. Each has its own shape (in console.css) and letter, so colour is
 * never the only thing that tells them apart.
 */
export const MARKS = {
  done: { letter: '✓', name: 'done', meaning: 'the login or logout worked' },
  retried: { letter: 'R', name: 'retried', meaning: 'done, after more than one attempt' },
  already: { letter: '=', name: 'already', meaning: 'already so at CloudAgent (success)' },
  skipped: { letter: 'S', name: 'skipped', meaning: 'nothing to do any more' },
  failed: { letter: '✕', name: 'failed', meaning: 'failed for good: needs a person' },
  retrying: { letter: '↻', name: 'retrying', meaning: 'failed for now: rota tries again' },
  pending: { letter: '', name: 'pending', meaning: 'not run yet' },
  cancelled: { letter: '⊘', name: 'cancelled', meaning: 'cancelled by a person' },
};

const NO_TEAM = '';

/** The kind of mark of a job from its last attempt, how many it had, and whether the job failed for good. */
function classify(last, failedForGood) {
  if (failedForGood) return 'failed';
  switch (last.outcome) {
    case 'done':
      return last.attempt > 1 ? 'retried' : 'done';
    case 'already':
      return 'already';
    case 'skipped':
      return 'skipped';
    case 'rejected':
      return 'failed';
    default:
      // transient or conflict, and the job has not failed for good: BullMQ will run it again.
      return 'retrying';
  }
}

/** Attempts arrive in pages (first 48 h, then what is new); one key per attempt drops the overlap. */
export function attemptKey(a) {
  return `${a.jobId}|${a.attempt}|${a.startedAt}|${a.outcome}`;
}

/**
 * Everything the page draws, from the documents as last fetched:
 *   plan      GET /api/plan        sessions and actions
 *   attempts  GET /api/history     attempts (merged), admin entries
 *   failed    GET /api/jobs?state=failed
 *   status    GET /api/status      (failure times)
 */
export function buildModel({ plan, attempts, admin, failed, status, now }) {
  const agents = new Map();
  const agentOf = (id) => {
    let agent = agents.get(id);
    if (!agent) {
      agent = { id, team: NO_TEAM, phones: [], sessions: [], marks: [], search: '' };
      agents.set(id, agent);
    }
    return agent;
  };

  for (const s of plan?.sessions ?? []) {
    const agent = agentOf(s.agentId);
    if (s.team) agent.team = s.team;
    if (!agent.phones.includes(s.phone)) agent.phones.push(s.phone);
    agent.sessions.push(s);
  }

  // History: group by job, oldest first; the last attempt says what became of the job.
  const byJob = new Map();
  for (const a of [...attempts].sort((x, y) => x.startedAt - y.startedAt)) {
    const list = byJob.get(a.jobId);
    if (list) list.push(a);
    else byJob.set(a.jobId, [a]);
  }
  const failedById = new Map(failed.map((job) => [job.id, job]));
  const cancelled = new Map();
  for (const entry of admin) if (entry.verb === 'cancel' && entry.jobId) cancelled.set(entry.jobId, entry);

  const marks = new Map();
  const addMark = (mark) => {
    marks.set(mark.key, mark);
    agentOf(mark.agentId).marks.push(mark);
  };
  for (const [jobId, list] of byJob) {
    const last = list[list.length - 1];
    addMark({
      key: jobId,
      jobId,
      agentId: last.agentId,
      action: last.action,
      atMs: last.at,
      kind: classify(last, failedById.has(jobId)),
      attempts: list,
      last,
      job: failedById.get(jobId),
    });
  }
  // Failed jobs whose attempts are older than the history fetched.
  for (const job of failed) {
    if (marks.has(job.id)) continue;
    addMark({
      key: job.id,
      jobId: job.id,
      agentId: job.agentId,
      action: job.action,
      atMs: job.scheduledMs,
      kind: 'failed',
      attempts: [],
      job,
    });
  }
  // What the plan still has to do.
  for (const action of plan?.actions ?? []) {
    if (marks.has(action.id)) continue;
    addMark({
      key: action.id,
      jobId: action.id,
      agentId: action.agentId,
      action: action.action,
      atMs: action.atMs,
      runAtMs: action.runAtMs,
      kind: cancelled.has(action.id) ? 'cancelled' : 'pending',
      attempts: [],
      planned: action,
      cancelledBy: cancelled.get(action.id),
    });
  }

  for (const agent of agents.values()) {
    agent.marks.sort((a, b) => a.atMs - b.atMs);
    agent.search = [agent.id, agent.team, ...agent.phones].join(' ').toLowerCase();
  }

  // The failures panel: newest first, by when they failed.
  const failedAt = new Map((status?.failures ?? []).map((f) => [f.id, f.failedAtMs]));
  const failures = failed
    .map((job) => {
      const tried = byJob.get(job.id);
      const last = tried?.[tried.length - 1];
      const at =
        failedAt.get(job.id) ??
        (last ? last.startedAt + (last.latencyMs ?? 0) : undefined) ??
        job.scheduledMs;
      return { job, at, message: job.result || last?.message || '' };
    })
    .sort((a, b) => b.at - a.at);

  let dueNextHour = 0;
  for (const mark of marks.values()) {
    if (mark.kind === 'pending' && mark.runAtMs > now && mark.runAtMs <= now + 3_600_000) dueNextHour++;
  }

  return { agents, marks, failures, dueNextHour };
}

/**
 * The rows of the timeline for a filter: a heading per team (sorted by name, agents without a team
 * last), then its agents by ID.
 */
export function buildRows(agents, filter) {
  const needle = filter.trim().toLowerCase();
  const teams = new Map();
  for (const agent of agents.values()) {
    if (needle && !agent.search.includes(needle)) continue;
    const list = teams.get(agent.team);
    if (list) list.push(agent);
    else teams.set(agent.team, [agent]);
  }
  const byId = (a, b) => a.id.localeCompare(b.id, undefined, { numeric: true });
  const names = [...teams.keys()].sort((a, b) => {
    if (a === NO_TEAM || b === NO_TEAM) return a === NO_TEAM ? 1 : -1;
    return a.localeCompare(b);
  });
  const rows = [];
  let count = 0;
  for (const name of names) {
    const list = teams.get(name).sort(byId);
    // A roster without teams needs no heading.
    if (names.length > 1 || name !== NO_TEAM) {
      rows.push({ heading: true, key: `team:${name}`, team: name, count: list.length });
    }
    for (const agent of list) rows.push({ heading: false, key: `agent:${agent.id}`, agent });
    count += list.length;
  }
  return { rows, count };
}
