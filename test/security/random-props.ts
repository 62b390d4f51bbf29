/**
 * fast-check arbitraries for HaPostgres and PgBouncerPool props: valid values mixed
 * with invalid, forbidden and boundary ones, so that both outcomes (a documented error,
 * or manifests that pass every check) are exercised.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  BackupSchedule, ClusterMode, DataDurability, DisruptionBudget, HaPostgresProps, NetworkPeer, PoolMode, PoolType, TlsVersion, VolumeAccessMode,
} from '../../lib';

/** Absent 3 times out of 4, so that most stacks stay close to the defaults and many are valid. */
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

const PARAMETER_POOL: Array<[string, string | number | boolean]> = [
  ['work_mem', '16MB'], ['log_min_duration_statement', '500ms'], ['max_connections', 300], ['max_connections', 20],
  ['jit', false], ['random_page_cost', 1.1], ['shared_buffers', '1GB'],
  ['work_memory', '4MB'], ['listen_addresses', '*'], ['synchronous_commit', 'off'], ['synchronous_commit', 'remote_apply'],
  ['ssl_min_protocol_version', 'TLSv1.2'], ['max_slot_wal_keep_size', '1GB'], ['wal_level', 'logical'], ['archive_command', '/bin/true'],
  // values the CloudNativePG webhook refuses, or accepts only with the right sizes (issue 20)
  ['shared_buffers', '16GB'], ['shared_buffers', '512MB'], ['max_wal_size', '30GB'], ['max_wal_size', '4GB'], ['min_wal_size', '2GB'],
  ['wal_level', 'minimal'], ['wal_log_hints', 'off'], ['hot_standby_feedback', 'maybe'], ['pg_stat_statements.track.utility', 'on'],
];

/** Schedules of the ScheduledBackups of one archive: valid ones, and day-of-week 7 that robfig/cron refuses. */
const SCHEDULES = [
  BackupSchedule.daily({ hour: 2 }), BackupSchedule.weekly({ hour: 3 }), BackupSchedule.monthly(), BackupSchedule.cron('30 1 * * 1-5'),
  BackupSchedule.cron('0 3 * * 7'),
];

const sizeMi = fc.constantFrom(100, 1024, 5 * 1024, 20 * 1024, 50 * 1024, 200 * 1024).map((mi) => Size.mebibytes(mi));

export interface RandomPool {
  readonly name?: string;
  readonly instances?: number;
  readonly allowSingleInstance?: boolean;
  readonly type?: PoolType;
  readonly poolMode?: PoolMode;
  readonly defaultPoolSize?: number;
  readonly minPoolSize?: number;
  readonly parameters?: { [name: string]: string };
  readonly allowApp: boolean;
}

export interface RandomStack {
  readonly props: HaPostgresProps;
  readonly pools: RandomPool[];
  readonly peerLabels?: { [key: string]: string };
  /** ScheduledBackups of one WalArchive of the cluster (several per archive). */
  readonly backups?: BackupSchedule[];
  /** A cluster of the same name and props in a second namespace, with restore drills in one shared scratch namespace. */
  readonly twin?: boolean;
}

