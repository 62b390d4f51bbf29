import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { exactMilliseconds, wholeSeconds } from '../core/duration-size-checks';
import { ArchiveCredentials, ArchiveCredentialsKind } from '../model/archive-credentials';
import { ArchiveDestination } from '../model/archive-destination';
import { ArchiveEncryption, BackupCompression, WalCompression } from '../model/archive-options';
import { RetentionWindow } from '../model/retention-window';
import { checkCredentials, checkDestination } from '../model/archive-checks';
import { AppIndex, addSynthValidation, libraryStateChanged } from '../core/app-index';
import { SynthWarnings } from '../core/synth-warnings';
import { ResolvedSidecarResources, resolveSidecarResources, SidecarResources } from '../model/sidecar-resources';
import { engineCannotRender } from '../model/cluster-engine';
import { checkUniqueObjects } from '../core/unique-objects';

/** A continuous WAL archive plus base backups of one cluster, in an object store. */
export interface WalArchiveProps {
  /** The cluster whose WAL is archived. */
  readonly cluster: HaPostgres;

  /** The bucket, path prefix, region and endpoint. */
  readonly destination: ArchiveDestination;

  /** How the instances authenticate: `ArchiveCredentials.fromIamRole(arn)` or `.fromSecret(name)`. */
  readonly credentials: ArchiveCredentials;

  /**
   * Name of the engine object describing the store (CloudNativePG: the `ObjectStore`;
   * Patroni renders no object of its own and does not use it).
   *
   * @default - `<cluster name>-archive`
   */
  readonly name?: string;

  /**
   * Folder of this cluster under the destination path. Recovery and restore drills read
   * from `<destination>/<serverName>/`.
   *
   * @default - the cluster name
   */
  readonly serverName?: string;

  /**
   * Compression of WAL segments. On Patroni, `LZ4`, `XZ` and `ZSTD` need barman-cli-cloud
   * 3.12 in the image (the engine's `barmanCloudVersion`).
   *
   * @default WalCompression.GZIP
   */
  readonly walCompression?: WalCompression;

  /**
   * Compression of base backups. On Patroni, `LZ4` needs barman-cli-cloud 3.18 in the image
   * (the engine's `barmanCloudVersion`).
   *
   * @default BackupCompression.GZIP
   */
  readonly backupCompression?: BackupCompression;

  /**
   * Server-side encryption of every uploaded object. `ArchiveEncryption.kms(keyId)` renders
   * `--sse-kms-key-id`, which needs Barman 3.5 or newer (on Patroni: the engine's
   * `barmanCloudVersion`; the Barman Cloud plugin's sidecar has it).
   *
   * @default ArchiveEncryption.AES256
   */
  readonly encryption?: ArchiveEncryption;

  /**
   * WAL segments uploaded (and prefetched on restore) in parallel, 1 to 32. The Patroni
   * engine archives with `archive_command`, one segment per call: there only 1 is accepted.
   *
   * @default - 2 on CloudNativePG, 1 on Patroni (the engine's `defaultWalMaxParallel`)
   */
  readonly walMaxParallel?: number;

  /**
   * Parallel upload jobs of a base backup.
   *
   * @default 2
   */
  readonly backupJobs?: number;

  /**
   * How far back point-in-time recovery reaches; older backups and WAL are deleted.
   *
   * @default RetentionWindow.days(30)
   */
  readonly retention?: RetentionWindow;

  /**
   * `archive_timeout`: an idle cluster still switches and archives a WAL segment after
   * this long. It bounds the data lost (RPO) when every zone, and so every instance and
   * volume, is lost at once and only the archive remains. Between 30 s and 1 h.
   *
   * @default Duration.minutes(5)
   */
  readonly archiveTimeout?: Duration;

