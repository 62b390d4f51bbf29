// The public API of cdk8s-ha-postgres: every name below, and nothing else. Explicit on
// purpose (no `export *`): a new module stays internal until it is listed here, and the
// list is what the jsii compile (`npm run jsii`, test/jsii.real.test.ts) turns into the
// API of the other languages. Free functions and constants are not listed: jsii cannot
// carry them; static members of classes are used instead.

// The cluster
export { HaPostgres } from './cluster/ha-postgres';
export type { IHaPostgres, HaPostgresAttributes } from './cluster/ha-postgres';
export type { HaPostgresProps } from './model/ha-postgres-props';
export type { ClusterIntent, ResolvedToleration, ResolvedVolume } from './model/cluster-intent';
export { ClusterMode } from './model/cluster-mode';
export { AppCredentials } from './model/credentials';
export type { AppDatabaseOptions } from './model/credentials';
export { DisruptionBudget, DisruptionBudgetOwner } from './model/disruption';
export { TaintEffect, TolerationOperator } from './model/placement';
export type { NodeToleration, PlacementProps } from './model/placement';
export { PostgresVersion } from './model/postgres-version';
export { DataDurability, PrimaryUpdateMethod } from './model/replication';
export type { CpuAmount, InstanceResources } from './model/resources';
export { VolumeAccessMode } from './model/storage';
export type { VolumeProps } from './model/storage';
export { SynthWarnings } from './core/synth-warnings';

// The user's cdk8s-plus objects (any cdk8s-plus-2x/3x), by the shape the library needs
export type {
  EnvValueLike, IContainerEnvLike, IContainerLike, ILabelSelectorLike, IPodSelectorLike, IServiceAccountLike,
  LabelSelectorExpression, LabelSelectorTerms, PodSelectorConfigLike,
} from './core/workload-shapes';

// Engines
export { ClusterEngine } from './engines/cluster-engine-factory';
export type {
  ClusterEndpoints, IClusterEngine, PoolerEndpoint, EngineCapabilities, ArchiveSidecarProfile, EngineMonitoringProfile, EngineReadinessProfile, ReadinessContainer, ReadinessBackup, EngineDisruptionBudgets,
  IClusterModel, IClusterConnectionsModel, IArchiveIntent, IScheduledBackupIntent, IRestoreDrillIntent, IPoolerIntent, IDatabaseRoleIntent,
  IDatabaseIntent, IPublicationIntent, IPublisherModel, ISubscriptionIntent, ISchemaImportIntent,
} from './model/cluster-engine';
export { ClusterAttachments } from './model/cluster-attachments';
export type { IMonitoringIntent, ImplicitGrant } from './model/cluster-attachments';
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
export type { ArchiveBucketPolicy } from './model/bucket-policy';
export type { ArchiveBucketProps, BucketDestinationOptions, IArchiveBucket, ObjectLockOptions } from './backup/archive-bucket';
export { ArchiveCredentials, ArchiveCredentialsKind } from './model/archive-credentials';
export type { ArchiveSecretKeys } from './model/archive-credentials';
export { ArchiveDestination } from './model/archive-destination';
export type { S3DestinationProps } from './model/archive-destination';
export { ArchiveEncryption, BackupCompression, SseAlgorithm, WalCompression } from './model/archive-options';
export { BackupSchedule, WeekDay } from './model/backup-schedule';
export type { MonthlyOptions, TimeOfDay, WeeklyOptions } from './model/backup-schedule';
export { ArchiveSource, ClusterBootstrap, RecoveryTarget, RecoveryTargetKind } from './model/recovery';
export type { ArchiveSourceProps, RecoveryOptions } from './model/recovery';
export { RestoreDrill } from './backup/restore-drill';
export type { RestoreDrillProps, TableCheck } from './backup/restore-drill';
export { RetentionUnit, RetentionWindow } from './model/retention-window';
export { BackupTarget, ScheduledBackup } from './backup/scheduled-backup';
export type { ScheduledBackupProps } from './backup/scheduled-backup';
export { WalArchive } from './backup/wal-archive';
export type { WalArchiveProps } from './backup/wal-archive';
export type { ResolvedSidecarResources, SidecarResources } from './model/sidecar-resources';

// Connection pooling
export { PgBouncerPool } from './pooler/pgbouncer-pool';
export type { PoolIntent } from './pooler/pgbouncer-pool';
export type { PgBouncerPoolProps, PoolerResources } from './pooler/pgbouncer-pool-props';
export { PoolMode, PoolType } from './model/pool-mode';

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
export type { ExternalEgress, IEngineNetworkProfile } from './model/engine-network-profile';
export { HbaMethod, HbaRule } from './model/hba-rule';
export type { HbaRuleOptions } from './model/hba-rule';
export { NetworkPeer } from './model/network-peer';
export type { ResolvedPeer } from './model/network-peer';
export type { NetworkSecurityProps, ResolvedNetworkSecurity } from './model/network-security';
export { PoolConnections } from './security/pool-connections';
export { TlsVersion } from './model/tls';
export type { ClusterTlsProps, ResolvedClusterTls } from './model/tls';

// Checks for the user's own charts
export { ManifestChecks } from './testing/manifest-checks';
export { NetworkPolicyModel } from './testing/network-policy-model';
export type { NetworkEndpoint } from './testing/network-policy-model';

// Databases, roles and grants as code
export { Database } from './databases/database';
export type { DatabaseExtension, DatabaseProps, DatabaseSchema } from './databases/database';
export { DatabaseRole, ReclaimPolicy } from './databases/database-role';
export type { DatabaseRoleProps } from './databases/database-role';
export { Grant, GrantObjectKind, SchemaPrivilege, SequencePrivilege, TablePrivilege } from './model/grant';
export type { SchemaObjectsGrantOptions } from './model/grant';
export { ImageFlavour } from './model/extension-catalog';

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
