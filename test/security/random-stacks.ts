/**
 * Random stacks for the property tests (property.<engine>.test.ts; CloudNativePG, Patroni and
 * Crunchy PGO, whose stacks keep to what PGO renders: a WalArchive for every HA cluster, at most
 * one read-write pool and one full schedule, generated credentials, and its engine props), in two families:
 *
 * - VALID BY CONSTRUCTION (`validStacks(engine)`): every value is drawn from what the
 *   library documents as valid, and values that depend on each other are drawn in order
 *   (instances, then synchronous standbys below them; volume sizes, then a slot bound and
 *   max_wal_size below the volume that holds WAL and min_wal_size below max_wal_size; the
 *   memory request, then shared_buffers at most it; max_connections, then pools that fit in
 *   it). The rules are those of docs/guides/operator-rules.md as well as the props' own. Every such stack
 *   must synthesize; one that does not is a bug in the library or in this generator.
 * - INVALID (`invalidStacks(engine)`): a valid stack with one or two DEFECTS applied, each
 *   a documented rule broken on purpose. Synthesis must fail with a ConfigError that names
 *   each defect's property (`prop = value: problem. Fix: …`), never with a crash.
 *
 * HOW TO ADD A SHAPE
 * - A new construct or option of a cluster (an archive with several backups, a second
 *   monitoring stack…): write a `StackPart` (`valid(facts)` draws its valid values for a
 *   cluster, `build(value, cluster)` creates its constructs) and add it to `PARTS`. Its
 *   values land in `ClusterSpec.parts[name]`; checks on the built stack run over all of
 *   the app's manifests, so new objects are schema-, PSS-, RBAC- and credential-checked
 *   without more code. Reachability of new pods is checked only if `build` adds them to
 *   `cluster.reachability`.
 * - A new prop of HaPostgres or of an engine: draw its valid values in `clusterProps` or
 *   `patroniEngineProps` (dependent values with `chain`).
 * - A new stack-level arrangement (several clusters, the same names in two namespaces):
 *   change `validStacks` (it draws `StackSpec.clusters`; `buildStack` gives each
 *   namespace its own chart and builds every cluster in it).
 * - A new rule: add a `Defect` to `DEFECTS` naming the property its error must name, and
 *   the (valid) stacks it applies to.
 * Keep draws cheap (constantFrom over small sets) and names from small sets: the schema
 * validator caches by object, and repeated objects keep 1,000 stacks per engine fast.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppCredentials, ArchiveCredentials, ArchiveSource, ClusterBootstrap, CrunchyPgoEngineProps, Database, DatabaseRole, Publication, PublicationTarget, RecoveryTarget, SidecarResources, ArchiveDestination, BackupSchedule, RestoreDrill, ScheduledBackup, WalArchive, ClusterEngine, ClusterMode, DataDurability, DisruptionBudget, HaPostgres, HaPostgresProps, NetworkPeer,
  PatroniDcs, PatroniEngineProps, PatroniSynchronousMode, PatroniVersion, PgBouncerPool, PgBouncerPoolProps, PoolMode, PoolType,
  PostgresVersion, PrimaryUpdateMethod, TlsVersion, VolumeAccessMode,
} from '../../lib';

export type EngineKind = 'CloudNativePG' | 'Patroni' | 'Crunchy PGO';
export const ENGINE_KINDS: EngineKind[] = ['CloudNativePG', 'Patroni', 'Crunchy PGO'];

/** One cluster of a stack: its namespace, engine, props and the values of its parts. */
export interface ClusterSpec {
  /** Construct id of the HaPostgres (its name when `props.name` is not set); unique in the namespace. */
  readonly id: string;
  readonly namespace: string;
  readonly engine: EngineKind;
  /** Patroni's engine props (undefined for CloudNativePG, whose engine is the default). */
  readonly patroni?: PatroniEngineProps;
  /** Crunchy PGO's engine props (set exactly when `engine` is 'Crunchy PGO'). */
  readonly crunchy?: CrunchyPgoEngineProps;
  /** The HaPostgres props, without `engine`. */
  readonly props: HaPostgresProps;
  /** Values of the PARTS, by part name (pools, peers, archive, sameNamedSibling). */
  readonly parts: { readonly [part: string]: unknown };
}

export interface StackSpec {
  readonly clusters: ClusterSpec[];
}

/** What a part's values may depend on. */
export interface ClusterFacts {
  readonly engine: EngineKind;
  readonly name: string;
  readonly namespace: string;
  readonly highlyAvailable: boolean;
  readonly instances: number;
  /** Connections one instance can give to pools (max_connections less reserved slots and headroom). */
  readonly poolBudget: number;
  /** True when the cluster can have pools: they serve TLS to clients, which on Patroni needs the engine's TLS Secret. */
  readonly poolerTls: boolean;
}

/** A built cluster, for parts to add to and for the checks. */
export interface BuiltCluster {
  readonly spec: ClusterSpec;
  readonly chart: Chart;
  readonly db: HaPostgres;
  /** Pod labels of pods that must reach the instances on 5432 and that strangers must not reach. */
  readonly reachability: Array<{ [key: string]: string }>;
}

/** An optional part of a cluster. See "HOW TO ADD A SHAPE" above. */
export interface StackPart<T> {
  readonly name: string;
  valid(facts: ClusterFacts): fc.Arbitrary<T>;
  build(value: T, cluster: BuiltCluster): void;
}

/** A documented rule broken on purpose. */
export interface Defect {
  readonly name: string;
  /** The property the error must name: the text before ` = ` in `[path] prop = value: problem. Fix: …`. */
  readonly property: string;
  /** Defects of one group touch the same props; two defects of a stack come from different groups. */
  readonly group: string;
  /** Rewrites the cluster broadly (e.g. makes it standalone): never combined with another defect. */
  readonly alone?: boolean;
  readonly engines?: EngineKind[];
  applies?(c: ClusterSpec): boolean;
  apply(c: ClusterSpec): ClusterSpec;
}

// ---------------------------------------------------------------------------------------
// Helpers

/** Absent 2 times out of 3, so the defaults are exercised as often as the values. */
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

/** Drops undefined values, so that a record prints (and is passed) as the props a user would write. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const gi = (n: number) => Size.gibibytes(n);
const mi = (s: Size) => s.toMebibytes();
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d'];
const CLUSTER_NAMES = ['orders-db', 'db', `pg-${'a'.repeat(47)}`]; // the last is 50 characters, the longest allowed
/** PGO names pods <cluster>-<set>-<suffix>: the cluster name and the instance set's take 46 characters at most (the last is 40). */
const PGO_CLUSTER_NAMES = ['orders-db', 'db', `pg-${'a'.repeat(37)}`];
/** Instance set names (the default is "pg"; the last is 6 characters, which the 40-character name leaves room for). */
const PGO_INSTANCE_SETS = ['pg', 'set-a', 'inst01'];
const POOL_NAMES = ['orders-pool', 'reports-pool', 'pool-a'];
const DEFAULT_MAX_CONNECTIONS = 200;
/** superuser_reserved_connections (3) and the library's headroom (10), see lib/model/pool-sizing.ts. */
const RESERVED_FOR_OTHERS = 3 + 10;

/** Facts of a spec, as the library resolves them. */
export function factsOf(c: ClusterSpec): ClusterFacts {
  const mode = c.props.mode ?? ClusterMode.highAvailability();
  const maxConnections = Number(c.props.parameters?.max_connections ?? DEFAULT_MAX_CONNECTIONS);
  const reserved = Number(c.props.parameters?.reserved_connections ?? 0);
  return {
    engine: c.engine,
    name: c.props.name ?? c.id,
    namespace: c.namespace,
    highlyAvailable: mode.highlyAvailable,
    instances: mode.instances,
    poolBudget: maxConnections - reserved - RESERVED_FOR_OTHERS,
    poolerTls: c.engine !== 'Patroni' || c.patroni?.tlsSecretName !== undefined,
  };
}

