import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAgentClient } from '../../src/cloudagent/client.js';
import { type Simulator, startSimulator } from '../../src/cloudagent/simulator.js';
import type { CallRequest, CallResult, CloudAgentClient } from '../../src/cloudagent/types.js';
import { createLogger } from '../../src/log.js';
import { ROTA_VERSION } from '../../src/version.js';

const ACCOUNT = { userName: 'acme', apiKey: 'key-Sup3rSecret&Key+1' };
const PASSWORDS: Record<string, string> = {
  '1001': 'pw-1001-Hidden!',
  '1002': 'pw-1002-Hidden!',
  '1003': 'pw-1003-Hidden!',
};
const PHONE = '+919800000001';
const TIMEOUT_MS = 300;

/** Every secret in every form it could leak in. */
const SECRETS = [ACCOUNT.apiKey, encodeURIComponent(ACCOUNT.apiKey), ...Object.values(PASSWORDS)].flatMap(
  (s) => [s, encodeURIComponent(s)],
);
const seen: unknown[] = [];

let sim: Simulator;
let client: CloudAgentClient;

const call = async (request: Omit<CallRequest, 'password'> & { password?: string }): Promise<CallResult> => {
  const result = await client.call({
    password: PASSWORDS[request.agentId] ?? 'no-password',
    ...request,
  });
  seen.push(result);
  return result;
};

beforeAll(async () => {
  sim = await startSimulator({ account: ACCOUNT, agents: PASSWORDS });
  client = createCloudAgentClient({ baseUrl: sim.url, ...ACCOUNT, timeoutMs: TIMEOUT_MS });
});
afterEach(() => sim.reset());
afterAll(async () => {
  await client.close();
  await sim.close();
  // Whatever happened above, no result carried a secret.
  const text = JSON.stringify(seen);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
});

describe('CloudAgent client against the simulator', () => {
  it('logs an agent in and out', async () => {
    const login = await call({ action: 'login', agentId: '1001', phone: PHONE });
    expect(login).toMatchObject({
      outcome: 'done',
      message: 'Agent 1001 logged in successfully',
      httpStatus: 200,
    });
    expect(login.latencyMs).toBeGreaterThanOrEqual(0);
    expect(sim.state()).toEqual({ '1001': PHONE });

    const logout = await call({ action: 'logout', agentId: '1001' });
    expect(logout).toMatchObject({ outcome: 'done', message: 'Agent 1001 logged out successfully' });
    expect(sim.state()).toEqual({});
    expect(sim.calls().map((c) => [c.agent, c.action, c.phone])).toEqual([
      ['1001', 'login', PHONE],
      ['1001', 'logout', null],
    ]);
  });

  it('sends the phone on logout when given', async () => {
    sim.setState({ '1001': PHONE });
    expect(await call({ action: 'logout', agentId: '1001', phone: PHONE })).toMatchObject({
      outcome: 'done',
    });
    expect(sim.calls()[0]?.phone).toBe(PHONE);
  });

  it('treats "already logged in" and "not logged in" as the idempotent successes they are', async () => {
    sim.setState({ '1001': PHONE });
    expect(await call({ action: 'login', agentId: '1001', phone: PHONE })).toMatchObject({
      outcome: 'already',
      message: 'Agent has already logged in',
    });
    expect(await call({ action: 'logout', agentId: '1002' })).toMatchObject({
      outcome: 'already',
      message: 'Agent 1002 is not logged in',
    });
  });

  it('rejects a wrong account name or API key', async () => {
    const wrong = createCloudAgentClient({ baseUrl: sim.url, userName: 'acme', apiKey: 'not-the-key' });
    try {
      const result = await wrong.call({
        action: 'login',
        agentId: '1001',
        password: PASSWORDS['1001'] ?? '',
        phone: PHONE,
      });
      expect(result).toMatchObject({ outcome: 'rejected', message: 'Invalid userName or apiKey' });
    } finally {
      await wrong.close();
    }
  });

  it("rejects a wrong agent password or an unknown agent, and leaves the agent's state alone", async () => {
    expect(await call({ action: 'login', agentId: '1001', password: 'wrong', phone: PHONE })).toMatchObject({
      outcome: 'rejected',
      message: 'Invalid Authentication',
    });
    expect(await call({ action: 'login', agentId: '9999', phone: PHONE })).toMatchObject({
      outcome: 'rejected',
      message: 'Invalid Authentication',
    });
    expect(sim.state()).toEqual({});
  });

  it('reports a phone held by another agent as a conflict that clears when their logout lands', async () => {
    sim.setState({ '1002': PHONE });
    expect(await call({ action: 'login', agentId: '1001', phone: PHONE })).toMatchObject({
      outcome: 'conflict',
      message: `1002 logged in with the number (${PHONE})`,
    });
    expect(await call({ action: 'logout', agentId: '1002' })).toMatchObject({ outcome: 'done' });
    expect(await call({ action: 'login', agentId: '1001', phone: PHONE })).toMatchObject({ outcome: 'done' });
    expect(sim.state()).toEqual({ '1001': PHONE });
  });

  it('rejects a login without a phone (the simulator guesses the text)', async () => {
    expect(await call({ action: 'login', agentId: '1001' })).toMatchObject({
      outcome: 'rejected',
      message: 'phoneNumber is required',
    });
  });
});

