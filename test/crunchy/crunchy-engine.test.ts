/**
 * The Crunchy PGO v6 engine: every object validates strictly against the vendored PGO CRD
 * (and the prometheus-operator and core schemas), and each intent becomes the PGO field
 * the design note (docs/design/crunchy-engine.md) says, or a synth error naming the prop
 * and the engine.
 */
import { Duration, Size, Testing, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ArchiveSource, BackupSchedule, ClusterBootstrap, ClusterEngine, ClusterMode, DataDurability,
  DisruptionBudget, HaPostgres, PgBouncerPool, PoolType, RecoveryTarget, RetentionWindow, ScheduledBackup, WalArchive, WalCompression,
} from '../../lib';
import { CrunchyChart } from '../../examples/crunchy/chart';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { PodIndex, modelPdbs, modelPods, pdbCoverage, podsUnderSeveralPdbs } from '../../lib/monitoring/readiness/pod-model';
import { CRUNCHY_MANAGED_PARAMETERS } from '../../lib/engines/crunchy/crunchy-parameters';
import { finalParameters } from '../../lib/model/cluster-parameters';
import { renderPostgresClusterSpec, restoreOptions } from '../../lib/engines/crunchy/crunchy-spec';
import { ConfigErrors } from '../../lib/core/config-error';
import { RecoveryTargetKind } from '../../lib/model/recovery';
import { CRUNCHY_ALERT_METRICS } from '../../lib/engines/crunchy/crunchy-monitoring';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { Cpu } from 'cdk8s-plus-28';

const archiveOf = (db: HaPostgres, credentials = ArchiveCredentials.fromSecret('orders-s3'), extra: object = {}) => new WalArchive(db, 'archive', {
  cluster: db, destination: ArchiveDestination.s3({ bucket: 'pg-archive', path: 'prod', region: 'eu-west-1' }), credentials, ...extra,
});

function production(build?: (db: HaPostgres, chart: Chart) => void, props: object = {}): any[] {
  return synth((chart) => {
    const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] }, ...props });
    const archive = archiveOf(db);
    new ScheduledBackup(chart, 'full', { archive, schedule: BackupSchedule.weekly({ hour: 1 }) });
    build?.(db, chart);
  });
}

