/**
 * One test per rule of CloudNativePG v1.30's admission webhooks (internal/webhook/v1) and of the
 * Kubernetes API server that a prop can reach: refused at synth time with a ConfigError naming
 * the prop, or kept true by construction in every rendered manifest. The table in
 * docs/guides/operator-rules.md maps each rule to where the library enforces it and to the test here.
 */
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ArchiveSource, BackupSchedule, ClusterBootstrap, ClusterMode, DisruptionBudget,
  HaPostgres, HbaRule, PgBouncerPool, PoolType, PostgresVersion, RecoveryTarget, RestoreDrill, ScheduledBackup, WalArchive,
} from '../lib';
import { patroniProps } from './patroni/patroni-fixtures';
import { admissionFindings } from './support/admission';
import { synthError } from './support/synth';

const ROLE = ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-archive');
const dest = (path: string) => ArchiveDestination.s3({ bucket: 'acme-pg-archive', path, region: 'eu-west-1' });

/** A fleet covering every prop that reaches a CloudNativePG manifest: modes, budgets, archive, backups, drills, recovery, pools, hba rules, resources. */
function fleet(): any[] {
  const app: App = Testing.app();
  const chart = new Chart(app, 'fleet', { namespace: 'db', disableResourceNameHashes: true });
  const ha = new HaPostgres(chart, 'orders', {
    resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.units(4), memoryRequest: Size.gibibytes(2), memoryLimit: Size.gibibytes(8) },
    placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
    parameters: { shared_buffers: '512MB', max_wal_size: '4GB', min_wal_size: '1GB', wal_level: 'replica', hot_standby_feedback: 'on' },
  });
  ha.addHbaRule(HbaRule.hostssl({ address: '10.20.0.0/16', database: 'app', user: 'app' }));
  const archive = new WalArchive(chart, 'archive', { cluster: ha, destination: dest('orders'), credentials: ROLE });
  new ScheduledBackup(chart, 'daily', { archive, schedule: BackupSchedule.daily({ hour: 2 }) });
  new ScheduledBackup(chart, 'weekly', { archive, schedule: BackupSchedule.weekly({ hour: 3 }) });
  new RestoreDrill(chart, 'drill', { cluster: ha, scratchNamespace: 'drills' });
  new PgBouncerPool(chart, 'rw', { cluster: ha });
  new PgBouncerPool(chart, 'ro', { cluster: ha, type: PoolType.READ_ONLY, parameters: { log_connections: '1' } });
  new HaPostgres(chart, 'dev', { mode: ClusterMode.standalone(), storage: { size: Size.gibibytes(5) } });
  new HaPostgres(chart, 'five', { mode: ClusterMode.highAvailability(5), synchronousStandbys: 2, disruptionBudget: DisruptionBudget.operatorManaged(), separateWalVolume: false });
  const copy = new HaPostgres(chart, 'copy', {
    bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromWalArchive(archive), RecoveryTarget.time('2026-06-01 04:00:00+02')),
    credentials: AppCredentials.generated({ database: 'orders', owner: 'orders_owner' }),
  });
  new WalArchive(chart, 'copy-archive', { cluster: copy, destination: dest('copy'), credentials: ROLE });
  new HaPostgres(chart, 'lsn', { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archive), { target: RecoveryTarget.lsn('0/3000060') }) });
  return app.charts.flatMap((c) => Testing.synth(c));
}

const manifests = fleet();
const of = (kind: string) => manifests.filter((m) => m.apiVersion?.startsWith('postgresql.cnpg.io/') && m.kind === kind);
/** Every Cluster the library makes CloudNativePG admit: the rendered ones and the restore drills' templates. */
const clusters = [
  ...of('Cluster'),
  ...manifests.filter((m) => m.kind === 'ConfigMap' && m.data?.['cluster.json']).map((m) => JSON.parse(m.data['cluster.json'])),
];
const refused = (build: (c: Construct) => void) => synthError(build);

test('the fleet is admitted as a whole (model of the webhooks and the API server)', () => {
  expect(clusters.length).toBe(6); // orders, dev, five, copy, lsn and the drill's template
  expect(admissionFindings(manifests)).toEqual([]);
});

