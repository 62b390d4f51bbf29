import type { HaPostgres } from '../cluster/ha-postgres';
import type { ConfigErrors } from '../core/config-error';
import type { PostgresVersion } from './postgres-version';
import type { RestoreDrill } from '../backup/restore-drill';
import type { ScheduledBackup } from '../backup/scheduled-backup';
import type { WalArchive } from '../backup/wal-archive';
import type { PgBouncerPool } from '../pooler/pgbouncer-pool';
import type { IEngineNetworkProfile } from './engine-network-profile';
import type { Database } from '../databases/database';
import type { DatabaseRole } from '../databases/database-role';
import type { Publication } from '../replication/publication';
import type { SecretKeyReference, Subscription } from '../replication/subscription';
import type { BlueGreenUpgrade } from '../replication/blue-green-upgrade';

/**
 * How an engine (an operator, or Patroni without one) renders a cluster's intent.
 * Engines are created with the `ClusterEngine` factories.
 *
 * What an engine may leave out (archives, backups, recovery, restore drills, pools,
 * NetworkPolicies) is not part of this interface: jsii languages would see optional
 * methods as abstract ones. The built-in engines add it through `EngineFeatures`.
 */
export interface IClusterEngine {
  /** Display name used in messages, e.g. `CloudNativePG 1.30`. */
  readonly name: string;

  /** Parameters the engine manages itself, each with the reason shown to users. */
  managedParameters(): { [name: string]: string };

  /** The container image of PostgreSQL `version` for this engine. */
  imageFor(version: PostgresVersion): string;

  /** Names of the Services, Secret and port for a cluster named `clusterName`. */
  endpointsFor(clusterName: string, appSecretName?: string): ClusterEndpoints;

  /**
   * Renders `cluster` as children of it. Called once, by the HaPostgres constructor;
   * manifests are produced lazily at synth time so later `add*()` calls land in them.
   */
  render(cluster: HaPostgres): void;

  /** Labels that select exactly the PostgreSQL instance pods of a cluster (no poolers, no jobs). */
  instanceLabels(clusterName: string): { [key: string]: string };

  /**
   * Paths of the engine's main manifest that construct properties own, each with the
   * property. `addOverride()` refuses them so an override cannot break a guarantee.
   */
  propertyOwnedPaths(): { [path: string]: string };
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
 * What an engine may render besides the cluster. Every member is optional: without one,
 * the construct that needs it fails synthesis with an error naming the engine (or, for
 * `networkProfile`, renders no NetworkPolicy and warns).
 *
 * @internal
 */
export interface EngineFeatures {
  /**
   * WalArchive `walMaxParallel` when the prop is not given (an engine that archives one
   * segment per call says 1). Optional: 2 without it.
   */
  readonly defaultWalMaxParallel?: number;

  /**
   * Renders a WAL archive of `cluster` (as children of `archive`). Optional: without it a
   * WalArchive fails synthesis with an error naming the engine.
   */
  renderArchive?(archive: WalArchive, cluster: HaPostgres): void;

  /** Renders scheduled base backups (as children of `backup`). Optional, like renderArchive. */
  renderScheduledBackup?(backup: ScheduledBackup): void;

  /**
   * Renders what a cluster bootstrapped from an archive needs besides its main manifest
   * (`cluster.bootstrap.isRecovery`). Optional: without it recovery fails synthesis.
   */
  renderRecovery?(cluster: HaPostgres): void;

  /** Renders a scheduled restore drill (as children of `drill`). Optional, like renderArchive. */
  renderRestoreDrill?(drill: RestoreDrill): void;

  /**
   * Renders a PgBouncerPool (from its resolved `intent` and `pgbouncerParameters()`) as
   * children of it and returns where applications connect. Optional: when an engine
   * lacks it, synthesis fails with an error naming PgBouncerPool and the engine.
   */
  renderPooler?(pool: PgBouncerPool): PoolerEndpoint;

  /**
   * True when the engine upgrades a cluster in place (pg_upgrade) when its declared major
   * goes up (CloudNativePG 1.26+). Optional: false without it (InPlaceMajorUpgrade fails).
   */
  readonly inPlaceMajorUpgrade?: boolean;

  /**
   * Values the engine gives PostgreSQL parameters it does not leave at PostgreSQL's
   * default (e.g. CloudNativePG's `wal_level = logical`), for checks that read a
   * parameter's effective value. Optional: PostgreSQL's defaults without it.
   */
  parameterDefaults?(): { [name: string]: string };

  /**
   * The Secret and key holding the CA that signs the server certificates of cluster
   * `clusterName` (CloudNativePG: `<cluster>-ca`, `ca.crt`), so clients can verify them.
   * Optional: without it subscribers connect with sslmode require.
   */
  serverCertificateAuthority?(clusterName: string): SecretKeyReference | undefined;

  /**
   * True when the engine synchronizes failover logical replication slots of `cluster` to
   * its standbys (CloudNativePG on PostgreSQL 17+), so subscriptions survive a failover.
   * Optional: false without it.
   */
  synchronizesLogicalSlots?(cluster: HaPostgres): boolean;

  /** Renders a DatabaseRole (as children of it, or into the cluster's SQL Job). Optional: without it synthesis fails naming the engine. */
  renderDatabaseRole?(role: DatabaseRole): void;

  /** Renders a Database, its extensions, schemas and grants. Optional, like renderDatabaseRole. */
  renderDatabase?(database: Database): void;

  /** Renders a logical replication Publication. Optional, like renderDatabaseRole. */
  renderPublication?(publication: Publication): void;

  /** Renders a logical replication Subscription on its subscriber cluster. Optional, like renderDatabaseRole. */
  renderSubscription?(subscription: Subscription): void;

  /**
   * Renders the schema import of a blue/green upgrade's target (`upgrade.target`).
   * Optional: without it BlueGreenUpgrade fails synthesis naming the engine.
   */
  renderSchemaImport?(upgrade: BlueGreenUpgrade): void;

  /**
   * Ports and labels the engine's pods use, for the NetworkPolicies of HaPostgres and
   * PgBouncerPool. Optional: without it no NetworkPolicy is rendered (synth warning).
   */
  networkProfile?(): IEngineNetworkProfile;
}

/**
 * The features of `engine` (the built-in engines implement `EngineFeatures`; an engine
 * implemented elsewhere has none of them).
 *
 * @internal
 */
export function engineFeatures(engine: IClusterEngine): IClusterEngine & EngineFeatures {
  return engine as IClusterEngine & EngineFeatures;
}

/**
 * Adds the error of an engine without the hook that renders a `kind` (e.g. `Database`) of
 * `cluster`.
 *
 * @internal
 */
export function engineCannotRender(errors: ConfigErrors, cluster: HaPostgres, engine: IClusterEngine, kind: string,
  fix = 'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...)'): void {
  errors.add('cluster', cluster.clusterName, `the engine ${engine.name} cannot render a ${kind} yet`, fix);
}
