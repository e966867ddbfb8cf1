/**
 * `npm run bench`: every bench of this folder, one after the other, each as its own process (the parts
 * are the `bench:*` scripts), then one summary: each figure of rota beside what it is measured against
 * (BullMQ alone, the same work without rota, or a fixed target), the ratio, the target and whether it
 * was met. What the machine is, and how loaded it was before and after each part, are printed too: the
 * figures are worth what the machine was doing at the time.
 *
 *   npm run bench                        every part at full size (about 6 minutes)
 *   npm run bench -- --smoke             every part at a small size, once: that it all runs (CI), no
 *                                        verdicts (the targets are for full sizes)
 *   npm run bench -- sync boundary       only these parts (also with --smoke)
 *
 * The exit code is 0 when every part ran, whatever the verdicts: benchmarks are not tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { duration, machine, readFigures } from './common.js';

/** The parts, in the order they run. */
const PARTS = ['plan', 'sync', 'instants', 'boundary', 'memory', 'cloudagent', 'history', 'console'];

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--smoke');
const asked = args.filter((arg) => !arg.startsWith('-'));
const wrong = asked.filter((part) => !PARTS.includes(part));
if (unknown.length > 0 || wrong.length > 0) {
  console.error(
    `usage: npm run bench [-- [--smoke] [PART...]]; parts: ${PARTS.join(', ')}` +
      (wrong.length > 0 ? ` (not a part: ${wrong.join(', ')})` : ''),
  );
  process.exit(2);
}
const parts = asked.length > 0 ? PARTS.filter((part) => asked.includes(part)) : PARTS;

const load = () => loadavg()[0]?.toFixed(2) ?? '?';

/** Runs one part; resolves with its exit code. */
function run(part: string, results: string): Promise<number | null> {
  const script = fileURLToPath(new URL(`./${part}.js`, import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, BENCH_RESULTS: results, ...(smoke ? { BENCH_SMOKE: '1' } : {}) },
    stdio: 'inherit',
  });
  return new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}

const dir = await mkdtemp(join(tmpdir(), 'rota-bench-'));
const results = join(dir, 'figures.jsonl');
const started = Date.now();
const ran: { part: string; code: number | null; ms: number; loads: string }[] = [];
try {
  console.log(`rota benchmarks${smoke ? ' (smoke: small sizes, one run each, no verdicts)' : ''}`);
  for (const line of machine()) console.log(`  ${line}`);
  for (const part of parts) {
    if (part === 'console' && !existsSync('/usr/bin/chromium')) {
      console.log(`\n== ${part}: skipped, /usr/bin/chromium is not installed`);
      continue;
    }
    const before = load();
    console.log(`\n== ${part} (load average ${before})`);
    const partStarted = Date.now();
    const code = await run(part, results);
    ran.push({ part, code, ms: Date.now() - partStarted, loads: `${before} → ${load()}` });
    if (code !== 0) console.log(`== ${part} FAILED (exit ${code})`);
  }

  const figures = readFigures(results);
  const rows = figures.map((figure) => [
    figure.figure,
    figure.rota,
    figure.baseline ?? '',
    figure.ratio === undefined ? '' : `${figure.ratio.toFixed(2)}×`,
    figure.target,
    figure.met === undefined ? '' : figure.met ? 'met' : 'NOT met',
  ]);
  const header = ['figure', 'rota', 'measured against', 'ratio', 'target', ''];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(`\nsummary${smoke ? ' (smoke)' : ''}`);
  for (const text of machine()) console.log(`  ${text}`);
  console.log(`  ${line(header)}`);
  for (const row of rows) console.log(`  ${line(row)}`);
  console.log(
    `  parts: ${ran.map((r) => `${r.part} ${duration(r.ms)} (load ${r.loads})${r.code === 0 ? '' : ' FAILED'}`).join('; ')}`,
  );
  const missed = figures.filter((figure) => figure.met === false).length;
  const verdict = smoke ? 'no verdicts at smoke sizes' : `${missed} target${missed === 1 ? '' : 's'} not met`;
  console.log(`  ${figures.length} figures, ${verdict}; ${duration(Date.now() - started)} in all`);
  process.exitCode = ran.every((r) => r.code === 0) ? 0 : 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
