import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ClusterMode } from '../../lib/model/cluster-mode';
import { DisruptionBudget } from '../../lib/model/disruption';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { HaPostgresProps } from '../../lib/model/ha-postgres-props';
import { DataDurability, PrimaryUpdateMethod } from '../../lib/model/replication';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { ClusterMonitoring, ReadinessChecklist } from '../../lib/monitoring';
import { CHECKLIST, evaluateReadiness } from '../../lib/monitoring/readiness/checklist';

const READINESS_WARNING_PREFIX = ReadinessChecklist.WARNING_PREFIX;
import { synth } from '../support/synth';

const readinessWarnings = (scope: any) => SynthWarnings.collect(scope).filter((w) => w.includes(`] ${READINESS_WARNING_PREFIX}`));

/** The checklist of the single cluster `db1` built with `props`, as id → passed. */
function verdicts(props: HaPostgresProps, extra?: (c: Chart, db: HaPostgres) => void): Record<string, boolean> {
  const ms = synth((c) => { const db = new HaPostgres(c, 'db1', props); extra?.(c as Chart, db); });
  const [report] = evaluateReadiness(ms);
  return Object.fromEntries(report.items.map((i) => [i.id, i.passed]));
}

describe('synth-time readiness warnings', () => {
  test('a bare HA cluster gets one warning per missing item, recognisable by the prefix', () => {
    const chart = new Chart(Testing.app(), 'bare', { namespace: 'db' });
    const db = new HaPostgres(chart, 'orders');
    expect(readinessWarnings(db)).toEqual([]); // the checklist runs at synth, when the app is complete
    Testing.synth(chart);
    expect(readinessWarnings(db).map((w) => w.replace(/^(\[[^\]]+\] readiness: [^:]+):.*$/, '$1'))).toEqual([
      '[bare/orders] readiness: replication slots monitored (advisory)',
      '[bare/orders] readiness: PgBouncer in transaction mode (advisory)',
      '[bare/orders] readiness: continuous WAL archiving',
      '[bare/orders] readiness: a daily base backup',
      '[bare/orders] readiness: a restore test (advisory)',
      '[bare/orders] readiness: replication lag alerts (advisory)',
    ]);
    // Everything the cluster itself guarantees passes.
    expect(SynthWarnings.collect(db).join('\n')).not.toMatch(/3 instances|synchronous standby|slots bounded|PDB|switchover/);
  });

  test('constructs added after the cluster count (monitoring removes the alerting items); no duplicates on a second synth', () => {
    const chart = new Chart(Testing.app(), 'mon', { namespace: 'db' });
    const db = new HaPostgres(chart, 'orders');
    new ClusterMonitoring(chart, 'monitoring', { cluster: db, topologyDiagram: false });
    Testing.synth(chart);
    Testing.synth(chart);
    const w = readinessWarnings(db);
    expect(w).toHaveLength(4);
    expect(w.join('\n')).not.toMatch(/lag alerts|slots monitored/);
  });

  test('standalone clusters get no readiness warnings (they are dev-only and warned already)', () => {
    const chart = new Chart(Testing.app(), 'dev', { namespace: 'dev' });
    const db = new HaPostgres(chart, 'dev', { mode: ClusterMode.standalone() });
    Testing.synth(chart);
    expect(readinessWarnings(db)).toEqual([]);
    expect(SynthWarnings.collect(db).join()).toMatch(/standalone cluster/);
  });

  test('printed to stderr by app.synth()', () => {
    const writes: string[] = [];
    const silence = process.env.HA_POSTGRES_SILENCE_WARNINGS;
    delete process.env.HA_POSTGRES_SILENCE_WARNINGS;
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { writes.push(String(s)); return true; });
    try {
      const app = Testing.app();
      new HaPostgres(new Chart(app, 'printed', { namespace: 'p' }), 'pdb1');
      app.synth();
    } finally { spy.mockRestore(); process.env.HA_POSTGRES_SILENCE_WARNINGS = silence; }
    expect(writes.join('')).toMatch(/\[WARNING\] \[printed\/pdb1\] readiness: continuous WAL archiving: no WAL archive/);
  });

  test('an app with a configuration error fails with its error, not with readiness noise', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'err', { namespace: 'db' });
    new HaPostgres(chart, 'orders', { synchronousStandbys: 3 });
    expect(() => app.synth()).toThrow(/synchronousStandbys = 3/);
  });
});