describe('Cluster webhook (cluster_webhook.go)', () => {
  test('validateName: DNS-1035 label of at most 50 characters', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { name: '2024-orders' }))).toMatch(/name = "2024-orders": is not a DNS label of the form Service names need/);
    expect(refused((c) => new HaPostgres(c, 'x', { name: 'a'.repeat(51) }))).toMatch(/at most 50 characters/);
  });

  test('validateImageName: a version tag, not latest, not a digest alone', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' }))).toMatch(/imageName = .*tag "latest"/);
    expect(refused((c) => new HaPostgres(c, 'x', { imageName: 'registry/pg:bookworm' }))).toMatch(/does not start with a PostgreSQL version/);
    expect(refused((c) => new HaPostgres(c, 'x', { version: PostgresVersion.of(18, 100) }))).toMatch(/version = "18.100": .*minor below 100/);
  });

  test('validateConfiguration: PostgreSQL 13 or newer (the image major matches version)', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { version: PostgresVersion.of(12, 1) }))).toMatch(/version = "12.1": PostgreSQL 12 is not supported/);
    expect(refused((c) => new HaPostgres(c, 'x', { imageName: 'ghcr.io/cloudnative-pg/postgresql:12.1' }))).toMatch(/its tag says PostgreSQL 12/);
  });

  test('validateConfiguration: parameter names (a GUC name, at most one dot)', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { 'a.b.c': '1' } }))).toMatch(/parameters\.a\.b\.c = "1": CloudNativePG accepts parameter names with at most one dot/);
  });

  test('validateConfiguration: fixed parameters', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { port: 5433 } }))).toMatch(/parameters\.port = 5433: CloudNativePG 1\.30 does not allow this parameter/);
  });

  test('validateConfiguration: wal_level known, and replica or logical (archive_mode is always on)', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { wal_level: 'archive' } }))).toMatch(/wal_level = "archive": is not a wal_level/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { wal_level: 'REPLICA' } }))).toMatch(/wal_level = "REPLICA": CloudNativePG compares wal_level in lower case/);
    expect(refused((c) => new HaPostgres(c, 'x', { mode: ClusterMode.standalone(), parameters: { wal_level: 'minimal' } }))).toMatch(/archive_mode = on/);
  });

  test('validateConfiguration: max_wal_senders 0 with wal_level minimal (minimal is refused, so never reached)', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { mode: ClusterMode.standalone(), parameters: { wal_level: 'minimal', max_wal_senders: 0 } }))).toMatch(/wal_level = "minimal"/);
  });

  test('validateConfiguration: shared_buffers is a size', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { shared_buffers: '1gb' } }))).toMatch(/shared_buffers = "1gb": is not a size that both CloudNativePG and PostgreSQL read/);
  });

  test('validateConfiguration: hot_standby_feedback, sync_replication_slots and wal_log_hints are booleans', () => {
    for (const p of ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints']) {
      expect(refused((c) => new HaPostgres(c, 'x', { parameters: { [p]: 'enabled' } }))).toMatch(new RegExp(`${p} = "enabled": is not a PostgreSQL boolean`));
    }
  });

  test('validateConfiguration: wal_log_hints on with more than one instance', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { wal_log_hints: false } }))).toMatch(/wal_log_hints = "off": must be on with several instances/);
  });

  test('validateWalSizeConfiguration: min_wal_size < max_wal_size (defaults 80MB and 1GB) < WAL volume', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { min_wal_size: '2GB' } }))).toMatch(/min_wal_size = "2GB": must be below max_wal_size \(1GB \(the default\)\)/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { max_wal_size: '64MB' } }))).toMatch(/max_wal_size = "64MB": must be above min_wal_size \(80MB, the default\)/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { max_wal_size: '20GB' } }))).toMatch(/max_wal_size = "20GB": is not below the volume that holds WAL/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { min_wal_size: '21GB', max_wal_size: '30GB' } }))).toMatch(/min_wal_size = "21GB": is not below the volume/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { max_wal_size: 'big' } }))).toMatch(/max_wal_size = "big": is not a size/);
  });

  test('validateResources: requests not above limits', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.units(1) } }))).toMatch(/resources\.cpuLimit = "1": is below cpuRequest/);
    expect(refused((c) => new HaPostgres(c, 'x', { resources: { memoryRequest: Size.gibibytes(4), memoryLimit: Size.gibibytes(2) } }))).toMatch(/resources\.memoryLimit = 2Gi: is below memoryRequest/);
  });

  test('validateResources: memory request not below shared_buffers (the default is 25 % of the request)', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { shared_buffers: '5GB' } }))).toMatch(/shared_buffers = "5GB": is above the memory request/);
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { shared_buffers: 5000 } }))).toMatch(/CloudNativePG reads a number without a unit as MB/);
    const orders = of('Cluster').find((m) => m.metadata.name === 'dev');
    expect(orders.spec.postgresql.parameters.shared_buffers).toBe('1GB'); // 25 % of 4Gi
  });

  test('validateStorageSize and validateWalStorageSize: a size that parses', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { storage: { size: Size.gibibytes(Number.POSITIVE_INFINITY) } }))).toMatch(/storage\.size = InfinityGi: must be a finite size above zero/);
    for (const c of clusters) expect(c.spec.storage.size).toMatch(/^\d+(\.\d+)?(Mi|Gi|Ti)$/);
  });

  test('validateSynchronousReplicaConfiguration: number below the instances', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { synchronousStandbys: 3 }))).toMatch(/synchronousStandbys = 3: must be below the number of instances/);
    for (const c of clusters.filter((x) => x.spec.postgresql?.synchronous)) expect(c.spec.postgresql.synchronous.number).toBeLessThan(c.spec.instances);
  });

  test('validateRecoveryTarget: one target, a time CloudNativePG parses, an LSN', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromProps({ destination: dest('o'), credentials: ROLE, serverName: 'o' }), RecoveryTarget.time('2026-06-01 04:00:00Z')) })))
      .toMatch(/bootstrap\.target = .*is not a timestamp CloudNativePG accepts/);
    expect(refused((c) => new HaPostgres(c, 'x', { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ destination: dest('o'), credentials: ROLE, serverName: 'o' }), { target: RecoveryTarget.lsn('0/X') }) })))
      .toMatch(/is not a WAL location/);
    const targets = clusters.map((c) => c.spec.bootstrap.recovery?.recoveryTarget).filter((t) => t);
    expect(targets).toEqual([{ targetTime: '2026-06-01 04:00:00+02' }, { targetLSN: '0/3000060' }]);
  });

  test('validateBootstrapMethod, validateInitDB, validateRecoveryApplicationDatabase: one method, database and owner together', () => {
    for (const c of clusters) {
      const methods = Object.keys(c.spec.bootstrap);
      expect(methods).toHaveLength(1);
      const b = c.spec.bootstrap[methods[0]];
      expect(typeof b.database).toBe('string');
      expect(typeof b.owner).toBe('string');
      expect(b.walSegmentSize).toBeUndefined();
      expect(b.postInitApplicationSQLRefs).toBeUndefined();
    }
  });

  test('validateBootstrapRecoverySource and validateExternalClusters: the source exists, is read through the plugin, names are unique and safe', () => {
    const restored = clusters.filter((x) => x.spec.bootstrap.recovery);
    expect(restored.length).toBe(3); // copy, lsn and the drill's template
    for (const c of restored) {
      const names = c.spec.externalClusters.map((e: any) => e.name);
      expect(new Set(names).size).toBe(names.length);
      const source = c.spec.externalClusters.find((e: any) => e.name === c.spec.bootstrap.recovery.source);
      expect(source.plugin.name).toBe('barman-cloud.cloudnative-pg.io');
      for (const n of names) expect(n).not.toMatch(/[/\\]|^\.\.?$/);
    }
  });

  test('validatePrimaryUpdateStrategy: unsupervised (never supervised with one instance)', () => {
    for (const c of of('Cluster')) expect(c.spec.primaryUpdateStrategy).toBe('unsupervised');
  });

  test('validateAntiAffinity: podAntiAffinityType required', () => {
    for (const c of of('Cluster')) expect(c.spec.affinity.podAntiAffinityType).toBe('required');
  });

  test('validatePluginConfiguration: at most one WAL archiver, no in-tree barmanObjectStore', () => {
    expect(refused((c) => {
      const db = new HaPostgres(c, 'x', {});
      new WalArchive(c, 'a', { cluster: db, destination: dest('a'), credentials: ROLE });
      new WalArchive(c, 'b', { cluster: db, destination: dest('b'), credentials: ROLE });
    })).toMatch(/WalArchive = "test\/b": cluster "x" already archives through test\/a/);
    expect(of('Cluster').find((c) => c.metadata.name === 'orders').spec.plugins.filter((p: any) => p.isWALArchiver)).toHaveLength(1);
    for (const c of clusters) {
      expect((c.spec.plugins ?? []).filter((p: any) => p.isWALArchiver).length).toBeLessThanOrEqual(1);
      expect(c.spec.backup).toBeUndefined();
    }
  });

  test('validateServiceAccountConfig: never serviceAccountName with serviceAccountTemplate', () => {
    for (const c of clusters) expect(c.spec.serviceAccountName).toBeUndefined();
  });

  test('validatePgFailoverSlots: pg_failover_slots needs hot_standby_feedback on', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { parameters: { 'pg_failover_slots.synchronize_slot_names': 'name_like:%' } })))
      .toMatch(/pg_failover_slots\.synchronize_slot_names = .*needs hot_standby_feedback on/);
  });

  test('validatePodSelectorRefs (pg_hba lines): only hostssl lines of checked tokens, no ${podselector:…} reference', () => {
    expect(refused((c) => new HaPostgres(c, 'x', {}).addHbaRule(HbaRule.hostssl({ address: '10.0.0.0/8', user: '${podselector:x}' })))).toMatch(/is not a pg_hba user field/);
    const lines = of('Cluster').flatMap((c) => c.spec.postgresql.pg_hba ?? []);
    expect(lines).toContain('hostssl app app 10.20.0.0/16 scram-sha-256');
    for (const line of lines) expect(line).toMatch(/^(hostnossl all all all reject|hostssl [a-z0-9_,+$-]+ [a-z0-9_,+$-]+ [0-9a-f.:/]+ [a-z0-9-]+)$/);
  });

  test('fields the library never renders (certificates, superuser secret, pull policy, tolerations, env, LDAP, managed roles and services, tablespaces, extensions, replica cluster, primary lease, min/maxSyncReplicas, in-tree backup)', () => {
    const never = ['certificates', 'superuserSecret', 'imagePullPolicy', 'env', 'managed', 'tablespaces', 'replica', 'primaryLease', 'minSyncReplicas',
      'maxSyncReplicas', 'backup', 'ephemeralVolumeSource', 'podSelectorRefs', 'imageCatalogRef', 'postgresUID', 'postgresGID'];
    for (const c of clusters) {
      for (const f of never) expect(c.spec[f]).toBeUndefined();
      expect(c.spec.affinity?.tolerations).toBeUndefined();
      expect(c.spec.postgresql?.ldap).toBeUndefined();
      expect(c.spec.postgresql?.extensions).toBeUndefined();
      expect(c.metadata.annotations).toBeUndefined();
    }
  });
});

