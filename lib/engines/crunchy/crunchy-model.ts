/**
 * The one place where the Crunchy PGO engine imports the library's model: the resolved
 * intent and the value types it renders. When they move to lib/model/, only these
 * imports change. Everything else in lib/engines/crunchy/ imports from this file.
 */
export type { ClusterIntent } from '../../model/cluster-intent';
export { DataDurability, PrimaryUpdateMethod } from '../../model/replication';
export { BackupSchedule } from '../../model/backup-schedule';
export { RetentionWindow } from '../../model/retention-window';
export { RecoveryTargetKind } from '../../model/recovery';
export { parseCnpgTargetTime } from '../../model/target-time';
export { WalCompression, BackupCompression } from '../../model/archive-options';
export { PoolType, PoolMode } from '../../model/pool-mode';
export { ConfigErrors } from '../../core/config-error';
export { resourceRequirements } from '../../model/resources';
export { namedZonesAffinity } from '../../model/placement-rules';
export { exactMebibytes } from '../../core/duration-size-checks';
