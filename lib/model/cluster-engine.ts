import type { IHaPostgres } from './cluster-reference';
import type { Construct, IConstruct } from 'constructs';
import type { Duration } from 'cdk8s';
import type { ConfigErrors } from '../core/config-error';
import type { PostgresVersion } from './postgres-version';
import type { IEngineNetworkProfile } from './engine-network-profile';
import type { SecretKeyReference, ExternalPublisherProps, PublisherConnection, SubscriptionStreaming } from './subscription-values';
import type { ClusterIntent } from './cluster-intent';
import type { ResolvedClusterTls } from './tls';
import type { ClusterBootstrap } from './recovery';
import type { ResolvedNetworkSecurity } from './network-security';
import type { NetworkPeer } from './network-peer';
import type { ArchiveDestination } from './archive-destination';
import type { ArchiveCredentials } from './archive-credentials';
import type { ArchiveEncryption, BackupCompression, WalCompression } from './archive-options';
import type { RetentionWindow } from './retention-window';
import type { ResolvedSidecarResources } from './sidecar-resources';
import type { BackupSchedule } from './backup-schedule';
import type { BackupTarget, TableCheck } from './backup-values';
import type { PoolIntent } from './pool-intent';
import type { DatabaseExtension, DatabaseSchema, ReclaimPolicy } from './database-values';
import type { Grant } from './grant';
import type { PublicationTarget, PublishOperation } from './publication-values';
import type { ClusterAttachments } from './cluster-attachments';

/**
 * How an engine (an operator, or Patroni without one) renders a cluster's intent.
 * Engines are created with the `ClusterEngine` factories; adding one is a folder under
 * lib/engines/ and a factory method (docs/guides/architecture.md).
 *
 * Engines receive model data (`IClusterModel` and one intent per attachment), add children
 * to the scope they are given and return data. Every `bind*` method is required; what an
 * engine cannot render is declared in `capabilities`, checked by the construct first (it
 * reports "the engine X cannot render a Y yet" through its errors), so the method of a
 * capability the engine lacks is never called.
 */
export interface IClusterEngine {
  /** Display name used in messages, e.g. `CloudNativePG 1.30`. */
  readonly name: string;

  /** What the engine can render besides the cluster itself. */
  readonly capabilities: EngineCapabilities;

  /** PostgreSQL majors the engine runs (CloudNativePG: 14 to 18). */
  readonly supportedMajors: number[];

  /** WalArchive `walMaxParallel` when the prop is not given (an engine that archives one segment per call says 1). */
  readonly defaultWalMaxParallel: number;

  /**
   * The program of the WAL archive sidecar and the least memory it runs with, for the checks of
   * `WalArchive.sidecarResources`.
   *
   * @default - barman-cloud (Python with boto3), at least 256 MiB
   */
  readonly archiveSidecar?: ArchiveSidecarProfile;

  /** Parameters the engine manages itself, each with the reason shown to users. */
  managedParameters(): { [name: string]: string };

  /**
   * Values the engine gives PostgreSQL parameters it does not leave at PostgreSQL's
   * default (e.g. CloudNativePG's `wal_level = logical`), for checks that read a
   * parameter's effective value.
   */
  parameterDefaults(): { [name: string]: string };

  /** The container image of PostgreSQL `version` for this engine. */
  imageFor(version: PostgresVersion): string;

  /** Names of the Services, Secret and port for a cluster named `clusterName`. */
  endpointsFor(clusterName: string, appSecretName?: string): ClusterEndpoints;

  /** Labels that select exactly the PostgreSQL instance pods of a cluster (no poolers, no jobs). */
  instanceLabels(clusterName: string): { [key: string]: string };

  /**
   * Paths of the engine's main manifest that construct properties own, each with the
   * property. `addOverride()` refuses them so an override cannot break a guarantee.
   */
  propertyOwnedPaths(): { [path: string]: string };

  /**
   * Ports and labels the engine's pods use, for the NetworkPolicies of HaPostgres and
   * PgBouncerPool; undefined when `capabilities.networkPolicies` is false.
   */
  networkProfile(): IEngineNetworkProfile | undefined;

  /** What ClusterMonitoring renders for this engine's clusters (pod labels, metric names). */
  monitoringProfile(): EngineMonitoringProfile;

