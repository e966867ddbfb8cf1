import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bench/chromium.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/redis/server.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { type Service, startService } from '../../src/service.js';
import { nextEvent } from '../helpers/events.js';
import { type Bench, inProcess, oneOff, openBench, ROOT, secondsFromNow } from '../helpers/rota.js';

/**
 * The console in a real browser (Debian's chromium, driven by playwright-core) against a real rota:
 * scheduler, worker and web server in this process, the CloudAgent simulator over HTTP. One login works
 * (done), one finds the agent logged in already (already), one has a wrong password in rota's credentials
 * (failed), and one is due later (pending). The page shows each, lists the failure, and — once the
 * password is fixed — requeues it from the failures panel until its mark turns to done.
 */

const TOKEN = 'console-test-token-0123456789';
const ZONE = 'Asia/Kolkata';
const PHONES = {
  '2001': '+919800002001',
  '2002': '+919800002002',
  '2003': '+919800002003',
  '2004': '+919800002004',
};
/** Bounded waits on the page: generous for a loaded 2-core machine, far below the test's limit. */
const SHOWN_MS = 10_000;

function roster(now: number): string {
  const started = secondsFromNow(-60, now);
  const line = (id: keyof typeof PHONES, team: string | undefined, start: number, end: number) =>
    `  - { id: "${id}", phone: "${PHONES[id]}",${team ? ` team: ${team},` : ''} shifts: [${oneOff(start, end, ZONE)}] }`;
  return [
    'version: 1',
    `timezone: ${ZONE}`,
    'teams:',
    '  support: { shifts: [] }',
    '  sales: { shifts: [] }',
    'agents:',
    line('2001', 'support', started, secondsFromNow(3 * 3600, now)),
    line('2002', 'support', started, secondsFromNow(2 * 3600, now)),
    line('2003', 'sales', started, secondsFromNow(4 * 3600, now)),
    // Later in the day: its login is pending (and due within the hour).
    line('2004', undefined, secondsFromNow(50 * 60, now), secondsFromNow(5 * 3600, now)),
    '',
  ].join('\n');
}

const credentialsYaml = (passwords: Record<string, string>) =>
  `agents:\n${Object.entries(passwords)
    .map(([id, pw]) => `  "${id}": "${pw}"\n`)
    .join('')}`;

const PASSWORDS = { '2001': 'pw-2001', '2002': 'pw-2002', '2003': 'pw-2003', '2004': 'pw-2004' };

let bench: Bench;
let runtime: Runtime;
let service: Service;
let browser: Browser;
let url: string;
const attempts: Record<string, { outcome: string; message: string }> = {};

beforeAll(async () => {
  const launching = launchChromium();
  bench = await openBench({
    agents: PASSWORDS,
    credentials: { ...PASSWORDS, '2003': 'not-the-password' },
    loggedIn: { '2002': PHONES['2002'] },
    env: { ROTA_ADMIN_TOKEN: TOKEN, ROTA_HTTP_PORT: String(await freePort()), ROTA_HTTP_HOST: '127.0.0.1' },
  });
  await bench.writeRoster(roster(Date.now()));
  runtime = await openRuntime(inProcess(bench.env), bench.dir, { log: createLogger('silent') });
  const login = (id: string) =>
    nextEvent(runtime.events, 'attempt:recorded', (e) => e.agentId === id && e.action === 'login');
  const recorded = Promise.all(['2001', '2002', '2003'].map(login));
  service = await startService(runtime, { worker: true, scheduler: true });
  url = service.http?.url ?? '';
  for (const [entry] of await recorded) attempts[entry.agentId] = entry;
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await runtime?.close();
  await bench?.close();
});

/** A mark by its accessible name: `<agent> <action> <outcome>, <time>`. */
const mark = (page: Page, agent: string, action: string, outcome: string) =>
  page.getByRole('button', { name: new RegExp(`^${agent} ${action} ${outcome},`) });