describe('Pooler webhook (pooler_webhook.go)', () => {
  test('validateCluster: a cluster name, never the Pooler\'s own', () => {
    expect(refused((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', {}), name: 'orders' }))).toMatch(/name = "orders": equals the cluster's name/);
    for (const p of of('Pooler')) expect(p.spec.cluster.name).not.toBe(p.metadata.name);
  });

  test('validatePgbouncerGenericParameters: the allow-list', () => {
    expect(refused((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', {}), parameters: { listen_port: '6432' } })))
      .toMatch(/parameters\.listen_port = "6432": is not a PgBouncer parameter that CloudNativePG lets pools set/);
  });

  test('validatePgBouncer and validateMonitoring: pgbouncer always set, no auth query, no metrics TLS or operator PodMonitor', () => {
    expect(of('Pooler')).toHaveLength(2);
    for (const p of of('Pooler')) {
      expect(p.spec.pgbouncer).toBeDefined();
      expect(p.spec.pgbouncer.authQuery).toBeUndefined();
      expect(p.spec.pgbouncer.authQuerySecret).toBeUndefined();
      expect(p.spec.monitoring).toBeUndefined();
    }
  });
});

describe('ScheduledBackup and Backup webhooks (scheduledbackup_webhook.go, backup_webhook.go)', () => {
  test('validate: the schedule parses with robfig/cron (six fields, day-of-week 0-6)', () => {
    expect(refused((c) => new ScheduledBackup(c, 'b', { archive: new WalArchive(c, 'a', { cluster: new HaPostgres(c, 'orders', {}), destination: dest('a'), credentials: ROLE }), schedule: BackupSchedule.cron('0 3 * * 7') })))
      .toMatch(/schedule = "0 3 \* \* 7": day-of-week "7" is outside 0-6.*Fix: write Sunday as 0: "0 3 \* \* 0"/);
    expect(of('ScheduledBackup').map((b) => b.spec.schedule).sort()).toEqual(['0 0 2 * * *', '0 0 3 * * 0']);
  });

  test('validate: method plugin with its configuration (the Backups it creates carry it), never online settings', () => {
    for (const b of of('ScheduledBackup')) {
      expect(b.spec.method).toBe('plugin');
      expect(b.spec.pluginConfiguration.name).toBe('barman-cloud.cloudnative-pg.io');
      expect(b.spec.online).toBeUndefined();
      expect(b.spec.onlineConfiguration).toBeUndefined();
    }
  });
});

describe('Kubernetes API server rules applied to what the library renders', () => {
  test('object names: DNS-1123 subdomains, Services DNS-1035 labels, CronJobs at most 52 characters', () => {
    expect(refused((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', {}), name: '1pool' }))).toMatch(/name = "1pool": must start with a letter/);
    expect(refused((c) => new RestoreDrill(c, 'd', { cluster: new WalArchive(c, 'a', { cluster: new HaPostgres(c, 'orders', {}), destination: dest('a'), credentials: ROLE }).cluster, scratchNamespace: 'drills', name: 'd'.repeat(53) })))
      .toMatch(/at most 52 characters/);
    expect(admissionFindings(manifests).filter((f) => /name/.test(f))).toEqual([]);
  });

  test('names derived from a long cluster name stay within the limits', () => {
    const long = 'a'.repeat(50);
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'db' });
    const db = new HaPostgres(chart, long, {});
    const archive = new WalArchive(chart, 'a', { cluster: db, destination: dest('a'), credentials: ROLE });
    new ScheduledBackup(chart, 'daily', { archive });
    new ScheduledBackup(chart, 'weekly', { archive, schedule: BackupSchedule.weekly() });
    new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'drills' });
    const ms = Testing.synth(chart);
    expect(admissionFindings(ms)).toEqual([]);
  });

  test('label values: zones, rule labels, and derived names are valid label values', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { placement: { zones: ['eu west 1a', 'b'] } }))).toMatch(/placement\.zones = "eu west 1a": is not a valid label value/);
    expect(admissionFindings(manifests).filter((f) => /label/.test(f))).toEqual([]);
  });

  test('CronJob schedules: robfig/cron ranges, day-of-week 0-6', () => {
    expect(refused((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps());
      const archive = new WalArchive(c, 'a', { cluster: db, destination: dest('a'), credentials: ArchiveCredentials.fromSecret('orders-s3') });
      new ScheduledBackup(c, 'b', { archive, schedule: BackupSchedule.cron('0 3 * * 1-7') });
    })).toMatch(/schedule = "0 3 \* \* 1-7": day-of-week "1-7" is outside 0-6.*Fix: write Sunday as 0: "0 3 \* \* \*"/);
    expect(refused((c) => new RestoreDrill(c, 'd', { cluster: new WalArchive(c, 'a', { cluster: new HaPostgres(c, 'orders', {}), destination: dest('a'), credentials: ROLE }).cluster, scratchNamespace: 'drills', schedule: BackupSchedule.cron('0 4 1 13 *') })))
      .toMatch(/schedule = "0 4 1 13 \*": is not a valid cron expression: month 13 is above the maximum 12/);
  });

  test('node affinity In always has values', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { mode: ClusterMode.standalone(), placement: { zones: [] } }))).toMatch(/placement\.zones = \[\]: lists no zone/);
    expect(admissionFindings(manifests).filter((f) => /operator/.test(f))).toEqual([]);
  });

  test('resource quantities: finite sizes above zero, whole seconds where seconds are rendered', () => {
    expect(refused((c) => new HaPostgres(c, 'x', { resources: { memoryRequest: Size.gibibytes(Number.NaN) } }))).toMatch(/resources\.memoryRequest = NaNGi: must be a finite size above zero/);
    expect(refused((c) => new RestoreDrill(c, 'd', { cluster: new WalArchive(c, 'a', { cluster: new HaPostgres(c, 'orders', {}), destination: dest('a'), credentials: ROLE }).cluster, scratchNamespace: 'drills', readyTimeout: Duration.millis(600_500) })))
      .toMatch(/readyTimeout = "600.5 seconds": must be a whole number of seconds/);
  });

  test('no two objects share group, kind, namespace and name (including what CloudNativePG creates)', () => {
    expect(refused((c) => { new HaPostgres(c, 'a', { name: 'orders' }); new HaPostgres(c, 'b', { name: 'orders' }); })).toMatch(/test\/a and test\/b both apply Cluster "db\/orders"/);
    expect(admissionFindings(manifests).filter((f) => f.startsWith('applied twice'))).toEqual([]);
  });
});