  /** Which production-readiness checks apply to this engine's manifests and what the engine guarantees itself. */
  readinessProfile(): EngineReadinessProfile;

  /** Who may own the instances' disruption budgets: `DisruptionBudget.operatorManaged()` needs an engine with its own. */
  readonly disruptionBudgets: EngineDisruptionBudgets;

  /**
   * The Secret and key holding the CA that signs the server certificates of cluster
   * `clusterName` (CloudNativePG: `<cluster>-ca`, `ca.crt`), so clients can verify them;
   * undefined: subscribers connect with sslmode require.
   */
  serverCertificateAuthority(clusterName: string): SecretKeyReference | undefined;

  /**
   * True when the engine synchronizes failover logical replication slots of `cluster` to
   * its standbys (CloudNativePG on PostgreSQL 17+), so subscriptions survive a failover.
   */
  synchronizesLogicalSlots(cluster: IClusterModel): boolean;

  /**
   * Renders `cluster` into `scope` (the HaPostgres). Called once, by the HaPostgres
   * constructor; manifests are produced lazily at synth time so later `add*()` calls land in them.
   */
  bindToCluster(scope: Construct, cluster: IClusterModel): void;

  /** Renders a WAL archive of `cluster` into `scope` (the WalArchive). Only with `capabilities.archive`. */
  bindArchive(scope: Construct, archive: IArchiveIntent, cluster: IClusterModel): void;

  /** Renders scheduled base backups into `scope`. Only with `capabilities.scheduledBackups`. */
  bindScheduledBackup(scope: Construct, backup: IScheduledBackupIntent): void;

  /** Renders what a cluster bootstrapped from an archive needs besides its main manifest. Only with `capabilities.recovery`. */
  bindRecovery(scope: Construct, cluster: IClusterModel): void;

  /** Renders a scheduled restore drill into `scope`. Only with `capabilities.restoreDrill`. */
  bindRestoreDrill(scope: Construct, drill: IRestoreDrillIntent): void;

  /** Renders a PgBouncerPool into `scope` and returns where applications connect. Only with `capabilities.pooler`. */
  bindPooler(scope: Construct, pool: IPoolerIntent): PoolerEndpoint;

  /** Renders a DatabaseRole (into `scope`, or into the cluster's SQL Job). Only with `capabilities.databaseRoles`. */
  bindDatabaseRole(scope: Construct, role: IDatabaseRoleIntent): void;

  /** Renders a Database, its extensions, schemas and grants. Only with `capabilities.databases`. */
  bindDatabase(scope: Construct, database: IDatabaseIntent): void;

  /** Renders a logical replication Publication. Only with `capabilities.publications`. */
  bindPublication(scope: Construct, publication: IPublicationIntent): void;

  /** Renders a logical replication Subscription on its subscriber cluster. Only with `capabilities.subscriptions`. */
  bindSubscription(scope: Construct, subscription: ISubscriptionIntent): void;

  /** Renders the schema import of a blue/green upgrade's target. Only with `capabilities.schemaImport`. */
  bindSchemaImport(scope: Construct, upgrade: ISchemaImportIntent): void;
}

/** What an engine can render besides the cluster; the construct of a missing one fails synthesis naming the engine. */
export interface EngineCapabilities {
  /** WalArchive. */
  readonly archive: boolean;
  /** ScheduledBackup. */
  readonly scheduledBackups: boolean;
  /** `ClusterBootstrap.fromArchive(...)`. */
  readonly recovery: boolean;
  /** RestoreDrill. */
  readonly restoreDrill: boolean;
  /** PgBouncerPool. */
  readonly pooler: boolean;
  /** DatabaseRole. */
  readonly databaseRoles: boolean;
  /** Database. */
  readonly databases: boolean;
  /** Publication. */
  readonly publications: boolean;
  /** Subscription. */
  readonly subscriptions: boolean;
  /** The schema import of a BlueGreenUpgrade target. */
  readonly schemaImport: boolean;
  /** In-place major upgrades (pg_upgrade when the declared major goes up; CloudNativePG 1.26+). */
  readonly inPlaceMajorUpgrade: boolean;
  /** NetworkPolicies (the engine has a `networkProfile()`); without it a synth warning says none are rendered. */
  readonly networkPolicies: boolean;
}

