import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as xp from '../../imports/s3.aws.upbound.io';
import type { ArchiveBucket } from './archive-bucket';

/**
 * The bucket as Crossplane Upbound S3 resources (cluster-scoped): Bucket v1beta2 (the
 * bucket name is the external-name annotation), BucketVersioning v1beta2,
 * BucketServerSideEncryptionConfiguration v1beta2, BucketPublicAccessBlock v1beta1 and
 * BucketLifecycleConfiguration v1beta1 (storage versions). `deletionPolicy: Orphan` keeps
 * the bucket when the manifests go.
 */
export function renderCrossplaneBucket(bucket: ArchiveBucket, providerConfigName: string): void {
  const p = bucket.policy;
  const name = bucket.bucketName.replace(/\./g, '-');
  const region = bucket.region;
  const common = { deletionPolicy: 'Orphan', providerConfigRef: { name: providerConfigName } };
  const bucketRef = { name };

  clusterScoped(bucket, 'Resource', xp.BucketV1Beta2.GVK, name, { 'crossplane.io/external-name': bucket.bucketName },
    xp.toJson_BucketV1Beta2Spec({
      ...common as any,
      forProvider: { region, objectLockEnabled: bucket.objectLock ? true : undefined, forceDestroy: false },
    }));
  clusterScoped(bucket, 'Versioning', xp.BucketVersioningV1Beta2.GVK, `${name}-versioning`, undefined,
    xp.toJson_BucketVersioningV1Beta2Spec({ ...common as any, forProvider: { region, bucketRef, versioningConfiguration: { status: p.versioning } } }));
  clusterScoped(bucket, 'Encryption', xp.BucketServerSideEncryptionConfigurationV1Beta2.GVK, `${name}-encryption`, undefined,
    xp.toJson_BucketServerSideEncryptionConfigurationV1Beta2Spec({
      ...common as any,
      forProvider: {
        region,
        bucketRef,
        rule: [{
          applyServerSideEncryptionByDefault: { sseAlgorithm: p.sseAlgorithm, kmsMasterKeyId: p.kmsKeyId },
          bucketKeyEnabled: p.kmsKeyId !== undefined ? true : undefined,
        }],
      },
    }));
  clusterScoped(bucket, 'PublicAccessBlock', xp.BucketPublicAccessBlock.GVK, `${name}-public-access-block`, undefined,
    xp.toJson_BucketPublicAccessBlockSpec({
      ...common as any,
      forProvider: {
        region,
        bucketRef,
        blockPublicAcls: p.blockPublicAcls,
        ignorePublicAcls: p.ignorePublicAcls,
        blockPublicPolicy: p.blockPublicPolicy,
        restrictPublicBuckets: p.restrictPublicBuckets,
      },
    }));
  clusterScoped(bucket, 'Lifecycle', xp.BucketLifecycleConfiguration.GVK, `${name}-lifecycle`, undefined,
    xp.toJson_BucketLifecycleConfigurationSpec({
      ...common as any,
      forProvider: {
        region,
        bucketRef,
        rule: [{
          id: p.lifecycleRuleId,
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: p.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: p.abortIncompleteMultipartUploadDays }],
        }],
      },
    }));
}

/** A cluster-scoped object: the chart's namespace, which cdk8s adds to every object, is removed. */
function clusterScoped(scope: Construct, id: string, gvk: { apiVersion: string; kind: string }, name: string,
  annotations: { [k: string]: string } | undefined, spec: any): ApiObject {
  const obj = new ApiObject(scope, id, { ...gvk, metadata: { name, annotations }, spec });
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