// ---------------------------------------------------------------------------------------
// Valid cluster props

/** Parameters whose valid values do not depend on other props. */
const PARAMETERS: Array<[string, string | number | boolean]> = [
  ['work_mem', '16MB'], ['log_min_duration_statement', '500ms'], ['jit', false], ['random_page_cost', 1.1],
  ['effective_cache_size', '3GB'], ['wal_level', 'logical'], ['synchronous_commit', 'remote_apply'],
  ['log_statement', 'ddl'], ['idle_in_transaction_session_timeout', '10min'], ['track_io_timing', true],
  ['hot_standby_feedback', 'on'],
];
/** On PGO: without wal_level (PGO sets it to logical itself). */
const PGO_PARAMETERS = PARAMETERS.filter(([name]) => name !== 'wal_level');
/** CloudNativePG only: Patroni manages wal_log_hints. */
const CNPG_PARAMETERS: Array<[string, string | number | boolean]> = [['wal_log_hints', 'on']];

/**
 * Parameters whose valid values depend on drawn sizes (CloudNativePG's webhook rules, issue 20):
 * shared_buffers at most the memory request; min_wal_size < max_wal_size < the volume that holds WAL
 * (defaults 80MB and 1GB when absent).
 */
function sizedParameters(memoryMi: number, walMi: number): fc.Arbitrary<{ [name: string]: string | undefined }> {
  return fc.record({
    sharedBuffers: opt(fc.constantFrom(`${Math.floor(memoryMi / 4)}MB`, `${memoryMi}MB`, ...(memoryMi >= 1024 ? ['1GB'] : []))),
    maxWalMi: opt(fc.constantFrom(Math.floor(walMi / 4), walMi - 1, ...(walMi > 4096 ? [4096] : []))),
    minWal: fc.constantFrom('none', 'half', 'default'),
  }).map(({ sharedBuffers, maxWalMi, minWal }) => compact({
    shared_buffers: sharedBuffers,
    max_wal_size: maxWalMi === undefined ? undefined : `${maxWalMi}MB`,
    // Below max_wal_size (1GB when it is not set).
    min_wal_size: minWal === 'none' ? undefined : minWal === 'half' ? `${Math.floor((maxWalMi ?? 1024) / 2)}MB` : '80MB',
  }));
}

interface VolumeDraw { separate?: boolean; dataGi: number; walGi?: number }

/** Volumes: WAL on its own volume of at least 2Gi (the default slot bound, half of it, must be 1Gi or more). */
const volumes: fc.Arbitrary<VolumeDraw> = fc.oneof(
  fc.record({ separate: fc.constantFrom(undefined, true), dataGi: fc.constantFrom(1, 5, 50, 200), walGi: fc.constantFrom(undefined, 2, 5, 20) }),
  fc.record({ separate: fc.constant(false), dataGi: fc.constantFrom(2, 10, 100) }),
);

function storageProps(v: VolumeDraw, ha: boolean): fc.Arbitrary<Partial<HaPostgresProps>> {
  const walMi = walMiOf(v);
  const storage = fc.record({
    size: fc.constant(gi(v.dataGi)),
    storageClass: opt(fc.constantFrom('gp3', 'fast.ssd')),
    accessMode: opt(fc.constantFrom(VolumeAccessMode.READ_WRITE_ONCE, VolumeAccessMode.READ_WRITE_ONCE_POD)),
  }).map(compact);
  return fc.record({
    // 50Gi is the default size: the prop may be left out.
    storage: v.dataGi === 50 ? opt(storage) : storage,
    separateWalVolume: fc.constant(v.separate),
    walStorage: fc.constant(v.separate !== false && v.walGi !== undefined ? { size: gi(v.walGi) } : undefined),
    // Between 1Gi and just below the volume that holds WAL.
    maxSlotWalKeepSize: ha ? opt(fc.constantFrom(1024, Math.floor(walMi / 2), walMi - 1).map((n) => Size.mebibytes(n))) : fc.constant(undefined),
  });
}

function topologyProps(engine: EngineKind): fc.Arbitrary<Partial<HaPostgresProps>> {
  const ha = fc.integer({ min: 3, max: 6 }).chain((n) => fc.record({
    mode: n === 3 ? fc.constantFrom(undefined, ClusterMode.highAvailability(3)) : fc.constant(ClusterMode.highAvailability(n)),
    synchronousStandbys: opt(fc.integer({ min: 1, max: n - 1 })),
    dataDurability: opt(fc.constantFrom(DataDurability.REQUIRED, DataDurability.PREFERRED)),
    disruptionBudget: opt(fc.oneof(
      fc.integer({ min: 1, max: n - 1 }).map((k) => DisruptionBudget.minAvailable(k)),
      ...(engine !== 'Patroni' ? [fc.constant(DisruptionBudget.operatorManaged())] : []),
    )),
    placement: opt(fc.record({
      zones: opt(fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 2, maxLength: 4 })),
      zoneTopologyKey: opt(fc.constantFrom('topology.kubernetes.io/zone', 'example.com/rack-zone')),
      nodeTopologyKey: opt(fc.constant('kubernetes.io/hostname')),
    }).map(compact)),
  }));
  const standalone = fc.record({
    mode: fc.constant(ClusterMode.standalone()),
    synchronousStandbys: opt(fc.constant(0)),
    placement: opt(fc.record({ zones: opt(fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 2 })) }).map(compact)),
  });
  return fc.oneof({ weight: 5, arbitrary: ha }, { weight: 1, arbitrary: standalone });
}

function versionProps(engine: EngineKind, patroni?: PatroniEngineProps): fc.Arbitrary<Partial<HaPostgresProps>> {
  const maxMajor = engine === 'Patroni' ? patroni!.version.maxPostgresMajor : 18;
  const majors = PostgresVersion.SUPPORTED_MAJORS.filter((m) => m <= maxMajor);
  // Patroni has no default that fits 3.0 (PostgresVersion.V18): it always gets a version.
  const version = fc.record({ major: fc.constantFrom(...majors), minor: fc.constantFrom(0, 4, 18) })
    .map(({ major, minor }) => PostgresVersion.of(major, minor));
  const chosen = engine === 'Patroni' && maxMajor < 18 ? version : opt(version);
  return chosen.chain((v) => fc.record({
    version: fc.constant(v),
    // CloudNativePG only (Patroni's image is the engine's): a tag of the same major.
    imageName: engine === 'CloudNativePG'
      ? opt(fc.constant(`ghcr.io/cloudnative-pg/postgresql:${(v ?? PostgresVersion.V18).major}.${(v ?? PostgresVersion.V18).minor}-system-trixie`))
      : fc.constant(undefined),
  }));
}

const cpu = fc.constantFrom(Cpu.millis(500), Cpu.millis(1500), Cpu.units(2));
const cpuMillis = (c: Cpu) => (c.amount.endsWith('m') ? Number(c.amount.slice(0, -1)) : 1000 * Number(c.amount));
/** Requests, and limits equal to them or above them (request ≠ limit is admitted: only a request above its limit is refused). */
const resources = opt(fc.record({
  cpuRequest: cpu, memoryRequest: fc.constantFrom(Size.mebibytes(512), gi(1), gi(4)),
  cpuFactor: fc.constantFrom(1, 1, 2, 4), memoryFactor: fc.constantFrom(1, 1, 2, 8),
}).chain(({ cpuRequest, memoryRequest, cpuFactor, memoryFactor }) => fc.record({
  cpuRequest: fc.constantFrom(cpuRequest, undefined),
  memoryRequest: fc.constant(memoryRequest),
  cpuLimit: opt(fc.constant(cpuFactor === 1 ? cpuRequest : Cpu.millis(cpuFactor * cpuMillis(cpuRequest)))),
  memoryLimit: opt(fc.constant(Size.mebibytes(mi(memoryRequest) * memoryFactor))),
}).map((r) => compact(r.cpuRequest === undefined ? { ...r, cpuLimit: undefined } : r))));

