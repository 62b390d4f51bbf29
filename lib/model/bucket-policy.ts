import { ArchiveEncryption } from './archive-options';
import { RetentionWindow } from './retention-window';

/**
 * The archive bucket's protective defaults, shared by ArchiveBucket (manifests) and the
 * `ha-postgres archive ensure-bucket` CLI so both configure a bucket the same way.
 */
export const ARCHIVE_LIFECYCLE_RULE_ID = 'expire-noncurrent-versions';
/** Days noncurrent versions are kept beyond the retention window (a restore may still read them). */
export const NONCURRENT_GRACE_DAYS = 7;
/** Days after which incomplete multipart uploads are aborted. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** The bucket settings derived from a retention window and an encryption choice, engine- and controller-neutral. */
export interface ArchiveBucketPolicy {
  /** Always `Enabled`: an overwritten or deleted object stays recoverable. */
  readonly versioning: string;
  /** Default server-side encryption: `AES256` or `aws:kms`. */
  readonly sseAlgorithm: string;
  /**
   * KMS key of `aws:kms` encryption.
   *
   * @default - the account's AWS-managed key (or none, for AES256)
   */
  readonly kmsKeyId?: string;
  /** All four S3 public access blocks: `BlockPublicAcls`. */
  readonly blockPublicAcls: boolean;
  /** `IgnorePublicAcls`. */
  readonly ignorePublicAcls: boolean;
  /** `BlockPublicPolicy`. */
  readonly blockPublicPolicy: boolean;
  /** `RestrictPublicBuckets`. */
  readonly restrictPublicBuckets: boolean;
  /** Id of the lifecycle rule below. */
  readonly lifecycleRuleId: string;
  /** Noncurrent versions expire this many days after becoming noncurrent: retention days + 7. */
  readonly noncurrentVersionExpirationDays: number;
  /** Incomplete multipart uploads are aborted after this many days. */
  readonly abortIncompleteMultipartUploadDays: number;
}

/** The policy of an archive bucket for `retention` (a month counts 31 days). */
export function archiveBucketPolicy(retention: RetentionWindow, encryption: ArchiveEncryption = ArchiveEncryption.AES256): ArchiveBucketPolicy {
  return {
    versioning: 'Enabled',
    sseAlgorithm: encryption.algorithm,
    kmsKeyId: encryption.kmsKeyId,
    blockPublicAcls: true,
    ignorePublicAcls: true,
    blockPublicPolicy: true,
    restrictPublicBuckets: true,
    lifecycleRuleId: ARCHIVE_LIFECYCLE_RULE_ID,
    noncurrentVersionExpirationDays: retention.toDays() + NONCURRENT_GRACE_DAYS,
    abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS,
  };
}
