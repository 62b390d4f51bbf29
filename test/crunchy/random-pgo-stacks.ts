/**
 * Random valid Crunchy PGO stacks for the readiness property test (crunchy-readiness.property.test.ts):
 * a highly available HaPostgres on `ClusterEngine.crunchy(...)` with its WalArchive (an HA
 * PostgresCluster without a pgBackRest repository is a synth error), at most one ScheduledBackup
 * (PGO has one full schedule per repository), at most one PgBouncerPool (one proxy per cluster),
 * and the engine props the checklist reads (differential/incremental schedules, monitoring,
 * helper and exporter resources). Values are drawn from what the library documents as valid on
 * this engine, in dependency order (instances, then synchronous standbys and the budget below
 * them), and include values that fail checklist items on purpose (dataDurability PREFERRED,
 * synchronous_commit local, a budget of 1 or the operator's, WAL on the data volume, limits
 * above requests, weekly or suspended backups, session pools, two zones).
 *
 * test/security/random-stacks.ts also draws PGO stacks (for the security property suite,
 * property.crunchy.test.ts); this one stays for the readiness test because it draws, on purpose,
 * values that fail checklist items (synchronous_commit local, Burstable sidecars, suspended
 * backups) with a weight the security generator does not give them.
 */
import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  ArchiveCredentials, ArchiveDestination, BackupSchedule, ClusterEngine, ClusterMode, CrunchyPgoEngineProps, DataDurability, DisruptionBudget,
  HaPostgres, HaPostgresProps, PgBouncerPool, PgBouncerPoolProps, PoolMode, ScheduledBackup, SidecarResources, WalArchive,
} from '../../lib';

export interface PgoStack {
  readonly engine: CrunchyPgoEngineProps;
  readonly props: HaPostgresProps;
  readonly archiveSidecar?: SidecarResources;
  readonly backup?: { readonly schedule: BackupSchedule; readonly suspend: boolean };
  readonly pool?: Omit<PgBouncerPoolProps, 'cluster'>;
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d'];
/** Kubernetes and robfig both read them (Sunday is 0). */
const SCHEDULES = [BackupSchedule.daily({ hour: 2 }), BackupSchedule.weekly({ hour: 3 }), BackupSchedule.monthly(), BackupSchedule.cron('30 1 * * 1-5'), BackupSchedule.cron('0 */6 * * *')];

/** Requests, and limits equal to them or above them (above: Burstable, a failing QoS item). */
const sidecarOf = (memories: number[]): fc.Arbitrary<SidecarResources> => fc.record({
  cpu: fc.constantFrom(50, 100, 250), memory: fc.constantFrom(...memories), cpuFactor: fc.constantFrom(1, 1, 2), memoryFactor: fc.constantFrom(1, 1, 2),
}).map(({ cpu, memory, cpuFactor, memoryFactor }) => ({
  cpuRequest: Cpu.millis(cpu), cpuLimit: Cpu.millis(cpu * cpuFactor), memoryRequest: Size.mebibytes(memory), memoryLimit: Size.mebibytes(memory * memoryFactor),
}));
const sidecar = sidecarOf([64, 128, 512]);
/** The WalArchive's sidecar needs 256Mi at least (a synth error below). */
const archiveSidecar = sidecarOf([256, 512]);

const clusterResources = opt(fc.record({ cpu: fc.constantFrom(500, 2000), memory: fc.constantFrom(1, 4), cpuFactor: fc.constantFrom(1, 1, 2), memoryFactor: fc.constantFrom(1, 1, 2) })
  .map(({ cpu, memory, cpuFactor, memoryFactor }) => ({
    cpuRequest: Cpu.millis(cpu), cpuLimit: Cpu.millis(cpu * cpuFactor), memoryRequest: Size.gibibytes(memory), memoryLimit: Size.gibibytes(memory * memoryFactor),
  })));

const clusterProps: fc.Arbitrary<HaPostgresProps> = fc.integer({ min: 3, max: 5 }).chain((n) => fc.record({
  mode: fc.constant(n === 3 ? undefined : ClusterMode.highAvailability(n)),
  synchronousStandbys: opt(fc.integer({ min: 1, max: n - 1 })),
  dataDurability: opt(fc.constantFrom(DataDurability.REQUIRED, DataDurability.PREFERRED)),
  commit: fc.constantFrom(undefined, 'on', 'remote_apply', 'local', 'off'),
  disruptionBudget: opt(fc.oneof(fc.integer({ min: 1, max: n - 1 }).map((k) => DisruptionBudget.minAvailable(k)), fc.constant(DisruptionBudget.operatorManaged()))),
  placement: opt(fc.record({
    zones: opt(fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 2, maxLength: 4 })),
    zoneTopologyKey: opt(fc.constantFrom('topology.kubernetes.io/zone', 'example.com/rack-zone')),
  }).map(compact)),
  wal: fc.constantFrom('volume', 'default', 'shared'),
  resources: clusterResources,
  workMem: fc.constantFrom(undefined, '16MB'),
}).map(({ wal, commit, workMem, ...p }) => compact({
  ...p,
  // synchronous_commit local or off is refused with dataDurability REQUIRED (the default).
  parameters: compact({ work_mem: workMem, synchronous_commit: p.dataDurability === DataDurability.PREFERRED || ['on', 'remote_apply'].includes(commit ?? '') ? commit : undefined }),
  storage: { size: Size.gibibytes(50) },
  ...(wal === 'volume' ? { walStorage: { size: Size.gibibytes(10) } } : wal === 'shared' ? { separateWalVolume: false } : {}),
}) as HaPostgresProps));

