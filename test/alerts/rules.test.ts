import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Metrics } from '../../src/metrics.js';
import { ROOT } from '../helpers/rota.js';

/**
 * `config/alerts.rules.yml`: Prometheus alerting rules over rota's metrics. Its structure is checked
 * always, and every metric it names must be one rota serves; `promtool check rules` and `promtool test
 * rules` (test/alerts/alerts.rules.promtool.yml) run where promtool is installed (CI does not install it).
 */

const FILE = join(ROOT, 'config/alerts.rules.yml');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const rules = (parse(readFileSync(FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;

const promtool = await promisify(execFile)('promtool', ['--version']).then(
  () => true,
  () => false,
);

describe('config/alerts.rules.yml', () => {
  it('is one group of alerting rules, each with an expression, a severity and a summary', () => {
    expect(rules.map((g) => g.name)).toEqual(['rota']);
    const all = rules.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual([
      'RotaActionFailed',
      'RotaActionsLate',
      'RotaNoSuccessfulSync',
      'RotaDown',
      'RotaNoWorker',
    ]);
    for (const rule of all) {
      expect(rule.expr.trim()).not.toBe('');
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  it('names only metrics rota serves (and Prometheus `up`)', async () => {
    const metrics = new Metrics(async () => ({}));
    const served = new Set(['up']);
    for (const metric of await metrics.registry.getMetricsAsJSON()) {
      served.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) served.add(metric.name + suffix);
    }
    const named = rules
      .flatMap((g) => g.rules)
      .flatMap((r) => [...r.expr.matchAll(/\b(rota_[a-z_]+|up)\b/g)].map((m) => m[1] ?? ''));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !served.has(name))).toEqual([]);
  });

  it('covers failures, lateness p99 over 5 s, no successful sync for 3 intervals, and a worker down', () => {
    const expr = (name: string) => rules.flatMap((g) => g.rules).find((r) => r.alert === name)?.expr ?? '';
    expect(expr('RotaActionFailed')).toContain('increase(rota_jobs_failed_total');
    expect(expr('RotaActionsLate')).toMatch(
      /histogram_quantile\(0\.99,.*rota_action_lateness_seconds_bucket.*> 5$/,
    );
    expect(expr('RotaNoSuccessfulSync')).toContain('> 3 * rota_sync_interval_seconds');
    expect(expr('RotaDown')).toContain('up{job="rota"} == 0');
    expect(expr('RotaNoWorker')).toContain('absent(rota_worker_running');
  });

  it.runIf(promtool)('passes promtool check rules, and its unit tests on made-up series', async () => {
    const run = promisify(execFile);
    expect((await run('promtool', ['check', 'rules', FILE])).stdout).toMatch(/SUCCESS: 5 rules found/);
    const tests = join(ROOT, 'test/alerts/alerts.rules.promtool.yml');
    expect((await run('promtool', ['test', 'rules', tests])).stdout).toMatch(/SUCCESS/);
  });

  it.skipIf(promtool)(
    'passes promtool (skipped: promtool is not installed here; CI does not install it)',
    () => {},
  );
});
