/**
 * The console with a big roster: N agents (2,000 by default) in six teams and some without one, on
 * daily shifts, synced into a private redis-server, with a day of history (each started shift's login
 * done, a few failed). Loads the page in chromium (Debian's, through playwright-core) five times, each in a
 * fresh context, and prints the median time from navigation start to the first timeline rows on screen
 * (the page's `rota:first-rows` mark) and to the whole week drawn (`rota:full-plan`), beside the time to
 * load a blank page (GET /healthz) from the same server: the baseline.
 *
 *   npm run bench:console             (2,000 agents)
 *   npm run bench:console -- 5000
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { jobId } from '../src/plan/jobs.js';
import { freePort, startPrivateRedis } from '../src/redis/server.js';
import { openRuntime, syncRoster } from '../src/runtime.js';
import { startService } from '../src/service.js';
import { launchChromium } from './chromium.js';
import { median, report, smoke } from './common.js';
import { agentId, agentPhone } from './roster.js';

const agents = Number(process.argv[2] ?? (smoke ? 200 : 2000));
const LOADS = smoke ? 1 : 5;
const HORIZON_MS = 7 * 86_400_000;
const TEAMS = ['early', 'day', 'late', 'night', 'weekend', 'support'];
const SHIFTS: Record<string, string> = {
  early: '{ days: [mon-fri], start: "06:00", end: "14:00" }',
  day: '{ days: [mon-sun], start: "09:00", end: "18:00" }',
  late: '{ days: [mon-fri], start: "14:00", end: "22:00" }',
  night: '{ days: [sun-thu], start: "22:00", end: "06:00" }',
  weekend: '{ days: [sat-sun], start: "08:00", end: "20:00" }',
  support: '{ days: [mon-sat], start: "10:00", end: "19:00" }',
};
function rosterYaml(): string {
  const lines = ['version: 1', 'timezone: Asia/Kolkata', 'teams:'];
  for (const team of TEAMS) lines.push(`  ${team}: { shifts: [${SHIFTS[team]}] }`);
  lines.push('agents:');
  for (let i = 0; i < agents; i++) {
    const id = agentId(i);
    const phone = agentPhone(i);
    // One in twenty has no team, only shifts of their own.
    lines.push(
      i % 20 === 19
        ? `  - { id: "${id}", phone: "${phone}", shifts: [${SHIFTS.day}] }`
        : `  - { id: "${id}", phone: "${phone}", team: ${TEAMS[i % TEAMS.length]} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The browser globals the bench reads in the page, as a type assertion on globalThis (compiled away, so
 * the functions still run in the page on their own): this project compiles without the DOM library.
 */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
  performance: {
    getEntriesByName(name: string): { startTime: number }[];
    getEntriesByType(type: string): { loadEventEnd?: number }[];
  };
}

const dir = await mkdtemp(join(tmpdir(), 'rota-bench-console-'));
const redis = await startPrivateRedis();
try {
  await writeFile(join(dir, 'roster.yaml'), rosterYaml());
  const runtime = await openRuntime(
    {
      REDIS_URL: redis.url,
      ROTA_ROSTER: 'roster.yaml',
      ROTA_HTTP_PORT: String(await freePort()),
      ROTA_HTTP_HOST: '127.0.0.1',
      ROTA_HORIZON: '7d',
    },
    dir,
    { log: createLogger('silent') },
  );
  const now = Date.now();
  const synced = await syncRoster(runtime, { now: now, horizonMs: HORIZON_MS });
  if (!synced.ok) throw new Error('the bench roster did not sync');

  // A day of history: the login of every session that has started in the last 24 h, a few of them failed.
  let recorded = 0;
  for (const session of await runtime.store.sessions()) {
    if (session.start > now || session.start < now - 86_400_000) continue;
    const failed = recorded % 97 === 0;
    await runtime.store.record({
      jobId: jobId('roster', 'login', session.agentId, session.start),
      agentId: session.agentId,
      action: 'login',
      kind: 'roster',
      at: session.start,
      startedAt: session.start + 40,
      lateMs: 40,
      latencyMs: 120,
      outcome: failed ? 'rejected' : 'done',
      message: failed ? 'Invalid Authentication' : `Agent ${session.agentId} logged in successfully`,
      attempt: 1,
    });
    recorded++;
  }
  const service = await startService(runtime, { worker: false, scheduler: false });
  const url = service.http?.url ?? '';
  const plan = await (await fetch(`${url}/api/plan`)).text();

  const browser = await launchChromium();
  const firstRows: number[] = [];
  const fullPlan: number[] = [];
  const blank: number[] = [];
  try {
    // One load first, not counted: chromium's own start-up is not the page's.
    for (let i = 0; i <= LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).performance.getEntriesByName('rota:full-plan').length > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      const [rows, full, shown] = await page.evaluate(() => {
        const { performance, document } = globalThis as unknown as PageGlobals;
        return [
          performance.getEntriesByName('rota:first-rows')[0]?.startTime ?? Number.NaN,
          performance.getEntriesByName('rota:full-plan')[0]?.startTime ?? Number.NaN,
          document.querySelectorAll('.tl-row').length,
        ];
      });
      if (!(shown > 0)) throw new Error('the page drew no rows');
      if (i > 0) {
        firstRows.push(rows);
        fullPlan.push(full);
      }
      await context.close();

      const baseline = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const empty = await baseline.newPage();
      await empty.goto(`${url}/healthz`, { waitUntil: 'load' });
      const loaded = await empty.evaluate(
        () =>
          (globalThis as unknown as PageGlobals).performance.getEntriesByType('navigation')[0]
            ?.loadEventEnd ?? Number.NaN,
      );
      if (i > 0) blank.push(loaded);
      await baseline.close();
    }
  } finally {
    await browser.close();
    await service.stop();
    await runtime.close();
  }

  const ms = (value: number) => `${Math.round(value)} ms`.padStart(8);
  console.log(
    `console with ${agents} agents (${TEAMS.length} teams), ${synced.added} jobs over 7 days, ` +
      `${recorded} attempts of history; /api/plan ${(plan.length / 1e6).toFixed(1)} MB`,
  );
  console.log(`median of ${LOADS} loads in chromium, 1280×800, each in a fresh context:`);
  console.log(`  blank page (GET /healthz, baseline)   ${ms(median(blank))}`);
  console.log(
    `  first timeline rows on screen         ${ms(median(firstRows))}  (${(median(firstRows) / median(blank)).toFixed(1)}× baseline)  [${firstRows.map(Math.round).join(', ')}]`,
  );
  console.log(`  the whole week drawn                  ${ms(median(fullPlan))}`);
  report('console', [
    {
      figure: `console with ${agents} agents: first timeline rows on screen`,
      rota: `${Math.round(median(firstRows))} ms`,
      baseline: `a blank page ${Math.round(median(blank))} ms`,
      ratio: median(firstRows) / median(blank),
      target: '—',
    },
    {
      figure: '  the same: the whole week drawn',
      rota: `${Math.round(median(fullPlan))} ms`,
      target: '—',
    },
  ]);
} finally {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