/** The WAL archive sidecar of an engine's instance pods. */
export interface ArchiveSidecarProfile {
  /** What runs in it, for messages (e.g. `pgBackRest`). */
  readonly program: string;
  /** Least memory request, in MiB, below which archiving fails for lack of memory. */
  readonly minimumMemoryMiB: number;
}

/** What ClusterMonitoring renders for an engine's clusters. */
export interface EngineMonitoringProfile {
  /** True when ClusterMonitoring's PodMonitors and alerts fit the engine's pod labels and metric names. */
  readonly supported: boolean;
  /**
   * Why not, for the error when `supported` is false (e.g. which labels and metrics the alerts use).
   *
   * @default - a generic reason
   */
  readonly reason?: string;
  /**
   * True when TopologyDiagram draws this engine's clusters (their Services, Poolers and object store).
   *
   * @default false
   */
  readonly topologyDiagram?: boolean;
}

/** Which production-readiness checks apply to an engine's manifests. */
export interface EngineReadinessProfile {
  /** apiVersion/kind of the engine's main manifest (e.g. `postgresql.cnpg.io/v1` `Cluster`, `apps/v1` `StatefulSet`). */
  readonly mainManifestKind: string;
  /** True when the checklist's items on the operator's Cluster (backups, monitoring, webhook rules) apply; false: only the pod QoS items. */
  readonly operatorChecklist: boolean;
  /** True when the engine injects containers whose resources it sets itself (so they keep the pods' QoS class). */
  readonly injectedContainersKeepQos: boolean;
  /**
   * Containers of an instance pod that run with the cluster's `resources` (init containers
   * included), for the synth-time checklist of HaPostgres.
   *
   * @default - the engine has no synth-time checklist (no readiness warnings)
   */
  readonly instanceContainers?: string[];
  /**
   * Container an attached WalArchive adds to each instance pod, with the archive's `sidecarResources`.
   *
   * @default - the archive adds no container to the instance pods
   */
  readonly archiveSidecarContainer?: string;
  /**
   * Containers of a PgBouncerPool pod that run with the pool's resources.
   *
   * @default - none
   */
  readonly poolerContainers?: string[];
  /**
   * Ids of the synth-time checklist's items that apply to this engine, in report order (the
   * ids of `ha-postgres check`'s checklist for the engine's manifests, lib/model/readiness-intent.ts).
   *
   * @default - every item when `operatorChecklist` is true, else the pod QoS items
   */
  readonly checklistItems?: string[];
  /**
   * Containers the engine adds to each instance pod with resources it sets itself (not the
   * cluster's), e.g. an exporter sidecar.
   *
   * @default - none
   */
  readonly engineInstanceContainers?: ReadinessContainer[];
  /**
   * Containers the engine adds to each instance pod with its own resources when a WalArchive
   * is attached (besides `archiveSidecarContainer`).
   *
   * @default - none
   */
  readonly engineArchiveContainers?: ReadinessContainer[];
  /**
   * Containers the engine adds to each PgBouncerPool pod with resources it sets itself.
   *
   * @default - none
   */
  readonly enginePoolerContainers?: ReadinessContainer[];
  /**
   * Backups the engine schedules itself besides the ScheduledBackups (which are full base
   * backups), e.g. differential or incremental pgBackRest backups on an engine prop's schedule.
   *
   * @default - none
   */
  readonly engineBackups?: ReadinessBackup[];
  /**
   * minAvailable of the one budget the operator keeps over all instances under
   * `DisruptionBudget.operatorManaged()` (PGO: 1, its default for a set of 2 or more replicas).
   *
   * @default - the operator keeps CloudNativePG's budgets (primary minAvailable 1, replicas minAvailable instances - 2, from 3 instances)
   */
  readonly operatorBudgetMinAvailable?: number;
}

/** A container of an engine's pod and its resources (Kubernetes quantities), for the synth-time checklist. */
export interface ReadinessContainer {
  readonly name: string;
  /** @default - none */
  readonly cpuRequest?: string;
  /** @default - none */
  readonly cpuLimit?: string;
  /** @default - none */
  readonly memoryRequest?: string;
  /** @default - none */
  readonly memoryLimit?: string;
}

