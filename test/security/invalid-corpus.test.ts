/**
 * A corpus of invalid configurations across the constructs: each must fail synthesis
 * with an error that names the property, shows the value and suggests a fix, and the
 * output directory must stay empty.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ArchiveSource, BackupSchedule, ClusterBootstrap, ClusterMode, ClusterMonitoring, DataDurability, DisruptionBudget,
  ClusterEngine, HaPostgres, HbaMethod, HbaRule, NetworkPeer, PatroniEngineProps, PatroniVersion, PgBouncerPool, PoolMode, PostgresVersion, RecoveryTarget, RestoreDrill, RetentionWindow, ScheduledBackup, TlsVersion, VolumeAccessMode, WalArchive,
  BlueGreenUpgrade, Database, DatabaseRole, Grant, InPlaceMajorUpgrade, LogicalPublisher, Publication, PublicationTarget, PublishedTable, ReclaimPolicy, Subscription, TablePrivilege,
} from '../../lib';
import { admissionFindings } from '../support/admission';

type Build = (scope: Construct) => void;
const pg = (s: Construct, name: string, major: number, props = {}) => new HaPostgres(s, name, { version: PostgresVersion.of(major, { 14: 23, 15: 18, 16: 14, 17: 10, 18: 4 }[major] as number), ...props });
const allTables = (s: Construct, cluster: HaPostgres) => new Publication(s, 'pub', { cluster, name: 'orders_pub', target: PublicationTarget.allTables() });
const subscriber = (s: Construct, publication: Publication, props = {}, clusterProps = {}) => new Subscription(s, 'sub', {
  cluster: pg(s, 'reports', 17, clusterProps), name: 'orders_sub', ...props,
  publisher: LogicalPublisher.fromPublication(publication, new DatabaseRole(s, 'role', { cluster: publication.cluster, name: 'sub_reader', replication: true, passwordSecretName: 'orders-sub' })),
});
const db = (s: Construct, props = {}) => new HaPostgres(s, 'db', props);
const pool = (s: Construct, props = {}) => new PgBouncerPool(s, 'pool', { cluster: db(s), ...props });
const archive = (s: Construct, props = {}) => new WalArchive(s, 'archive', {
  cluster: db(s),
  destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1' }),
  credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/archive'),
  ...props,
});

const patroni = (engine: Partial<PatroniEngineProps> = {}) => ClusterEngine.patroni({
  version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni', tlsSecretName: 'orders-tls', ...engine,
});
const patroniDb = (s: Construct, engine: Partial<PatroniEngineProps> = {}, props = {}) =>
  db(s, { engine: patroni(engine), version: PostgresVersion.of(15, 8), credentials: AppCredentials.fromSecret('orders-app'), ...props });

/** [what, build, property, value as the message shows it] */
const CASES: Array<[string, Build, string, string]> = [
  // HaPostgres: names, versions, images
  ['cluster name not a DNS label', (s) => db(s, { name: 'Orders_DB' }), 'name', '"Orders_DB"'],
  ['cluster name too long', (s) => db(s, { name: 'a'.repeat(51) }), 'name', `"${'a'.repeat(51)}"`],
  ['unsupported major', (s) => db(s, { version: PostgresVersion.of(12, 1) }), 'version', '"12.1"'],
  ['image tag of another major', (s) => db(s, { imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4' }), 'imageName', '"ghcr.io/cloudnative-pg/postgresql:16.4"'],
  // topology and replication
  ['HA with two instances', (s) => db(s, { mode: ClusterMode.highAvailability(2) }), 'mode', '"highAvailability(2)"'],
  ['no synchronous standby', (s) => db(s, { synchronousStandbys: 0 }), 'synchronousStandbys', '0'],
  ['as many sync standbys as instances', (s) => db(s, { synchronousStandbys: 3 }), 'synchronousStandbys', '3'],
  ['sync standbys on a standalone', (s) => db(s, { mode: ClusterMode.standalone(), synchronousStandbys: 1 }), 'synchronousStandbys', '1'],
  ['data durability on a standalone', (s) => db(s, { mode: ClusterMode.standalone(), dataDurability: DataDurability.PREFERRED }), 'dataDurability', '"preferred"'],
  ['duplicate zones', (s) => db(s, { placement: { zones: ['a', 'a', 'b'] } }), 'placement.zones', '["a","a","b"]'],
  ['one zone for HA', (s) => db(s, { placement: { zones: ['eu-west-1a'] } }), 'placement.zones', '["eu-west-1a"]'],
  ['zone key equals node key', (s) => db(s, { placement: { zoneTopologyKey: 'kubernetes.io/hostname' } }), 'placement.zoneTopologyKey', '"kubernetes.io/hostname"'],
  // storage
  ['ReadWriteMany data volume', (s) => db(s, { storage: { size: Size.gibibytes(50), accessMode: VolumeAccessMode.READ_WRITE_MANY } }), 'storage.accessMode', '"ReadWriteMany"'],
  ['tiny data volume', (s) => db(s, { storage: { size: Size.mebibytes(100) } }), 'storage.size', '100Mi'],
  ['WAL storage without a WAL volume', (s) => db(s, { separateWalVolume: false, walStorage: { size: Size.gibibytes(10) } }), 'walStorage', '"set"'],
  ['slot retention above the WAL volume', (s) => db(s, { maxSlotWalKeepSize: Size.gibibytes(40) }), 'maxSlotWalKeepSize', '40Gi'],
  ['standby delay above an hour', (s) => db(s, { maxStandbyStreamingDelay: Duration.minutes(90) }), 'maxStandbyStreamingDelay', '1 hour 30 minutes'],
  // budget and resources
  ['budget keeping no instance', (s) => db(s, { disruptionBudget: DisruptionBudget.minAvailable(0) }), 'disruptionBudget', '"minAvailable(0)"'],
  ['budget on a standalone', (s) => db(s, { mode: ClusterMode.standalone(), disruptionBudget: DisruptionBudget.minAvailable(1) }), 'disruptionBudget', '"library"'],
  ['CPU limit below request', (s) => db(s, { resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.units(1) } }), 'resources.cpuLimit', '"1"'],
  ['too little memory', (s) => db(s, { resources: { memoryRequest: Size.mebibytes(256) } }), 'resources.memoryRequest', '256Mi'],
  ['reserved database owner', (s) => db(s, { credentials: AppCredentials.generated({ owner: 'postgres' }) }), 'credentials.owner', '"postgres"'],
  // parameters
  ['unknown parameter', (s) => db(s, { parameters: { work_memory: '16MB' } }), 'parameters.work_memory', '"16MB"'],
  ['engine-managed parameter', (s) => db(s, { parameters: { listen_addresses: '*' } }), 'parameters.listen_addresses', '"*"'],
  ['parameter owned by a property', (s) => db(s, { parameters: { max_slot_wal_keep_size: '1GB' } }), 'parameters.max_slot_wal_keep_size', '"1GB"'],
  ['asynchronous commit breaking RPO 0', (s) => db(s, { parameters: { synchronous_commit: 'off' } }), 'parameters.synchronous_commit', '"off"'],
  // security: TLS, pg_hba, network
  ['TLS minimum owned by tls.minimumVersion', (s) => db(s, { parameters: { ssl_min_protocol_version: 'TLSv1.2' } }), 'parameters.ssl_min_protocol_version', '"TLSv1.2"'],
  ['TLS 1.1 minimum', (s) => db(s, { tls: { minimumVersion: 'TLSv1.1' as TlsVersion } }), 'tls.minimumVersion', '"TLSv1.1"'],
  ['plain text without a reason', (s) => db(s, { tls: { allowPlainTextReason: '' } }), 'tls.allowPlainTextReason', '""'],
  ['pg_hba address not a CIDR', (s) => db(s).addHbaRule(HbaRule.hostssl({ address: '10.0.0.1' })), 'addHbaRule()[0].address', '"10.0.0.1"'],
  ['pg_hba trust', (s) => db(s).addHbaRule(HbaRule.hostssl({ address: '10.0.0.0/8', method: 'trust' as HbaMethod })), 'addHbaRule()[0].method', '"trust"'],
  ['operator namespace not a name', (s) => db(s, { network: { operatorNamespace: 'CNPG' } }), 'network.operatorNamespace', '"CNPG"'],
  ['monitoring namespace not a name', (s) => db(s, { network: { monitoringNamespace: 'mon_itoring' } }), 'network.monitoringNamespace', '"mon_itoring"'],
  ['API CIDR malformed', (s) => db(s, { network: { kubernetesApiCidr: '10.0.0.0/40' } }), 'network.kubernetesApiCidr', '"10.0.0.0/40"'],
  ['peer in a namespace that cannot exist', (s) => db(s).connections.allowFrom(NetworkPeer.allPodsInNamespace('Batch Jobs')), 'connections.allowFrom()[0]', '"every pod in namespace Batch Jobs"'],
  ['peer selecting every pod by accident', (s) => db(s).connections.allowFrom(NetworkPeer.podsWithLabels({})), 'connections.allowFrom()[0]', '"pods {}"'],
  // PgBouncerPool
  ['pool named like its cluster', (s) => pool(s, { name: 'db' }), 'name', '"db"'],
  ['pool name starting with a digit', (s) => pool(s, { name: '1pool' }), 'name', '"1pool"'],
  ['statement pooling', (s) => pool(s, { poolMode: PoolMode.STATEMENT }), 'poolMode', '"statement"'],
  ['single pooler pod', (s) => pool(s, { instances: 1 }), 'instances', '1'],
  ['min pool above default pool', (s) => pool(s, { minPoolSize: 50 }), 'minPoolSize', '50'],
  ['unknown PgBouncer parameter', (s) => pool(s, { parameters: { max_client_connections: '10' } }), 'parameters.max_client_connections', '"10"'],
  ['auth_type trust', (s) => pool(s, { parameters: { auth_type: 'trust' } }), 'parameters.auth_type', '"trust"'],
  ['client TLS disabled', (s) => pool(s, { parameters: { client_tls_sslmode: 'disable' } }), 'parameters.client_tls_sslmode', '"disable"'],
  ['server TLS only preferred', (s) => pool(s, { parameters: { server_tls_sslmode: 'prefer' } }), 'parameters.server_tls_sslmode', '"prefer"'],
  ['pool memory too small', (s) => pool(s, { resources: { memoryRequest: Size.mebibytes(32) } }), 'resources.memoryRequest', '32Mi'],
  ['pool peer without labels', (s) => pool(s).connections.allowFrom(NetworkPeer.podsWithLabels({}, 'web')), 'connections.allowFrom()[0]', '"pods {} in namespace web"'],
  // WalArchive, ScheduledBackup, RestoreDrill, ClusterMonitoring
  ['archive role ARN malformed', (s) => archive(s, { credentials: ArchiveCredentials.fromIamRole('role/archive') }), 'credentials.roleArn', '"role/archive"'],
  ['archive region malformed', (s) => archive(s, { destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'Europe' }) }), 'destination.region', '"Europe"'],
  ['archive endpoint not a URL', (s) => archive(s, { destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', endpoint: 'minio:9000' }) }), 'destination.endpoint', '"minio:9000"'],
  ['archive timeout too short', (s) => archive(s, { archiveTimeout: Duration.seconds(5) }), 'archiveTimeout', '5 seconds'],
  ['retention of zero days', (s) => archive(s, { retention: RetentionWindow.days(0) }), 'retention', '0 days'],
  ['two archives for one cluster', (s) => { const a = archive(s); new WalArchive(s, 'second', { cluster: a.cluster, destination: a.destination, credentials: a.credentials }); }, 'WalArchive', '"test/second"'],
  ['backup schedule malformed', (s) => new ScheduledBackup(s, 'backup', { archive: archive(s), schedule: BackupSchedule.cron('every night') }), 'schedule', '"every night"'],
  ['drill in the cluster\'s namespace', (s) => new RestoreDrill(s, 'drill', { cluster: archive(s).cluster, scratchNamespace: 'db' }), 'scratchNamespace', '"db"'],
  ['drill image not pinned', (s) => new RestoreDrill(s, 'drill', { cluster: archive(s).cluster, scratchNamespace: 'drills', image: 'postgres' }), 'image', '"postgres"'],
  ['monitoring runbook URL malformed', (s) => new ClusterMonitoring(s, 'mon', { cluster: db(s), runbookBaseUrl: 'wiki/runbooks' }), 'runbookBaseUrl', '"wiki/runbooks"'],
  ['monitoring lag thresholds inverted', (s) => new ClusterMonitoring(s, 'mon', { cluster: db(s), thresholds: { replicationLagWarning: Duration.minutes(5), replicationLagCritical: Duration.minutes(1) } }), 'thresholds.replicationLagCritical', '1 minute'],
  // Patroni engine
  ['Patroni without a certificate while TLS is required', (s) => patroniDb(s, { tlsSecretName: undefined }), 'tls', '"TLS required (the default)"'],
  ['Patroni 3.0 with PostgreSQL 18', (s) => patroniDb(s, {}, { version: PostgresVersion.V18 }), 'version', '"18.4"'],
  ['Patroni with a generated password', (s) => patroniDb(s, {}, { credentials: AppCredentials.generated() }), 'credentials', '"AppCredentials.generated()"'],
  ['Patroni running as root', (s) => patroniDb(s, { userId: 0 }), 'engine.userId', '0'],
  ['Patroni pool without a PgBouncer image', (s) => new PgBouncerPool(s, 'pool', { cluster: patroniDb(s) }), 'PgBouncerPool', '"engine Patroni 3.0"'],
  // Issue 20: what CloudNativePG's webhook or the API server refuse, and objects that would replace each other
  ['cluster name starting with a digit', (s) => db(s, { name: '2024-orders' }), 'name', '"2024-orders"'],
  ['shared_buffers above the memory request', (s) => db(s, { parameters: { shared_buffers: '16GB' } }), 'parameters.shared_buffers', '"16GB"'],
  ['backup on day-of-week 7', (s) => new ScheduledBackup(s, 'backup', { archive: archive(s), schedule: BackupSchedule.cron('0 3 * * 7') }), 'schedule', '"0 3 * * 7"'],
  ['Patroni backup on days 1-7', (s) => new ScheduledBackup(s, 'backup', { archive: patroniArchive(s), schedule: BackupSchedule.cron('0 3 * * 1-7') }), 'schedule', '"0 3 * * 1-7"'],
  ['max_wal_size above the WAL volume', (s) => db(s, { parameters: { max_wal_size: '30GB' } }), 'parameters.max_wal_size', '"30GB"'],
  ['min_wal_size not below the default max_wal_size', (s) => db(s, { parameters: { min_wal_size: '2GB' } }), 'parameters.min_wal_size', '"2GB"'],
  ['wal_level minimal with standbys', (s) => db(s, { parameters: { wal_level: 'minimal' } }), 'parameters.wal_level', '"minimal"'],
  ['wal_level minimal on a standalone CloudNativePG cluster', (s) => db(s, { mode: ClusterMode.standalone(), parameters: { wal_level: 'minimal' } }), 'parameters.wal_level', '"minimal"'],
  ['wal_log_hints off with standbys', (s) => db(s).addParameters({ wal_log_hints: 'off' }), 'addParameters().wal_log_hints', '"off"'],
  ['a parameter name with two dots', (s) => db(s, { parameters: { 'pg_stat_statements.track.utility': 'on' } }), 'parameters.pg_stat_statements.track.utility', '"on"'],
  ['image tagged latest', (s) => db(s, { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' }), 'imageName', '"ghcr.io/cloudnative-pg/postgresql:latest"'],
  ['image without a tag', (s) => db(s, { imageName: 'ghcr.io/cloudnative-pg/postgresql' }), 'imageName', '"ghcr.io/cloudnative-pg/postgresql"'],
  ['image with a digest only', (s) => db(s, { imageName: `ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}` }), 'imageName', `"ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}"`],
  ['recovery time with an RFC 3339 offset without colon', (s) => restoredFrom(s, RecoveryTarget.time('2026-06-01T04:00:00+0200')), 'bootstrap.target', '"time(\\"2026-06-01T04:00:00+0200\\")"'],
  ['recovery time with Z after a space', (s) => restoredFrom(s, RecoveryTarget.time('2026-06-01 04:00:00Z')), 'bootstrap.target', '"time(\\"2026-06-01 04:00:00Z\\")"'],
  ['WAL volume below 2Gi in HA mode', (s) => db(s, { walStorage: { size: Size.gibibytes(1) } }), 'walStorage.size', '1Gi'],
  ['monitoring threshold not in whole seconds', (s) => new ClusterMonitoring(s, 'mon', { cluster: db(s), thresholds: { replicationLagWarning: Duration.millis(2500) } }), 'thresholds.replicationLagWarning', '"2.5 seconds"'],
  ['Patroni member slots TTL not in whole seconds', (s) => patroniDb(s, { version: PatroniVersion.V4_1, memberSlotsTtl: Duration.seconds(90.5) }, { version: PostgresVersion.of(17, 6) }), 'engine.memberSlotsTtl', '"90.5 seconds"'],
  ['two clusters of one name in a namespace', (s) => { db(s); new HaPostgres(s, 'db2', { name: 'db' }); }, 'name', '"db"'],
  ['pool named like the cluster\'s disruption budget', (s) => pool(s, { name: 'db-pdb' }), 'name', '"db-pdb"'],
  ['pool named like a Service the operator creates', (s) => pool(s, { name: 'db-rw' }), 'name', '"db-rw"'],
  ['standalone cluster with an empty zone list', (s) => db(s, { mode: ClusterMode.standalone(), placement: { zones: [] } }), 'placement.zones', '[]'],
  ['two archives writing one folder', (s) => { const a = archive(s); new WalArchive(s, 'archive2', { cluster: new HaPostgres(s, 'db2'), destination: a.destination, credentials: a.credentials, serverName: 'db' }); },
    'destination', '"s3://acme-pg-archive/db/"'],
  ['storage size that is not a number', (s) => db(s, { storage: { size: Size.gibibytes(Number.NaN) } }), 'storage.size', 'NaNGi'],
  // Declarative databases and roles
  ['role named like a PostgreSQL role', (s) => new DatabaseRole(s, 'r', { cluster: db(s), name: 'pg_reader', passwordSecretName: 'x' }), 'name', '"pg_reader"'],
  ['login role without a password Secret', (s) => new DatabaseRole(s, 'r', { cluster: db(s), name: 'reporting' }), 'passwordSecretName', '"undefined"'],
  ['role given host file access', (s) => new DatabaseRole(s, 'r', { cluster: db(s), name: 'etl', passwordSecretName: 'x', memberOf: ['pg_write_server_files'] }), 'memberOf[0]', '"pg_write_server_files"'],
  ['database named template1', (s) => new Database(s, 'd', { cluster: db(s), name: 'template1', owner: 'app' }), 'name', '"template1"'],
  ['extension missing from the image', (s) => new Database(s, 'd', { cluster: db(s), name: 'gis', owner: 'app', extensions: [{ name: 'postgis' }] }), 'extensions[0].name', '"postgis"'],
  ['grant to a role that is not an identifier', (s) => new Database(s, 'd', { cluster: db(s), name: 'ops', owner: 'app', grants: [Grant.onTables(['orders'], 'Reporting Team', [TablePrivilege.SELECT])] }), 'grants[0].role', '"Reporting Team"'],
  ['Patroni role dropped on removal', (s) => new DatabaseRole(s, 'r', { cluster: patroniDb(s), name: 'etl', passwordSecretName: 'x', reclaimPolicy: ReclaimPolicy.DELETE }), 'reclaimPolicy', '"delete"'],
  // Logical replication
  ['publication name with a dash', (s) => new Publication(s, 'p', { cluster: db(s), name: 'orders-pub', target: PublicationTarget.allTables() }), 'name', '"orders-pub"'],
  ['publisher forced to wal_level replica', (s) => allTables(s, db(s, { parameters: { wal_level: 'replica' } })), 'cluster.parameters.wal_level', '"replica"'],
  ['standalone publisher with unbounded slots', (s) => allTables(s, db(s, { mode: ClusterMode.standalone() })), 'maxSlotWalKeepSize', '"undefined"'],
  ['publisher without WAL senders for its subscriber', (s) => subscriber(s, allTables(s, pg(s, 'orders', 17, { parameters: { max_wal_senders: 2 } }))), 'parameters.max_wal_senders', '"2"'],
  ['subscriber without logical replication workers', (s) => subscriber(s, allTables(s, pg(s, 'orders', 17)), {}, { parameters: { max_logical_replication_workers: 0 } }), 'parameters.max_logical_replication_workers', '"0"'],
  ['row filter on PostgreSQL 14', (s) => new Publication(s, 'p', { cluster: pg(s, 'orders', 14), name: 'eu', target: PublicationTarget.tables([PublishedTable.of('orders', { rowFilter: "region = 'eu'" })]) }), 'target.tables[0].rowFilter', `"region = 'eu'"`],
  ['subscription to a table not published', (s) => subscriber(s, new Publication(s, 'pub', { cluster: pg(s, 'orders', 17), name: 'orders_pub', target: PublicationTarget.tables([PublishedTable.of('orders')]) }), { tables: ['refunds'] }), 'tables[0]', '"refunds"'],
  // Major upgrades
  ['blue/green downgrade', (s) => new BlueGreenUpgrade(s, 'u', { source: pg(s, 'orders', 17), target: pg(s, 'orders-v16', 16), replicationSecretName: 'x' }), 'target', '"orders-v16 (PostgreSQL 16.14)"'],
  ['in-place downgrade', (s) => new InPlaceMajorUpgrade(s, 'u', { cluster: pg(s, 'orders', 16), fromVersion: PostgresVersion.of(17, 10) }), 'cluster.version', '"16.14"'],
  ['in-place upgrade keeping the archive serverName', (s) => {
    const a = archive(s, { serverName: 'db' });
    new InPlaceMajorUpgrade(s, 'u', { cluster: a.cluster, fromVersion: PostgresVersion.of(17, 10), previousArchiveServerName: 'db' });
  }, 'WalArchive serverName', '"db"'],
  ['in-place upgrade with an extension removed in the target', (s) => new InPlaceMajorUpgrade(s, 'u', { cluster: pg(s, 'orders', 17), fromVersion: PostgresVersion.of(16, 14), extensions: ['adminpack'] }), 'extensions', '"adminpack"'],
];

/** A restored cluster (the source and the copy, each with its archive). */
function restoredFrom(s: Construct, target: RecoveryTarget): void {
  const source = archive(s);
  const copy = new HaPostgres(s, 'copy', { bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromWalArchive(source), target) });
  new WalArchive(s, 'copy-archive', { cluster: copy, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'copy', region: 'eu-west-1' }), credentials: source.credentials });
}

function patroniArchive(s: Construct): WalArchive {
  return new WalArchive(s, 'archive', { cluster: patroniDb(s), destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1' }), credentials: ArchiveCredentials.fromSecret('orders-s3') });
}

/** Valid inputs of the same shapes: they synthesize, and CloudNativePG and the API server admit every object. */
const VALID: Array<[string, (app: App) => void]> = [
  ['restore drills of same-named clusters in two namespaces, one scratch namespace', (app) => {
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      const a = archive(chart, { destination: ArchiveDestination.s3({ bucket: `${ns}-archive`, region: 'eu-west-1' }) });
      new RestoreDrill(chart, 'drill', { cluster: a.cluster, scratchNamespace: 'drills' });
    }
  }],
  ['a daily and a weekly backup of one archive (CloudNativePG)', (app) => {
    const chart = new Chart(app, 'test', { namespace: 'db' });
    const a = archive(chart);
    new ScheduledBackup(chart, 'daily', { archive: a, schedule: BackupSchedule.daily({ hour: 2 }) });
    new ScheduledBackup(chart, 'weekly', { archive: a, schedule: BackupSchedule.weekly({ hour: 3 }) });
  }],
  ['a daily and a weekly backup of one archive (Patroni)', (app) => {
    const chart = new Chart(app, 'test', { namespace: 'db' });
    const a = patroniArchive(chart);
    new ScheduledBackup(chart, 'daily', { archive: a, schedule: BackupSchedule.daily({ hour: 2 }) });
    new ScheduledBackup(chart, 'weekly', { archive: a, schedule: BackupSchedule.weekly({ hour: 3 }) });
  }],
  ['a recovery time as CloudNativePG\'s docs write it', (app) => restoredFrom(new Chart(app, 'test', { namespace: 'db' }), RecoveryTarget.time('2026-06-01 04:00:00+02'))],
  ['a memory request below the limit (shared_buffers from the request)', (app) => {
    db(new Chart(app, 'test', { namespace: 'db' }), { resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(8) } });
  }],
  ['Sunday written 0 and a 2Gi WAL volume', (app) => {
    const chart = new Chart(app, 'test', { namespace: 'db' });
    const cluster = new HaPostgres(chart, 'db', { walStorage: { size: Size.gibibytes(2) } });
    const a = new WalArchive(chart, 'archive', { cluster, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1' }), credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/archive') });
    new ScheduledBackup(chart, 'backup', { archive: a, schedule: BackupSchedule.cron('0 3 * * 0') });
  }],
];

describe('invalid configurations', () => {
  test('the corpus has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test('control: a valid configuration does write into the output directory', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    try {
      const app = new App({ outdir });
      db(new Chart(app, 'test', { namespace: 'db' }));
      app.synth();
      expect(fs.readdirSync(outdir)).toEqual(['test.k8s.yaml']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test.each(VALID)('valid: %s', (_what, build) => {
    const app = Testing.app();
    build(app);
    const manifests = app.charts.flatMap((c) => Testing.synth(c));
    expect(admissionFindings(manifests)).toEqual([]);
  });

  test.each(CASES)('%s', (_what, build, property, value) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    try {
      const app = new App({ outdir });
      build(new Chart(app, 'test', { namespace: 'db', disableResourceNameHashes: true }));
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toBe('');
      // The error for this case: property and value, then the problem and a fix.
      const line = message.split('\n').find((l) => l.includes(`${property} = ${value}: `));
      expect(line).toBeDefined();
      expect(line).toMatch(/: .+\. Fix: .+/);
      // Nothing written: no half-written manifest.
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