describe('CloudAgent client under injected faults', () => {
  it('ends a 5xx answer as transient', async () => {
    sim.setFaults({ global: { serverErrorRate: 1, serverErrorStatus: 502 } });
    const result = await call({ action: 'login', agentId: '1001', phone: PHONE });
    expect(result).toMatchObject({ outcome: 'transient', httpStatus: 502 });
    expect(result.message).toMatch(/^HTTP 502 with an answer that is not CloudAgent's JSON/);
    expect(sim.state()).toEqual({});
  });

  it('ends a hang as transient within the timeout', async () => {
    sim.setFaults({ global: { hangRate: 1 } });
    const result = await call({ action: 'login', agentId: '1001', phone: PHONE });
    expect(result).toMatchObject({
      outcome: 'transient',
      message: `no answer within ${TIMEOUT_MS} ms (timeout)`,
    });
    expect(result.httpStatus).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(result.latencyMs).toBeLessThan(TIMEOUT_MS + 500);
  });

  it('times out an answer slower than the timeout, and not one faster', async () => {
    sim.setFaults({ global: { latencyMs: TIMEOUT_MS + 200 } });
    expect(await call({ action: 'login', agentId: '1001', phone: PHONE })).toMatchObject({
      outcome: 'transient',
    });
    sim.setFaults({ global: { latencyMs: { min: 20, max: 60 } } });
    const fast = await call({ action: 'logout', agentId: '1002' });
    expect(fast).toMatchObject({ outcome: 'already' });
    expect(fast.latencyMs).toBeGreaterThanOrEqual(19);
  });

  it('ends a dropped connection as transient', async () => {
    sim.setFaults({ global: { dropRate: 1 } });
    const result = await call({ action: 'login', agentId: '1001', phone: PHONE });
    expect(result.outcome).toBe('transient');
    expect(result.message).toMatch(/^connection closed by the other side/);
  });

  it('ends an HTML page on HTTP 200 as transient', async () => {
    sim.setFaults({ global: { htmlRate: 1 } });
    const result = await call({ action: 'logout', agentId: '1001' });
    expect(result).toMatchObject({ outcome: 'transient', httpStatus: 200 });
    expect(result.message).toContain('Scheduled maintenance');
  });

  it('honours Retry-After on a 429, in seconds and as an HTTP date', async () => {
    sim.setFaults({ global: { tooManyRequestsRate: 1, retryAfter: '3' } });
    expect(await call({ action: 'login', agentId: '1001', phone: PHONE })).toMatchObject({
      outcome: 'transient',
      httpStatus: 429,
      retryAfterMs: 3000,
    });
    sim.setFaults({
      global: { tooManyRequestsRate: 1, retryAfter: new Date(Date.now() + 60_000).toUTCString() },
    });
    const dated = await call({ action: 'login', agentId: '1001', phone: PHONE });
    expect(dated.retryAfterMs).toBeGreaterThan(55_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('applies per-agent faults to that agent only', async () => {
    sim.setFaults({ agents: { '1002': { serverErrorRate: 1 } } });
    expect((await call({ action: 'login', agentId: '1002', phone: '+1' })).outcome).toBe('transient');
    expect((await call({ action: 'login', agentId: '1001', phone: PHONE })).outcome).toBe('done');
  });

  it('ends a call cancelled by the caller as transient, at once', async () => {
    sim.setFaults({ global: { hangRate: 1 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const result = await call({ action: 'login', agentId: '1001', phone: PHONE, signal: controller.signal });
    expect(result.outcome).toBe('transient');
    expect(result.message).toMatch(/^cancelled before an answer came/);
    expect(result.latencyMs).toBeLessThan(TIMEOUT_MS);
    const already = await call({
      action: 'login',
      agentId: '1001',
      phone: PHONE,
      signal: AbortSignal.abort(),
    });
    expect(already.message).toMatch(/^cancelled/);
  });

  it('ends a refused connection as transient', async () => {
    const closed = await startSimulator({ account: ACCOUNT, agents: PASSWORDS });
    await closed.close();
    const refused = createCloudAgentClient({ baseUrl: closed.url, ...ACCOUNT, timeoutMs: TIMEOUT_MS });
    try {
      const result = await refused.call({
        action: 'login',
        agentId: '1001',
        password: 'x-password',
        phone: PHONE,
      });
      seen.push(result);
      expect(result.outcome).toBe('transient');
      expect(result.message).toMatch(/^connection refused \(.*ECONNREFUSED/);
    } finally {
      await refused.close();
    }
  });

  it('rejects a 404 from a wrong base URL, saying to check CLOUDAGENT_BASE_URL', async () => {
    const wrong = createCloudAgentClient({ baseUrl: `${sim.url}/wrong/prefix`, ...ACCOUNT });
    try {
      const result = await wrong.call({
        action: 'login',
        agentId: '1001',
        password: 'x-password',
        phone: PHONE,
      });
      seen.push(result);
      expect(result).toMatchObject({ outcome: 'rejected', httpStatus: 404 });
      expect(result.message).toContain('check CLOUDAGENT_BASE_URL');
    } finally {
      await wrong.close();
    }
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  method?: string;
  path?: string;
  body: string;
}

const apiError = (message: string) => JSON.stringify({ status: 'error', message });

/** An error that echoes everything the call sent: the worst case for secrets. */
const echoAll = ({ headers, body }: Received) =>
  apiError(`echo ${headers.authorization} ${body} ${decodeURIComponent(body)}`);

/** A local endpoint answering every call with `answer(request)` on HTTP 200; it records what it got. */
async function startAnsweringServer() {
  const received: Received[] = [];
  const state = { connections: 0, answer: echoAll };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = { headers: req.headers, method: req.method, path: req.url, body };
      received.push(request);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(state.answer(request));
    });
  });
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    state,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('CloudAgent client on the wire', () => {
  let server: Awaited<ReturnType<typeof startAnsweringServer>>;
  let url: string;
  let received: Received[];

  beforeAll(async () => {
    server = await startAnsweringServer();
    ({ url, received } = server);
  });
  afterAll(() => server.close());

  it('sends the documented request, and keeps the connection open between calls', async () => {
    const wire = createCloudAgentClient({ baseUrl: url, ...ACCOUNT });
    try {
      const password = PASSWORDS['1001'] ?? '';
      const results = [];
      for (const action of ['login', 'logout', 'login'] as const) {
        results.push(await wire.call({ action, agentId: '1001', password, phone: PHONE }));
      }
      seen.push(...results);
      const first = received[0];
      expect(first?.method).toBe('POST');
      expect(first?.path).toBe('/CAServices/AgentAuthenticationV2/index.php');
      expect(first?.headers).toMatchObject({
        authorization: `Basic ${Buffer.from(`1001:${password}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': `rota/${ROTA_VERSION} (+contact-centre shift scheduler)`,
      });
      expect(first?.body).toBe(
        `userName=acme&apiKey=${encodeURIComponent(ACCOUNT.apiKey)}&phoneNumber=%2B919800000001&action=login`,
      );
      expect([...new URLSearchParams(received[1]?.body).entries()]).toEqual([
        ['userName', 'acme'],
        ['apiKey', ACCOUNT.apiKey],
        ['phoneNumber', PHONE],
        ['action', 'logout'],
      ]);
      expect(server.state.connections).toBe(1);

      // The echoed secrets are redacted; the rest of the message stays.
      for (const result of results) {
        expect(result.outcome).toBe('rejected');
        expect(result.message).toMatch(/^echo Basic \[redacted\] \[redacted\]/);
        for (const secret of SECRETS) expect(result.message).not.toContain(secret);
      }
    } finally {
      await wire.close();
    }
  });

  it('leaves phoneNumber out when no phone is given', async () => {
    const wire = createCloudAgentClient({ baseUrl: url, ...ACCOUNT });
    try {
      seen.push(await wire.call({ action: 'logout', agentId: '1002', password: PASSWORDS['1002'] ?? '' }));
      expect(new URLSearchParams(received.at(-1)?.body).has('phoneNumber')).toBe(false);
    } finally {
      await wire.close();
    }
  });
});

describe('CloudAgent client redacts what an answer echoes', () => {
  let server: Awaited<ReturnType<typeof startAnsweringServer>>;

  beforeAll(async () => {
    server = await startAnsweringServer();
  });
  afterAll(() => server.close());

  /** The message of one login by agent 1001 with `password`, answered by `answer`. */
  const messageOf = async (
    answer: (request: Received) => string,
    password: string,
    account = ACCOUNT,
  ): Promise<string> => {
    server.state.answer = answer;
    const client = createCloudAgentClient({ baseUrl: server.url, ...account });
    try {
      return (await client.call({ action: 'login', agentId: '1001', password, phone: PHONE })).message;
    } finally {
      await client.close();
    }
  };
  const basicToken = (password: string) => Buffer.from(`1001:${password}`).toString('base64');

  it('keeps a message readable when a short password is also a letter in it', async () => {
    const words = 'Basic realm="CloudAgent": a banana, a papaya and an aubergine';
    const message = await messageOf(
      ({ headers }) => apiError(`${words} (got ${headers.authorization})`),
      'a',
    );
    expect(message).toBe(`${words} (got Basic [redacted])`);
  });

  it('redacts a long password echoed by the API, as sent and inside a JSON excerpt', async () => {
    const password = 'pw-1001-"Hidden"\\';
    expect(await messageOf(() => apiError(`wrong password ${password} for 1001`), password)).toBe(
      'wrong password [redacted] for 1001',
    );
    // Not CloudAgent's JSON: the message quotes an excerpt as a JSON string, escapes and all.
    expect(await messageOf(() => `<p>bad ${password}</p>`, password)).toBe(
      'HTTP 200 with an answer that is not CloudAgent\'s JSON: "<p>bad [redacted]</p>"',
    );
  });

  it('redacts the URL-encoded form, whole and field by field', async () => {
    // Form encoding differs from encodeURIComponent here: a space is +, and ! ( ) are escaped.
    const account = { userName: 'acme', apiKey: 'key with space!(1)' };
    const field = ({ body }: Received) => body.split('&').find((pair) => pair.startsWith('apiKey='));
    const message = await messageOf(
      (request) => apiError(`bad form ${request.body}; bad field ${field(request)}`),
      PASSWORDS['1001'] ?? '',
      account,
    );
    expect(message).toBe('bad form [redacted]; bad field apiKey=[redacted]');
  });

  it('never redacts inside "[redacted]" again, and hides overlapping secrets as one', async () => {
    expect(
      await messageOf(({ headers }) => apiError(`${headers.authorization} and redacted`), 'redacted'),
    ).toBe(`Basic [redacted] and [redacted]`);
    expect(basicToken('redacted')).not.toContain('redacted');
    // The API key's end is the password's start: neither shows through the other's "[redacted]".
    const account = { userName: 'acme', apiKey: 'key-abcdef' };
    expect(await messageOf(() => apiError('got key-abcdef-pw1'), 'abcdef-pw1', account)).toBe(
      'got [redacted]',
    );
  });

  it('keeps short secrets out of log lines by field, at any depth', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => lines.push(line) });
    log.info(
      {
        password: 'p1',
        job: { data: { password: 'p2', token: 't1', headers: { Authorization: 'Basic b1' } } },
        request: { headers: { authorization: 'Basic b2' } },
        config: { CLOUDAGENT_API_KEY: 'k1', ROTA_ADMIN_TOKEN: 't2', REDIS_URL: 'redis://ops:r1@cache:6379' },
        apiKey: 'k2',
      },
      'call',
    );
    const line = JSON.parse(lines.join(''));
    for (const secret of ['p1', 'p2', 't1', 't2', 'b1', 'b2', 'k1', 'k2', 'r1']) {
      expect(lines.join('')).not.toContain(secret);
    }
    expect(line.job.data).toEqual({
      password: '[redacted]',
      token: '[redacted]',
      headers: { Authorization: '[redacted]' },
    });
    expect(line.config.REDIS_URL).toBe('redis://ops:***@cache:6379');
  });
});

describe('createCloudAgentClient refuses an unsafe or broken base URL', () => {
  it.each([
    [
      'http://in1-ccaas-api.ozonetel.com',
      /CLOUDAGENT_BASE_URL: http:\/\/in1-ccaas-api\.ozonetel\.com uses plain http:\/\//,
    ],
    ['http://10.0.0.5:8088', /plain http:\/\/.*only for this machine/],
    ['not a url', /CLOUDAGENT_BASE_URL: "not a url" is not a URL/],
    [`https://acme:${ACCOUNT.apiKey}@bad host`, /CLOUDAGENT_BASE_URL: the value is not a URL/],
    ['ftp://example.com', /CLOUDAGENT_BASE_URL: must start with https:\/\//],
    [
      `https://acme:${ACCOUNT.apiKey}@api.example.com`,
      /CLOUDAGENT_BASE_URL: must not hold a user name or password/,
    ],
  ])('%s', (baseUrl, message) => {
    let thrown: unknown;
    try {
      createCloudAgentClient({ baseUrl, ...ACCOUNT });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(message);
    for (const secret of SECRETS) expect((thrown as Error).message).not.toContain(secret);
  });

  it.each([
    'http://127.0.0.1:8088',
    'http://127.1.2.3',
    'http://localhost:8088/',
    'http://[::1]:8088',
    'https://api.ccaas.ozonetel.com',
  ])('accepts %s', async (baseUrl) => {
    await createCloudAgentClient({ baseUrl, ...ACCOUNT }).close();
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() =>
      createCloudAgentClient({ baseUrl: 'https://api.example.com', ...ACCOUNT, timeoutMs: 0 }),
    ).toThrow(/timeout must be a positive number/);
  });
});
