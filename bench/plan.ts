/**
 * How long planning a big roster takes: a generated roster of 10,000 agents (teams plus their own
 * shifts, in a few zones, over a week with a DST change) is parsed, then parsed and expanded over
 * 7 days. Each is timed as the median of several runs after a warm-up.
 *
 *   npm run bench:plan
 */
import { performance } from 'node:perf_hooks';
import { expandRoster } from '../src/roster/expand.js';
import { parseRoster } from '../src/roster/parse.js';
import { localDaysWindow } from '../src/time/zone-clock.js';

const AGENTS = 10_000;
const DAYS = 7;
/** A week with Europe/London's spring change in it (2026-03-29). */
const FROM = '2026-03-26';
const WARM_UPS = 2;
const RUNS = 5;
const TARGET_MS = 1000;

const ZONES = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Asia/Singapore'];

function generateRoster(agents: number): string {
  const lines = [
    'version: 1',
    'timezone: Asia/Kolkata',
    'holidays:',
    '  - 2026-03-31',
    '  - { date: 2026-04-03, name: Good Friday }',
    'teams:',
    '  morning: { shifts: [{ days: [mon-fri], start: "09:00", end: "18:00" }] }',
    '  evening: { shifts: [{ days: [mon-fri], start: "14:00", end: "23:00" }] }',
    '  night: { shifts: [{ days: [sun-thu], start: "22:00", end: "06:00" }] }',
    '  weekend: { shifts: [{ days: [sat, sun], start: "10:00", end: "19:00" }] }',
    'agents:',
  ];
  const teams = ['morning', 'evening', 'night', 'weekend'];
  for (let i = 0; i < agents; i++) {
    lines.push(`  - id: "${100_000 + i}"`, `    phone: "+9198${String(i).padStart(8, '0')}"`);
    lines.push(`    team: ${teams[i % teams.length]}`);
    if (i % 3 !== 0) lines.push(`    timezone: ${ZONES[i % ZONES.length]}`);
    const own: string[] = [];
    if (i % 5 === 0)
      own.push('{ days: [sat], start: "22:00", end: "06:00", from: 2026-01-01, until: 2026-12-31 }');
    if (i % 7 === 0) own.push('{ date: 2026-03-29, start: "01:30", end: "05:00" }');
    if (i % 50 === 0) own.push('{ cron: "30 21 * * 5", duration: 8h30m }');
    if (own.length > 0) lines.push('    shifts:', ...own.map((shift) => `      - ${shift}`));
    if (i % 20 === 0)
      lines.push('    off:', '      - { from: 2026-03-27, to: 2026-03-28, reason: annual leave }');
  }
  return `${lines.join('\n')}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
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

const text = generateRoster(AGENTS);
const parse = () => {
  const { roster, issues } = parseRoster(text, 'bench.yaml');
  if (!roster) throw new Error(`the generated roster does not parse: ${issues[0]?.message}`);
  return roster;
};
const window = localDaysWindow('Asia/Kolkata', FROM, DAYS);

const parsed = parse();
const parseMs = time(parse);
const planMs = time(() => expandRoster(parse(), window));
const expandMs = time(() => expandRoster(parsed, window));
const sample = expandRoster(parsed, window);
const fixed = (ms: number) => `${ms.toFixed(0)} ms`;

console.log(
  `roster: ${AGENTS} agents, ${(text.length / 1024 / 1024).toFixed(1)} MiB of YAML; ` +
    `${DAYS} days from ${FROM}: ${sample.sessions.length} sessions, ${sample.issues.length} issues`,
);
console.log(`median of ${RUNS} runs after ${WARM_UPS} warm-ups:`);
console.log(`  parse           ${fixed(parseMs)}`);
console.log(`  parse + expand  ${fixed(planMs)}`);
console.log(`  expand alone    ${fixed(expandMs)}`);
console.log(`  ratio (parse + expand) / parse: ${(planMs / parseMs).toFixed(2)}`);
console.log(
  `target: parse + expand under ${TARGET_MS} ms: ${planMs < TARGET_MS ? 'met' : 'NOT met'}; ` +
    `expand alone: ${expandMs < TARGET_MS ? 'met' : 'NOT met'}`,
);
