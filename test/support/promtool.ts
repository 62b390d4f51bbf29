/**
 * Runs Prometheus's own `promtool test rules` over a PrometheusRule spec: the spec's
 * `groups` are written as a rule file, each case becomes a test group with its own
 * input series, and all of them run in one promtool invocation.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { findBinary } from './binaries';

/** One evaluation: `labels` are the expected alert's labels (without alertname); undefined expects no alert. */
export interface AlertEval { readonly at: string; readonly labels?: Record<string, string> }

/** Synthetic series and the evaluations of one alert. */
export interface AlertCase {
  readonly alert: string;
  /** Interval between samples of the series (promtool `interval`). */
  readonly interval?: string;
  readonly series: Array<{ series: string; values: string }>;
  readonly evals: AlertEval[];
  /**
   * How often promtool evaluates the rules for this case. Long horizons (days) need a
   * coarse interval to stay fast; cases are run in one promtool call per interval.
   */
  readonly evaluationInterval?: string;
}

export interface PromtoolResult { readonly ok: boolean; readonly output: string; readonly ms: number }

/** Runs all cases against the rule groups, in one `promtool test rules` call per evaluation interval. */
export function promtoolTestRules(ruleSpec: { groups: any[] }, cases: AlertCase[]): PromtoolResult {
  const intervals = [...new Set(cases.map((c) => c.evaluationInterval ?? '1m'))];
  const results = intervals.map((i) => runOnce(ruleSpec, cases.filter((c) => (c.evaluationInterval ?? '1m') === i), i));
  if (process.env.PROMTOOL_TIMINGS) console.log(intervals.map((i, n) => `${i}: ${results[n].ms} ms`).join(', '));
  return { ok: results.every((r) => r.ok), output: results.map((r) => r.output).join('\n'), ms: results.reduce((a, r) => a + r.ms, 0) };
}

function runOnce(ruleSpec: { groups: any[] }, cases: AlertCase[], evaluationInterval: string): PromtoolResult {
  const promtool = findBinary('promtool');
  if (!promtool) throw new Error('promtool not found');
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    // promtool compares annotations too; they are checked by `promtool check rules`
    // (promtoolCheckRules), so the logic tests leave them out.
    // Only the alerts under test: alerting rules are independent, and fewer rules keep
    // the long (days) horizons fast.
    const alerts = new Set(cases.map((c) => c.alert));
    const groups = ruleSpec.groups.map((g) => ({
      ...g, rules: g.rules.filter((r: any) => alerts.has(r.alert)).map(({ annotations: _, ...r }: any) => r),
    }));
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    writeFileSync(join(dir, 'tests.yaml'), stringify({
      rule_files: ['rules.yaml'],
      evaluation_interval: evaluationInterval,
      tests: cases.map((c) => ({
        interval: c.interval ?? '1m',
        input_series: c.series,
        alert_rule_test: c.evals.map((e) => ({
          eval_time: e.at,
          alertname: c.alert,
          exp_alerts: e.labels ? [{ exp_labels: e.labels }] : [],
        })),
      })),
    }));
    return run(promtool, ['test', 'rules', 'tests.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` over the full groups: syntax, and the annotation templates. */
export function promtoolCheckRules(ruleSpec: { groups: any[] }): PromtoolResult {
  const promtool = findBinary('promtool');
  if (!promtool) throw new Error('promtool not found');
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: ruleSpec.groups }));
    return run(promtool, ['check', 'rules', 'rules.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(promtool: string, args: string[], cwd: string): PromtoolResult {
  const start = Date.now();
  const r = spawnSync(promtool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { ok: r.status === 0, output, ms: Date.now() - start };
}