const engineProps = (full: boolean): fc.Arbitrary<CrunchyPgoEngineProps> => fc.record({
  differentialBackupSchedule: opt(fc.constantFrom(...SCHEDULES)),
  // An incremental backup needs a full one to build on (a synth error otherwise).
  incrementalBackupSchedule: full ? opt(fc.constantFrom(...SCHEDULES)) : fc.constant(undefined),
  monitoring: opt(fc.boolean()),
  helperContainerResources: opt(sidecar),
  exporterResources: opt(sidecar),
}).map(compact);

export const pgoStacks: fc.Arbitrary<PgoStack> = fc.record({
  props: clusterProps,
  archiveSidecar: opt(archiveSidecar),
  backup: opt(fc.record({ schedule: fc.constantFrom(...SCHEDULES), suspend: fc.constantFrom(false, false, true) })),
  pool: opt(fc.record({
    poolMode: opt(fc.constantFrom(PoolMode.TRANSACTION, PoolMode.SESSION)),
    instances: opt(fc.constantFrom(2, 3)),
    resources: opt(fc.record({ cpu: fc.constantFrom(250, 1000), cpuFactor: fc.constantFrom(1, 2) })),
  }).map(({ resources, ...p }) => compact({
    ...p,
    ...(resources ? { cpuRequest: Cpu.millis(resources.cpu), cpuLimit: Cpu.millis(resources.cpu * resources.cpuFactor) } : {}),
  }) as Omit<PgBouncerPoolProps, 'cluster'>)),
}).chain((s) => engineProps(s.backup !== undefined && !s.backup.suspend).map((engine) => compact({ ...s, engine }) as PgoStack));

/** Builds and synthesizes a stack (namespace `shop`); throws what synthesis throws. */
export function buildPgoStack(stack: PgoStack): { db: HaPostgres; manifests: any[] } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
  const db = new HaPostgres(chart, 'orders-db', { ...stack.props, engine: ClusterEngine.crunchy(stack.engine) });
  const archive = new WalArchive(chart, 'archive', {
    cluster: db,
    destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'shop', region: 'eu-west-1' }),
    credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/shop-archive'),
    ...(stack.archiveSidecar ? { sidecarResources: stack.archiveSidecar } : {}),
  });
  if (stack.backup) new ScheduledBackup(chart, 'full', { archive, schedule: stack.backup.schedule, suspend: stack.backup.suspend });
  if (stack.pool) new PgBouncerPool(chart, 'pool', { cluster: db, ...stack.pool });
  return { db, manifests: Testing.synth(chart) };
}