/** A backup an engine schedules itself, for the synth-time checklist. */
export interface ReadinessBackup {
  /** e.g. `differential`. */
  readonly name: string;
  /** The schedule, 6 fields with seconds first (`BackupSchedule.toCronWithSeconds()`). */
  readonly schedule: string;
  /** False for a differential or incremental backup, which needs a full one to build on. */
  readonly full: boolean;
}

/** Who owns the instances' disruption budgets. */
export interface EngineDisruptionBudgets {
  /** True when the engine (its operator) can own the budgets (`DisruptionBudget.operatorManaged()`); false: HaPostgres refuses that choice. */
  readonly operatorManaged: boolean;
  /**
   * Why not, completing "<engine name> …" in the error when `operatorManaged` is false.
   *
   * @default 'cannot own the instances\' budgets'
   */
  readonly reason?: string;
}

/** The cluster as engines see it: its resolved intent, final parameters, pg_hba rules, TLS, bootstrap, endpoints and overrides. */
export interface IClusterModel extends IConstruct, IHaPostgres {
  readonly engine: IClusterEngine;
  /** The resolved intent (every default applied). */
  readonly intent: ClusterIntent;
  /** TLS requirements (pg_hba, `ssl_min_protocol_version`). */
  readonly tls: ResolvedClusterTls;
  /** How the cluster gets its data. */
  readonly bootstrap: ClusterBootstrap;
  /** Role that owns the application database. */
  readonly ownerName: string;
  /** `max_connections` the instances run with. */
  readonly maxConnections: number;
  /** The attached WAL archive, if any (`attachments.archive`). */
  readonly walArchive?: IArchiveIntent;
  /** Everything attached to the cluster (archive, backups, drills, pools, roles, databases, logical replication, monitoring). */
  readonly attachments: ClusterAttachments;
  /** Who may connect to the instances. */
  readonly connections: IClusterConnectionsModel;
  /** The final PostgreSQL parameters (lib/model/cluster-parameters.ts). */
  postgresParameters(): { [name: string]: string };
  /** The property that set the user parameter `name`, or undefined when none did. */
  parameterProperty(name: string): string | undefined;
  /** Adds PostgreSQL parameters (checked like the `parameters` property). */
  addParameters(parameters: { [name: string]: string | number | boolean }, property?: string): void;
  /** The pg_hba rules the engine renders before its own. */
  hbaRules(): string[];
  /**
   * Applies `addOverride()` values to the rendered main manifest.
   *
   * @internal
   */
  _applyOverrides(manifest: { [key: string]: any }): { [key: string]: any };
}

/** Who may connect to a cluster's instances (its NetworkPolicy). */
export interface IClusterConnectionsModel {
  /** The resolved network settings. */
  readonly settings: ResolvedNetworkSecurity;
  /** Lets `peer` connect to PostgreSQL. */
  allowFrom(peer: NetworkPeer): void;
  /** Lets the instances connect to `cluster` (the other side of an `allowFrom`). */
  allowTo(cluster: IClusterModel): void;
}

/** A WalArchive as engines see it. */
export interface IArchiveIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly name: string;
  readonly serverName: string;
  readonly destination: ArchiveDestination;
  readonly credentials: ArchiveCredentials;
  readonly walCompression: WalCompression;
  readonly backupCompression: BackupCompression;
  readonly encryption: ArchiveEncryption;
  readonly walMaxParallel: number;
  readonly backupJobs: number;
  readonly retention: RetentionWindow;
  readonly archiveTimeout: Duration;
  readonly sidecarResources: ResolvedSidecarResources;
  readonly sidecarResourcesGiven: boolean;
}

/** A ScheduledBackup as engines see it. */
export interface IScheduledBackupIntent extends IConstruct {
  readonly archive: IArchiveIntent;
  readonly name: string;
  readonly schedule: BackupSchedule;
  readonly target: BackupTarget;
  readonly immediate: boolean;
  readonly suspend: boolean;
}

/** A RestoreDrill as engines see it. */
export interface IRestoreDrillIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly archive?: IArchiveIntent;
  readonly scratchNamespace: string;
  readonly schedule: BackupSchedule;
  readonly checks: TableCheck[];
  readonly readyTimeout: Duration;
  readonly image: string;
  readonly cronJobName: string;
  readonly namespace: string;
  readonly period: Duration;
  readonly scratchName: string;
  readonly temporaryClusterPrefix: string;
}