describe('the example (production intent on PGO)', () => {
  const ms = Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'));
  const pc = only(ms, 'PostgresCluster');

  test('every object validates against its schema (PostgresCluster against the vendored PGO v6.0.3 CRD, strict)', () => expectValidManifests(ms));
  test('snapshot', () => expect(ms).toMatchSnapshot());

  test('one instance set of 3 with hard zone and host spread, and PGO\'s ScheduleAnyway defaults turned off', () => {
    expect(pc.spec.instances).toHaveLength(1);
    const set = pc.spec.instances[0];
    expect(set.replicas).toBe(3);
    expect(pc.spec.disableDefaultPodScheduling).toBe(true);
    expect(set.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ['topology.kubernetes.io/zone', 'DoNotSchedule', 1], ['kubernetes.io/hostname', 'DoNotSchedule', 1]]);
    expect(set.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({
      'postgres-operator.crunchydata.com/cluster': 'orders-db', 'postgres-operator.crunchydata.com/instance-set': 'pg' });
    expect(set.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('RWO data and WAL volumes; Guaranteed resources (requests = limits)', () => {
    const set = pc.spec.instances[0];
    expect(set.dataVolumeClaimSpec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '200Gi' } }, storageClassName: 'gp3-encrypted' });
    expect(set.walVolumeClaimSpec.accessModes).toEqual(['ReadWriteOnce']);
    expect(set.walVolumeClaimSpec.resources.requests.storage).toBe('50Gi');
    expect(set.resources.requests).toEqual(set.resources.limits);
  });

  test('synchronous replication from the durability intent, in dynamicConfiguration', () => {
    const dc = pc.spec.patroni.dynamicConfiguration;
    expect(dc).toMatchObject({ synchronous_mode: true, synchronous_mode_strict: true, synchronous_node_count: 1, failsafe_mode: true });
    expect(dc.postgresql.use_slots).toBe(true);
    // ttl > loop_wait + 2 × retry_timeout
    expect(pc.spec.patroni.leaderLeaseDurationSeconds).toBeGreaterThan(pc.spec.patroni.syncPeriodSeconds + 2 * dc.retry_timeout);
    expect(dc.postgresql.parameters).toMatchObject({ max_connections: '300', ssl_min_protocol_version: 'TLSv1.3', archive_timeout: '5min' });
    for (const name of Object.keys(dc.postgresql.parameters)) expect(CRUNCHY_MANAGED_PARAMETERS[name]).toBeUndefined();
  });

  test('minAvailable 2 on the set (PGO\'s <cluster>-set-<set> PDB) and no PDB of ours', () => {
    expect(pc.spec.instances[0].minAvailable).toBe(2);
    expect(ms.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('pgBackRest to S3 with IRSA: repo, retention, schedules, and the role on PGO\'s two ServiceAccounts', () => {
    const b = pc.spec.backups.pgbackrest;
    expect(b.repos).toEqual([{ name: 'repo1', s3: { bucket: 'acme-payments-pg-archive', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
      schedules: { full: '0 1 * * 0', differential: '0 2 * * *' } }]);
    expect(b.global).toMatchObject({ 'repo1-path': '/crunchy/orders-db', 'repo1-retention-full-type': 'time', 'repo1-retention-full': '30', 'repo1-s3-key-type': 'web-id' });
    expect(b.configuration).toBeUndefined();
    const sas = ms.filter((m) => m.kind === 'ServiceAccount');
    expect(sas.map((s) => s.metadata.name).sort()).toEqual(['orders-db-instance', 'orders-db-pgbackrest']);
    for (const s of sas) expect(s.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/orders-db-pgbackrest');
  });

  test('PgBouncer proxy: replicas, spread, minAvailable, transaction pool mode', () => {
    const p = pc.spec.proxy.pgBouncer;
    expect(p.replicas).toBe(2);
    expect(p.minAvailable).toBe(1);
    expect(p.config.global.pool_mode).toBe('transaction');
    expect(p.topologySpreadConstraints.map((c: any) => c.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'DoNotSchedule']);
    expect(p.topologySpreadConstraints[0].labelSelector.matchLabels['postgres-operator.crunchydata.com/role']).toBe('pgbouncer');
  });

  test('monitoring: the exporter sidecar, a PodMonitor on its port, alerts only on pgMonitor metric names', () => {
    expect(pc.spec.monitoring).toEqual({ pgmonitor: { exporter: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '256Mi' } } } } });
    const pm = only(ms, 'PodMonitor');
    expect(pm.spec.selector.matchLabels['postgres-operator.crunchydata.com/crunchy-postgres-exporter']).toBe('true');
    expect(pm.spec.podMetricsEndpoints[0].port).toBe('exporter');
    const exprs = only(ms, 'PrometheusRule').spec.groups[0].rules.map((r: any) => r.expr);
    const used = new Set<string>(exprs.flatMap((e: string) => e.match(/[a-z_]+(?=\{)/g) ?? []).filter((n: string) => !['absent', 'count', 'max'].includes(n)));
    expect([...used].every((n) => CRUNCHY_ALERT_METRICS.includes(n))).toBe(true);
    expect(exprs.join(' ')).not.toMatch(/cnpg_/);
  });

  test('every container PGO adds, and its backup and restore Jobs, get requests = limits (Guaranteed pods)', () => {
    const g = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
    const helper = g('50m', '64Mi');
    const pgbackrest = g('500m', '512Mi'); // WalArchive.sidecarResources' default
    expect(pc.spec.instances[0].sidecars).toEqual({ replicaCertCopy: { resources: helper } });
    expect(pc.spec.backups.pgbackrest.sidecars).toEqual({ pgbackrest: { resources: pgbackrest }, pgbackrestConfig: { resources: helper } });
    expect(pc.spec.backups.pgbackrest.jobs).toEqual({ resources: pgbackrest });
    expect(pc.spec.backups.pgbackrest.restore).toEqual({ enabled: false, repoName: 'repo1', resources: pgbackrest });
    expect(pc.spec.monitoring.pgmonitor.exporter.resources).toEqual(g('100m', '256Mi'));
    expect(pc.spec.proxy.pgBouncer.sidecars).toEqual({ pgbouncerConfig: { resources: helper } });
  });

  test('the readiness warnings at synth are empty for the example', () => {
    const app = Testing.app();
    const chart = new CrunchyChart(app, 'crunchy');
    Testing.synth(chart);
    expect(SynthWarnings.collect(chart).filter((w) => w.includes('readiness:'))).toEqual([]);
  });

  test('NetworkPolicy: Patroni 8008 and pgBackRest 8432 between instances, exporter 9187', () => {
    const np = ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'orders-db-instances');
    const ports = np.spec.ingress.flatMap((r: any) => (r.ports ?? []).map((p: any) => p.port));
    expect(ports).toEqual(expect.arrayContaining([5432, 8008, 8432, 9187]));
  });
});

describe('PDB overlap with PGO\'s own PDBs', () => {
  test('the instances are under exactly one PDB (PGO\'s <cluster>-set-pg) and the pooler under its own', () => {
    const errors = new ConfigErrors();
    const ms = Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'));
    const pc = only(ms, 'PostgresCluster');
    // The readiness pod model of the PostgresCluster: 3 instances of set pg, 2 PgBouncer pods, the backup Jobs.
    const pods = modelPods(ms);
    expect(pods.filter((p) => p.kind === 'instance').map((p) => p.name)).toEqual(['orders-db-pg-1', 'orders-db-pg-2', 'orders-db-pg-3']);
    expect(pods.filter((p) => p.kind === 'pooler')).toHaveLength(2);
    // The PDBs the model gives PGO are the ones the renderer says PGO creates.
    const { operatorPdbs } = renderPostgresClusterSpec(errors, pureInput());
    const pdbs = modelPdbs(ms);
    expect(pdbs.map((p) => ({ name: p.name, selector: p.selector, minAvailable: p.minAvailable })))
      .toEqual(operatorPdbs.map((p) => ({ name: p.name, selector: p.selector, minAvailable: p.minAvailable })));
    expect(operatorPdbs.map((p) => p.name)).toEqual(['orders-db-set-pg', 'orders-db-pgbouncer']);
    const coverage = pdbCoverage(new PodIndex(pods), pdbs);
    for (const pod of pods.filter((p) => p.kind !== 'workload')) expect(coverage.get(pod)?.map((p) => p.name)).toHaveLength(1);
    expect(podsUnderSeveralPdbs(ms)).toEqual([]);
    expect(pc.spec.instances[0].minAvailable).toBe(2);
  });
});

/** The example's intent as pure input (what the adapter builds). */
const small = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '50m', memory: '64Mi' } };
function pureInput(): any {
  const chart = new CrunchyChart(Testing.app(), 'crunchy');
  const i = chart.database.intent;
  return {
    intent: i, engineName: 'Crunchy PGO 6.0', parameters: finalParameters(chart.database, { tlsMinimum: true }).parameters, parameterProperty: () => undefined,
    hbaRules: chart.database.hbaRules(), tls: { requireTls: true },
    patroni: { leaderLeaseSeconds: 30, syncPeriodSeconds: 10, failsafeMode: true, maximumLagOnFailoverBytes: 1048576 },
    instanceSetName: 'pg', monitoring: true,
    containerResources: { helpers: small, exporter: small, pgbackrest: small, jobs: small },
    pool: { name: 'p', type: PoolType.READ_WRITE, poolMode: 'transaction', replicas: 2, minAvailable: 1, zoneTopologyKey: 'topology.kubernetes.io/zone',
      nodeTopologyKey: 'kubernetes.io/hostname', cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi', settings: {} },
  };
}

describe('intents PGO expresses differently', () => {
  test('dataDurability PREFERRED: synchronous but not strict', () => {
    const pc = only(production(undefined, { dataDurability: DataDurability.PREFERRED, failoverQuorum: false }), 'PostgresCluster');
    expect(pc.spec.patroni.dynamicConfiguration).toMatchObject({ synchronous_mode: true, synchronous_mode_strict: false });
  });

  test('synchronousStandbys 2 of 5 instances: synchronous_node_count 2', () => {
    const pc = only(production(undefined, { mode: ClusterMode.highAvailability(5), synchronousStandbys: 2 }), 'PostgresCluster');
    expect(pc.spec.patroni.dynamicConfiguration.synchronous_node_count).toBe(2);
    expect(pc.spec.instances[0].replicas).toBe(5);
  });

  test('standalone: no synchronous mode, PGO\'s PDB deleted (minAvailable 0), no slots', () => {
    const ms = synth((chart) => {
      const db = new HaPostgres(chart, 'dev', { engine: ClusterEngine.crunchy(), mode: ClusterMode.standalone() });
      archiveOf(db);
    });
    expectValidManifests(ms);
    const pc = only(ms, 'PostgresCluster');
    expect(pc.spec.instances[0].minAvailable).toBe(0);
    expect(pc.spec.patroni.dynamicConfiguration).toMatchObject({ synchronous_mode: false, synchronous_mode_strict: false, postgresql: { use_slots: false } });
    expect(pc.spec.instances[0].topologySpreadConstraints).toBeUndefined();
  });

  test('S3 credentials from a Secret: projected s3.conf; an S3-compatible endpoint uses path-style URIs', () => {
    const ms = synth((chart) => {
      const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy() });
      new WalArchive(db, 'archive', { cluster: db, credentials: ArchiveCredentials.fromSecret('orders-s3'),
        destination: ArchiveDestination.s3({ bucket: 'pg-archive', endpoint: 'https://minio.storage:9000', region: 'us-east-1' }) });
    });
    expectValidManifests(ms);
    const b = only(ms, 'PostgresCluster').spec.backups.pgbackrest;
    expect(b.configuration).toEqual([{ secret: { name: 'orders-s3', items: [{ key: 's3.conf', path: 's3.conf' }] } }]);
    expect(b.repos[0].s3.endpoint).toBe('minio.storage:9000');
    expect(b.global['repo1-s3-uri-style']).toBe('path');
    expect(ms.some((m) => m.kind === 'ServiceAccount')).toBe(false);
  });

  test('point-in-time recovery into a new cluster: dataSource.pgbackrest with --type=time and the target in UTC', () => {
    const built = synth((chart) => {
      const db = new HaPostgres(chart, 'restored', {
        engine: ClusterEngine.crunchy(),
        bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromProps({ serverName: 'orders', credentials: ArchiveCredentials.fromSecret('orders-s3'),
          destination: ArchiveDestination.s3({ bucket: 'pg-archive', path: 'prod', region: 'eu-west-1' }) }), RecoveryTarget.time('2026-01-02 05:04:03+02')),
      });
      archiveOf(db, ArchiveCredentials.fromSecret('restored-s3'), { serverName: 'restored' });
    });
    expectValidManifests(built);
    const ds = only(built, 'PostgresCluster').spec.dataSource.pgbackrest;
    expect(ds).toMatchObject({ stanza: 'db', repo: { name: 'repo1', s3: { bucket: 'pg-archive' } }, global: { 'repo1-path': '/prod/orders' } });
    expect(ds.options).toEqual(['--type=time', '--target="2026-01-02 03:04:03+00"']);
  });

  // Found by test/security/property.crunchy.test.ts: an owner with an underscore (a valid PostgreSQL
  // identifier) rendered spec.users[].name = "orders_owner", which PGO's CRD refuses at admission.
  test('an application owner that is not a DNS label is a synth error naming credentials.owner; a valid one renders and validates', () => {
    const withOwner = (owner: string) => (chart: Construct) => {
      const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy(), credentials: AppCredentials.generated({ owner }) });
      archiveOf(db);
    };
    expect(synthError(withOwner('orders_owner'))).toMatch(
      /credentials\.owner = "orders_owner": Crunchy PGO 6\.0 names the user in spec\.users\[\]\.name, which takes lower-case letters, digits and hyphens only .*\. Fix: use a name of lower-case letters and digits only, e\.g\. "ordersowner"/);
    const ms = synth(withOwner('ordersowner'));
    expectValidManifests(ms);
    expect(only(ms, 'PostgresCluster').spec.users).toEqual([{ name: 'ordersowner', databases: ['app'] }]);
  });

  test('a differential or incremental schedule without a WalArchive is an error naming the engine prop (it would be dropped)', () => {
    const msg = synthError((chart) => {
      new HaPostgres(chart, 'orders', {
        mode: ClusterMode.standalone(),
        engine: ClusterEngine.crunchy({ differentialBackupSchedule: BackupSchedule.daily({ hour: 1 }), incrementalBackupSchedule: BackupSchedule.daily({ hour: 13 }) }),
      });
    });
    expect(msg).toMatch(/engine\.differentialBackupSchedule = "0 1 \* \* \*": Crunchy PGO 6\.0 schedules backups into the pgBackRest repository of the cluster's WalArchive/);
    expect(msg).toMatch(/engine\.incrementalBackupSchedule = .*Fix: attach a WalArchive to the cluster, or remove incrementalBackupSchedule/);
  });

  test('the pgbackrest sidecar\'s memory floor is pgBackRest\'s (128Mi), named in the error; CloudNativePG keeps barman-cloud\'s 256Mi', () => {
    const crunchy = (memory: Size) => (chart: Construct) => {
      const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] } });
      archiveOf(db, undefined, { sidecarResources: { memoryRequest: memory } });
    };
    expect(() => synth(crunchy(Size.mebibytes(128)))).not.toThrow();
    expect(synthError(crunchy(Size.mebibytes(100)))).toMatch(/sidecarResources\.memoryRequest = 100Mi: is below 128Mi: pgBackRest and its parallel uploads/);
    const cnpg = synthError((chart) => {
      const db = new HaPostgres(chart, 'orders');
      archiveOf(db, undefined, { sidecarResources: { memoryRequest: Size.mebibytes(200) } });
    });
    expect(cnpg).toMatch(/sidecarResources\.memoryRequest = 200Mi: is below 256Mi: barman-cloud \(Python with boto3\)/);
  });

  test('sizes from the props: WalArchive.sidecarResources for the pgbackrest sidecar, engine props for the helpers, exporter and Jobs', () => {
    const ms = synth((chart) => {
      const db = new HaPostgres(chart, 'orders', {
        engine: ClusterEngine.crunchy({
          helperContainerResources: { cpuRequest: Cpu.millis(20), memoryRequest: Size.mebibytes(32) },
          exporterResources: { cpuRequest: Cpu.millis(200), memoryRequest: Size.mebibytes(384) },
          backupJobResources: { cpuRequest: Cpu.units(2), memoryRequest: Size.gibibytes(2) },
        }),
        placement: { zones: ['a', 'b', 'c'] },
      });
      archiveOf(db, undefined, { sidecarResources: { cpuRequest: Cpu.units(1), memoryRequest: Size.gibibytes(1) } });
      new PgBouncerPool(chart, 'pool', { cluster: db });
    });
    expectValidManifests(ms);
    const pc = only(ms, 'PostgresCluster');
    const g = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
    expect(pc.spec.instances[0].sidecars.replicaCertCopy.resources).toEqual(g('20m', '32Mi'));
    expect(pc.spec.backups.pgbackrest.sidecars).toEqual({ pgbackrest: { resources: g('1', '1Gi') }, pgbackrestConfig: { resources: g('20m', '32Mi') } });
    expect(pc.spec.backups.pgbackrest.jobs.resources).toEqual(g('2', '2Gi'));
    expect(pc.spec.backups.pgbackrest.restore.resources).toEqual(g('2', '2Gi'));
    expect(pc.spec.monitoring.pgmonitor.exporter.resources).toEqual(g('200m', '384Mi'));
    expect(pc.spec.proxy.pgBouncer.sidecars.pgbouncerConfig.resources).toEqual(g('20m', '32Mi'));
  });

  test('a restored cluster sizes its restore Job (dataSource.pgbackrest.resources)', () => {
    const ms = synth((chart) => {
      new HaPostgres(chart, 'copy', {
        engine: ClusterEngine.crunchy({ backupJobResources: { cpuRequest: Cpu.units(1), memoryRequest: Size.gibibytes(1) } }),
        mode: ClusterMode.standalone(),
        bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ serverName: 'orders', credentials: ArchiveCredentials.fromSecret('s3'),
          destination: ArchiveDestination.s3({ bucket: 'pg-archive', path: 'prod', region: 'eu-west-1' }) })),
      });
    });
    expectValidManifests(ms);
    expect(only(ms, 'PostgresCluster').spec.dataSource.pgbackrest.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  describe('IRSA on a restored cluster: PGO\'s ServiceAccounts are rendered once', () => {
    const role = 'arn:aws:iam::123456789012:role/orders-pgbackrest';
    const restored = (sourceRole: string | undefined, archiveRole: string | undefined) => (chart: Construct) => {
      const destination = ArchiveDestination.s3({ bucket: 'pg-archive', path: 'prod', region: 'eu-west-1' });
      const db = new HaPostgres(chart, 'restored', {
        engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] },
        bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromProps({ serverName: 'orders', destination,
          credentials: sourceRole ? ArchiveCredentials.fromIamRole(sourceRole) : ArchiveCredentials.fromSecret('orders-s3') }), RecoveryTarget.time('2026-01-02 05:04:03+02')),
      });
      // The WalArchive is attached after the recovery is bound (the cluster's constructor binds it).
      archiveOf(db, archiveRole ? ArchiveCredentials.fromIamRole(archiveRole) : ArchiveCredentials.fromSecret('restored-s3'), { serverName: 'restored' });
    };
    const accounts = (ms: any[]) => ms.filter((m) => m.kind === 'ServiceAccount' && /^restored-(instance|pgbackrest)$/.test(m.metadata.name))
      .map((m) => [m.metadata.name, m.metadata.annotations['eks.amazonaws.com/role-arn']]);

    test('the same role on the recovery source and the WalArchive: each ServiceAccount once, one annotation', () => {
      const ms = synth(restored(role, role));
      expectValidManifests(ms);
      expect(accounts(ms)).toEqual([['restored-instance', role], ['restored-pgbackrest', role]]);
      const pc = only(ms, 'PostgresCluster');
      expect(pc.spec.backups.pgbackrest.global['repo1-s3-key-type']).toBe('web-id');
      expect(pc.spec.dataSource.pgbackrest.global['repo1-s3-key-type']).toBe('web-id');
    });

    test('a role on the source only, or on the archive only: the ServiceAccounts carry that role', () => {
      expect(accounts(synth(restored(role, undefined)))).toEqual([['restored-instance', role], ['restored-pgbackrest', role]]);
      expect(accounts(synth(restored(undefined, role)))).toEqual([['restored-instance', role], ['restored-pgbackrest', role]]);
      expect(accounts(synth(restored(undefined, undefined)))).toEqual([]);
    });

    test('two different roles: a ConfigError naming both properties and both roles', () => {
      const other = 'arn:aws:iam::123456789012:role/restored-pgbackrest';
      const message = synthError(restored(role, other));
      expect(message).toMatch(new RegExp(`bootstrap\\.source\\.credentials = "ArchiveCredentials\\.fromIamRole\\('${role}'\\)": Crunchy PGO 6\\.0 puts one IAM role on PGO's ServiceAccounts `
        + `restored-instance and restored-pgbackrest, and the WalArchive's credentials are ArchiveCredentials\\.fromIamRole\\('${other}'\\)\\. Fix: give the recovery source and the WalArchive the same IAM role`));
    });
  });

  test('recovery from a PostgresCluster of the namespace: dataSource.postgresCluster', () => {
    const errors = new ConfigErrors();
    expect(restoreOptions(errors, { clusterName: 'orders', targetKind: RecoveryTargetKind.LSN, targetValue: '0/3000060' }))
      .toEqual(['--type=lsn', '--target=0/3000060']);
    const input = { ...pureInput(), recovery: { clusterName: 'orders', targetKind: RecoveryTargetKind.LATEST } };
    const r = renderPostgresClusterSpec(errors, input);
    expect(r.spec.dataSource).toEqual({ postgresCluster: { clusterName: 'orders', repoName: 'repo1', resources: small } });
  });
});