  /**
   * CPU and memory of the Barman Cloud plugin's sidecar in each instance pod
   * (CloudNativePG: `ObjectStore.spec.instanceSidecarConfiguration.resources`, the only
   * place the plugin reads them). Requests equal limits keep the instance pods in the
   * Guaranteed QoS class. Crunchy PGO: the `pgbackrest` sidecar of each instance pod
   * (`backups.pgbackrest.sidecars.pgbackrest.resources`). Patroni runs barman-cloud inside
   * the PostgreSQL container, whose resources are the cluster's: there it is refused.
   *
   * @default - 500m CPU and 512Mi memory, requests equal to limits
   */
  readonly sidecarResources?: SidecarResources;
}

/**
 * Archives a cluster's WAL continuously and holds its base backups in an S3 bucket, with
 * compression, server-side encryption and a retention window. Rendered by the cluster's
 * engine (CloudNativePG: a Barman Cloud plugin `ObjectStore` plus the Cluster's
 * `plugins` entry with `isWALArchiver: true`; Patroni: `archive_command` with
 * barman-cloud-wal-archive and `restore_command` in patroni.yml). Both write
 * `<destination>/<serverName>/{base,wals}/`. Owns the cluster's `archive_timeout`,
 * `archive_mode`, `archive_command` and `archive_library`.
 */
export class WalArchive extends Construct {
  public readonly cluster: HaPostgres;
  public readonly name: string;
  public readonly serverName: string;
  public readonly destination: ArchiveDestination;
  public readonly credentials: ArchiveCredentials;
  public readonly walCompression: WalCompression;
  public readonly backupCompression: BackupCompression;
  public readonly encryption: ArchiveEncryption;
  public readonly walMaxParallel: number;
  public readonly backupJobs: number;
  public readonly retention: RetentionWindow;
  public readonly archiveTimeout: Duration;
  /** CPU and memory of the plugin sidecar in each instance pod (CloudNativePG). */
  public readonly sidecarResources: ResolvedSidecarResources;
  /** Whether `sidecarResources` was given (engines without a sidecar refuse it). */
  public readonly sidecarResourcesGiven: boolean;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: WalArchiveProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.cluster = props.cluster;
    this.name = props.name ?? `${props.cluster.clusterName}-archive`;
    this.serverName = props.serverName ?? props.cluster.clusterName;
    this.destination = props.destination;
    this.credentials = props.credentials;
    this.walCompression = props.walCompression ?? WalCompression.GZIP;
    this.backupCompression = props.backupCompression ?? BackupCompression.GZIP;
    this.encryption = props.encryption ?? ArchiveEncryption.AES256;
    this.walMaxParallel = props.walMaxParallel ?? props.cluster.engine.defaultWalMaxParallel;
    this.backupJobs = props.backupJobs ?? 2;
    this.retention = props.retention ?? RetentionWindow.days(30);
    this.archiveTimeout = props.archiveTimeout ?? Duration.minutes(5);
    const warnings: string[] = [];
    this.sidecarResources = resolveSidecarResources(this.errors, warnings, 'sidecarResources', props.sidecarResources, props.cluster.engine.archiveSidecar);
    this.sidecarResourcesGiven = props.sidecarResources !== undefined;
    for (const w of warnings) SynthWarnings.add(this, w);
    addSynthValidation(this, () => [...this.errors.messages, ...this.sameArchiveAsRecoverySource(), ...this.sharedArchive()]);
    checkUniqueObjects(this, { property: props.name !== undefined ? 'name' : 'name (from the cluster name)', value: this.name });

