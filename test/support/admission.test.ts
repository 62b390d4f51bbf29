/**
 * The admission model (test/support/admission.ts) catches what CloudNativePG's webhooks and
 * the API server refuse, and every example of the repository passes it.
 */
import { App, Testing } from 'cdk8s';
import { BackupChart, PointInTimeRestoreChart } from '../../examples/backup/chart';
import { DevChart } from '../../examples/dev/chart';
import { PatroniChart } from '../../examples/patroni/chart';
import { PoolerChart } from '../../examples/pooler/chart';
import { ProductionChart } from '../../examples/production/chart';
import { admissionFindings, duplicateObjects, quantity } from './admission';

const cluster = (spec: any, name = 'orders'): any => ({
  apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name, namespace: 'db' },
  spec: { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie', storage: { size: '10Gi' }, ...spec },
});

describe('the model refuses what the webhooks and the API server refuse', () => {
  test.each<[string, any, RegExp]>([
    ['a Cluster name starting with a digit', cluster({}, '2024-orders'), /validateName/],
    ['a latest image', cluster({ imageName: 'postgres:latest' }), /validateImageName/],
    ['shared_buffers above the request', cluster({ postgresql: { parameters: { shared_buffers: '16GB' } }, resources: { requests: { memory: '4Gi' } } }), /shared_buffers/],
    ['a bare shared_buffers read as MB', cluster({ postgresql: { parameters: { shared_buffers: '100000' } }, resources: { requests: { memory: '4Gi' } } }), /shared_buffers/],
    ['min_wal_size above the default max', cluster({ postgresql: { parameters: { min_wal_size: '2GB' } } }), /min_wal_size not below max_wal_size/],
    ['max_wal_size above the WAL volume', cluster({ postgresql: { parameters: { max_wal_size: '30GB' } }, walStorage: { size: '20Gi' } }), /max_wal_size not below/],
    ['wal_level minimal', cluster({ postgresql: { parameters: { wal_level: 'minimal' } } }), /wal_level/],
    ['wal_log_hints off', cluster({ postgresql: { parameters: { wal_log_hints: 'off' } } }), /wal_log_hints/],
    ['a fixed parameter', cluster({ postgresql: { parameters: { port: '5433' } } }), /fixed parameter/],
    ['a parameter with two dots', cluster({ postgresql: { parameters: { 'a.b.c': '1' } } }), /parameter name/],
    ['a request above the limit', cluster({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), /cpu request above limit/],
    ['a target time CloudNativePG cannot parse', cluster({ bootstrap: { recovery: { source: 'o', recoveryTarget: { targetTime: '2026-06-01 04:00:00Z' } } }, externalClusters: [{ name: 'o', plugin: { name: 'p' } }] }), /targetTime/],
    ['affinity In without values', cluster({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] }] } } } }), /without values/],
    ['a ScheduledBackup on day 7', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'b', namespace: 'db' }, spec: { schedule: '0 0 3 * * 7', method: 'plugin', pluginConfiguration: { name: 'x' } } }, /day-of-week 7 is above the maximum 6/],
    ['a CronJob on day 7', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'b', namespace: 'db' }, spec: { schedule: '0 3 * * 1-7' } }, /spec\.schedule/],
    ['a Pooler named like its cluster', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'orders', namespace: 'db' }, spec: { cluster: { name: 'orders' }, pgbouncer: {} } }, /same name as its cluster/],
    ['a label value too long', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'db', labels: { a: 'b'.repeat(64) } } }, /not a label value/],
    ['a Service name starting with a digit', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1x', namespace: 'db' } }, /DNS-1035/],
  ])('%s', (_what, manifest, expected) => {
    expect(admissionFindings([manifest]).join('\n')).toMatch(expected);
  });

  test('objects applied twice, also with what the operator creates', () => {
    const pooler = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'orders-rw', namespace: 'db' }, spec: { cluster: { name: 'orders' }, pgbouncer: {} } };
    expect(duplicateObjects([cluster({}), pooler])).toEqual(['applied twice: /Service db/orders-rw']);
    expect(duplicateObjects([cluster({}), cluster({})]).length).toBeGreaterThan(0);
  });

  test('a valid Cluster passes', () => {
    expect(admissionFindings([cluster({ postgresql: { parameters: { shared_buffers: '1GB' } }, resources: { requests: { memory: '4Gi', cpu: '2' }, limits: { memory: '4Gi', cpu: '2' } } })])).toEqual([]);
  });

  test('quantities', () => {
    expect(quantity('4Gi')).toBe(4 * 2 ** 30);
    expect(quantity('500m')).toBe(0.5);
    expect(quantity('1e3')).toBe(1000);
    expect(quantity('NaNGi')).toBeUndefined();
  });
});

describe('every example passes admission', () => {
  test.each<[string, (app: App) => any]>([
    ['production', (app) => new ProductionChart(app, 'production')],
    ['dev', (app) => new DevChart(app, 'dev')],
    ['pooler', (app) => new PoolerChart(app, 'pooler')],
    ['backup', (app) => new BackupChart(app, 'backup')],
    ['point-in-time restore', (app) => { new BackupChart(app, 'backup'); return new PointInTimeRestoreChart(app, 'restore'); }],
    ['patroni', (app) => new PatroniChart(app, 'patroni')],
  ])('%s', (_name, make) => {
    const app = Testing.app();
    make(app);
    const manifests = app.charts.flatMap((c) => Testing.synth(c));
    expect(admissionFindings(manifests)).toEqual([]);
  });
});