describe('what PGO cannot express is a synth error naming the prop and the engine', () => {
  const engine = 'Crunchy PGO 6.0';
  const cases: Array<[string, (chart: Construct) => void, RegExp]> = [
    ['a read-only pool', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy() }); archiveOf(db); new PgBouncerPool(c, 'ro', { cluster: db, type: PoolType.READ_ONLY }); },
      /type = "PoolType.READ_ONLY": Crunchy PGO 6.0's PgBouncer proxy serves the primary only/],
    ['two pools', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy() }); archiveOf(db); new PgBouncerPool(c, 'a', { cluster: db }); new PgBouncerPool(c, 'b', { cluster: db }); },
      /one PgBouncer proxy per cluster/],
    ['a parameter PGO manages', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy(), parameters: { wal_level: 'replica' } }); archiveOf(db); },
      /parameters\.wal_level/],
    ['no WAL archive on an HA cluster', (c) => { new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy() }); },
      /WalArchive = "\(none\)": Crunchy PGO 6.0 without a pgBackRest repository discards WAL/],
    ['helper limit below the request', (c) => {
      const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ helperContainerResources: { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(50) } }) }); archiveOf(db);
    }, /engine\.helperContainerResources\.cpuLimit = "50m": is below cpuRequest \(100m\)\. Fix: set cpuLimit to cpuRequest/],
    ['exporter memory too small', (c) => {
      const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ exporterResources: { memoryRequest: Size.mebibytes(8) } }) }); archiveOf(db);
    }, /engine\.exporterResources\.memoryRequest = 8Mi: is below 16Mi/],
    ['xz WAL compression', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy() }); archiveOf(db, undefined, { walCompression: WalCompression.XZ }); },
      /walCompression = "xz": pgBackRest \(Crunchy PGO 6.0\) compresses with gz, bz2, lz4 or zst only/],
    ['two instances', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy(), mode: ClusterMode.highAvailability(2) }); archiveOf(db); },
      /mode = "highAvailability\(2\)": high availability needs at least 3 instances/],
    ['failoverQuorum false with REQUIRED', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy(), failoverQuorum: false }); archiveOf(db); },
      /failoverQuorum = false: Crunchy PGO 6.0 runs Patroni/],
    ['syncPeriod leaving no retry_timeout', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ leaderLeaseDuration: Duration.seconds(10), syncPeriod: Duration.seconds(9) }) }); archiveOf(db); },
      /engine.syncPeriod = "9s": leaves no retry_timeout/],
    ['only one custom TLS Secret', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ customTlsSecretName: 'o-tls' }) }); archiveOf(db); },
      /needs customTLSSecret and customReplicationTLSSecret together/],
    ['an incremental schedule without a full one', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ incrementalBackupSchedule: BackupSchedule.daily() }) }); archiveOf(db); },
      /an incremental backup needs a full one/],
    ['an invalid schedule', (c) => { const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy({ differentialBackupSchedule: BackupSchedule.cron('0 2 * * 7') }) }); archiveOf(db); },
      /schedule \(differential\) = "0 2 \* \* 7"/],
  ];
  test.each(cases)('%s', (_name, build, message) => {
    const error = synthError(build);
    expect(error).toMatch(message);
    expect(error).toMatch(/Fix: /);
    void engine;
  });

  test('retention maps to time-based full retention in days', () => {
    const pc = only(production((db, chart) => { void db; void chart; }), 'PostgresCluster');
    expect(pc.spec.backups.pgbackrest.global['repo1-retention-full']).toBe('30');
    const ms = synth((chart) => { const db = new HaPostgres(chart, 'o', { engine: ClusterEngine.crunchy() }); archiveOf(db, undefined, { retention: RetentionWindow.weeks(2) }); });
    expect(only(ms, 'PostgresCluster').spec.backups.pgbackrest.global['repo1-retention-full']).toBe('14');
  });

  test('the pool sizing check applies to the PGO proxy', () => {
    expect(synthError((c) => {
      const db = new HaPostgres(c, 'o', { engine: ClusterEngine.crunchy(), parameters: { max_connections: 50 } });
      archiveOf(db);
      new PgBouncerPool(c, 'p', { cluster: db, instances: 3, defaultPoolSize: 20 });
    })).toMatch(/too many connections/);
  });

  test('the storage size survives as written', () => {
    const pc = only(production(undefined, { storage: { size: Size.gibibytes(10) } }), 'PostgresCluster');
    expect(pc.spec.instances[0].dataVolumeClaimSpec.resources.requests.storage).toBe('10Gi');
  });
});

