/*
 * Which alerting rules cover a cluster: the rule's PromQL is parsed (Prometheus's own
 * lezer grammar) and every vector selector of the metric is matched, label matcher by
 * label matcher, against the series the cluster's instances export. A rule covers the
 * cluster when one of its selectors of the metric matches them: with no matchers it
 * covers every cluster; `{namespace="shop", pod=~"pg-main-[0-9]+"}` covers pg-main in
 * shop only.
 *
 * The series of an instance pod carry, as Prometheus scrapes them through a PodMonitor:
 * - `namespace` (the cluster's) and `pod` (`<cluster>-<n>`; a matcher must match every
 *   instance, since any of them can be the primary that exports the metric);
 * - labels the manifests' PodMonitors that select the instances set by relabeling: from
 *   the pod label `cnpg.io/cluster` (the cluster name), the namespace or pod name, or a
 *   fixed replacement;
 * - `cluster`, when no such PodMonitor sets it: assumed to carry the cluster name (the
 *   convention of this library's PodMonitor and of most hand-written ones).
 * Matchers on other labels cannot be decided from manifests and are assumed to match; the
 * verdict says so.
 */

/** The part of lezer's Tree that is used here. */
interface Tree { iterate(spec: { enter: (node: any) => boolean | undefined | void }): void }

/** One label matcher of a vector selector. */
export interface LabelMatcher { readonly name: string; readonly op: '=' | '!=' | '=~' | '!~'; readonly value: string }

/** One vector selector: metric name (if written as such) and matchers (`__name__` included). */
export interface VectorSelector { readonly metric?: string; readonly matchers: readonly LabelMatcher[] }

/** An alerting rule with its parsed selectors. */
export interface ParsedAlert {
  readonly alert: string;
  readonly rule: any;
  readonly selectors: readonly VectorSelector[];
  /** The expression does not parse: it covers nothing. */
  readonly syntaxError: boolean;
}

let promqlParser: { parse(input: string): Tree } | undefined;
function parser(): { parse(input: string): Tree } {
  // Loaded on first use: only `ha-postgres check` and synth-time checks with alerts need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  promqlParser ??= require('@prometheus-io/lezer-promql').parser;
  return promqlParser!;
}

/** The text of a PromQL string literal ("…", '…' with Go escapes, or `…` raw). */
function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  try {
    return JSON.parse(q === '"' ? literal : `"${body.replace(/\\'/g, '\'').replace(/"/g, '\\"')}"`);
  } catch {
    return body;
  }
}

/** Every vector selector of a PromQL expression, or undefined when it does not parse. */
export function vectorSelectors(expr: string): VectorSelector[] | undefined {
  const tree = parser().parse(expr);
  const out: VectorSelector[] = [];
  let error = false;
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) { error = true; return false; }
      if (n.name !== 'VectorSelector') return undefined;
      let metric: string | undefined;
      const matchers: LabelMatcher[] = [];
      const ident = n.node.getChild('Identifier');
      if (ident) metric = text(ident);
      const list = n.node.getChild('LabelMatchers');
      for (let c = list?.firstChild ?? null; c; c = c.nextSibling) {
        if (c.name === 'UnquotedLabelMatcher' || c.name === 'QuotedLabelMatcher') {
          const nameNode = c.getChild('LabelName') ?? c.getChild('QuotedLabelName')?.getChild('StringLiteral');
          const op = c.getChild('MatchOp');
          const values = c.getChildren('StringLiteral');
          const value = values[values.length - 1];
          if (!nameNode || !op || !value) continue;
          const name = nameNode.name === 'StringLiteral' ? unquote(text(nameNode)) : text(nameNode);
          matchers.push({ name, op: text(op) as LabelMatcher['op'], value: unquote(text(value)) });
        } else if (c.name === 'QuotedLabelName') {
          const s = c.getChild('StringLiteral');
          if (s) metric = unquote(text(s));
        }
      }
      out.push({ metric, matchers });
      return false;
    },
  });
  return error ? undefined : out;
}

const SELECTORS = new Map<string, VectorSelector[] | undefined>();
/**
 * The vector selectors of an expression, parsed once per expression: the synth-time
 * readiness warnings evaluate each cluster of a namespace over the same PrometheusRules.
 */
function cachedSelectors(expr: string): VectorSelector[] | undefined {
  if (!SELECTORS.has(expr)) SELECTORS.set(expr, vectorSelectors(expr));
  return SELECTORS.get(expr);
}

/** Every alerting rule of the PrometheusRules, parsed once. */
export function parseAlerts(prometheusRules: any[]): ParsedAlert[] {
  const out: ParsedAlert[] = [];
  for (const rule of prometheusRules) {
    for (const g of Array.isArray(rule?.spec?.groups) ? rule.spec.groups : []) {
      for (const r of Array.isArray(g?.rules) ? g.rules : []) {
        if (typeof r?.alert !== 'string' || r.expr === undefined) continue;
        const selectors = cachedSelectors(String(r.expr));
        out.push({ alert: r.alert, rule, selectors: selectors ?? [], syntaxError: selectors === undefined });
      }
    }
  }
  return out;
}

const REGEXES = new Map<string, RegExp | null>();
/** A PromQL regex matcher: fully anchored (RE2; JavaScript compiles the common subset). */
function anchored(re: string): RegExp | null {
  let r = REGEXES.get(re);
  if (r === undefined) {
    try { r = new RegExp(`^(?:${re})$`, 's'); } catch { r = null; }
    REGEXES.set(re, r);
  }
  return r;
}

/** Whether a matcher accepts a label value (`undefined`: the series has no such label, i.e. ""). */
export function matcherAccepts(m: LabelMatcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': { const r = anchored(m.value); return r ? r.test(v) : true; }
    case '!~': { const r = anchored(m.value); return r ? !r.test(v) : true; }
  }
  return false;
}

/** The label values a cluster's instance series carry, as far as the manifests tell. */
export interface SeriesLabels {
  /** label → the value on each instance's series (one entry per instance pod). */
  readonly known: ReadonlyMap<string, readonly string[]>;
}

/** Whether the metric name of a selector is one of `metric` (a name, or a prefix ending in `_`). */
function selectsMetric(s: VectorSelector, metric: (name: string) => boolean): boolean {
  const byName = s.matchers.filter((m) => m.name === '__name__');
  if (s.metric !== undefined) return metric(s.metric) && byName.every((m) => matcherAccepts(m, s.metric));
  return byName.length > 0 && byName.every((m) => m.op === '=' && metric(m.value));
}

/** The verdict for one cluster: the covering alert, and the labels assumed to match. */
export interface Coverage { readonly alert: ParsedAlert; readonly assumed: readonly string[] }

/** The first alert on `metric` whose selectors match the cluster's series, if any. */
export function coveringAlert(alerts: readonly ParsedAlert[], metric: (name: string) => boolean, series: SeriesLabels): Coverage | undefined {
  for (const a of alerts) {
    for (const s of a.selectors) {
      if (!selectsMetric(s, metric)) continue;
      const assumed: string[] = [];
      const ok = s.matchers.every((m) => {
        if (m.name === '__name__') return true;
        const values = series.known.get(m.name);
        if (values === undefined) { assumed.push(`${m.name}${m.op}${JSON.stringify(m.value)}`); return true; }
        return values.every((v) => matcherAccepts(m, v));
      });
      if (ok) return { alert: a, assumed };
    }
  }
  return undefined;
}