/** The memory request the library resolves (4Gi by default). */
const memoryRequestMi = (props: Partial<HaPostgresProps>) => mi(props.resources?.memoryRequest ?? gi(4));
/** The size of the volume that holds WAL: the WAL volume (20Gi by default), or the data volume without one. */
const walMiOf = (v: VolumeDraw) => 1024 * (v.separate === false ? v.dataGi : v.walGi ?? 20);

/** The IAM role of the archives (the recovery source of a PGO cluster shares it: PGO puts one role on its ServiceAccounts). */
const ARCHIVE_ROLE = 'arn:aws:iam::123456789012:role/shop-archive';

/** Recovery of a PGO cluster from another cluster's pgBackRest repository: to the end of WAL or to a point in time. */
const PGO_RECOVERY: fc.Arbitrary<ClusterBootstrap> = fc.record({
  credentials: fc.constantFrom('iam', 'secret'),
  endpoint: fc.constantFrom(undefined, 'https://minio.storage:9000'),
  target: fc.constantFrom(undefined, RecoveryTarget.latest(), RecoveryTarget.time('2026-11-30 05:00:00+00')),
}).map(({ credentials, endpoint, target }) => {
  const source = ArchiveSource.fromProps({
    serverName: 'orders-old',
    destination: ArchiveDestination.s3(compact({ bucket: 'acme-pg-archive', path: 'legacy', region: 'eu-west-1', endpoint })),
    credentials: credentials === 'iam' ? ArchiveCredentials.fromIamRole(ARCHIVE_ROLE) : ArchiveCredentials.fromSecret('orders-old-s3'),
  });
  return target?.kind === RecoveryTarget.time('2026-11-30 05:00:00+00').kind ? ClusterBootstrap.pointInTime(source, target!) : ClusterBootstrap.fromArchive(source, compact({ target }));
});

function clusterProps(engine: EngineKind, patroni?: PatroniEngineProps): fc.Arbitrary<HaPostgresProps> {
  return fc.tuple(topologyProps(engine), volumes, versionProps(engine, patroni), resources).chain(([topology, v, version, res]) => {
    const ha = (topology.mode ?? ClusterMode.highAvailability()).highlyAvailable;
    const sixteenPlus = (version.version ?? PostgresVersion.V18).major >= 16;
    return fc.record({
      name: opt(fc.constantFrom(...(engine === 'Crunchy PGO' ? PGO_CLUSTER_NAMES : CLUSTER_NAMES))),
      storage: storageProps(v, ha),
      maxStandbyStreamingDelay: opt(fc.constantFrom(Duration.seconds(0), Duration.seconds(30), Duration.hours(1))),
      primaryUpdateMethod: opt(fc.constantFrom(PrimaryUpdateMethod.SWITCHOVER, ...(engine === 'CloudNativePG' ? [PrimaryUpdateMethod.RESTART] : []))),
      resources: fc.constant(res),
      parameters: opt(fc.tuple(
        fc.subarray(engine === 'CloudNativePG' ? [...PARAMETERS, ...CNPG_PARAMETERS] : engine === 'Crunchy PGO' ? PGO_PARAMETERS : PARAMETERS, { maxLength: 4 }),
        sizedParameters(memoryRequestMi({ resources: res }), walMiOf(v)),
        opt(fc.constantFrom(100, 300)),
        sixteenPlus ? opt(fc.constantFrom(0, 5)) : fc.constant(undefined),
      ).map(([entries, sized, maxConnections, reserved]) => compact({
        ...Object.fromEntries(entries), ...sized, max_connections: maxConnections, reserved_connections: reserved,
      }))),
      credentials: engine === 'Crunchy PGO'
        // PGO generates every user's password into <cluster>-pguser-<owner>: never from another Secret.
        // Its user names are DNS labels (spec.users[].name) and PostgreSQL identifiers: letters and digits.
        ? opt(fc.record({ database: opt(fc.constantFrom('app', 'orders')), owner: opt(fc.constantFrom('app', 'ordersowner')) })
          .map((o) => AppCredentials.generated(compact(o))))
        : engine === 'Patroni'
        ? fc.record({ database: opt(fc.constantFrom('app', 'orders')), owner: opt(fc.constantFrom('app', 'orders_owner')) })
          .map((o) => AppCredentials.fromSecret('orders-app', compact(o)))
        : opt(fc.record({ secret: fc.boolean(), database: opt(fc.constantFrom('app', 'orders', '_x1')), owner: opt(fc.constantFrom('app', 'orders_owner')) })
          .map(({ secret, ...o }) => (secret ? AppCredentials.fromSecret('orders-app', compact(o)) : AppCredentials.generated(compact(o))))),
      tls: opt(fc.record({
        minimumVersion: opt(fc.constantFrom(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3)),
        allowPlainTextReason: engine === 'Patroni' && patroni!.tlsSecretName === undefined
          ? fc.constant('legacy batch client until 2027-01') : opt(fc.constant('legacy batch client until 2027-01')),
      }).map(compact)),
      network: opt(fc.record({
        enabled: opt(fc.boolean()),
        operatorNamespace: opt(fc.constantFrom('cnpg-system', 'postgres-operator')),
        monitoringNamespace: opt(fc.constantFrom('monitoring', 'observability')),
        kubernetesApiCidr: opt(fc.constantFrom('0.0.0.0/0', '172.20.0.0/16', 'fd00:10::/64')),
      }).map(compact)),
      bootstrap: engine === 'Crunchy PGO' ? opt(PGO_RECOVERY) : fc.constant(undefined),
    }).map(({ storage, ...rest }) => compact({ ...topology, ...version, ...storage, ...rest }) as HaPostgresProps);
  }).map((props) => {
    // Patroni without a TLS Secret must allow plain text (the draw above gives it a reason).
    if (engine === 'Patroni' && patroni!.tlsSecretName === undefined && !props.tls?.allowPlainTextReason) {
      return { ...props, tls: { ...props.tls, allowPlainTextReason: 'legacy batch client until 2027-01' } };
    }
    return props;
  });
}

// ---------------------------------------------------------------------------------------
// Valid Patroni engine props

const ETCD: fc.Arbitrary<PatroniDcs> = fc.oneof(
  fc.constantFrom(['http://10.0.4.10:2379', 'http://10.0.4.11:2379'], ['https://10.0.4.10:2379']).map((urls) => PatroniDcs.etcd([...urls])),
  fc.constantFrom('peers', 'cidrs').map((named) => PatroniDcs.etcd(['https://etcd-0.etcd.infra:2379', 'https://etcd-1.etcd.infra:2379'],
    named === 'peers' ? { peers: [NetworkPeer.podsWithLabels({ 'app.kubernetes.io/name': 'etcd' }, 'infra')] } : { cidrs: ['10.20.0.0/24'] })),
);

const patroniEngineProps: fc.Arbitrary<PatroniEngineProps> = fc.constantFrom(PatroniVersion.V3_0, PatroniVersion.V4_1).chain((version) => {
  const v41 = version === PatroniVersion.V4_1;
  // ttl >= loopWait + 2 × retryTimeout, retryTimeout >= 3, and ttl >= 20 on 4.1.
  const timing = fc.record({ loopWait: fc.integer({ min: 1, max: 3 }), retryTimeout: fc.integer({ min: 3, max: 5 }), slack: fc.integer({ min: 0, max: 4 }) })
    .map(({ loopWait, retryTimeout, slack }) => ({
      ttl: Duration.seconds(Math.max(version.minTtlSeconds, loopWait + 2 * retryTimeout) + slack),
      loopWait: Duration.seconds(loopWait),
      retryTimeout: Duration.seconds(retryTimeout),
    }));
  return fc.record({
    version: fc.constant(version),
    image: fc.constant(v41 ? 'registry.example.com/patroni:4.1.4-pg17' : 'registry.example.com/patroni:3.0.2-pg15'),
    credentialsSecretName: fc.constant('orders-patroni'),
    tlsSecretName: fc.constantFrom('orders-tls', 'orders-tls', undefined),
    pgbouncerImage: fc.constant('registry.example.com/pgbouncer:1.25.1'),
    dcs: opt(fc.oneof(fc.constant(PatroniDcs.kubernetes()), ETCD)),
    timing: opt(timing),
    synchronousMode: opt(v41 ? fc.constantFrom(PatroniSynchronousMode.QUORUM, PatroniSynchronousMode.PRIORITY) : fc.constant(PatroniSynchronousMode.PRIORITY)),
    memberSlotsTtl: v41 ? opt(fc.constant(Duration.minutes(45))) : fc.constant(undefined),
    failsafeMode: opt(fc.boolean()),
    maximumLagOnFailover: opt(fc.constantFrom(Size.mebibytes(1), Size.mebibytes(16))),
    userId: opt(fc.constantFrom(999, 26)),
  }).map(compact);
});

