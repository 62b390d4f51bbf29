import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { SinglePassApp } from '../../lib/app/single-pass-app';
import { ProductionChart } from '../../examples/production/chart';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { ReadinessChecklist } from '../../lib/monitoring';

const evaluateReadiness = ReadinessChecklist.evaluate;
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';

describe('production example (everything the checklist asks for)', () => {
  const chart = new ProductionChart(Testing.app(), 'production');
  const manifests = Testing.synth(chart);

  test('schema-valid', () => expectValidManifests(manifests));
  test('no pod under two PDBs', () => expect(podsUnderSeveralPdbs(manifests)).toEqual([]));
  test('no readiness warning, and no other warning', () => expect(SynthWarnings.collect(chart)).toEqual([]));
  test('every checklist item passes on its manifests', () => {
    const [report] = evaluateReadiness(manifests);
    expect(report.items.filter((i) => !i.passed)).toEqual([]);
  });
  test('metrics over TLS, both PodMonitors selected by kube-prometheus-stack, pooler alert present', () => {
    const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['orders-db-instances', 'orders-db-poolers']);
    for (const m of [...monitors, manifests.find((x) => x.kind === 'PrometheusRule')]) expect(m.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitors.find((m) => m.metadata.name === 'orders-db-instances').spec.podMetricsEndpoints[0].scheme).toBe('https');
    const alerts = manifests.find((m) => m.kind === 'PrometheusRule').spec.groups[0].rules.map((r: any) => r.alert);
    expect(alerts).toContain('HaPostgresPoolerClientsWaiting');
  });
});

test('SinglePassApp.synth() (as examples/production/main.ts) writes the manifests and the topology diagram', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitoring-example-'));
  const app = new SinglePassApp({ outdir: dir });
  new ProductionChart(app, 'production');
  app.synth();
  expect(readdirSync(dir).sort()).toEqual(['orders-db.topology.md', 'production.k8s.yaml']);
  const md = readFileSync(join(dir, 'orders-db.topology.md'), 'utf8');
  expect(md).toContain('Pooler orders-db-pooler-rw<br/>2 PgBouncer, transaction mode');
  expect(md).toContain('s3://acme-payments-pg-archive/prod');
  expect(md).toContain('<br/>schedule 0 0 2 * * *');
});
