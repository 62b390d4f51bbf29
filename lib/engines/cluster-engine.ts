import type { HaPostgres } from '../cluster/ha-postgres';
import type { PostgresVersion } from '../cluster/postgres-version';

/**
 * How an engine (an operator, or Patroni without one) renders a cluster's intent.
 * Engines are created with the `ClusterEngine` factories.
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