describe('readiness warnings at synth (the items of check\'s PGO checklist)', () => {
  const readiness = (build: (chart: Chart) => void): string[] => {
    const chart = new Chart(Testing.app(), 'r', { namespace: 'db', disableResourceNameHashes: true });
    build(chart);
    Testing.synth(chart);
    return SynthWarnings.collect(chart).filter((w) => w.includes('readiness:')).map((w) => w.replace(/^\[[^\]]+\] readiness: ([^:]+):.*$/s, '$1'));
  };
  const cluster = (chart: Chart, props: object = {}, engine: object = {}) => {
    const db = new HaPostgres(chart, 'orders', {
      engine: ClusterEngine.crunchy(engine), placement: { zones: ['a', 'b', 'c'] }, ...props,
    });
    const archive = archiveOf(db, ArchiveCredentials.fromSecret('orders-s3'), {});
    new ScheduledBackup(chart, 'full', { archive, schedule: BackupSchedule.daily({ hour: 1 }) });
    return db;
  };

  test('the production intent: none', () => expect(readiness((c) => cluster(c))).toEqual([]));

  test('dataDurability PREFERRED: no RPO 0 (synchronous_mode_strict false)', () => {
    expect(readiness((c) => cluster(c, { dataDurability: DataDurability.PREFERRED }))).toEqual(['a synchronous standby with RPO 0']);
  });

  test('DisruptionBudget.minAvailable(1): a drain may take two of three instances', () => {
    expect(readiness((c) => cluster(c, { disruptionBudget: DisruptionBudget.minAvailable(1) }))).toEqual(['PDB minAvailable 2 with no overlap']);
  });

  test('WAL on the data volume: the advisory item', () => {
    expect(readiness((c) => cluster(c, { separateWalVolume: false }))).toEqual(['WAL on its own volume (advisory)']);
  });

  test('only a weekly full backup: no daily backup; a daily differential on it passes', () => {
    const weekly = (engine: object) => (c: Chart) => {
      const db = new HaPostgres(c, 'orders', { engine: ClusterEngine.crunchy(engine), placement: { zones: ['a', 'b', 'c'] } });
      new ScheduledBackup(c, 'full', { archive: archiveOf(db), schedule: BackupSchedule.weekly({ hour: 1 }) });
    };
    expect(readiness(weekly({}))).toEqual(['a daily base backup']);
    expect(readiness(weekly({ differentialBackupSchedule: BackupSchedule.daily({ hour: 2 }) }))).toEqual([]);
  });

  test('no ScheduledBackup: a differential schedule alone does not count', () => {
    expect(readiness((c) => {
      const db = new HaPostgres(c, 'orders', { engine: ClusterEngine.crunchy({ differentialBackupSchedule: BackupSchedule.daily() }), placement: { zones: ['a', 'b', 'c'] } });
      archiveOf(db);
    })).toEqual(['a daily base backup']);
  });

  test('helper containers with limits above requests: instance and PgBouncer pods Burstable', () => {
    const w = readiness((c) => {
      const db = cluster(c, {}, { helperContainerResources: { cpuRequest: Cpu.millis(50), cpuLimit: Cpu.millis(100) } });
      new PgBouncerPool(c, 'pool', { cluster: db });
    });
    expect(w).toEqual(['instance pods in the Guaranteed QoS class', 'PgBouncer pods in the Guaranteed QoS class']);
  });
});

