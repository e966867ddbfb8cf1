/**
 * Planning a big roster, with no Redis. The roster is `bench/roster.ts`'s: N agents (10,000 by default)
 * in four teams and four zones, about 1.2 MiB of YAML.
 *
 * 1. `rota plan FILE --json`, the whole process as an operator runs it (start, read, plan, one JSON
 *    document of sessions and actions to stdout, here /dev/null), with the default window — what a sync
 *    now would plan: 12 hours back to ROTA_HORIZON (7 days) ahead. The median of BENCH_RUNS (5) runs,
 *    each beside the same command on a one-agent roster: what starting the process costs.
 * 2. In this process: parse alone, parse + expand, and expand alone over 7 days of a week with a DST
 *    change (Europe/London's, 2026-03-29), each the median of 5 runs after 2 warm-ups.
 *
 *   npm run bench:plan             (10,000 agents)
 *   npm run bench:plan -- 2000
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { expandRoster } from '../src/roster/expand.js';
import { parseRoster } from '../src/roster/parse.js';
import { localDaysWindow } from '../src/time/zone-clock.js';
import { duration, type Figure, judge, median, report, smoke } from './common.js';
import { mixedRoster, today } from './roster.js';

const agents = Number(process.argv[2] ?? (smoke ? 500 : 10_000));
if (!Number.isInteger(agents) || agents < 1) {
  throw new Error('usage: npm run bench:plan [-- AGENTS], a whole number of 1 or more');
}
const DAYS = 7;
/** A week with Europe/London's spring change in it (2026-03-29). */
const DST_WEEK = '2026-03-26';
const WARM_UPS = smoke ? 0 : 2;
const RUNS = Number(process.env.BENCH_RUNS ?? (smoke ? 1 : 5));
const TARGET_MS = 1500;
const BIN = fileURLToPath(new URL('../../bin/rota.js', import.meta.url));

/** Wall time of `rota ARGS` in `cwd`, from spawn to exit, its stdout thrown away. */
function timeRota(args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ROTA_HORIZON: '7d' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`rota ${args[0]} exited ${code}`)),
    );
  });
}

function time(run: () => void): number {
  for (let i = 0; i < WARM_UPS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const dir = await mkdtemp(join(tmpdir(), 'rota-bench-plan-'));
try {
  const current = mixedRoster(agents, { firstDay: today() });
  await writeFile(join(dir, 'roster.yaml'), current);
  await writeFile(join(dir, 'one.yaml'), mixedRoster(1, { firstDay: today() }));
  const whole: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    whole.push(await timeRota(['plan', 'roster.yaml', '--json'], dir));
    floor.push(await timeRota(['plan', 'one.yaml', '--json'], dir));
  }
  const wholeMs = median(whole);
  const floorMs = median(floor);

  const text = mixedRoster(agents, { firstDay: DST_WEEK });
  const parse = () => {
    const { roster, issues } = parseRoster(text, 'bench.yaml');
    if (!roster) throw new Error(`the generated roster does not parse: ${issues[0]?.message}`);
    return roster;
  };
  const window = localDaysWindow('Asia/Kolkata', DST_WEEK, DAYS);
  const parsed = parse();
  const parseMs = time(parse);
  const planMs = time(() => expandRoster(parse(), window));
  const expandMs = time(() => expandRoster(parsed, window));
  const sample = expandRoster(parsed, window);

  console.log(
    `bench:plan: ${agents} agents, ${(current.length / 1024 / 1024).toFixed(1)} MiB of YAML; ` +
      `median of ${RUNS} run${RUNS === 1 ? '' : 's'}`,
  );
  console.log(
    `  rota plan --json, whole process  ${duration(wholeMs)}  (one agent: ${duration(floorMs)}) ` +
      `[${whole.map((ms) => Math.round(ms)).join(', ')}]`,
  );
  console.log(
    `  in this process, ${DAYS} days from ${DST_WEEK} (${sample.sessions.length} sessions, ` +
      `${sample.issues.length} DST warnings):`,
  );
  console.log(
    `    parse ${duration(parseMs)}, parse + expand ${duration(planMs)}, expand ${duration(expandMs)}`,
  );
  const figures: Figure[] = [
    {
      figure: `rota plan of ${agents} agents × 7 days, whole process, --json (default window)`,
      rota: duration(wholeMs),
      baseline: `the same on a one-agent roster ${duration(floorMs)}`,
      target: `≤ ${duration(TARGET_MS)}`,
      met: judge(wholeMs <= TARGET_MS),
    },
    {
      figure: `  parse + expand of ${agents} agents × 7 days in-process`,
      rota: duration(planMs),
      baseline: `parse alone ${duration(parseMs)}`,
      ratio: planMs / parseMs,
      target: '—',
    },
  ];
  report('plan', figures);
} finally {
  await rm(dir, { recursive: true, force: true });
}