export const clusterProps: fc.Arbitrary<HaPostgresProps> = fc.record({
  name: opt(fc.constantFrom('orders-db', 'db', 'Orders', 'a'.repeat(51), 'x-', '2024-orders')),
  mode: opt(fc.oneof(fc.integer({ min: 1, max: 6 }).map((n) => ClusterMode.highAvailability(n)), fc.constant(ClusterMode.standalone()))),
  synchronousStandbys: opt(fc.integer({ min: 0, max: 5 })),
  dataDurability: opt(fc.constantFrom(DataDurability.REQUIRED, DataDurability.PREFERRED)),
  placement: opt(fc.record({
    zones: opt(fc.array(fc.constantFrom('eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'Bad Zone!'), { maxLength: 4 })),
    zoneTopologyKey: opt(fc.constantFrom('topology.kubernetes.io/zone', 'kubernetes.io/hostname', 'bad key!')),
  }, { requiredKeys: [] })),
  storage: opt(fc.record({ size: sizeMi, accessMode: opt(fc.constantFrom(...Object.values(VolumeAccessMode))) }, { requiredKeys: ['size'] })),
  walStorage: opt(fc.record({ size: fc.oneof(sizeMi, fc.constant(Size.mebibytes(1536))) }, { requiredKeys: ['size'] })),
  separateWalVolume: opt(fc.boolean()),
  maxSlotWalKeepSize: opt(sizeMi),
  maxStandbyStreamingDelay: opt(fc.constantFrom(Duration.seconds(0), Duration.seconds(30), Duration.minutes(90))),
  disruptionBudget: opt(fc.oneof(fc.integer({ min: 0, max: 4 }).map((n) => DisruptionBudget.minAvailable(n)), fc.constant(DisruptionBudget.operatorManaged()))),
  resources: opt(fc.record({
    cpuRequest: opt(fc.constantFrom(Cpu.millis(0), Cpu.millis(500), Cpu.units(2))),
    // limits above (and below) the request: request ≠ limit
    cpuLimit: opt(fc.constantFrom(Cpu.millis(250), Cpu.units(2), Cpu.units(4))),
    memoryRequest: opt(fc.constantFrom(Size.mebibytes(256), Size.gibibytes(1), Size.gibibytes(4))),
    memoryLimit: opt(fc.constantFrom(Size.mebibytes(512), Size.gibibytes(4), Size.gibibytes(8))),
  }, { requiredKeys: [] })),
  parameters: opt(fc.subarray(PARAMETER_POOL, { maxLength: 4 }).map((entries) => Object.fromEntries(entries))),
  tls: opt(fc.record({
    minimumVersion: opt(fc.constantFrom(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3)),
    allowPlainTextReason: opt(fc.constantFrom('', 'legacy client')),
  }, { requiredKeys: [] })),
  network: opt(fc.record({
    enabled: opt(fc.boolean()),
    operatorNamespace: opt(fc.constantFrom('cnpg-system', 'postgres-operator', 'Bad_NS')),
    kubernetesApiCidr: opt(fc.constantFrom('0.0.0.0/0', '172.20.0.0/16', '10.0.0.0/33')),
  }, { requiredKeys: [] })),
}, { requiredKeys: [] });

export const poolProps: fc.Arbitrary<RandomPool> = fc.record({
  name: opt(fc.constantFrom('orders-pool', 'db', '9pool')),
  instances: opt(fc.integer({ min: 0, max: 4 })),
  allowSingleInstance: opt(fc.boolean()),
  type: opt(fc.constantFrom(PoolType.READ_WRITE, PoolType.READ_ONLY)),
  poolMode: opt(fc.constantFrom(PoolMode.TRANSACTION, PoolMode.SESSION, PoolMode.STATEMENT)),
  defaultPoolSize: opt(fc.integer({ min: 0, max: 300 })),
  minPoolSize: opt(fc.integer({ min: 0, max: 30 })),
  parameters: opt(fc.constantFrom<Array<{ [name: string]: string }>>({ log_connections: '1' }, { client_tls_sslmode: 'disable' }, { client_tls_sslmode: 'verify-full' }, { max_client_connections: '10' })),
  allowApp: fc.boolean(),
}, { requiredKeys: ['allowApp'] });

export const stacks: fc.Arbitrary<RandomStack> = fc.record({
  props: clusterProps,
  pools: fc.array(poolProps, { maxLength: 2 }),
  peerLabels: opt(fc.constantFrom<Array<{ [key: string]: string }>>({ app: 'migrate' }, {})),
  backups: opt(fc.array(fc.constantFrom(...SCHEDULES), { minLength: 1, maxLength: 3 })),
  twin: opt(fc.constant(true)),
});

/** A peer for the app pods of a random stack. */
export function appPeer(labels: { [key: string]: string }): NetworkPeer {
  return NetworkPeer.podsWithLabels(labels);
}
