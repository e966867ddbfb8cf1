import { type Job, UnrecoverableError } from 'bullmq';
import type { CloudAgentClient, Outcome } from '../src/cloudagent/types.js';
import type { CredentialStore } from '../src/config/credentials.js';
import { RetryLater } from '../src/errors/index.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import { decide } from '../src/plan/decide.js';
import type { ActionJobData } from '../src/plan/jobs.js';
import { nextStep } from '../src/plan/retry.js';
import type { HistoryEntry, Store } from '../src/queue/store.js';

/**
 * What a worker does for one login or logout: still wanted by the current plan? Then call CloudAgent,
 * record the attempt, and map the outcome to BullMQ — complete, retry later (RetryLater carries the
 * backoff), or fail for good (UnrecoverableError).
 */

export interface ActionResult {
  outcome: Outcome;
  message: string;
}

export interface AgentActionDeps {
  client: CloudAgentClient;
  credentials: CredentialStore;
  store: Store;
  log: Logger;
  metrics?: Metrics;
  /** Waits (bounded) until the job with this ID has finished: a handover logout before its login. */
  waitFor(jobId: string): Promise<void>;
  now?: () => number;
  random?: () => number;
}

export function createAgentActionProcessor(deps: AgentActionDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;

  return async function processAgentAction(job: Job<ActionJobData>): Promise<ActionResult> {
    const data = job.data;
    const id = job.id ?? '';
    const attempt = job.attemptsMade + 1;
    if (data.after) await deps.waitFor(data.after);
    const startedAt = now();
    const base = {
      jobId: id,
      agentId: data.agentId,
      action: data.action,
      kind: data.kind,
      at: data.at,
      startedAt,
      lateMs: startedAt - data.at,
      attempt,
    };
    const finish = async (entry: Omit<HistoryEntry, keyof typeof base>) => {
      const full: HistoryEntry = { ...base, ...entry };
      await deps.store.record(full);
      deps.metrics?.recordAttempt(full);
      const { jobId, ...rest } = full;
      deps.log.info({ ...rest, job: jobId }, `${data.action} ${data.agentId}: ${entry.outcome}`);
    };

    const sessions = data.kind === 'manual' ? [] : await deps.store.agentSessions(data.agentId);
    const decision = decide(data, sessions, startedAt, job.attemptsMade);
    if (!decision.call) {
      await finish({ outcome: 'skipped', message: decision.reason });
      return { outcome: 'skipped', message: decision.reason };
    }

    const password = await deps.credentials.password(data.agentId);
    if (password === undefined) {
      const message =
        deps.credentials.problem() ??
        `no password for agent ${data.agentId} in the credentials file; add it and run rota requeue`;
      await finish({ outcome: 'rejected', message });
      throw new UnrecoverableError(message);
    }

    const result = await deps.client.call({
      action: data.action,
      agentId: data.agentId,
      password,
      ...(data.phone ? { phone: data.phone } : {}),
    });
    await finish({
      outcome: result.outcome,
      message: result.message,
      latencyMs: result.latencyMs,
      ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    });
    const { conflictSince } = data;
    const step = nextStep(result.outcome, result.message, {
      now: now(),
      deadline: decision.deadline,
      attemptsMade: attempt,
      ...(conflictSince !== undefined ? { conflictSince } : {}),
      ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
      random,
    });
    switch (step.kind) {
      case 'complete':
        await deps.store.setAgentState(data.agentId, {
          loggedIn: data.action === 'login',
          since: now(),
          source: data.kind,
          ...(data.phone ? { phone: data.phone } : {}),
        });
        return { outcome: result.outcome, message: result.message };
      case 'retry':
        if (result.outcome === 'conflict' && conflictSince === undefined) {
          await job.updateData({ ...data, conflictSince: startedAt });
        }
        throw new RetryLater(`${result.outcome}: ${result.message}`, step.delayMs);
      case 'fail':
        throw new UnrecoverableError(step.reason);
    }
  };
}
