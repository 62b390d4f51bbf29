/**
 * The archive bucket's settings for `ensure-bucket`. The constants come from the ArchiveBucket
 * construct's policy (lib/backup/bucket-policy.ts), so a bucket made by either passes the
 * other's checks.
 */
import { ABORT_INCOMPLETE_UPLOAD_DAYS, ARCHIVE_LIFECYCLE_RULE_ID, NONCURRENT_GRACE_DAYS } from '../../backup/bucket-policy';

/** Default days backups are kept (`--retention-days`), as the construct's default retention window. */
export const DEFAULT_RETENTION_DAYS = 30;
/** Noncurrent versions outlive the retention by this margin, so a late delete can still be undone. */
export const NONCURRENT_VERSION_MARGIN_DAYS = NONCURRENT_GRACE_DAYS;
/** Incomplete multipart uploads (an interrupted base backup) are aborted after this many days. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = ABORT_INCOMPLETE_UPLOAD_DAYS;
/** The id of the one lifecycle rule the tool owns; other rules on the bucket are kept. */
export const LIFECYCLE_RULE_ID = ARCHIVE_LIFECYCLE_RULE_ID;

export interface BucketSettings {
  /** Days the backup retention keeps; noncurrent versions expire `retentionDays + 7` days after becoming noncurrent. */
  readonly retentionDays: number;
  /** KMS key for `aws:kms` default encryption; `AES256` (SSE-S3) when omitted. */
  readonly kmsKeyId?: string;
}

export function noncurrentVersionExpirationDays(settings: BucketSettings): number {
  return settings.retentionDays + NONCURRENT_VERSION_MARGIN_DAYS;
}
