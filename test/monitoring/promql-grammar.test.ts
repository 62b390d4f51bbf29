import { parser } from '@prometheus-io/lezer-promql';
import { Duration, Size } from 'cdk8s';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { ClusterMode } from '../../lib/model/cluster-mode';
import { ClusterMonitoring } from '../../lib/monitoring';
import { ALERT_NAMES } from '../../lib/monitoring/alerts/alert-rules';
import { METRICS } from '../../lib/monitoring/alerts/metric-names';
import { synth } from '../support/synth';

/** Error nodes of the PromQL parse tree (empty when the expression parses). */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`at ${n.from}: ${JSON.stringify(expr.slice(Math.max(0, n.from - 15), n.to + 15))}`);
    },
  });
  return errors;
}

/** Metric names selected by an expression (the Identifier of every VectorSelector). */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') names.push(expr.slice(n.from, n.to));
    },
  });
  return names;
}

/** Alert expressions of a few configurations (defaults, poolers, no WAL volume, custom thresholds, 5 instances). */
const configurations: Array<[string, any[]]> = [
  ['defaults', synth((c) => new ClusterMonitoring(c, 'm', { cluster: new HaPostgres(c, 'orders'), topologyDiagram: false }))],
  ['poolers, custom thresholds, 5 instances, no WAL volume', synth((c) => new ClusterMonitoring(c, 'm', {
    cluster: new HaPostgres(c, 'orders', { mode: ClusterMode.highAvailability(5), separateWalVolume: false, placement: { zoneTopologyKey: 'example.com/zone-name' } }),
    poolers: ['orders-pooler-rw', 'orders-pooler-ro'], topologyDiagram: false,
    thresholds: { replicationLagWarning: Duration.seconds(10), slotWalRetained: Size.gibibytes(5), connectionsWarningPercent: 60.5 },
  }))],
];

describe.each(configurations)('PromQL grammar (%s)', (_name, manifests) => {
  const rules = manifests.find((m) => m.kind === 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);

  test('every alert expression parses without an error node', () => {
    expect(rules.length).toBeGreaterThan(15);
    for (const r of rules) expect({ alert: r.alert, errors: syntaxErrors(r.expr) }).toEqual({ alert: r.alert, errors: [] });
  });

  test('every metric is one of the documented, source-checked names (lib/monitoring/alerts/metric-names.ts)', () => {
    const known: string[] = Object.values(METRICS);
    const used = new Set<string>(rules.flatMap((r: any) => metricNames(r.expr)));
    expect(used.size).toBeGreaterThan(15);
    for (const m of used) expect({ metric: m, known: known.includes(m) }).toEqual({ metric: m, known: true });
  });

  test('every alert name is a documented one', () => {
    for (const r of rules) expect(ALERT_NAMES).toContain(r.alert);
  });
});

test('the grammar check catches a broken expression', () => {
  expect(syntaxErrors('max by (pod (cnpg_pg_replication_lag > 30')).not.toEqual([]);
  expect(syntaxErrors('sum(rate(x[5m])) by (pod) > 1')).toEqual([]);
});