/** A PgBouncerPool as engines see it. */
export interface IPoolerIntent extends IConstruct {
  readonly cluster: IClusterModel;
  /** The pool's intent with every default applied. */
  readonly intent: PoolIntent;
  /** pgbouncer parameters: the library's, then the user's. */
  pgbouncerParameters(): { [name: string]: string };
}

/** A DatabaseRole as engines see it. */
export interface IDatabaseRoleIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly roleName: string;
  readonly login: boolean;
  readonly passwordSecretName?: string;
  readonly replication: boolean;
  readonly createDatabases: boolean;
  readonly createRoles: boolean;
  readonly bypassRowLevelSecurity: boolean;
  readonly inherit: boolean;
  readonly connectionLimit: number;
  readonly comment?: string;
  readonly validUntil?: string;
  readonly reclaimPolicy: ReclaimPolicy;
  readonly resourceName: string;
  readonly memberOf: string[];
}

/** A Database as engines see it. */
export interface IDatabaseIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly databaseName: string;
  readonly owner: string;
  readonly extensions: DatabaseExtension[];
  readonly schemas: DatabaseSchema[];
  readonly connectionLimit: number;
  readonly allowConnections: boolean;
  readonly encoding: string;
  readonly locale?: string;
  readonly reclaimPolicy: ReclaimPolicy;
  readonly resourceName: string;
  readonly grants: Grant[];
}

/** A Publication as engines see it. */
export interface IPublicationIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly publicationName: string;
  readonly database: string;
  readonly target: PublicationTarget;
  readonly reclaimPolicy: ReclaimPolicy;
  readonly resourceName: string;
  readonly hasRowFilters: boolean;
  /** Kinds of change published. */
  readonly operations: PublishOperation[];
  /** `publish_via_partition_root`. */
  readonly publishViaPartitionRoot: boolean;
}

/** The publisher of a Subscription as engines see it. */
export interface IPublisherModel {
  readonly externalPublisher?: ExternalPublisherProps;
  readonly publicationName: string;
}

/** A Subscription as engines see it. */
export interface ISubscriptionIntent extends IConstruct {
  readonly cluster: IClusterModel;
  readonly publisher: IPublisherModel;
  readonly subscriptionName: string;
  readonly database: string;
  readonly resourceName: string;
  readonly externalClusterName: string;
  readonly connection: PublisherConnection;
  readonly reclaimPolicy: ReclaimPolicy;
  readonly streaming?: SubscriptionStreaming;
  /** Parallel apply of large transactions (PostgreSQL 16+). */
  readonly parallelApply: boolean;
  /** The `WITH (...)` parameters. */
  readonly parameters: { [name: string]: string };
}

/** The schema import of a BlueGreenUpgrade target as engines see it. */
export interface ISchemaImportIntent extends IConstruct {
  readonly source: IClusterModel;
  readonly target: IClusterModel;
  readonly sourceDatabase: string;
  readonly subscription: ISubscriptionIntent;
}

/** Where applications reach a connection pool. */
export interface PoolerEndpoint {
  /** Service in front of the pool's pods. */
  readonly serviceName: string;
  /** Port of that Service. */
  readonly port: number;
}

/** Where applications and other constructs reach a cluster. */
export interface ClusterEndpoints {
  /** Service that always points at the primary. */
  readonly readWriteServiceName: string;
  /** Service over the hot standbys only. */
  readonly readOnlyServiceName: string;
  /** Service over every instance (primary and standbys). */
  readonly anyInstanceServiceName: string;
  /** PostgreSQL port of those Services. */
  readonly port: number;
  /** Secret with the application owner's credentials (`username`, `password`, and for generated ones `uri`, `host`, `port`, `dbname`). */
  readonly appSecretName: string;
}

/**
 * Adds the error of an engine without the hook that renders a `kind` (e.g. `Database`) of
 * `cluster`.
 *
 * @internal
 */
export function engineCannotRender(errors: ConfigErrors, cluster: { readonly clusterName: string }, engine: IClusterEngine, kind: string,
  fix = 'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...)'): void {
  errors.add('cluster', cluster.clusterName, `the engine ${engine.name} cannot render a ${kind} yet`, fix);
}