// ---------------------------------------------------------------------------------------
// Valid Crunchy PGO engine props

/** Requests, and limits equal to them or above them, of PGO's helper containers, exporter and backup Jobs. */
const pgoSidecar = (memories: number[]): fc.Arbitrary<SidecarResources> => fc.record({
  cpu: fc.constantFrom(50, 100, 250), memory: fc.constantFrom(...memories), cpuFactor: fc.constantFrom(1, 1, 2), memoryFactor: fc.constantFrom(1, 1, 2), limits: fc.boolean(),
}).map(({ cpu, memory, cpuFactor, memoryFactor, limits }) => compact({
  cpuRequest: Cpu.millis(cpu), memoryRequest: Size.mebibytes(memory),
  cpuLimit: limits ? Cpu.millis(cpu * cpuFactor) : undefined, memoryLimit: limits ? Size.mebibytes(memory * memoryFactor) : undefined,
}));

/** Valid schedules of PGO's differential and incremental backups. */
const PGO_SCHEDULES = [BackupSchedule.daily({ hour: 1 }), BackupSchedule.cron('0 */6 * * *'), BackupSchedule.cron('30 1 * * 1-5'), BackupSchedule.weekly({ hour: 4 })];

/**
 * PGO's engine props. `fullScheduled`: an active ScheduledBackup gives a full schedule, which an
 * incremental backup needs to build on (a synth error otherwise); `archived`: differential and
 * incremental schedules need the WalArchive's repository (a synth error otherwise).
 */
const crunchyEngineProps = (fullScheduled: boolean, archived: boolean): fc.Arbitrary<CrunchyPgoEngineProps> => fc.record({
  instanceSetName: opt(fc.constantFrom(...PGO_INSTANCE_SETS)),
  postgresImage: opt(fc.constant('registry.example.com/crunchy-postgres:ubi9-17.6-2530')),
  pgbackrestImage: opt(fc.constant('registry.example.com/crunchy-pgbackrest:ubi9-2.56.0-2530')),
  pgbouncerImage: opt(fc.constant('registry.example.com/crunchy-pgbouncer:ubi9-1.24-2530')),
  monitoring: opt(fc.boolean()),
  leaderLeaseDuration: opt(fc.constantFrom(Duration.seconds(30), Duration.seconds(45))),
  syncPeriod: opt(fc.constantFrom(Duration.seconds(5), Duration.seconds(10))),
  failsafeMode: opt(fc.boolean()),
  maximumLagOnFailover: opt(fc.constantFrom(Size.mebibytes(0), Size.mebibytes(16))),
  // Schedules of the WalArchive's pgBackRest repository: none without an archive (a synth error).
  differentialBackupSchedule: archived ? opt(fc.constantFrom(...PGO_SCHEDULES)) : fc.constant(undefined),
  incrementalBackupSchedule: fullScheduled ? opt(fc.constantFrom(...PGO_SCHEDULES)) : fc.constant(undefined),
  helperContainerResources: opt(pgoSidecar([32, 64, 128])),
  exporterResources: opt(pgoSidecar([128, 256])),
  backupJobResources: opt(pgoSidecar([256, 512, 1024])),
}).map(compact);

// ---------------------------------------------------------------------------------------
// Parts

export interface PoolSpec {
  readonly props: Omit<PgBouncerPoolProps, 'cluster'>;
  /** Let the `app: web` pods into the pool. */
  readonly allowApp: boolean;
}

/** The server connections a pool asks of one instance. */
const poolDemand = (p: PoolSpec) => (p.props.instances ?? 2) * ((p.props.defaultPoolSize ?? 20) + (p.props.reservePoolSize ?? 0));
const poolName = (p: PoolSpec, cluster: string) => p.props.name ?? `${cluster}-pooler-${p.props.type === PoolType.READ_ONLY ? 'ro' : 'rw'}`;

function poolSpec(facts: ClusterFacts): fc.Arbitrary<PoolSpec> {
  return fc.record({
    name: opt(fc.constantFrom(...POOL_NAMES)),
    // PGO's proxy serves the primary only.
    type: opt(facts.highlyAvailable && facts.engine !== 'Crunchy PGO' ? fc.constantFrom(PoolType.READ_WRITE, PoolType.READ_ONLY) : fc.constant(PoolType.READ_WRITE)),
    poolMode: opt(fc.constantFrom(PoolMode.TRANSACTION, PoolMode.SESSION)),
    instances: opt(fc.constantFrom(1, 2, 3)),
    defaultPoolSize: opt(fc.constantFrom(1, 10, 30)),
    minPoolSize: opt(fc.constantFrom(0, 1)),
    reservePoolSize: opt(fc.constantFrom(0, 5)),
    reservePoolTimeout: opt(fc.constantFrom(Duration.seconds(1), Duration.seconds(5))),
    maxClientConnections: opt(fc.constantFrom(100, 2000)),
    maxPreparedStatements: opt(fc.constantFrom(0, 200)),
    idleTransactionTimeout: opt(fc.constantFrom(Duration.seconds(0), Duration.minutes(5))),
    parameters: opt(fc.constantFrom<{ [k: string]: string }>({ log_connections: '1' }, { tcp_keepalive: '1', query_timeout: '30' }, { client_tls_sslmode: 'require' })),
    allowApp: fc.boolean(),
  }).map(({ allowApp, ...p }) => ({
    allowApp,
    // One pooler pod is refused unless asked for explicitly (development only).
    props: compact({ ...p, allowSingleInstance: p.instances === 1 ? true : undefined }),
  }));
}

const pools: StackPart<PoolSpec[]> = {
  name: 'pools',
  // A pool serves TLS to its clients, always; on Patroni that needs the engine's TLS Secret.
  // PGO runs one PgBouncer proxy per cluster.
  valid: (facts) => fc.array(poolSpec(facts), { maxLength: !facts.poolerTls ? 0 : facts.engine === 'Crunchy PGO' ? 1 : 2 }).filter((ps) => {
    // Names unique in the namespace; the pools of each type fit in one instance's connections.
    const names = ps.map((p) => poolName(p, facts.name));
    if (new Set(names).size !== names.length) return false;
    return [PoolType.READ_WRITE, PoolType.READ_ONLY].every((t) =>
      ps.filter((p) => (p.props.type ?? PoolType.READ_WRITE) === t).reduce((n, p) => n + poolDemand(p), 0) <= facts.poolBudget);
  }),
  build: (value, c) => value.forEach((p, i) => {
    const pool = new PgBouncerPool(c.chart, `${c.db.node.id}-pool${i}`, { cluster: c.db, ...p.props });
    if (p.allowApp) pool.connections.allowFrom(NetworkPeer.podsWithLabels({ app: 'web' }));
    const profile = c.db.engine.networkProfile();
    if (profile) c.reachability.push(profile.poolerPodLabels(pool.poolName));
  }),
};

const peers: StackPart<Array<{ [key: string]: string }>> = {
  name: 'peers',
  valid: () => fc.subarray<{ [key: string]: string }>([{ app: 'migrate' }, { app: 'reporting', tier: 'batch' }]),
  build: (value, c) => value.forEach((labels) => c.db.connections.allowFrom(NetworkPeer.podsWithLabels(labels))),
};

