import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Size, Testing } from 'cdk8s';
import { SinglePassApp } from '../../lib/app/single-pass-app';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { patroniProps } from '../patroni/patroni-fixtures';
import { ClusterMonitoring, TopologyDiagram } from '../../lib/monitoring';

const renderTopology = TopologyDiagram.renderMarkdown;

const outdir = () => mkdtempSync(join(tmpdir(), 'topology-'));

describe('topology diagram written by SinglePassApp.synth()', () => {
  const dir = outdir();
  const app = new SinglePassApp({ outdir: dir });
  const chart = new Chart(app, 'payments', { namespace: 'payments', disableResourceNameHashes: true });
  const db = new HaPostgres(chart, 'orders', {
    placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
    storage: { size: Size.gibibytes(200), storageClass: 'gp3' },
    walStorage: { size: Size.gibibytes(50), storageClass: 'gp3-wal' },
  });
  new ClusterMonitoring(chart, 'monitoring', { cluster: db });
  app.synth();
  const md = readFileSync(join(dir, 'orders.topology.md'), 'utf8');

  test('the Markdown file sits beside the manifests', () => {
    expect(readdirSync(dir).sort()).toEqual(['orders.topology.md', 'payments.k8s.yaml']);
    expect(md).toMatch(/^# Topology of payments\/orders/);
    expect(md).toMatch(/```mermaid\nflowchart TB\n/);
  });

  test('zones as subgraphs, instances with roles, volumes with sizes and classes', () => {
    for (const [i, zone] of ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].entries()) expect(md).toContain(`subgraph zone_${i}["${zone}"]`);
    expect(md).toContain('orders_1["orders-1<br/>primary"]');
    expect(md).toContain('orders_2["orders-2<br/>synchronous standby"]');
    expect(md).toContain('orders_3["orders-3<br/>asynchronous standby"]');
    expect(md).toContain('orders_2_data[("orders-2 data<br/>200Gi, gp3")]');
    expect(md).toContain('orders_3_wal[("orders-3-wal WAL<br/>50Gi, gp3-wal")]');
    expect(md).toMatch(/Roles are assigned by the operator/);
  });

  test('the rw, ro and r services point at the right instances', () => {
    expect(md).toContain('orders_rw{{"Service orders-rw<br/>primary"}}');
    expect(md).toContain('orders_rw -.-> orders_1');
    expect(md).toContain('orders_ro -.-> orders_3');
    expect(md).not.toContain('orders_ro -.-> orders_1');
  });
});

test('poolers, the archive bucket, backup schedule and restore drill are drawn when present', () => {
  const manifests = [
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'shop' },
      spec: { instances: 3, storage: { size: '10Gi' }, postgresql: { synchronous: { method: 'any', number: 1 } },
        plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'store' } }] } },
    { apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore', metadata: { name: 'store', namespace: 'shop' }, spec: { configuration: { destinationPath: 's3://bucket/pg' } } },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'pg-pooler-rw', namespace: 'shop' }, spec: { cluster: { name: 'pg' }, instances: 2, pgbouncer: { poolMode: 'transaction' } } },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'pg-daily', namespace: 'shop' }, spec: { cluster: { name: 'pg' }, schedule: '0 0 3 * * *' } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'pg-restore-drill', namespace: 'shop' }, spec: { schedule: '0 5 1 * *', jobTemplate: { spec: { template: { spec: { containers: [{ args: ['pg'] }] } } } } } },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'other-pooler', namespace: 'shop' }, spec: { cluster: { name: 'other' }, pgbouncer: {} } },
  ];
  const md = renderTopology(manifests, 'shop', 'pg');
  expect(md).toContain('pooler_pg_pooler_rw[/"Pooler pg-pooler-rw<br/>2 PgBouncer, transaction mode"/]');
  expect(md).toContain('pooler_pg_pooler_rw --> pg_rw');
  expect(md).not.toContain('other-pooler');
  expect(md).toContain('archive[("WAL archive and base backups<br/>s3://bucket/pg (ObjectStore store)")]');
  expect(md).toContain('backup_pg_daily>"ScheduledBackup pg-daily<br/>schedule 0 0 3 * * *"]');
  expect(md).toContain('drill_pg_restore_drill>"Restore drill pg-restore-drill<br/>schedule 0 5 1 * *"]');
  expect(md).toContain('zone 1 (topology.kubernetes.io/zone, chosen by the scheduler)');
});

test.each([['SinglePassApp', (d: string) => new SinglePassApp({ outdir: d })], ['App', (d: string) => new App({ outdir: d })]])('a failing synth writes no diagram (and no manifests): %s', (_kind, makeApp) => {
  const dir = outdir();
  const app = makeApp(dir);
  const chart = new Chart(app, 'bad', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders', { synchronousStandbys: 5 });
  new ClusterMonitoring(chart, 'monitoring', { cluster: db });
  expect(() => app.synth()).toThrow(/synchronousStandbys = 5/);
  expect(existsSync(join(dir, 'orders.topology.md'))).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test('a TopologyDiagram on its own, without monitoring; topologyDiagram: false writes none', () => {
  const dir = outdir();
  const app = new SinglePassApp({ outdir: dir });
  const chart = new Chart(app, 'c', { namespace: 'db' });
  const a = new HaPostgres(chart, 'alpha');
  const b = new HaPostgres(chart, 'beta');
  new TopologyDiagram(chart, 'alpha-topology', { cluster: a });
  new ClusterMonitoring(chart, 'beta-monitoring', { cluster: b, topologyDiagram: false });
  app.synth();
  expect(readdirSync(dir).sort()).toEqual(['alpha.topology.md', 'c.k8s.yaml']);
});

test('same-named clusters in two namespaces get separate files; one cluster drawn twice is written once', () => {
  const dir = outdir();
  const app = new SinglePassApp({ outdir: dir });
  const a = new Chart(app, 'a', { namespace: 'team-a' });
  const b = new Chart(app, 'b', { namespace: 'team-b' });
  const dbA = new HaPostgres(a, 'orders');
  new ClusterMonitoring(a, 'monitoring', { cluster: dbA });
  new TopologyDiagram(a, 'again', { cluster: dbA });
  new ClusterMonitoring(b, 'monitoring', { cluster: new HaPostgres(b, 'orders') });
  app.synth();
  expect(readdirSync(dir).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml', 'orders.topology.md', 'team-b.orders.topology.md']);
  expect(readFileSync(join(dir, 'team-b.orders.topology.md'), 'utf8')).toMatch(/^# Topology of team-b\/orders/);
});

test('a plain App writes no diagram by itself (nothing of it is replaced); TopologyDiagram.writeDiagrams(app) writes them after app.synth()', () => {
  const dir = outdir();
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'c', { namespace: 'db' });
  new ClusterMonitoring(chart, 'monitoring', { cluster: new HaPostgres(chart, 'orders') });
  app.synth();
  expect(readdirSync(dir)).toEqual(['c.k8s.yaml']);
  expect(App.prototype.synth).toBe(app.synth);
  expect(TopologyDiagram.writeDiagrams(app)).toEqual(['orders.topology.md']);
  expect(readFileSync(join(dir, 'orders.topology.md'), 'utf8')).toMatch(/^# Topology of db\/orders/);
});

test('Testing.synth(chart) writes no diagram', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'db' });
  new ClusterMonitoring(chart, 'monitoring', { cluster: new HaPostgres(chart, 'orders') });
  Testing.synth(chart);
  expect(readdirSync(app.outdir)).toEqual([]);
});

test('a TopologyDiagram of a Patroni cluster is a configuration error, not a crash', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders', patroniProps());
  new TopologyDiagram(chart, 'topology', { cluster: db });
  expect(() => Testing.synth(chart)).toThrow(/cluster = "orders": runs on Patroni.*topology diagram draws CloudNativePG clusters only\. Fix:/);
});
