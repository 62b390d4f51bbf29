/**
 * The data the Crunchy PGO renderers take (pure inputs: no construct, no scope). The
 * engine adapter (crunchy-engine.ts) builds them from today's constructs; the contract of
 * issue 16 builds them from the ClusterModel and its attachment intents.
 *
 * @internal
 */
import type { BackupSchedule, ClusterIntent, PoolMode, PoolType, RecoveryTargetKind } from './crunchy-model';

/** How pgBackRest authenticates to S3. Exactly one of the two is set. */
export interface CrunchyRepoCredentials {
  /**
   * A Secret projected into pgBackRest's conf.d (`backups.pgbackrest.configuration`):
   * its key `secretKey` is a pgBackRest INI file with `repo1-s3-key` and
   * `repo1-s3-key-secret` under `[global]`.
   */
  readonly secretName?: string;
  /** The Secret key holding the INI file (projected as `<key>`, which must end in `.conf`). */
  readonly secretKey?: string;
  /** An IAM role (IRSA): `repo1-s3-key-type=web-id`, the role on PGO's ServiceAccounts. */
  readonly roleArn?: string;
}

/** One S3 repository (`repo1`). */
export interface CrunchyS3Repo {
  readonly bucket: string;
  /** Host (and port) of the S3 API, without scheme. */
  readonly endpoint: string;
  readonly region: string;
  /** `repo1-path`: the folder of this cluster in the bucket, starting with `/`. */
  readonly path: string;
  /** `path` for S3-compatible stores addressed by path (MinIO, s3rver); `host` for AWS. */
  readonly uriStyle: 'host' | 'path';
  readonly credentials: CrunchyRepoCredentials;
  /** Property the repository came from, for messages (`WalArchive destination`). */
  readonly property: string;
}

/** Backup schedules of the repository (standard 5-field Kubernetes CronJob schedules). */
export interface CrunchyBackupSchedules {
  readonly full?: BackupSchedule;
  readonly differential?: BackupSchedule;
  readonly incremental?: BackupSchedule;
}

/** WAL archive and backups (`backups.pgbackrest`). */
export interface CrunchyArchiveInput {
  readonly repo: CrunchyS3Repo;
  /** `repo1-retention-full` with `repo1-retention-full-type=time`. */
  readonly retentionDays: number;
  /** pgBackRest `compress-type` (gz, bz2, lz4, zst, none): one for WAL and backups. */
  readonly compressType: string;
  /** `process-max` (archive-push with archive-async, and backups). */
  readonly processMax: number;
  /** SSE-KMS key (`repo1-s3-kms-key-id`); undefined: the bucket's default encryption. */
  readonly kmsKeyId?: string;
  readonly schedules: CrunchyBackupSchedules;
  /** Container image of pgBackRest (`backups.pgbackrest.image`); undefined: the operator's. */
  readonly image?: string;
}

/** The PgBouncer proxy (`proxy.pgBouncer`). */
export interface CrunchyPoolInput {
  readonly name: string;
  readonly type: PoolType;
  readonly poolMode: PoolMode;
  readonly replicas: number;
  readonly minAvailable?: number;
  readonly zones?: string[];
  readonly zoneTopologyKey: string;
  readonly nodeTopologyKey: string;
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  /** PgBouncer settings (`config.global`), without pool_mode. */
  readonly settings: { [name: string]: string };
  readonly image?: string;
}

/** Where a recovered cluster's data comes from. */
export interface CrunchyRecoveryInput {
  /** A repository in a bucket (`dataSource.pgbackrest`): works when the source cluster is gone. */
  readonly repo?: CrunchyS3Repo;
  /** A PostgresCluster of the same namespace (`dataSource.postgresCluster`), restored from its repo1. */
  readonly clusterName?: string;
  readonly targetKind: RecoveryTargetKind;
  readonly targetValue?: string;
}

/** TLS of the cluster. */
export interface CrunchyTlsInput {
  readonly requireTls: boolean;
  /** `customTLSSecret` (tls.crt, tls.key, ca.crt); undefined: PGO's generated certificates. */
  readonly serverSecretName?: string;
  /** `customReplicationTLSSecret` (client certificate of `_crunchyrepl`); required with serverSecretName. */
  readonly replicationSecretName?: string;
}

/** Patroni timing and failover settings. */
export interface CrunchyPatroniInput {
  /** `ttl` (patroni.leaderLeaseDurationSeconds). */
  readonly leaderLeaseSeconds: number;
  /** `loop_wait` (patroni.syncPeriodSeconds). */
  readonly syncPeriodSeconds: number;
  readonly failsafeMode: boolean;
  readonly maximumLagOnFailoverBytes: number;
}

/** Requests and limits of one container, as Kubernetes quantities. */
export interface CrunchyResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Resources of every container PGO adds to the pods and Jobs besides `database` and
 * `pgbouncer` (which take the cluster's and the pool's). PGO gives none of them resources by
 * itself, so without these the instance and PgBouncer pods are Burstable.
 */
export interface CrunchyContainerResources {
  /** `replication-cert-copy`, `pgbackrest-config`, `pgbouncer-config`: small shell loops copying files. */
  readonly helpers: CrunchyResources;
  /** `exporter` (`monitoring.pgmonitor.exporter.resources`). */
  readonly exporter: CrunchyResources;
  /** `pgbackrest` sidecar of each instance: archive-push (async, process-max) and the TLS server. */
  readonly pgbackrest: CrunchyResources;
  /** The backup Jobs (`backups.pgbackrest.jobs`) and the restore Jobs (`backups.pgbackrest.restore`, `dataSource.*`). */
  readonly jobs: CrunchyResources;
}

/** Everything the PostgresCluster of one cluster is rendered from. */
export interface CrunchyRenderInput {
  readonly intent: ClusterIntent;
  /** The final PostgreSQL parameters (library defaults, attachments, user values). */
  readonly parameters: { [name: string]: string };
  /** The property that set each user parameter, for messages. */
  readonly parameterProperty: (name: string) => string | undefined;
  /** pg_hba lines to render before the final `hostssl all all all scram-sha-256`. */
  readonly hbaRules: string[];
  readonly tls: CrunchyTlsInput;
  readonly patroni: CrunchyPatroniInput;
  /** Name of the one instance set. */
  readonly instanceSetName: string;
  readonly archive?: CrunchyArchiveInput;
  readonly pool?: CrunchyPoolInput;
  readonly recovery?: CrunchyRecoveryInput;
  /** Whether the exporter sidecar runs (PodMonitor and alerts are rendered with it). */
  readonly monitoring: boolean;
  readonly exporterImage?: string;
  /** `spec.image`; undefined: the operator's RELATED_IMAGE_POSTGRES_<major>. */
  readonly postgresImage?: string;
  /** Resources of PGO's sidecars and Jobs (requests = limits keep the pods Guaranteed). */
  readonly containerResources: CrunchyContainerResources;
  readonly engineName: string;
}
