/*
 * Which kinds the API server keeps outside namespaces, shared by the synth-time object check
 * (lib/core/unique-objects.ts) and the CLI's manifest check (lib/cli/check). No imports: the
 * CLI package does not depend on cdk8s.
 */

/**
 * Cluster-scoped kinds, as `group/Kind`, among those this library renders or that apps commonly
 * add. The crossplane S3 kinds are cluster-scoped in their CRDs (crds/crossplane-aws-s3).
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  '/Namespace', '/PersistentVolume', '/Node',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'scheduling.k8s.io/PriorityClass', 'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'snapshot.storage.k8s.io/VolumeSnapshotClass',
  'postgresql.cnpg.io/ClusterImageCatalog',
  's3.aws.upbound.io/Bucket', 's3.aws.upbound.io/BucketVersioning', 's3.aws.upbound.io/BucketServerSideEncryptionConfiguration',
  's3.aws.upbound.io/BucketPublicAccessBlock', 's3.aws.upbound.io/BucketLifecycleConfiguration',
]);

/** The API group of an apiVersion (`postgresql.cnpg.io/v1` → `postgresql.cnpg.io`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True for kinds the API server keeps outside namespaces (by the list above). */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${apiGroup(apiVersion)}/${kind}`);
}