describe('checklist verdicts on the library\'s own manifests', () => {
  test('the HA default passes every item the cluster owns', () => {
    expect(verdicts({})).toMatchObject({
      'instances-zones': true, 'sync-standby': true, 'slots-bounded': true, 'pdb': true, 'switchover-updates': true,
      'wal-archiving': false, 'daily-backup': false, 'instance-qos': true, 'pooler-qos': true,
    });
  });

  test('each weakened prop fails its item', () => {
    expect(verdicts({ dataDurability: DataDurability.PREFERRED })['sync-standby']).toBe(false);
    expect(verdicts({ failoverQuorum: false })['sync-standby']).toBe(false);
    expect(verdicts({ primaryUpdateMethod: PrimaryUpdateMethod.RESTART })['switchover-updates']).toBe(false);
    expect(verdicts({ placement: { zones: ['a', 'b'] } })['instances-zones']).toBe(false);
    expect(verdicts({ disruptionBudget: DisruptionBudget.minAvailable(1) })['pdb']).toBe(false);
    expect(verdicts({ disruptionBudget: DisruptionBudget.operatorManaged() })['pdb']).toBe(true);
  });

  test('a custom zone key of the placement counts at synth time; the checklist alone counts only the standard keys', () => {
    const chart = new Chart(Testing.app(), 'zones', { namespace: 'db' });
    const db = new HaPostgres(chart, 'orders', { placement: { zoneTopologyKey: 'example.com/zone-name' } });
    const manifests = Testing.synth(chart);
    expect(readinessWarnings(db).join('\n')).not.toMatch(/3 instances across 3 zones/);
    const zones = (options?: any) => ReadinessChecklist.evaluate(manifests, options)[0].items.find((i) => i.id === 'instances-zones')!;
    expect(zones()).toMatchObject({ passed: false, reason: expect.stringMatching(/the spread on example\.com\/zone-name is not on a zone key/) });
    expect(zones({ zoneTopologyKeys: ['example.com/zone-name'] })).toMatchObject({ passed: true, reason: expect.stringMatching(/spread over example\.com\/zone-name/) });
  });

  test('a zone spread whose selector misses the instances does not count', () => {
    const cluster = (selector: any) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'n' },
      spec: { instances: 3, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector }] } });
    const item = (selector: any) => evaluateReadiness([cluster(selector)])[0].items.find((i) => i.id === 'instances-zones')!;
    expect(item({ matchLabels: { 'cnpg.io/cluster': 'pg' } }).passed).toBe(true);
    expect(item({ matchLabels: { app: 'pg' } })).toMatchObject({ passed: false, reason: expect.stringMatching(/labelSelector that misses the instances \(pg-1, pg-2, pg-3\)/) });
    expect(item(undefined).passed).toBe(false);
  });

  test('a ScheduledBackup whose method the cluster cannot run fails (the CRD default is barmanObjectStore)', () => {
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'n' },
      spec: { instances: 3, plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 's' } }] } };
    const backup = (spec: any) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'b', namespace: 'n' },
      spec: { cluster: { name: 'pg' }, schedule: '0 0 1 * * *', ...spec } });
    const item = (spec: any) => evaluateReadiness([cluster, backup(spec)])[0].items.find((i) => i.id === 'daily-backup')!;
    expect(item({}).passed).toBe(false);
    expect(item({}).reason).toMatch(/method is barmanObjectStore \(the ScheduledBackup default\) but the cluster has no spec\.backup\.barmanObjectStore; set method: plugin/);
    expect(item({ method: 'plugin', pluginConfiguration: { name: 'other' } }).reason).toMatch(/names other, which the cluster does not enable/);
    expect(item({ method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } }).passed).toBe(true);
    expect(item({ method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' }, schedule: '0 0 1 * * 0' }).reason).toMatch(/runs only every 168 h/);
  });

  test('an extra PDB over the instances is an overlap (pods under two budgets)', () => {
    const ms = synth((c) => {
      new HaPostgres(c, 'db1');
      new k8s.KubePodDisruptionBudget(c, 'extra', { metadata: { name: 'extra' }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'cnpg.io/cluster': 'db1' } } } });
    });
    const pdb = evaluateReadiness(ms)[0].items.find((i) => i.id === 'pdb')!;
    expect(pdb).toMatchObject({ passed: false, required: true });
    expect(pdb.reason).toMatch(/db1-1 \(db1-pdb, extra\)/);
  });

  test('the checklist has the issue\'s items, required ones first class', () => {
    expect(ReadinessChecklist.items()).toEqual(CHECKLIST.map(({ id, title, required }) => ({ id, title, required })));
    expect(CHECKLIST.map((i) => `${i.id}${i.required ? '' : '?'}`)).toEqual([
      'instances-zones', 'sync-standby', 'slots-bounded', 'slots-monitored?', 'pooler-transaction?', 'wal-archiving',
      'daily-backup', 'restore-test?', 'lag-alerts?', 'pdb', 'switchover-updates', 'instance-qos', 'pooler-qos', 'operator-accepts',
    ]);
  });
});
