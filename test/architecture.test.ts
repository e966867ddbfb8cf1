import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/rota.js';

/**
 * The rooms of the code (a folder under src/, a top-level file of src/, or jobs/) import one another
 * one way only: a newcomer can read the flow roster → plan → queue → jobs → CloudAgent from the imports.
 */

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function room(file: string): string {
  const [top, second, third] = file.split('/');
  if (top === 'jobs') return 'jobs';
  return third === undefined ? (second ?? '').replace(/\.ts$/, '') : (second ?? '');
}

function roomGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of [...sources('src'), ...sources('jobs')]) {
    const from = room(file);
    for (const [, spec] of readFileSync(join(ROOT, file), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = relative('.', normalize(join(dirname(file), spec ?? ''))).replace(/\.js$/, '.ts');
      const to = room(target);
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** Every room that can reach itself again, with one such path. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    const stack: string[][] = [...(graph.get(start) ?? [])].map((next) => [start, next]);
    const seen = new Set<string>();
    while (stack.length > 0) {
      const path = stack.pop() ?? [];
      const last = path[path.length - 1] ?? '';
      if (last === start) {
        found.push(path.join(' → '));
        break;
      }
      if (seen.has(last)) continue;
      seen.add(last);
      for (const next of graph.get(last) ?? []) stack.push([...path, next]);
    }
  }
  return found;
}

describe('rooms', () => {
  it('import one another without cycles', () => {
    expect(cycles(roomGraph())).toEqual([]);
  });

  it('keep the flow one way: the pure rooms import no adapter', () => {
    const graph = roomGraph();
    for (const pure of ['roster', 'plan', 'time']) {
      const reached = [...(graph.get(pure) ?? [])];
      expect(
        reached.filter((to) => ['queue', 'store', 'redis', 'runtime', 'cli', 'jobs'].includes(to)),
      ).toEqual([]);
    }
  });
});