    checkDnsLabel(this.errors, props.name !== undefined ? 'name' : 'name (from the cluster name)', this.name, 63);
    checkDnsLabel(this.errors, 'serverName', this.serverName, 63);
    checkDestination(this, this.errors, 'destination', this.destination);
    checkCredentials(this.errors, 'credentials', this.credentials);
    checkCount(this.errors, 'walMaxParallel', this.walMaxParallel, 1, 32);
    checkCount(this.errors, 'backupJobs', this.backupJobs, 1, 32);
    this.retention._check(this.errors, 'retention');
    // archive_timeout is in whole seconds (PostgreSQL, and Patroni's archive settings).
    const timeoutMs = exactMilliseconds(this.archiveTimeout);
    if (timeoutMs < 30_000 || timeoutMs > 3_600_000) {
      errors30(this.errors, this.archiveTimeout);
    } else {
      wholeSeconds(this.errors, 'archiveTimeout', this.archiveTimeout);
    }
    if (this.encryption.kmsKeyId !== undefined && this.encryption.kmsKeyId.trim() === '') {
      this.errors.add('encryption', this.encryption.toHumanString(), 'the KMS key id is empty', 'give the key id, alias (alias/…) or ARN');
    }

    this.cluster.attachments.attachArchive(this);
    const engine = this.cluster.engine;
    if (engine.capabilities.archive) {
      engine.bindArchive(this, this, this.cluster);
    } else {
      engineCannotRender(this.errors, this.cluster, engine, 'WalArchive',
        'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...), which render it, or remove the WalArchive until the engine supports it');
    }
  }

  /**
   * Two archives of the app that write the same folder (`<destination>/<serverName>`) mix
   * their WAL and backups, and each one's retention deletes the other's: reported on the later.
   */
  private sharedArchive(): string[] {
    const index = AppIndex.of(this);
    const archives = index.memo(index, 'wal-archives', () => index.constructs().filter((c): c is WalArchive => c instanceof WalArchive));
    const earlier = archives.slice(0, archives.indexOf(this)).find((a) => a.destination.sameStoreAs(this.destination) && a.serverName === this.serverName);
    if (!earlier) return [];
    const e = new ConfigErrors();
    e.add('destination', this.destination.serverLocation(this.serverName),
      `is also where ${earlier.node.path} (cluster "${earlier.cluster.clusterName}") archives: the two clusters' WAL and backups would mix, and each one's retention would delete the other's`,
      'give one of them another path prefix (destination path) or another serverName, e.g. the namespace: ArchiveDestination.s3({ ..., path: \'<namespace>\' })');
    return e.messages;
  }

  /** A restored cluster must not archive where its source archives (CloudNativePG refuses a non-empty archive; on Patroni both timelines would mix). */
  private sameArchiveAsRecoverySource(): string[] {
    const source = this.cluster.bootstrap.source;
    const sourceRole = source?.credentials.kind === ArchiveCredentialsKind.IAM_ROLE ? source.credentials.roleArn : undefined;
    const ownRole = this.credentials.kind === ArchiveCredentialsKind.IAM_ROLE ? this.credentials.roleArn : undefined;
    if (sourceRole && ownRole && sourceRole !== ownRole) {
      const e = new ConfigErrors();
      e.add('credentials.roleArn', ownRole, `differs from the role the cluster is restored with (${sourceRole}); the instances' service account can carry one IAM role only`,
        'use one role that can read the source archive and write this one');
      return e.messages;
    }
    if (!source || !source.destination.sameStoreAs(this.destination) || source.serverName !== this.serverName) return [];
    const e = new ConfigErrors();
    e.add('destination', this.destination.serverLocation(this.serverName),
      `is where cluster "${this.cluster.clusterName}" is restored from: a restored cluster must write a new archive (CloudNativePG refuses to archive into a non-empty one, and on Patroni the new timeline's WAL would mix with the source's)`,
      'give the restored cluster another path prefix (destination path) or another serverName');
    return e.messages;
  }
}

function errors30(errors: ConfigErrors, timeout: Duration): void {
  errors.add('archiveTimeout', timeout,
    'must be between 30 seconds and 1 hour: shorter fills the archive with mostly empty 16 MB segments, longer loosens the RPO bound for the loss of all zones',
    'use Duration.minutes(5) (the default)');
}

function checkCount(errors: ConfigErrors, property: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.add(property, value, `must be a whole number from ${min} to ${max}`, `use e.g. ${Math.min(2, max)}`);
  }
}