/** A WalArchive of the cluster, its ScheduledBackups (several per archive) and, where the engine has them, a RestoreDrill. */
export interface ArchiveSpec {
  readonly credentials: 'iam' | 'secret';
  readonly schedules: BackupSchedule[];
  /** A RestoreDrill into the scratch namespace `drills`, shared by every cluster of the stack that has one. */
  readonly drill: boolean;
}

/** Valid schedules of one archive's backups (robfig/cron and Kubernetes both read them: Sunday is 0). */
const SCHEDULES = [
  BackupSchedule.daily({ hour: 2 }), BackupSchedule.weekly({ hour: 3 }), BackupSchedule.monthly(), BackupSchedule.cron('30 1 * * 1-5'), BackupSchedule.cron('0 3 * * 0'),
];
export const DRILL_NAMESPACE = 'drills';

const archiveSpec = (facts: ClusterFacts): fc.Arbitrary<ArchiveSpec> => fc.record({
  credentials: fc.constantFrom<'iam' | 'secret'>('iam', 'secret'),
  // Often a daily and a weekly backup of one archive, otherwise any 0 to 3 distinct schedules;
  // on PGO at most one (one full schedule per repository; differential and incremental are engine props).
  schedules: facts.engine === 'Crunchy PGO' ? fc.uniqueArray(fc.constantFrom(...SCHEDULES), { maxLength: 1 })
    : fc.oneof(fc.constant<BackupSchedule[]>([SCHEDULES[0], SCHEDULES[1]]), fc.uniqueArray(fc.constantFrom(...SCHEDULES), { maxLength: 3 })),
  drill: facts.engine !== 'Patroni' ? fc.boolean() : fc.constant(false),
});

const archive: StackPart<ArchiveSpec | undefined> = {
  name: 'archive',
  // An HA PostgresCluster without a pgBackRest repository discards WAL: PGO's HA clusters always have one.
  valid: (facts) => (facts.engine === 'Crunchy PGO' && facts.highlyAvailable ? archiveSpec(facts) : opt(archiveSpec(facts))),
  build: (value, c) => {
    if (!value) return;
    const id = c.db.node.id;
    const archived = new WalArchive(c.chart, `${id}-archive`, {
      cluster: c.db,
      // One folder per namespace: same-named clusters of two namespaces must not write one folder.
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: c.spec.namespace, region: 'eu-west-1' }),
      credentials: value.credentials === 'iam' ? ArchiveCredentials.fromIamRole(ARCHIVE_ROLE) : ArchiveCredentials.fromSecret('orders-s3'),
    });
    value.schedules.forEach((schedule, i) => new ScheduledBackup(c.chart, `${id}-backup${i}`, { archive: archived, schedule }));
    if (value.drill) new RestoreDrill(c.chart, `${id}-drill`, { cluster: c.db, scratchNamespace: DRILL_NAMESPACE });
  },
};

/**
 * A second HaPostgres in the same namespace under the cluster's name: never in a valid stack
 * (its objects would replace the cluster's); the defect "two clusters of one name" sets it.
 */
const sameNamedSibling: StackPart<boolean | undefined> = {
  name: 'sameNamedSibling',
  valid: () => fc.constant(undefined),
  build: (value, c) => {
    if (value) {
      new HaPostgres(c.chart, `${c.db.node.id}-sibling`, {
        name: c.db.clusterName,
        ...(c.spec.patroni ? { engine: ClusterEngine.patroni(c.spec.patroni), version: c.spec.props.version, credentials: c.spec.props.credentials, tls: c.spec.props.tls } : {}),
        ...(c.spec.crunchy ? { engine: ClusterEngine.crunchy(c.spec.crunchy), mode: ClusterMode.standalone() } : {}),
      });
    }
  },
};

/**
 * Declarative objects of the cluster (a role, a database, a publication): drawn in no valid stack
 * (valid stacks of every engine stay comparable); defects add them where the engine cannot render them.
 */
const declared: StackPart<Array<'role' | 'database' | 'publication'> | undefined> = {
  name: 'declared',
  valid: () => fc.constant(undefined),
  build: (value, c) => value?.forEach((kind) => {
    const id = `${c.db.node.id}-${kind}`;
    if (kind === 'role') new DatabaseRole(c.chart, id, { cluster: c.db, name: 'reporting', passwordSecretName: 'orders-reporting' });
    if (kind === 'database') new Database(c.chart, id, { cluster: c.db, name: 'reports', owner: 'app' });
    if (kind === 'publication') new Publication(c.chart, id, { cluster: c.db, name: 'orders_pub', target: PublicationTarget.allTables() });
  }),
};

/** The parts of every cluster, built in this order after the HaPostgres. */
export const PARTS: Array<StackPart<any>> = [pools, peers, archive, sameNamedSibling, declared];

// ---------------------------------------------------------------------------------------
// Stacks

function clusterSpec(engine: EngineKind, namespace: string, id: string): fc.Arbitrary<ClusterSpec> {
  const engineDraw: fc.Arbitrary<PatroniEngineProps | undefined> = engine === 'Patroni' ? patroniEngineProps : fc.constant(undefined);
  return engineDraw.chain((patroni) => clusterProps(engine, patroni).chain((props) => {
    const base: ClusterSpec = { id, namespace, engine, patroni, props, parts: {} };
    const facts = factsOf(base);
    return fc.tuple(...PARTS.map((p) => p.valid(facts))).map((values): ClusterSpec => ({
      ...base, parts: Object.fromEntries(PARTS.map((p, i) => [p.name, values[i]])),
    }));
  })).chain((c) => (engine !== 'Crunchy PGO' ? fc.constant(c)
    // PGO's engine props last: an incremental schedule needs the archive's full one.
    : crunchyEngineProps(((c.parts.archive as ArchiveSpec | undefined)?.schedules.length ?? 0) > 0, c.parts.archive !== undefined)
      .map((crunchy) => ({ ...c, crunchy }))));
}

/** Stacks every one of which must synthesize and pass every check. */
export function validStacks(engine: EngineKind): fc.Arbitrary<StackSpec> {
  // A twin in one stack of four: it doubles the synthesis cost of its stack.
  return fc.tuple(clusterSpec(engine, 'shop', 'db0'), fc.constantFrom(false, false, false, true)).map(([c, twin]) => ({ clusters: twin ? twins(c) : [c] }));
}

/**
 * The cluster and the same cluster (same id, name and props) in namespace `shop-b`, as teams copy
 * a stack per namespace; both get an archive and, where the engine has them, restore drills into
 * the one scratch namespace `drills`.
 */
function twins(c: ClusterSpec): ClusterSpec[] {
  const a = c.parts.archive as ArchiveSpec | undefined;
  const drill = c.engine !== 'Patroni';
  const archived: ClusterSpec = { ...c, parts: { ...c.parts, archive: a ? { ...a, drill } : { credentials: 'iam', schedules: [SCHEDULES[0]], drill } } };
  return [archived, { ...archived, namespace: 'shop-b' }];
}

/** Valid stacks with one or two defects (of different groups) in their first cluster. */
export function invalidStacks(engine: EngineKind): fc.Arbitrary<{ stack: StackSpec; defects: Defect[] }> {
  return validStacks(engine).chain((stack) => {
    const c = stack.clusters[0];
    const candidates = DEFECTS.filter((d) => (d.engines ?? ENGINE_KINDS).includes(engine) && (d.applies?.(c) ?? true));
    return fc.tuple(fc.constantFrom(...candidates), fc.option(fc.constantFrom(...candidates), { nil: undefined })).map(([first, second]) => {
      const chosen = second && second.group !== first.group && !first.alone && !second.alone ? [first, second] : [first];
      // Mode-changing defects first, so a later one sees the cluster it breaks.
      chosen.sort((a, b) => Number(b.group === 'topology') - Number(a.group === 'topology'));
      let broken = c;
      const applied: Defect[] = [];
      for (const d of chosen) {
        if (applied.length > 0 && !(d.applies?.(broken) ?? true)) continue;
        broken = d.apply(broken);
        applied.push(d);
      }
      return { stack: { clusters: [broken, ...stack.clusters.slice(1)] }, defects: applied };
    });
  });
}

