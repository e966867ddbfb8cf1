import { type Job, UnrecoverableError } from 'bullmq';
import type { CloudAgentClient, Outcome } from '../src/cloudagent/types.js';
import type { CredentialStore } from '../src/config/credentials.js';
import { RetryLater } from '../src/errors/index.js';
import type { Logger } from '../src/log.js';
import { decide } from '../src/plan/decide.js';
import { type ActionJobData, actionDeadline } from '../src/plan/jobs.js';
import { nextStep } from '../src/plan/retry.js';
import type { AgentLoginState, HistoryEntry, Store } from '../src/store/store.js';

/**
 * What a worker does for one login or logout: still wanted by the current plan? Then wait for the
 * phone's handover and for the instant itself, call CloudAgent, record the attempt, and map the outcome
 * to BullMQ — complete, retry later (RetryLater carries the backoff), or fail for good
 * (UnrecoverableError).
 */

export interface ActionResult {
  outcome: Outcome;
  message: string;
}

/** The store operations the processor needs; `src/store` implements them. */
export type ActionStore = Pick<Store, 'agentSessions' | 'record'>;

export interface AgentActionDeps {
  client: CloudAgentClient;
  credentials: CredentialStore;
  store: ActionStore;
  log: Logger;
  /** Waits (bounded) until the job with this ID has finished: a handover logout before its login. */
  waitFor(jobId: string): Promise<void>;
  /** Called after each attempt is recorded (metrics, events). */
  onAttempt?(entry: HistoryEntry): void;
  /** Stops every call (a pause, with its reason): the account itself was refused. */
  pauseAll?(reason: string): Promise<void>;
  now?: () => number;
  /** Waits `ms` milliseconds (jobs are picked up a little early and wait here for their instant). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * With a rate limit, every call is made this long after its job was taken, never sooner: BullMQ's
   * limiter counts jobs taken, so calls keep to the rate only if each follows its take by the same time.
   */
  takenToCallMs?: number;
  random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAgentActionProcessor(deps: AgentActionDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;

  /** Records the attempt, with the agent's state when the attempt reached one, then reports and logs it. */
  async function record(
    job: Job<ActionJobData>,
    startedAt: number,
    entry: Pick<HistoryEntry, 'outcome' | 'message' | 'latencyMs' | 'httpStatus'>,
    state?: AgentLoginState,
  ) {
    const { data } = job;
    const full: HistoryEntry = {
      jobId: job.id ?? '',
      agentId: data.agentId,
      action: data.action,
      kind: data.kind,
      at: data.at,
      startedAt,
      lateMs: startedAt - data.at,
      attempt: job.attemptsMade + 1,
      ...(data.source ? { source: data.source } : {}),
      ...entry,
    };
    await deps.store.record(full, state);
    deps.onAttempt?.(full);
    const { jobId, ...rest } = full;
    deps.log.info({ ...rest, job: jobId }, `${data.action} ${data.agentId}: ${full.outcome}`);
  }

  /** Until the scheduled instant: BullMQ hands jobs over a little early, and wakes up late otherwise. */
  async function untilInstant(at: number): Promise<void> {
    for (let left = at - now(); left > 0; left = at - now()) await sleep(left);
  }

  async function attempt(job: Job<ActionJobData>): Promise<ActionResult> {
    const { data } = job;
    const takenAt = now();
    const sessions = data.kind === 'manual' ? [] : await deps.store.agentSessions(data.agentId);
    const decision = decide(data, sessions, now(), job.attemptsMade);
    if (!decision.call) {
      await record(job, now(), { outcome: 'skipped', message: decision.reason });
      return { outcome: 'skipped', message: decision.reason };
    }
    if (data.after) await deps.waitFor(data.after);

    const password = await deps.credentials.password(data.agentId);
    if (password === undefined) {
      const message =
        deps.credentials.problem() ??
        `no password for agent ${data.agentId} in the credentials file; add it and run rota requeue`;
      await record(job, now(), { outcome: 'rejected', message });
      throw new UnrecoverableError(message);
    }

    await untilInstant(Math.max(data.at, takenAt + (deps.takenToCallMs ?? 0)));
    const startedAt = now();
    const result = await deps.client.call({
      action: data.action,
      agentId: data.agentId,
      password,
      ...(data.phone ? { phone: data.phone } : {}),
    });
    const { conflictSince } = data;
    const step = nextStep(result.outcome, result.message, {
      now: now(),
      deadline: decision.deadline,
      attemptsMade: job.attemptsMade + 1,
      ...(conflictSince !== undefined ? { conflictSince } : {}),
      ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
      ...(result.scope ? { scope: result.scope } : {}),
      random,
    });
    // A completed login or logout is what rota achieved for the agent: written with the attempt.
    const state: AgentLoginState | undefined =
      step.kind === 'complete'
        ? {
            loggedIn: data.action === 'login',
            since: now(),
            source: data.kind,
            ...(data.phone ? { phone: data.phone } : {}),
          }
        : undefined;
    await record(
      job,
      startedAt,
      {
        outcome: result.outcome,
        message: result.message,
        latencyMs: result.latencyMs,
        ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
      },
      state,
    );
    switch (step.kind) {
      case 'complete':
        return { outcome: result.outcome, message: result.message };
      case 'retry':
        if (result.outcome === 'conflict' && conflictSince === undefined) {
          await job.updateData({ ...data, conflictSince: startedAt });
        }
        throw new RetryLater(`${result.outcome}: ${result.message}`, step.delayMs);
      case 'fail':
        throw new UnrecoverableError(step.reason);
      case 'pause':
        // Not this agent's fault: no job fails for it. Every call stops; this one waits for rota resume.
        await deps.pauseAll?.(step.reason);
        throw new RetryLater(`paused: ${step.reason}`, step.delayMs);
    }
  }

  return async function processAgentAction(job: Job<ActionJobData>): Promise<ActionResult> {
    try {
      return await attempt(job);
    } catch (error) {
      if (error instanceof RetryLater || error instanceof UnrecoverableError) throw error;
      // A bug, or Redis failing under us: logged once with its stack, then retried like a transient
      // failure — but never past the action's deadline.
      const cause = error instanceof Error ? error : new Error(String(error), { cause: error });
      deps.log.error({ err: cause, job: job.id }, 'unexpected error while processing a job (a bug?)');
      const step = nextStep('transient', `unexpected error: ${cause.message}`, {
        now: now(),
        deadline: actionDeadline(job.data),
        attemptsMade: job.attemptsMade + 1,
        random,
      });
      if (step.kind === 'retry') throw new RetryLater(`unexpected error: ${cause.message}`, step.delayMs);
      throw new UnrecoverableError(step.kind === 'fail' ? step.reason : cause.message);
    }
  };
}
