import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createCloudAgentClient } from '../../src/cloudagent/client.js';
import { type Simulator, startSimulator } from '../../src/cloudagent/simulator.js';
import { captureIo } from '../helpers/io.js';

const ACCOUNT = { userName: 'acme', apiKey: 'sim-key-Secret42' };
const AGENTS = { '1001': 'pw-1001-Secret', '1002': 'pw-1002-Secret', '1003': 'pw-1003-Secret' };
const ENDPOINT = '/CAServices/AgentAuthenticationV2/index.php';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ account: ACCOUNT, agents: AGENTS, loggedIn: { '1003': '+913' } });
});
afterEach(() => sim.reset());
afterAll(() => sim.close());

/** One call to the endpoint with fetch, as any client would send it. */
async function post(fields: Record<string, string>, auth = '1001:pw-1001-Secret', contentType?: string) {
  const res = await fetch(`${sim.url}${ENDPOINT}`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'Content-Type': contentType ?? 'application/x-www-form-urlencoded',
    },
    body: contentType === undefined ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: res.status, body: (await res.json()) as { status: string; message: string } };
}

const form = (action: string, phone?: string) => ({
  ...ACCOUNT,
  ...(phone === undefined ? {} : { phoneNumber: phone }),
  action,
});

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/_sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('simulated endpoint', () => {
  it('answers every documented case in the documented shape, with HTTP 200', async () => {
    const answers = [
      await post(form('login', '+911')),
      await post(form('login', '+911')),
      await post(form('login', '+911'), '1002:pw-1002-Secret'),
      await post(form('logout')),
      await post(form('logout')),
      await post({ ...form('login', '+911'), apiKey: 'wrong' }),
      await post({ ...form('login', '+911'), userName: 'other' }),
      await post(form('login', '+911'), '1001:wrong'),
      await post(form('login', '+911'), '9999:pw-1001-Secret'),
    ];
    expect(answers).toEqual(
      [
        ['success', 'Agent 1001 logged in successfully'],
        ['error', 'Agent has already logged in'],
        ['error', '1001 logged in with the number (+911)'],
        ['success', 'Agent 1001 logged out successfully'],
        ['error', 'Agent 1001 is not logged in'],
        ['error', 'Invalid userName or apiKey'],
        ['error', 'Invalid userName or apiKey'],
        ['error', 'Invalid Authentication'],
        ['error', 'Invalid Authentication'],
      ].map(([status, message]) => ({ status: 200, body: { status, message } })),
    );
  });

  it('takes action in any case and answers the undocumented cases with its guesses', async () => {
    expect((await post(form('LogIn', '+911'))).body.status).toBe('success');
    expect((await post(form('LOGOUT'))).body.status).toBe('success');
    expect((await post(form('login'))).body).toEqual({ status: 'error', message: 'phoneNumber is required' });
    expect((await post(form('dance'))).body).toEqual({ status: 'error', message: 'Invalid action' });
  });

  it('reads only form bodies and Basic auth, like the real endpoint', async () => {
    expect((await post(form('login', '+911'), undefined, 'application/json')).body.message).toBe(
      'Invalid userName or apiKey',
    );
    const res = await fetch(`${sim.url}${ENDPOINT}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form('login', '+911')).toString(),
    });
    expect(await res.json()).toEqual({ status: 'error', message: 'Invalid Authentication' });
  });

  it('answers 404 off the endpoint path and 405 for other methods', async () => {
    const missing = await fetch(`${sim.url}/index.php`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not Found');
    const get = await fetch(`${sim.url}${ENDPOINT}`);
    expect(get.status).toBe(405);
    await get.text();
  });

  it('draws faults from the seed: the same seed gives the same faults', async () => {
    const run = async () => {
      sim.setFaults({
        seed: 42,
        global: { serverErrorRate: 0.3, htmlRate: 0.3, latencyMs: { min: 3, max: 8 } },
      });
      const statuses: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${sim.url}${ENDPOINT}`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from('1001:pw-1001-Secret').toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(form(i % 2 === 0 ? 'login' : 'logout', '+911')).toString(),
        });
        statuses.push(`${res.status}:${(await res.text()).startsWith('{') ? 'json' : 'html'}`);
      }
      return statuses;
    };
    const first = await run();
    const calls = sim.calls().slice(-20);
    const second = await run();
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200:json', '200:html', '503:html']));
    expect(calls.map((c) => c.fault)).toEqual(
      first.map((s) => (s === '503:html' ? 'serverError' : s === '200:html' ? 'html' : null)),
    );
    // Node timers may fire up to 1 ms early by the performance clock.
    for (const call of calls) expect(call.latencyMs).toBeGreaterThanOrEqual(2);
  });

  it('changes no state on a faulted call', async () => {
    sim.setFaults({ global: { serverErrorRate: 1 } });
    expect((await fetch(`${sim.url}${ENDPOINT}`, { method: 'POST' })).status).toBe(503);
    sim.setFaults({ global: { htmlRate: 1 } });
    const client = createCloudAgentClient({ baseUrl: sim.url, ...ACCOUNT });
    await client.call({ action: 'login', agentId: '1001', password: AGENTS['1001'], phone: '+911' });
    await client.close();
    expect(sim.state()).toEqual({ '1003': '+913' });
  });

  it('closes promptly with a request hanging', async () => {
    const own = await startSimulator({
      account: ACCOUNT,
      agents: AGENTS,
      faults: { global: { hangRate: 1 } },
    });
    const hung = fetch(`${own.url}${ENDPOINT}`, { method: 'POST', body: 'action=login' }).catch(
      (error: unknown) => error,
    );
    await waitFor(() => own.calls().length === 1);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(Error);
  });

  it('refuses bad start options clearly', async () => {
    await expect(
      startSimulator({ account: ACCOUNT, agents: AGENTS, loggedIn: { '2000': '+1' } }),
    ).rejects.toThrow('agent "2000" cannot be logged in: the simulator does not know it');
    await expect(
      startSimulator({
        account: ACCOUNT,
        agents: AGENTS,
        faults: { global: { dropRate: 0.6, hangRate: 0.6 } },
      }),
    ).rejects.toThrow('invalid faults: global: the fault rates add up to more than 1');
    await expect(startSimulator({ account: ACCOUNT, agents: AGENTS, port: sim.port })).rejects.toThrow(
      `port ${sim.port} on 127.0.0.1 is already in use`,
    );
  });
});