/** Builds the stack in one app (a chart per namespace); throws what synthesis throws. */
export function buildStack(stack: StackSpec): { app: App; manifests: any[]; clusters: BuiltCluster[] } {
  const app = Testing.app();
  const charts = new Map<string, Chart>();
  const clusters = stack.clusters.map((spec) => {
    let chart = charts.get(spec.namespace);
    if (!chart) {
      chart = new Chart(app, spec.namespace, { namespace: spec.namespace, disableResourceNameHashes: true });
      charts.set(spec.namespace, chart);
    }
    const engine = spec.patroni ? ClusterEngine.patroni(spec.patroni) : spec.crunchy ? ClusterEngine.crunchy(spec.crunchy) : undefined;
    const db = new HaPostgres(chart, spec.id, { ...spec.props, ...(engine ? { engine } : {}) });
    const built: BuiltCluster = { spec, chart, db, reachability: [] };
    for (const part of PARTS) if (spec.parts[part.name] !== undefined) part.build(spec.parts[part.name], built);
    return built;
  });
  const manifests = [...charts.values()].flatMap((chart) => Testing.synth(chart));
  return { app, manifests, clusters };
}

// ---------------------------------------------------------------------------------------
// Defects

const withProps = (c: ClusterSpec, props: Partial<HaPostgresProps>): ClusterSpec => ({ ...c, props: { ...c.props, ...props } });
const withPools = (c: ClusterSpec, list: PoolSpec[]): ClusterSpec => ({ ...c, parts: { ...c.parts, pools: list } });
const isHa = (c: ClusterSpec) => factsOf(c).highlyAvailable;
const instancesOf = (c: ClusterSpec) => factsOf(c).instances;
const walVolumeMi = (c: ClusterSpec) => mi(c.props.separateWalVolume === false ? c.props.storage?.size ?? gi(50) : c.props.walStorage?.size ?? gi(20));
const withArchive = (c: ClusterSpec, f: (a: ArchiveSpec) => ArchiveSpec): ClusterSpec =>
  ({ ...c, parts: { ...c.parts, archive: f((c.parts.archive as ArchiveSpec | undefined) ?? { credentials: 'iam', schedules: [], drill: false }) } });
const aPool = (props: PoolSpec['props']): PoolSpec => ({ props, allowApp: false });
const withEngine = (c: ClusterSpec, crunchy: Partial<CrunchyPgoEngineProps>): ClusterSpec => ({ ...c, crunchy: { ...c.crunchy, ...crunchy } });
const withDeclared = (c: ClusterSpec, kind: 'role' | 'database' | 'publication'): ClusterSpec =>
  ({ ...c, parts: { ...c.parts, declared: [...((c.parts.declared as string[] | undefined) ?? []), kind] } });
/** A standalone version of a valid HA spec (the props only HA clusters may have removed). */
const standalone = (c: ClusterSpec): ClusterSpec => {
  const { synchronousStandbys: _s, dataDurability: _d, disruptionBudget: _b, maxSlotWalKeepSize: _m, ...props } = c.props;
  const pools = ((c.parts.pools as PoolSpec[] | undefined) ?? []).filter((p) => p.props.type !== PoolType.READ_ONLY);
  return withPools({ ...c, props: { ...props, mode: ClusterMode.standalone(), placement: undefined } }, pools);
};

