import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ConfigErrors } from '../core/config-error';
import { SynthWarnings } from '../core/synth-warnings';
import { ArchiveDestination } from '../model/archive-destination';
import { ArchiveEncryption } from '../model/archive-options';
import { renderAckBucket } from './bucket-ack';
import { renderCrossplaneBucket } from './bucket-crossplane';
import { ArchiveBucketPolicy, archiveBucketPolicy } from '../model/bucket-policy';
import { RetentionWindow } from '../model/retention-window';
import { checkAwsRegion, checkS3BucketName } from '../model/s3-names';
import { AppIndex, addSynthValidation, libraryStateChanged } from '../core/app-index';
import { checkUniqueObjects } from '../core/unique-objects';

/** Which controller turns the bucket manifest into an AWS bucket. */
export enum BucketController {
  /** AWS Controllers for Kubernetes, S3 controller (`s3.services.k8s.aws/v1alpha1` Bucket). */
  ACK = 'ack',
  /** Crossplane's Upbound AWS S3 provider (`s3.aws.upbound.io`: Bucket v1beta2 and its configuration kinds). */
  CROSSPLANE = 'crossplane',
}

/** S3 Object Lock retention mode. */
export enum ObjectLockMode {
  /** Users with a special permission can still delete or shorten retention. */
  GOVERNANCE = 'GOVERNANCE',
  /** Nobody, not even the root account, can delete a locked version before it expires. */
  COMPLIANCE = 'COMPLIANCE',
}

/** Object Lock (write-once) protection of archived objects. */
export interface ObjectLockOptions {
  /**
   * Retention mode.
   *
   * @default ObjectLockMode.GOVERNANCE
   */
  readonly mode?: ObjectLockMode;
  /** Days each new object version is locked. Keep it at or below the retention window, or Barman cannot delete expired backups. */
  readonly days: number;
}

/** An S3 bucket for WAL archives. */
export interface IArchiveBucket {
  /** The bucket's name. */
  readonly bucketName: string;
  /** Its region, when known. */
  readonly region?: string;
  /** A destination in this bucket, for WalArchive. */
  destination(options?: BucketDestinationOptions): ArchiveDestination;
}

/** Where in the bucket an archive writes. */
export interface BucketDestinationOptions {
  /**
   * Path prefix inside the bucket.
   *
   * @default - the bucket root
   */
  readonly path?: string;
  /**
   * Endpoint of an S3-compatible store.
   *
   * @default - AWS S3
   */
  readonly endpoint?: string;
}

/** An archive bucket managed from Kubernetes. */
export interface ArchiveBucketProps {
  /** Bucket name, checked against S3's naming rules. */
  readonly bucketName: string;
  /** AWS region of the bucket (e.g. `eu-west-1`). */
  readonly region: string;
  /**
   * The controller that creates the bucket.
   *
   * @default BucketController.ACK
   */
  readonly controller?: BucketController;
  /**
   * The archive's retention window: noncurrent object versions expire 7 days after it.
   * Use the WalArchive's `retention`.
   *
   * @default RetentionWindow.days(30)
   */
  readonly retention?: RetentionWindow;
  /**
   * Default server-side encryption of the bucket.
   *
   * @default ArchiveEncryption.AES256
   */
  readonly encryption?: ArchiveEncryption;
  /**
   * Object Lock. Can only be switched on when the bucket is created.
   *
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockOptions;
  /**
   * Crossplane only: the ProviderConfig used.
   *
   * @default 'default'
   */
  readonly providerConfigName?: string;
}

/**
 * The archive's S3 bucket as Kubernetes manifests (ACK or Crossplane): versioning on,
 * server-side encryption, all four public access blocks, a lifecycle rule that expires
 * noncurrent versions 7 days after the retention window and aborts incomplete uploads
 * after 7 days, optional Object Lock. The bucket is retained when the manifest is deleted.
 */
export class ArchiveBucket extends Construct implements IArchiveBucket {
  /** A bucket that already exists (created elsewhere, e.g. with `ha-postgres archive ensure-bucket`). */
  public static fromBucketName(bucketName: string, region?: string): IArchiveBucket {
    return new ExistingBucket(bucketName, region);
  }