describe('simulator admin API', () => {
  it('shows and sets who is logged in', async () => {
    expect(await admin('GET', 'state')).toEqual({ status: 200, body: { loggedIn: { '1003': '+913' } } });
    expect(await admin('POST', 'state', { loggedIn: { '1001': '+911', '1002': '+912' } })).toEqual({
      status: 200,
      body: { loggedIn: { '1001': '+911', '1002': '+912' } },
    });
    expect((await post(form('login', '+912'), '1003:pw-1003-Secret')).body.message).toBe(
      '1002 logged in with the number (+912)',
    );
  });

  it('refuses a state it could not hold, and keeps the old one', async () => {
    expect(await admin('POST', 'state', { loggedIn: { '1001': '+9', '1002': '+9' } })).toEqual({
      status: 400,
      body: { error: 'phone "+9" is given to both 1001 and 1002' },
    });
    expect((await admin('POST', 'state', { loggedIn: { '7': '+9' } })).body.error).toMatch(/agent "7"/);
    expect((await admin('POST', 'state', { who: {} })).body.error).toMatch(/^expected \{"loggedIn"/);
    expect((await admin('POST', 'state', 'not json')).body).toEqual({
      error: 'the request body is not JSON',
    });
    expect(sim.state()).toEqual({ '1003': '+913' });
  });

  it('keeps a call log without passwords or API keys', async () => {
    await post(form('login', '+911'));
    await post(form('logout'), '1002:pw-1002-Secret');
    const { status, body } = await admin('GET', 'calls');
    expect(status).toBe(200);
    expect(body.calls).toMatchObject([
      {
        agent: '1001',
        action: 'login',
        phone: '+911',
        fault: null,
        httpStatus: 200,
        answer: { status: 'success', message: 'Agent 1001 logged in successfully' },
      },
      { agent: '1002', action: 'logout', phone: null, answer: { message: 'Agent 1002 is not logged in' } },
    ]);
    const [first] = body.calls as { at: string; latencyMs: number }[];
    expect(Date.parse(first?.at ?? '')).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(first?.latencyMs).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(body);
    for (const secret of [ACCOUNT.apiKey, ...Object.values(AGENTS)]) expect(text).not.toContain(secret);
  });

  it('sets faults, refusing invalid ones with the reason', async () => {
    const faults = { seed: 7, global: { latencyMs: 5 }, agents: { '1002': { dropRate: 1 } } };
    expect(await admin('PUT', 'faults', faults)).toEqual({ status: 200, body: faults });
    expect(await admin('GET', 'faults')).toEqual({ status: 200, body: faults });
    await expect(post(form('logout'), '1002:pw-1002-Secret')).rejects.toThrow();
    expect(sim.calls().at(-1)).toMatchObject({ agent: '1002', fault: 'drop', httpStatus: null });

    const bad = await admin('PUT', 'faults', { global: { hangRate: 2, sparkle: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid faults: .*global: Unrecognized key: "sparkle"/);
    expect(bad.body.error).toMatch(/global\.hangRate: Too big/);
    expect(sim.faults()).toEqual(faults);
  });

  it('resets state, calls and faults to how it started', async () => {
    await post(form('login', '+911'));
    await admin('PUT', 'faults', { global: { htmlRate: 1 } });
    expect(await admin('POST', 'reset')).toEqual({
      status: 200,
      body: { loggedIn: { '1003': '+913' }, faults: {} },
    });
    expect(sim.calls()).toEqual([]);
    expect((await post(form('login', '+911'))).body.status).toBe('success');
  });

  it('answers 404 for an unknown admin route', async () => {
    const res = await admin('DELETE', 'state');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/^no DELETE \/_sim\/state; try GET \/_sim\/state/);
  });
});

describe('rota simulator', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rota-sim-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs the verb until it prints its listening line; returns its base URL and how to stop it. */
  async function startVerb(args: string[]) {
    const c = captureIo({}, dir);
    const exit = main(['simulator', '--port', '0', ...args], c.io);
    await waitFor(() => c.out() !== '' || c.err() !== '');
    const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(c.out());
    expect(match, c.err()).not.toBeNull();
    return { url: match?.[1] ?? '', exit, c };
  }

  it('serves the agents of --agents FILE until shutdown, then exits 0', async () => {
    await writeFile(
      join(dir, 'sim.yaml'),
      'account: { userName: acme, apiKey: sim-key-Secret42 }\n' +
        'agents: { "1001": pw-1001-Secret, "1002": pw-1002-Secret }\n' +
        'loggedIn: { "1002": "+912" }\n',
    );
    const { url, exit, c } = await startVerb(['--agents', 'sim.yaml']);
    const client = createCloudAgentClient({ baseUrl: url, ...ACCOUNT, timeoutMs: 2000 });
    try {
      expect(
        await client.call({ action: 'login', agentId: '1001', password: 'pw-1001-Secret', phone: '+912' }),
      ).toMatchObject({
        outcome: 'conflict',
      });
      expect(
        await client.call({ action: 'logout', agentId: '1002', password: 'pw-1002-Secret' }),
      ).toMatchObject({
        outcome: 'done',
      });
      expect(await (await fetch(`${url}/_sim/state`)).json()).toEqual({ loggedIn: {} });
    } finally {
      await client.close();
    }
    c.stop();
    expect(await exit).toBe(0);
    expect(c.err()).toBe('');
    await expect(fetch(`${url}/_sim/state`)).rejects.toThrow();
  });

  it('uses config/simulator.example.yaml by default', async () => {
    const { url, exit, c } = await startVerb([]);
    const client = createCloudAgentClient({
      baseUrl: url,
      userName: 'demo',
      apiKey: 'demo-key',
      timeoutMs: 2000,
    });
    try {
      expect(
        await client.call({ action: 'login', agentId: '1001', password: 'password-1001', phone: '+1' }),
      ).toMatchObject({
        outcome: 'done',
      });
    } finally {
      await client.close();
    }
    c.stop();
    expect(await exit).toBe(0);
  });

  it('reports every problem of a bad file with its place, and exits 1', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      'account: { userName: acme }\nagents: { "1001": [1234] }\nextra: 1\n',
    );
    const c = captureIo({}, dir);
    expect(await main(['simulator', '--port', '0', '--agents', 'bad.yaml'], c.io)).toBe(1);
    expect(c.err().split('\n').filter(Boolean).sort()).toEqual([
      'bad.yaml:1:10 account.apiKey: the API key is missing; add it, like apiKey: demo-key',
      'bad.yaml:2:19 agents["1001"]: the agent\'s password must be text; put it in quotes, like "1001": "password-1001"',
      'bad.yaml:3:1 extra: unknown key "extra"; allowed here: account, agents, loggedIn',
    ]);
    expect(c.out()).toBe('');
  });

  it('says when the file is missing', async () => {
    const c = captureIo({}, dir);
    expect(await main(['simulator', '--agents', 'nowhere.yaml'], c.io)).toBe(1);
    expect(c.err()).toBe('nowhere.yaml: cannot read it: there is no such file\n');
  });

  it.each([
    [['--port', 'http'], '--port must be a whole number from 0 to 65535 (0 picks a free port), not "http"'],
    [['--port', '70000'], 'not "70000"'],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], 'extra'],
  ])('exits 2 on wrong usage: %j', async (args, message) => {
    const c = captureIo({}, dir);
    expect(await main(['simulator', ...args], c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });
});

/** Polls `condition` every 10 ms, for at most 5 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('waited 5 s in vain');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
