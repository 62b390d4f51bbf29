/**
 * The one place where the Crunchy PGO engine imports the library's model: the resolved
 * intent and the value types it renders. When they move to lib/model/, only these
 * imports change. Everything else in lib/engines/crunchy/ imports from this file.
 */
export type { ClusterIntent } from '../../cluster/cluster-intent';
export { DataDurability, PrimaryUpdateMethod } from '../../cluster/replication';
export { BackupSchedule } from '../../backup/backup-schedule';
export { RetentionWindow } from '../../backup/retention-window';
export { RecoveryTargetKind } from '../../backup/recovery';
export { parseCnpgTargetTime } from '../../backup/target-time';
export { WalCompression, BackupCompression } from '../../backup/archive-options';
export { PoolType, PoolMode } from '../../pooler/pool-mode';
export { ConfigErrors } from '../../core/config-error';
export { resourceRequirements } from '../../cluster/resources';
export { namedZonesAffinity } from '../../cluster/placement-rules';
export { exactMebibytes } from '../../core/duration-size-checks';