  public readonly bucketName: string;
  /**
   * AWS region of the bucket: always set (`props.region`). Typed optional only because
   * `IArchiveBucket.region` is (jsii: an implementation cannot make it required).
   */
  public readonly region?: string;
  public readonly controller: BucketController;
  public readonly retention: RetentionWindow;
  public readonly encryption: ArchiveEncryption;
  public readonly objectLock?: ObjectLockOptions;
  /** The settings rendered (shared with the CLI's ensure-bucket). */
  public readonly policy: ArchiveBucketPolicy;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.bucketName = props.bucketName;
    this.region = props.region;
    this.controller = props.controller ?? BucketController.ACK;
    this.retention = props.retention ?? RetentionWindow.days(30);
    this.encryption = props.encryption ?? ArchiveEncryption.AES256;
    this.objectLock = props.objectLock;
    this.policy = archiveBucketPolicy(this.retention, this.encryption);
    addSynthValidation(this, () => [...this.errors.messages, ...this.sameBucket()]);
    checkUniqueObjects(this, { property: 'bucketName', value: this.bucketName, fix: 'declare each bucket once (one ArchiveBucket per bucket name), and share it' });

    checkS3BucketName(this, this.errors, 'bucketName', this.bucketName);
    checkAwsRegion(this.errors, 'region', props.region);
    this.retention._check(this.errors, 'retention');
    const lock = this.objectLock;
    if (lock && (!Number.isInteger(lock.days) || lock.days < 1)) {
      this.errors.add('objectLock.days', lock.days, 'must be a whole number of days, at least 1', 'use e.g. 7');
    } else if (lock && lock.days > this.retention.toDays()) {
      this.errors.add('objectLock.days', lock.days, `locks objects longer than the retention window (${this.retention.toHumanString()}), so Barman could not delete expired backups and WAL`,
        `use at most ${this.retention.toDays()} days, or lengthen retention`);
    }

    if (lock && this.controller === BucketController.CROSSPLANE) {
      SynthWarnings.add(this, `Object Lock is enabled on bucket "${this.bucketName}", but its default retention (${lock.days} days) ` +
        'needs a Crossplane BucketObjectLockConfiguration, which is not rendered: configure it separately, or use BucketController.ACK.');
    }
    if (this.controller === BucketController.CROSSPLANE) renderCrossplaneBucket(this, props.providerConfigName ?? 'default');
    else renderAckBucket(this);
  }

  public destination(options: BucketDestinationOptions = {}): ArchiveDestination {
    return ArchiveDestination.s3({ bucket: this.bucketName, region: this.region, path: options.path, endpoint: options.endpoint });
  }

  /**
   * S3 bucket names are global: two ArchiveBuckets of one name, in any namespace, are two
   * controllers applying their own settings to one bucket. Reported on the later one, unless
   * both render the same objects (same controller, and for ACK's namespaced Buckets the same
   * namespace): the check of unique objects already reports that collision.
   */
  private sameBucket(): string[] {
    const index = AppIndex.of(this);
    const buckets = index.memo(index, 'archive-buckets', () => index.constructs().filter((c): c is ArchiveBucket => c instanceof ArchiveBucket));
    const earlier = buckets.slice(0, buckets.indexOf(this)).find((b) => b.bucketName === this.bucketName && !this.rendersSameObjectsAs(b));
    if (!earlier) return [];
    const e = new ConfigErrors();
    e.add('bucketName', this.bucketName, `is also the bucket of ${earlier.node.path}: S3 bucket names are global, so both would manage one bucket and overwrite each other's settings`,
      `declare the bucket once and share it (bucket.destination({ path: '<namespace>' }) per cluster), or give this one another name`);
    return e.messages;
  }

  /** Whether `other` (of the same bucket name) renders the objects this one renders: same kinds, names and namespace. */
  private rendersSameObjectsAs(other: ArchiveBucket): boolean {
    if (other.controller !== this.controller) return false;
    if (this.controller === BucketController.CROSSPLANE) return true; // cluster-scoped objects
    return (Chart.of(other).namespace ?? 'default') === (Chart.of(this).namespace ?? 'default');
  }
}

class ExistingBucket implements IArchiveBucket {
  public constructor(public readonly bucketName: string, public readonly region: string | undefined) {}

  public destination(options: BucketDestinationOptions = {}): ArchiveDestination {
    return ArchiveDestination.s3({ bucket: this.bucketName, region: this.region, path: options.path, endpoint: options.endpoint });
  }
}
