/**
 * What a CPU profile says, in a few lines: the functions with the most time of their own (self time),
 * and optionally the time spent in and under some functions by name (inclusive time; async functions
 * count only up to their first `await`). Profiles come from `node --cpu-prof`, for example:
 *
 *   node --cpu-prof --cpu-prof-dir=prof bin/rota.js plan roster.yaml --json > /dev/null
 *   npm run bench:profile -- prof/CPU.*.cpuprofile 25 loadRoster expandRoster planJobs
 *
 * Arguments: the .cpuprofile file, how many functions to list (20), then function names.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, count = '20', ...names] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run bench:profile -- FILE.cpuprofile [TOP] [FUNCTION...]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

/** `name file:line`, the file shortened to what follows node_modules/ or dist/. */
const where = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const shown = url.replace(/^.*\/(?:node_modules|dist)\//, '');
  return `${functionName || '(anonymous)'} ${shown}${shown ? `:${lineNumber + 1}` : ''}`;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const [i, id] of profile.samples.entries()) {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const node = nodes.get(id);
  if (!node) continue;
  self.set(where(node), (self.get(where(node)) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const name = nodes.get(at)?.callFrame.functionName ?? '';
    if (names.includes(name) && !seen.has(name)) {
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
}

const ms = (us: number) => `${Math.round(us / 1000)} ms`.padStart(8);
const share = (us: number) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${ms(total).trim()} sampled`);
console.log('self time:');
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${ms(us)} ${share(us)}  ${name}`);
}
if (names.length > 0) {
  console.log('inclusive time:');
  for (const name of names)
    console.log(`${ms(inclusive.get(name) ?? 0)} ${share(inclusive.get(name) ?? 0)}  ${name}`);
}