describe('DisruptionBudget.operatorManaged(): PGO\'s own instance-set budget, never one of ours beside it', () => {
  const ms = synth((chart) => {
    const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] }, disruptionBudget: DisruptionBudget.operatorManaged() });
    new ScheduledBackup(chart, 'full', { archive: archiveOf(db), schedule: BackupSchedule.daily() });
  });
  const pc = only(ms, 'PostgresCluster');

  test('instances[].minAvailable is left to PGO and the library renders no PodDisruptionBudget', () => {
    expectValidManifests(ms);
    expect(pc.spec.instances[0]).not.toHaveProperty('minAvailable');
    expect(ms.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('the PDB PGO then creates (minAvailable 1) covers every instance once, as the renderer says', () => {
    const pdbs = modelPdbs(ms);
    expect(pdbs.map((p) => [p.name, p.minAvailable])).toEqual([['orders-set-pg', 1]]);
    const { operatorPdbs } = renderPostgresClusterSpec(new ConfigErrors(), { ...pureInput(), intent: { ...pureInput().intent, disruptionBudget: DisruptionBudget.operatorManaged() }, pool: undefined });
    expect(operatorPdbs.map((p) => p.minAvailable)).toEqual([1]);
    expect(podsUnderSeveralPdbs(ms)).toEqual([]);
  });

  test('the readiness checklist warns that PGO\'s default keeps only one instance', () => {
    const chart = new Chart(Testing.app(), 'r', { namespace: 'db', disableResourceNameHashes: true });
    const db = new HaPostgres(chart, 'orders', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] }, disruptionBudget: DisruptionBudget.operatorManaged() });
    new ScheduledBackup(chart, 'full', { archive: archiveOf(db), schedule: BackupSchedule.daily() });
    Testing.synth(chart);
    const w = SynthWarnings.collect(chart).filter((x) => x.includes('readiness:'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/PDB minAvailable 2 with no overlap: PDB orders \[operator, minAvailable 1\] keeps only 1 of 3 instances available/);
  });
});
