// The public API of cdk8s-ha-postgres: every name below, and nothing else. Explicit on
// purpose (no `export *`): a new module stays internal until it is listed here, and the
// list is what the jsii compile (`npm run jsii`, test/jsii.real.test.ts) turns into the
// API of the other languages. Free functions and constants are not listed: jsii cannot
// carry them; static members of classes are used instead.

// The cluster
export { HaPostgres } from './cluster/ha-postgres';
export type { IHaPostgres, HaPostgresAttributes } from './cluster/ha-postgres';
export type { HaPostgresProps } from './cluster/ha-postgres-props';
export type { ClusterIntent, ResolvedToleration, ResolvedVolume } from './cluster/cluster-intent';
export { ClusterMode } from './cluster/cluster-mode';
export { AppCredentials } from './cluster/credentials';
export type { AppDatabaseOptions } from './cluster/credentials';
export { DisruptionBudget } from './cluster/disruption';
export { TaintEffect, TolerationOperator } from './cluster/placement';
export type { NodeToleration, PlacementProps } from './cluster/placement';
export { PostgresVersion } from './cluster/postgres-version';
export { DataDurability, PrimaryUpdateMethod } from './cluster/replication';
export type { CpuAmount, InstanceResources } from './cluster/resources';
export { VolumeAccessMode } from './cluster/storage';
export type { VolumeProps } from './cluster/storage';
export { SynthWarnings } from './core/synth-warnings';

// The user's cdk8s-plus objects (any cdk8s-plus-2x/3x), by the shape the library needs
export type {
  EnvValueLike, IContainerEnvLike, IContainerLike, ILabelSelectorLike, IPodSelectorLike, IServiceAccountLike,
  LabelSelectorExpression, LabelSelectorTerms, PodSelectorConfigLike,
} from './core/workload-shapes';

// Engines
export { ClusterEngine } from './engines/cluster-engine-factory';
export type { ClusterEndpoints, IClusterEngine, PoolerEndpoint } from './engines/cluster-engine';
export { CloudNativePgEngine } from './engines/cnpg/cnpg-engine';
export type { CloudNativePgEngineProps, IsolationCheckProps } from './engines/cnpg/cnpg-engine';
export { PatroniEngine } from './engines/patroni/patroni-engine';
export type { PatroniEngineProps } from './engines/patroni/patroni-engine';
export { CrunchyPgoEngine } from './engines/crunchy/crunchy-engine';
export type { CrunchyPgoEngineProps } from './engines/crunchy/crunchy-engine';
export { PatroniDcs } from './engines/patroni/patroni-dcs';
export type { PatroniEtcdNetworkProps } from './engines/patroni/patroni-dcs';
export { PatroniSynchronousMode } from './engines/patroni/patroni-synchronous-mode';
export type { PatroniTimingProps } from './engines/patroni/patroni-timing-props';
export { PatroniVersion } from './engines/patroni/patroni-version';

// Backups and recovery
export { ArchiveBucket, BucketController, ObjectLockMode } from './backup/archive-bucket';
export type { ArchiveBucketPolicy } from './backup/bucket-policy';
export type { ArchiveBucketProps, BucketDestinationOptions, IArchiveBucket, ObjectLockOptions } from './backup/archive-bucket';
export { ArchiveCredentials, ArchiveCredentialsKind } from './backup/archive-credentials';
export type { ArchiveSecretKeys } from './backup/archive-credentials';
export { ArchiveDestination } from './backup/archive-destination';
export type { S3DestinationProps } from './backup/archive-destination';
export { ArchiveEncryption, BackupCompression, SseAlgorithm, WalCompression } from './backup/archive-options';
export { BackupSchedule, WeekDay } from './backup/backup-schedule';
export type { MonthlyOptions, TimeOfDay, WeeklyOptions } from './backup/backup-schedule';
export { ArchiveSource, ClusterBootstrap, RecoveryTarget, RecoveryTargetKind } from './backup/recovery';
export type { ArchiveSourceProps, RecoveryOptions } from './backup/recovery';
export { RestoreDrill } from './backup/restore-drill';
export type { RestoreDrillProps, TableCheck } from './backup/restore-drill';
export { RetentionUnit, RetentionWindow } from './backup/retention-window';
export { BackupTarget, ScheduledBackup } from './backup/scheduled-backup';
export type { ScheduledBackupProps } from './backup/scheduled-backup';
export { WalArchive } from './backup/wal-archive';
export type { WalArchiveProps } from './backup/wal-archive';
export type { ResolvedSidecarResources, SidecarResources } from './backup/sidecar-resources';

