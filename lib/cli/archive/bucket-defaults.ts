/**
 * The archive bucket's settings for `ensure-bucket`, turned into the ArchiveBucket construct's
 * policy (lib/model/bucket-policy.ts), so a bucket made by either passes the other's checks.
 */
import { ArchiveEncryption } from '../../model/archive-options';
import { ArchiveBucketPolicy, archiveBucketPolicy } from '../../model/bucket-policy';
import { RetentionWindow } from '../../model/retention-window';

/** Default days backups are kept (`--retention-days`), as the construct's default retention window. */
export const DEFAULT_RETENTION_DAYS = 30;

export interface BucketSettings {
  /** Days the backup retention keeps; noncurrent versions expire `retentionDays + 7` days after becoming noncurrent. */
  readonly retentionDays: number;
  /** KMS key for `aws:kms` default encryption; `AES256` (SSE-S3) when omitted. */
  readonly kmsKeyId?: string;
}

/** The construct's bucket policy for these settings. */
export function bucketPolicy(settings: BucketSettings): ArchiveBucketPolicy {
  const encryption = settings.kmsKeyId ? ArchiveEncryption.kms(settings.kmsKeyId) : ArchiveEncryption.AES256;
  return archiveBucketPolicy(RetentionWindow.days(settings.retentionDays), encryption);
}
