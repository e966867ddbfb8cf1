/** Every call ends in exactly one outcome (SPEC section 4). `skipped` is decided before any call. */
export type Outcome = 'done' | 'already' | 'skipped' | 'conflict' | 'transient' | 'rejected';

/** The outcomes an API answer (or its absence) can give. */
export type CallOutcome = Exclude<Outcome, 'skipped'>;

export type Action = 'login' | 'logout';

export interface CallRequest {
  action: Action;
  agentId: string;
  /** The agent's own CloudAgent password (Basic auth); never logged, never stored. */
  password: string;
  /** Required for login, optional for logout. */
  phone?: string;
  /** Cancels the call (shutdown); the client's own timeout applies as well. */
  signal?: AbortSignal;
}

export interface CallResult {
  outcome: CallOutcome;
  /** The API's message verbatim, or a description of what went wrong (secrets redacted). */
  message: string;
  /** HTTP status, when an answer came. */
  httpStatus?: number;
  /** From a `Retry-After` header (429/503), in ms. */
  retryAfterMs?: number;
  /** Time from sending the request to the end of the answer (or the failure), ms. */
  latencyMs: number;
  /** `account`: the answer concerns the whole account (a wrong API key), not this agent. */
  scope?: 'account';
}

export interface CloudAgentClient {
  call(request: CallRequest): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CloudAgentClientOptions {
  baseUrl: string;
  /** CloudAgent account name (`userName` form field). */
  userName: string;
  /** CloudAgent account API key (`apiKey` form field). */
  apiKey: string;
  /** Per-call timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Keep-alive connections kept open (default: enough for ROTA_CONCURRENCY). */
  maxSockets?: number;
}
