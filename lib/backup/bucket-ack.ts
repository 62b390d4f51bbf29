import { ApiObject } from 'cdk8s';
import * as ack from '../../imports/s3.services.k8s.aws';
import type { ArchiveBucket } from './archive-bucket';

/** The bucket as an ACK S3 `Bucket`; ACK keeps the AWS bucket when the manifest goes (deletion-policy retain). */
export function renderAckBucket(bucket: ArchiveBucket): void {
  const p = bucket.policy;
  const lock = bucket.objectLock;
  new ApiObject(bucket, 'Resource', {
    apiVersion: ack.Bucket.GVK.apiVersion,
    kind: ack.Bucket.GVK.kind,
    metadata: {
      name: bucket.bucketName.replace(/\./g, '-'),
      annotations: { 'services.k8s.aws/deletion-policy': 'retain', 'services.k8s.aws/region': bucket.region! },
    },
    spec: ack.toJson_BucketSpec({
      name: bucket.bucketName,
      // us-east-1 is the default location and must not be named.
      createBucketConfiguration: bucket.region === 'us-east-1' ? undefined : { locationConstraint: bucket.region },
      versioning: { status: p.versioning },
      encryption: {
        rules: [{
          applyServerSideEncryptionByDefault: { sseAlgorithm: p.sseAlgorithm, kmsMasterKeyId: p.kmsKeyId },
          bucketKeyEnabled: p.kmsKeyId !== undefined ? true : undefined,
        }],
      },
      publicAccessBlock: {
        blockPublicAcLs: p.blockPublicAcls,
        ignorePublicAcLs: p.ignorePublicAcls,
        blockPublicPolicy: p.blockPublicPolicy,
        restrictPublicBuckets: p.restrictPublicBuckets,
      },
      lifecycle: {
        rules: [{
          id: p.lifecycleRuleId,
          status: 'Enabled',
          filter: { prefix: '' },
          noncurrentVersionExpiration: { noncurrentDays: p.noncurrentVersionExpirationDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: p.abortIncompleteMultipartUploadDays },
        }],
      },
      objectLockEnabledForBucket: lock ? true : undefined,
      objectLockConfiguration: lock ? { rule: { defaultRetention: { mode: lock.mode ?? 'GOVERNANCE', days: lock.days } } } : undefined,
    }),
  });
}
