import { Duration, Size } from 'cdk8s';
import type { ClusterBootstrap } from './recovery';
import type { IClusterEngine } from './cluster-engine';
import { ClusterMode } from './cluster-mode';
import { AppCredentials } from './credentials';
import { DisruptionBudget } from './disruption';
import { PlacementProps } from './placement';
import { PostgresVersion } from './postgres-version';
import { DataDurability, PrimaryUpdateMethod } from './replication';
import { InstanceResources } from './resources';
import { VolumeProps } from './storage';
import type { NetworkSecurityProps } from './network-security';
import type { ClusterTlsProps } from './tls';

/**
 * What an HA PostgreSQL cluster must guarantee. Engine-neutral: the engine
 * (CloudNativePG by default) decides how each property is rendered.
 */
export interface HaPostgresProps {
  /**
   * Name of the cluster: a DNS-1035 label (a lower-case letter first, as Service names
   * need) of at most 50 characters (the engine appends suffixes such as `-rw` or `-1-wal`).
   *
   * @default - the construct id, if it is such a label
   */
  readonly name?: string;

  /**
   * The engine that renders the cluster.
   *
   * @default ClusterEngine.cloudNativePg()
   */
  readonly engine?: IClusterEngine;

  /**
   * PostgreSQL version; the container image is derived from it.
   *
   * @default PostgresVersion.V18
   */
  readonly version?: PostgresVersion;

  /**
   * Container image, overriding the one derived from `version`. Its PostgreSQL major
   * must equal `version.major`.
   *
   * @default - the engine's image for `version`
   */
  readonly imageName?: string;

  /**
   * High availability (default, 3 instances) or an explicit standalone instance.
   *
   * @default ClusterMode.highAvailability(3)
   */
  readonly mode?: ClusterMode;

  /**
   * Number of standbys that must confirm each commit (quorum `ANY n` over all standbys).
   * Must be below the number of instances. With 3 instances and 1, one standby is
   * synchronous and the other asynchronous.
   *
   * @default 1 (0 in standalone mode)
   */
  readonly synchronousStandbys?: number;

  /**
   * What writes do when fewer than `synchronousStandbys` standbys are available.
   * `REQUIRED` blocks writes (RPO 0, availability lost while no standby is left);
   * `PREFERRED` keeps writing on the primary alone (availability kept, acknowledged
   * commits can be lost if the primary then fails).
   *
   * @default DataDurability.REQUIRED
   */
  readonly dataDurability?: DataDurability;

  /**
   * Promote only a standby that is known to hold every acknowledged commit. Without it,
   * RPO 0 holds only while at most one instance fails: if the primary and the standby
   * that confirmed the last commits are lost together, the engine may promote another
   * standby, and those commits are gone.
   *
   * CloudNativePG: `spec.postgresql.synchronous.failoverQuorum` (a quorum check R + W > N
   * before each failover, tracked in the operator's `FailoverQuorum` resource); when the
   * check fails, no standby is promoted and the cluster waits for an instance that has the
   * data. Patroni: always on (quorum mode promotes with the quorum's votes, priority mode
   * only a listed synchronous standby); `false` is refused there.
   *
   * Turning it off (a synth warning names what is lost) trades that guarantee for a
   * failover that never waits.
   *
   * @default - true when `dataDurability` is `REQUIRED` with synchronous standbys; false otherwise
   */
  readonly failoverQuorum?: boolean;

  /**
   * Zones and topology keys the instances are spread over (one per zone, never two
   * on one node).
   *
   * @default - spread over `topology.kubernetes.io/zone` and `kubernetes.io/hostname`
   */
  readonly placement?: PlacementProps;

  /**
   * The data volume of each instance.
   *
   * @default - 50Gi, ReadWriteOnce, default StorageClass
   */
  readonly storage?: VolumeProps;

  /**
   * The separate WAL volume of each instance (ignored when `separateWalVolume` is false).
   *
   * @default - 20Gi, ReadWriteOnce, default StorageClass
   */
  readonly walStorage?: VolumeProps;

  /**
   * Put WAL on its own volume, so that WAL retained for a lagging standby or a failing
   * archive cannot fill the data volume, and WAL I/O does not compete with data I/O.
   *
   * @default true
   */
  readonly separateWalVolume?: boolean;

  /**
   * Most WAL that replication slots may retain (`max_slot_wal_keep_size`). A standby
   * that falls further behind loses its slot and must be re-cloned, instead of the
   * primary's WAL volume filling up. Must be below the WAL volume's size. A standalone
   * cluster has no standby slots; give it one when it publishes for logical replication.
   *
   * @default - half of the WAL volume (of the data volume without a WAL volume); none when standalone
   */
  readonly maxSlotWalKeepSize?: Size;

  /**
   * How long a standby delays WAL replay for conflicting read queries
   * (`max_standby_streaming_delay` and `max_standby_archive_delay`). Longer favours read
   * queries on standbys, shorter keeps standbys current.
   *
   * @default Duration.seconds(30)
   */
  readonly maxStandbyStreamingDelay?: Duration;

  /**
   * How the primary is updated in a rolling update (always unsupervised).
   *
   * @default PrimaryUpdateMethod.SWITCHOVER
   */
  readonly primaryUpdateMethod?: PrimaryUpdateMethod;

  /**
   * Protection against voluntary disruptions. See `DisruptionBudget` for the trade-off.
   *
   * @default DisruptionBudget.minAvailable(2)
   */
  readonly disruptionBudget?: DisruptionBudget;

  /**
   * CPU and memory per instance.
   *
   * @default - 2 CPU and 4Gi, requests equal to limits
   */
  readonly resources?: InstanceResources;

  /**
   * The application database and its credentials.
   *
   * @default AppCredentials.generated() (database `app`, owner `app`)
   */
  readonly credentials?: AppCredentials;

  /**
   * PostgreSQL parameters. Names are checked against the chosen major version
   * (unknown names are errors with a suggestion); parameters the engine manages,
   * or that a property of this construct sets, are rejected with the reason.
   * Numbers and booleans are rendered as strings (`true` → `on`). (In Java, C# and Go,
   * which have no union types, the values are objects; anything but a string, number or
   * boolean is an error at synth time.)
   *
   * @default - the library's production defaults only
   */
  readonly parameters?: { [name: string]: string | number | boolean };

  /**
   * How the cluster gets its data: a new database, or recovery from an archive
   * (`ClusterBootstrap.fromArchive(source)` for the latest state,
   * `ClusterBootstrap.pointInTime(source, RecoveryTarget.time(...))`).
   *
   * @default ClusterBootstrap.newDatabase()
   */
  readonly bootstrap?: ClusterBootstrap;

  /**
   * NetworkPolicies of the cluster and its pools: default deny, then only the flows of
   * the security model (see docs/guides/security.md). `connections.allowFrom()` adds clients.
   *
   * @default - enabled; operator namespace `cnpg-system`, monitoring namespace `monitoring`, Kubernetes API anywhere (`0.0.0.0/0`) on 443/6443
   */
  readonly network?: NetworkSecurityProps;

  /**
   * TLS for client and replication connections: plain-text TCP refused
   * (`hostnossl all all all reject` first in pg_hba) and TLS 1.3 minimum.
   *
   * @default - TLS required, TlsVersion.TLS_1_3 minimum
   */
  readonly tls?: ClusterTlsProps;
}