export const DEFECTS: Defect[] = [
  // identity
  { name: 'upper-case name', property: 'name', group: 'identity', apply: (c) => withProps(c, { name: 'Orders' }) },
  { name: 'name of 51 characters', property: 'name', group: 'identity', apply: (c) => withProps(c, { name: 'a'.repeat(51) }) },
  { name: 'unsupported major', property: 'version', group: 'identity', apply: (c) => withProps(c, { version: PostgresVersion.of(13, 4), imageName: undefined }) },
  { name: 'PostgreSQL 16 on Patroni 3.0', property: 'version', group: 'identity', engines: ['Patroni'],
    applies: (c) => c.patroni!.version === PatroniVersion.V3_0, apply: (c) => withProps(c, { version: PostgresVersion.V16 }) },
  { name: 'image of another major', property: 'imageName', group: 'identity', engines: ['CloudNativePG'],
    apply: (c) => withProps(c, { version: PostgresVersion.V17, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.8-system-trixie' }) },
  { name: 'database named pg_x', property: 'credentials.database', group: 'identity',
    apply: (c) => withProps(c, { credentials: AppCredentials.fromSecret('orders-app', { database: 'pg_x' }) }) },
  { name: 'generated credentials on Patroni', property: 'credentials', group: 'identity', engines: ['Patroni'],
    apply: (c) => withProps(c, { credentials: AppCredentials.generated() }) },

  // identity: issue 20 (what CloudNativePG's webhook or the API server refuse)
  { name: 'name starting with a digit', property: 'name', group: 'identity', apply: (c) => withProps(c, { name: '2024-orders' }) },
  { name: 'image tagged latest', property: 'imageName', group: 'identity', engines: ['CloudNativePG'],
    apply: (c) => withProps(c, { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' }) },

  // topology (may change the mode: applied first)
  { name: 'two instances', property: 'mode', group: 'topology', applies: isHa,
    apply: (c) => withProps(c, { mode: ClusterMode.highAvailability(2), synchronousStandbys: 1, disruptionBudget: undefined }) },
  { name: 'as many synchronous standbys as instances', property: 'synchronousStandbys', group: 'topology', applies: isHa,
    apply: (c) => withProps(c, { synchronousStandbys: instancesOf(c) }) },
  { name: 'no synchronous standby in HA', property: 'synchronousStandbys', group: 'topology', applies: isHa, apply: (c) => withProps(c, { synchronousStandbys: 0 }) },
  { name: 'budget keeping every instance', property: 'disruptionBudget', group: 'topology', applies: isHa,
    apply: (c) => withProps(c, { disruptionBudget: DisruptionBudget.minAvailable(instancesOf(c)) }) },
  { name: 'operator budgets on Patroni', property: 'disruptionBudget', group: 'topology', engines: ['Patroni'], applies: isHa,
    apply: (c) => withProps(c, { disruptionBudget: DisruptionBudget.operatorManaged() }) },
  { name: 'one zone for HA', property: 'placement.zones', group: 'topology', applies: isHa, apply: (c) => withProps(c, { placement: { zones: ['eu-west-1a'] } }) },
  { name: 'a zone twice', property: 'placement.zones', group: 'topology', apply: (c) => withProps(c, { placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] } }) },
  { name: 'zone key equal to node key', property: 'placement.zoneTopologyKey', group: 'topology',
    apply: (c) => withProps(c, { placement: { ...c.props.placement, zoneTopologyKey: 'kubernetes.io/hostname', nodeTopologyKey: undefined } }) },
  { name: 'standalone with synchronous standbys', alone: true, property: 'synchronousStandbys', group: 'topology', apply: (c) => withProps(standalone(c), { synchronousStandbys: 1 }) },
  { name: 'standalone with a durability', alone: true, property: 'dataDurability', group: 'topology', apply: (c) => withProps(standalone(c), { dataDurability: DataDurability.REQUIRED }) },
  { name: 'standalone with a budget', alone: true, property: 'disruptionBudget', group: 'topology', apply: (c) => withProps(standalone(c), { disruptionBudget: DisruptionBudget.minAvailable(1) }) },
  { name: 'read-only pool of a standalone cluster', alone: true, property: 'type', group: 'topology',
    apply: (c) => { const s = standalone(c); return withPools(s, [...((s.parts.pools as PoolSpec[]) ?? []).slice(0, 1), aPool({ name: 'ro-pool', type: PoolType.READ_ONLY })]); } },
  { name: 'restart of the primary on Patroni', property: 'primaryUpdateMethod', group: 'topology', engines: ['Patroni'],
    apply: (c) => withProps(c, { primaryUpdateMethod: PrimaryUpdateMethod.RESTART }) },

  // storage
  { name: 'data volume below 1Gi', property: 'storage.size', group: 'storage', apply: (c) => withProps(c, { storage: { ...c.props.storage, size: Size.mebibytes(512) } }) },
  { name: 'shared volume', property: 'storage.accessMode', group: 'storage',
    apply: (c) => withProps(c, { storage: { size: c.props.storage?.size ?? gi(50), accessMode: VolumeAccessMode.READ_WRITE_MANY } }) },
  { name: 'WAL volume size without a WAL volume', property: 'walStorage', group: 'storage',
    apply: (c) => withProps(c, { separateWalVolume: false, walStorage: { size: gi(5) } }) },
  { name: 'slot bound as large as the WAL volume', property: 'maxSlotWalKeepSize', group: 'storage', applies: isHa,
    apply: (c) => withProps(c, { maxSlotWalKeepSize: Size.mebibytes(walVolumeMi(c)) }) },
  { name: 'slot bound below 1Gi', property: 'maxSlotWalKeepSize', group: 'storage', applies: isHa, apply: (c) => withProps(c, { maxSlotWalKeepSize: Size.mebibytes(512) }) },
  { name: 'standby delay of 90 minutes', property: 'maxStandbyStreamingDelay', group: 'storage', apply: (c) => withProps(c, { maxStandbyStreamingDelay: Duration.minutes(90) }) },

  // (With maxSlotWalKeepSize set, the volume need only be above it, and that error names maxSlotWalKeepSize.)
  { name: 'WAL volume below 2Gi in HA mode', property: 'walStorage.size', group: 'storage',
    applies: (c) => isHa(c) && c.props.separateWalVolume !== false && c.props.maxSlotWalKeepSize === undefined,
    apply: (c) => withProps(c, { walStorage: { size: gi(1) } }) },

  // resources
  { name: 'no CPU', property: 'resources.cpuRequest', group: 'resources', apply: (c) => withProps(c, { resources: { cpuRequest: Cpu.millis(0) } }) },
  { name: 'CPU limit below the request', property: 'resources.cpuLimit', group: 'resources',
    apply: (c) => withProps(c, { resources: { cpuRequest: Cpu.units(2), cpuLimit: Cpu.millis(500) } }) },
  // Half the stack's own request: a defect drawn with it (e.g. shared_buffers above the request) keeps its meaning.
  { name: 'memory limit below the request', property: 'resources.memoryLimit', group: 'resources',
    apply: (c) => withProps(c, { resources: { ...c.props.resources, memoryLimit: Size.mebibytes(Math.floor(memoryRequestMi(c.props) / 2)) } }) },
  { name: 'memory below 512Mi', property: 'resources.memoryRequest', group: 'resources', apply: (c) => withProps(c, { resources: { memoryRequest: Size.mebibytes(256) } }) },

  // parameters
  { name: 'misspelt parameter', property: 'parameters.work_memory', group: 'parameters', apply: (c) => withProps(c, { parameters: { ...c.props.parameters, work_memory: '4MB' } }) },
  { name: 'parameter the engine manages', property: 'parameters.listen_addresses', group: 'parameters', apply: (c) => withProps(c, { parameters: { ...c.props.parameters, listen_addresses: '*' } }) },
  { name: 'parameter a property sets', property: 'parameters.ssl_min_protocol_version', group: 'parameters',
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, ssl_min_protocol_version: 'TLSv1.2' } }) },

  // parameters: issue 20 (values CloudNativePG's webhook refuses, or accepts only with the right sizes)
  { name: 'shared_buffers above the memory request', property: 'parameters.shared_buffers', group: 'parameters',
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, shared_buffers: `${2 * memoryRequestMi(c.props)}MB` } }) },
  { name: 'max_wal_size as large as the volume that holds WAL', property: 'parameters.max_wal_size', group: 'parameters',
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, max_wal_size: `${walVolumeMi(c)}MB` } }) },
  { name: 'min_wal_size not below max_wal_size', property: 'parameters.min_wal_size', group: 'parameters',
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, min_wal_size: String(c.props.parameters?.max_wal_size ?? '1GB') } }) },
  { name: 'wal_level minimal with standbys', property: 'parameters.wal_level', group: 'parameters', applies: isHa,
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, wal_level: 'minimal' } }) },
  { name: 'wal_level minimal on CloudNativePG (archive_mode is always on)', property: 'parameters.wal_level', group: 'parameters', engines: ['CloudNativePG'],
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, wal_level: 'minimal' } }) },
  { name: 'wal_log_hints off with standbys', property: 'parameters.wal_log_hints', group: 'parameters', applies: (c) => instancesOf(c) > 1,
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, wal_log_hints: 'off' } }) },
  { name: 'hot_standby_feedback not a boolean', property: 'parameters.hot_standby_feedback', group: 'parameters',
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, hot_standby_feedback: 'maybe' } }) },
  { name: 'parameter name with two dots', property: 'parameters.pg_stat_statements.track.utility', group: 'parameters', engines: ['CloudNativePG'],
    apply: (c) => withProps(c, { parameters: { ...c.props.parameters, 'pg_stat_statements.track.utility': 'on' } }) },

  // security
  { name: 'empty plain-text reason', property: 'tls.allowPlainTextReason', group: 'security', apply: (c) => withProps(c, { tls: { ...c.props.tls, allowPlainTextReason: '' } }) },
  { name: 'operator namespace not a DNS label', property: 'network.operatorNamespace', group: 'security',
    apply: (c) => withProps(c, { network: { ...c.props.network, operatorNamespace: 'Bad_NS' } }) },
  { name: 'API CIDR with prefix 33', property: 'network.kubernetesApiCidr', group: 'security',
    apply: (c) => withProps(c, { network: { ...c.props.network, kubernetesApiCidr: '10.0.0.0/33' } }) },
  { name: 'peer without labels', property: 'connections.allowFrom()[0]', group: 'security',
    applies: (c) => c.props.network?.enabled !== false, apply: (c) => ({ ...c, parts: { ...c.parts, peers: [{}, ...((c.parts.peers as any[]) ?? [])] } }) },
  { name: 'ttl below loopWait + 2 × retryTimeout', property: 'engine.timing', group: 'security', engines: ['Patroni'],
    apply: (c) => ({ ...c, patroni: { ...c.patroni!, timing: { ttl: Duration.seconds(24), loopWait: Duration.seconds(10), retryTimeout: Duration.seconds(10) } } }) },
  { name: 'quorum mode on Patroni 3.0', property: 'engine.synchronousMode', group: 'security', engines: ['Patroni'],
    applies: (c) => c.patroni!.version === PatroniVersion.V3_0, apply: (c) => ({ ...c, patroni: { ...c.patroni!, synchronousMode: PatroniSynchronousMode.QUORUM } }) },
  { name: 'etcd range with prefix 33', property: 'engine.dcs.cidrs[0]', group: 'security', engines: ['Patroni'],
    apply: (c) => ({ ...c, patroni: { ...c.patroni!, dcs: PatroniDcs.etcd(['https://etcd.infra:2379'], { cidrs: ['10.20.0.0/33'] }) } }) },

  { name: 'member slots TTL not in whole seconds', property: 'engine.memberSlotsTtl', group: 'security', engines: ['Patroni'],
    applies: (c) => c.patroni!.version === PatroniVersion.V4_1, apply: (c) => ({ ...c, patroni: { ...c.patroni!, memberSlotsTtl: Duration.seconds(90.5) } }) },

  // backups: issue 20 (robfig/cron reads day-of-week 0-6; CloudNativePG refuses 7, and the library refuses it on every engine)
  { name: 'backup on day-of-week 7', property: 'schedule', group: 'backups',
    apply: (c) => withArchive(c, (a) => ({ ...a, schedules: [...a.schedules.slice(0, 1), BackupSchedule.cron('0 3 * * 7')] })) },
  { name: 'backups on days 1-7', property: 'schedule', group: 'backups',
    apply: (c) => withArchive(c, (a) => ({ ...a, schedules: [BackupSchedule.cron('0 3 * * 1-7'), ...a.schedules.slice(0, 1)] })) },

  // pools
  { name: 'statement pooling', property: 'poolMode', group: 'pools', apply: (c) => withPools(c, [aPool({ name: 'pool-x', poolMode: PoolMode.STATEMENT })]) },
  { name: 'one pooler pod without allowSingleInstance', property: 'instances', group: 'pools', apply: (c) => withPools(c, [aPool({ name: 'pool-x', instances: 1 })]) },
  { name: 'pool name starting with a digit', property: 'name', group: 'pools', apply: (c) => withPools(c, [aPool({ name: '9pool' })]) },
  { name: 'pool named like its cluster', property: 'name', group: 'pools', apply: (c) => withPools(c, [aPool({ name: factsOf(c).name })]) },
  { name: 'pool named like a Service CloudNativePG creates', property: 'name', group: 'pools', engines: ['CloudNativePG'],
    apply: (c) => withPools(c, [aPool({ name: `${factsOf(c).name}-rw` })]) },
  { name: 'pool named like the cluster\'s disruption budget', property: 'name', group: 'pools', engines: ['CloudNativePG'],
    applies: (c) => isHa(c) && c.props.disruptionBudget?.owner !== 'operator',
    apply: (c) => withPools(c, [aPool({ name: `${factsOf(c).name}-pdb` })]) },
  { name: 'two clusters of one name in a namespace', property: 'name', group: 'pools', apply: (c) => ({ ...c, parts: { ...c.parts, sameNamedSibling: true } }) },
  { name: 'two pools of one name', property: 'name', group: 'pools', engines: ['CloudNativePG', 'Patroni'], apply: (c) => withPools(c, [aPool({ name: 'pool-x' }), aPool({ name: 'pool-x' })]) },
  { name: 'minPoolSize above defaultPoolSize', property: 'minPoolSize', group: 'pools', apply: (c) => withPools(c, [aPool({ name: 'pool-x', defaultPoolSize: 5, minPoolSize: 6 })]) },
  { name: 'plain-text clients', property: 'parameters.client_tls_sslmode', group: 'pools',
    applies: (c) => !c.props.tls?.allowPlainTextReason, apply: (c) => withPools(c, [aPool({ name: 'pool-x', parameters: { client_tls_sslmode: 'disable' } })]) },
  // Crunchy PGO: what the engine cannot render, and its own props
  { name: 'read-only pool on PGO', property: 'type', group: 'pools', engines: ['Crunchy PGO'], applies: isHa,
    apply: (c) => withPools(c, [aPool({ name: 'pool-ro', type: PoolType.READ_ONLY })]) },
  { name: 'two pools on PGO', property: 'PgBouncerPool', group: 'pools', engines: ['Crunchy PGO'],
    apply: (c) => withPools(c, [aPool({ name: 'pool-x', defaultPoolSize: 5 }), aPool({ name: 'pool-y', defaultPoolSize: 5 })]) },
  { name: 'two full backup schedules on PGO', property: 'ScheduledBackup', group: 'backups', engines: ['Crunchy PGO'],
    apply: (c) => withArchive(c, (a) => ({ ...a, schedules: [SCHEDULES[0], SCHEDULES[1]] })) },
  { name: 'incremental backups without a full schedule', property: 'schedule (incremental)', group: 'backups', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(withArchive(c, (a) => ({ ...a, schedules: [] })), { incrementalBackupSchedule: BackupSchedule.daily({ hour: 5 }) }) },
  { name: 'HA on PGO without a WalArchive', property: 'WalArchive', group: 'backups', engines: ['Crunchy PGO'], applies: isHa,
    apply: (c) => ({ ...c, parts: { ...c.parts, archive: undefined }, crunchy: { ...c.crunchy, incrementalBackupSchedule: undefined, differentialBackupSchedule: undefined } }) },
  { name: 'a differential schedule on PGO without a WalArchive', property: 'engine.differentialBackupSchedule', group: 'backups', engines: ['Crunchy PGO'], applies: (c) => !isHa(c),
    apply: (c) => ({ ...c, parts: { ...c.parts, archive: undefined }, crunchy: { ...c.crunchy, incrementalBackupSchedule: undefined, differentialBackupSchedule: BackupSchedule.daily({ hour: 2 }) } }) },
  { name: 'a DatabaseRole on PGO', property: 'cluster', group: 'declared', engines: ['Crunchy PGO'], apply: (c) => withDeclared(c, 'role') },
  { name: 'a Database on PGO', property: 'cluster', group: 'declared', engines: ['Crunchy PGO'], apply: (c) => withDeclared(c, 'database') },
  { name: 'a Publication on PGO', property: 'cluster', group: 'declared', engines: ['Crunchy PGO'], apply: (c) => withDeclared(c, 'publication') },
  { name: 'owner with an underscore on PGO', property: 'credentials.owner', group: 'identity', engines: ['Crunchy PGO'],
    apply: (c) => withProps(c, { credentials: AppCredentials.generated({ owner: 'orders_owner' }) }) },
  { name: 'application password from a Secret on PGO', property: 'credentials', group: 'identity', engines: ['Crunchy PGO'],
    apply: (c) => withProps(c, { credentials: AppCredentials.fromSecret('orders-app') }) },
  { name: 'recovery source with another IAM role than the archive', property: 'bootstrap.source.credentials', group: 'recovery', engines: ['Crunchy PGO'],
    applies: (c) => (c.parts.archive as ArchiveSpec | undefined)?.credentials === 'iam',
    apply: (c) => withProps(c, { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ serverName: 'orders-old',
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'legacy', region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/other-team') })) }) },
  { name: 'instance set name not a DNS label', property: 'engine.instanceSetName', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { instanceSetName: 'Set_A' }) },
  { name: 'cluster and instance set names over 46 characters', property: 'engine.instanceSetName', group: 'engine', engines: ['Crunchy PGO'],
    applies: (c) => factsOf(c).name.length < 40, apply: (c) => withEngine(c, { instanceSetName: `s${'x'.repeat(46 - factsOf(c).name.length)}` }) },
  { name: 'helper containers below 16Mi', property: 'engine.helperContainerResources.memoryRequest', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { helperContainerResources: { memoryRequest: Size.mebibytes(8) } }) },
  { name: 'exporter CPU limit below its request', property: 'engine.exporterResources.cpuLimit', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { exporterResources: { cpuRequest: Cpu.millis(200), cpuLimit: Cpu.millis(100) } }) },
  { name: 'backup Jobs without CPU', property: 'engine.backupJobResources.cpuRequest', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { backupJobResources: { cpuRequest: Cpu.millis(0) } }) },
  { name: 'backup Jobs\' memory limit below the request', property: 'engine.backupJobResources.memoryLimit', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { backupJobResources: { memoryRequest: gi(1), memoryLimit: Size.mebibytes(512) } }) },
  { name: 'sync period leaving no retry timeout', property: 'engine.syncPeriod', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { leaderLeaseDuration: Duration.seconds(12), syncPeriod: Duration.seconds(10) }) },
  { name: 'leader lease below 3 s', property: 'engine.leaderLeaseDuration', group: 'engine', engines: ['Crunchy PGO'],
    apply: (c) => withEngine(c, { leaderLeaseDuration: Duration.seconds(2), syncPeriod: Duration.seconds(1) }) },

  { name: 'pools larger than max_connections', property: 'pool sizing (1 read-write pool of cluster', group: 'pools',
    apply: (c) => withPools(c, [aPool({ name: 'pool-x', instances: 3, defaultPoolSize: Math.ceil(factsOf(c).poolBudget / 3) + 1 })]) },
];