describe('the console', () => {
  it('shows done, already, failed and pending marks, and a requeue from the page turns the failure to done', async () => {
    expect(attempts).toMatchObject({
      '2001': { outcome: 'done' },
      '2002': { outcome: 'already' },
      '2003': { outcome: 'rejected' },
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(url);

      // Every mark carries its outcome in its name and its letter, not only in its colour.
      const marks = [
        [mark(page, '2001', 'login', 'done'), '✓'],
        [mark(page, '2002', 'login', 'already'), '='],
        [mark(page, '2003', 'login', 'failed'), '✕'],
        [mark(page, '2004', 'login', 'pending'), ''],
      ] as const;
      for (const [locator, letter] of marks) {
        await locator.waitFor({ state: 'visible', timeout: SHOWN_MS });
        expect(await locator.textContent()).toBe(letter);
      }
      await mark(page, '2001', 'logout', 'pending').waitFor({ timeout: SHOWN_MS });

      // The header: the roster zone, the counts, running.
      expect(await page.locator('header').textContent()).toContain(`Times in ${ZONE}`);
      expect(await page.locator('#state').textContent()).toContain('Running');
      expect(await page.locator('#count-failed').textContent()).toBe('1');
      expect(await page.locator('#count-due').textContent()).toBe('1');
      // Grouped by team, agents without one last.
      const rows = await page.locator('.tl-row').evaluateAll((els) => els.map((el) => el.textContent));
      expect(rows.map((text) => text?.slice(0, 12))).toEqual([
        expect.stringContaining('Team sales'),
        expect.stringContaining('2003'),
        expect.stringContaining('Team support'),
        expect.stringContaining('2001'),
        expect.stringContaining('2002'),
        expect.stringContaining('No team'),
        expect.stringContaining('2004'),
      ]);

      // The failure in the failures panel, with its agent, action and reason.
      const failure = page.locator('#failure-list li.failure');
      expect(await failure.count()).toBe(1);
      const failureText = (await failure.textContent()) ?? '';
      expect(failureText).toContain('2003');
      expect(failureText).toContain('login');
      expect(failureText).toContain(attempts['2003']?.message);

      // Focus (keyboard) shows the details: time, lateness, attempts, the API's message.
      await mark(page, '2003', 'login', 'failed').focus();
      const tip = page.locator('#tip');
      await tip.waitFor({ state: 'visible', timeout: SHOWN_MS });
      const details = (await tip.textContent()) ?? '';
      expect(details).toContain('late');
      expect(details).toContain('Attempts: 1');
      expect(details).toContain(attempts['2003']?.message);

      // The filter keeps matching rows: by team.
      await page.getByLabel('Filter').fill('sales');
      await page.locator('#shown', { hasText: '1 of 4 agents' }).waitFor({ timeout: SHOWN_MS });
      await page.getByLabel('Filter').fill('');
      await page.locator('#shown', { hasText: '4 agents' }).waitFor({ timeout: SHOWN_MS });

      // Fix the password; the worker reads the file again at most once a second.
      await writeFile(join(bench.dir, 'credentials.yaml'), credentialsYaml(PASSWORDS));
      const fixedAt = Date.now();
      await page.getByLabel('Admin token').fill(TOKEN);
      const redone = nextEvent(
        runtime.events,
        'attempt:recorded',
        (e) => e.agentId === '2003' && e.outcome === 'done',
        20_000,
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, fixedAt + 1200 - Date.now())));
      await page.getByRole('button', { name: 'Requeue login 2003' }).click();
      await page.locator('#notice', { hasText: 'requeue' }).waitFor({ timeout: SHOWN_MS });
      expect(await page.locator('#notice').textContent()).not.toContain('Error');
      await redone;
      await mark(page, '2003', 'login', 'done').waitFor({ state: 'visible', timeout: 15_000 });
      await page.locator('#failure-list', { hasText: 'No failed jobs' }).waitFor({ timeout: SHOWN_MS });
      expect(await page.locator('#count-failed').textContent()).toBe('0');

      // Screenshots: the details of a mark open at 1280×800, then a phone at 390×844. They go to a temp
      // folder, or to docs/ (the README's pictures) with ROTA_SCREENSHOTS=docs, so a test run leaves
      // the work tree as it was.
      const shots = process.env.ROTA_SCREENSHOTS === 'docs' ? join(ROOT, 'docs') : bench.dir;
      await mkdir(shots, { recursive: true });
      await mark(page, '2001', 'login', 'done').hover();
      await tip.waitFor({ state: 'visible', timeout: SHOWN_MS });
      await page.screenshot({ path: join(shots, 'console-1280.png') });
      const phone = await context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(url);
      await mark(phone, '2003', 'login', 'done').waitFor({ state: 'visible', timeout: SHOWN_MS });
      await phone.screenshot({ path: join(shots, 'console-390.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('refuses an action without the token (401)', async () => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-at-all' }];
    for (const headers of refused) {
      const response = await fetch(`${url}/api/pause`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ reason: 'no token' }),
      });
      expect(response.status).toBe(401);
    }
    const status = (await (await fetch(`${url}/api/status`)).json()) as { paused: unknown };
    expect(status.paused).toBeNull();
  });
});