// Connection pooling
export { PgBouncerPool } from './pooler/pgbouncer-pool';
export type { PoolIntent } from './pooler/pgbouncer-pool';
export type { PgBouncerPoolProps, PoolerResources } from './pooler/pgbouncer-pool-props';
export { PoolMode, PoolType } from './pooler/pool-mode';

// Monitoring, readiness and topology
export { ClusterMonitoring } from './monitoring/cluster-monitoring';
export type { ClusterMonitoringProps, RestoreDrillReference } from './monitoring/cluster-monitoring';
export type { MonitoringThresholds } from './monitoring/thresholds';
export { AlertSeverity } from './monitoring/alerts/alert-rules';
export type { AlertRule } from './monitoring/alerts/alert-rules';
export { ReadinessChecklist } from './monitoring/readiness/readiness-checklist';
export type { ReadinessItemInfo } from './monitoring/readiness/readiness-checklist';
export type { ReadinessItem, ReadinessOptions, ReadinessReport } from './monitoring/readiness/checklist';
export { TopologyDiagram } from './monitoring/topology/topology-diagram';
export { SinglePassApp } from './app/single-pass-app';
export type { TopologyDiagramProps } from './monitoring/topology/topology-diagram';

// Security
export { ClusterConnections } from './security/cluster-connections';
export type { ExternalEgress, IEngineNetworkProfile } from './security/engine-network-profile';
export { HbaMethod, HbaRule } from './security/hba-rule';
export type { HbaRuleOptions } from './security/hba-rule';
export { NetworkPeer } from './security/network-peer';
export type { ResolvedPeer } from './security/network-peer';
export type { NetworkSecurityProps, ResolvedNetworkSecurity } from './security/network-security';
export { PoolConnections } from './security/pool-connections';
export { TlsVersion } from './security/tls';
export type { ClusterTlsProps, ResolvedClusterTls } from './security/tls';

// Checks for the user's own charts
export { ManifestChecks } from './testing/manifest-checks';
export { NetworkPolicyModel } from './testing/network-policy-model';
export type { NetworkEndpoint } from './testing/network-policy-model';

// Databases, roles and grants as code
export { Database } from './databases/database';
export type { DatabaseExtension, DatabaseProps, DatabaseSchema } from './databases/database';
export { DatabaseRole, ReclaimPolicy } from './databases/database-role';
export type { DatabaseRoleProps } from './databases/database-role';
export { Grant, GrantObjectKind, SchemaPrivilege, SequencePrivilege, TablePrivilege } from './databases/grant';
export type { SchemaObjectsGrantOptions } from './databases/grant';
export { ImageFlavour } from './databases/extension-catalog';

// Logical replication and major upgrades
export { Publication, PublicationTarget, PublicationTargetKind, PublishedTable, PublishOperation } from './replication/publication';
export type { PublicationProps, PublishedTableOptions, QualifiedTableName } from './replication/publication';
export { LogicalPublisher, PublisherSslMode, Subscription, SubscriptionStreaming } from './replication/subscription';
export type { ExternalPublisherProps, PublisherConnection, SecretKeyReference, SubscriptionProps } from './replication/subscription';
export { BlueGreenUpgrade } from './replication/blue-green-upgrade';
export type { BlueGreenUpgradeProps } from './replication/blue-green-upgrade';
export { InPlaceMajorUpgrade } from './replication/in-place-upgrade';
export type { InPlaceMajorUpgradeProps } from './replication/in-place-upgrade';
export { PoolSwitch, PoolSwitchSide } from './replication/pool-switch';
export type { PoolSwitchProps } from './replication/pool-switch';
