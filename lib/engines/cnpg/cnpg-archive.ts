import type { Construct } from 'constructs';
import type { IArchiveIntent, IClusterModel, IScheduledBackupIntent } from '../../model/cluster-engine';
import { ApiObject, Lazy } from 'cdk8s';
import * as barman from '../../../imports/barmancloud.cnpg.io';
import * as cnpg from '../../../imports/postgresql.cnpg.io';
import { ArchiveCredentials, ArchiveCredentialsKind, instanceRoleArn, ROLE_ARN_ANNOTATION } from '../../model/archive-credentials';
import { ArchiveDestination } from '../../model/archive-destination';
import { ArchiveEncryption, BackupCompression, WalCompression } from '../../model/archive-options';

import { DEFAULT_SIDECAR_RESOURCES, ResolvedSidecarResources } from '../../model/sidecar-resources';
import { resourceRequirements } from '../../model/resources';

/** The Barman Cloud CNPG-I plugin's name, as Cluster `plugins` and ScheduledBackups name it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** Optional parts of an ObjectStore: a source read for recovery has none of them. */
export interface ObjectStoreWriteOptions {
  readonly walCompression: WalCompression;
  readonly backupCompression: BackupCompression;
  readonly encryption: ArchiveEncryption;
  readonly walMaxParallel: number;
  readonly backupJobs: number;
  readonly retention?: string;
}

/**
 * The `ObjectStore` spec of the Barman Cloud plugin for a destination. Without `write`
 * the store is only read (recovery, restore drills): no retention runs against it.
 */
export function objectStoreSpec(destination: ArchiveDestination, credentials: ArchiveCredentials, write?: ObjectStoreWriteOptions,
  walMaxParallel = 2, sidecar: ResolvedSidecarResources = DEFAULT_SIDECAR_RESOURCES): barman.ObjectStoreSpec {
  const kms = write?.encryption.kmsKeyId ? [`--sse-kms-key-id=${write.encryption.kmsKeyId}`] : undefined;
  return {
    retentionPolicy: write?.retention,
    configuration: {
      destinationPath: destination.destinationPath,
      endpointUrl: destination.endpoint,
      s3Credentials: s3Credentials(credentials),
      wal: {
        compression: write && write.walCompression !== WalCompression.NONE
          ? write.walCompression as string as barman.ObjectStoreSpecConfigurationWalCompression : undefined,
        encryption: write ? write.encryption.algorithm as string as barman.ObjectStoreSpecConfigurationWalEncryption : undefined,
        maxParallel: write?.walMaxParallel ?? walMaxParallel,
        archiveAdditionalCommandArgs: kms,
      },
      data: write
        ? {
          compression: write.backupCompression !== BackupCompression.NONE
            ? write.backupCompression as string as barman.ObjectStoreSpecConfigurationDataCompression : undefined,
          encryption: write.encryption.algorithm as string as barman.ObjectStoreSpecConfigurationDataEncryption,
          jobs: write.backupJobs,
          additionalCommandArgs: kms,
        }
        : undefined,
    },
    instanceSidecarConfiguration: {
      // boto3 reads the region from the environment; the sidecar passes this on to Barman.
      env: destination.region ? [{ name: 'AWS_DEFAULT_REGION', value: destination.region }] : undefined,
      // The plugin sizes its sidecar in every instance pod from here only; equal requests
      // and limits keep the pods Guaranteed.
      resources: resourceRequirements(sidecar),
    },
  };
}

function s3Credentials(c: ArchiveCredentials): barman.ObjectStoreSpecConfigurationS3Credentials {
  if (c.kind === ArchiveCredentialsKind.IAM_ROLE) return { inheritFromIamRole: true };
  const name = c.secretName as string;
  return {
    accessKeyId: { name, key: c.accessKeyIdKey },
    secretAccessKey: { name, key: c.secretAccessKeyKey },
    sessionToken: c.sessionTokenKey ? { name, key: c.sessionTokenKey } : undefined,
  };
}

/** An ObjectStore manifest as a raw ApiObject (the generated class would drop unknown fields). */
export function objectStore(scope: IArchiveIntent | IClusterModel | ApiObjectScope, id: string, name: string, labels: { [k: string]: string },
  spec: () => barman.ObjectStoreSpec, namespace?: string): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: barman.ObjectStore.GVK.apiVersion,
    kind: barman.ObjectStore.GVK.kind,
    metadata: { name, namespace, labels },
    spec: Lazy.any({ produce: () => barman.toJson_ObjectStoreSpec(spec()) }),
  });
}

/** Any construct scope. */
type ApiObjectScope = ConstructorParameters<typeof ApiObject>[0];

/** Renders a WalArchive: the ObjectStore; the Cluster's plugins entry comes from `clusterPlugins`. */
export function renderArchive(scope: Construct, archive: IArchiveIntent, cluster: IClusterModel): void {
  objectStore(scope, 'Resource', archive.name, labelsOf(cluster.clusterName), () => objectStoreSpec(archive.destination, archive.credentials, {
    walCompression: archive.walCompression,
    backupCompression: archive.backupCompression,
    encryption: archive.encryption,
    walMaxParallel: archive.walMaxParallel,
    backupJobs: archive.backupJobs,
    retention: archive.retention.toBarman(),
  }, undefined, archive.sidecarResources));
}

/** `Cluster.spec.plugins`: the archive's ObjectStore as the one WAL archiver. */
export function clusterPlugins(cluster: IClusterModel): cnpg.ClusterSpecPlugins[] | undefined {
  const archive = cluster.walArchive;
  if (!archive) return undefined;
  return [{
    name: BARMAN_CLOUD_PLUGIN,
    enabled: true,
    isWalArchiver: true,
    parameters: { barmanObjectName: archive.name, serverName: archive.serverName },
  }];
}

/** IRSA: the role annotation on the instances' service account, from the archive or the recovery source. */
export function serviceAccountTemplate(cluster: IClusterModel): cnpg.ClusterSpecServiceAccountTemplate | undefined {
  const role = instanceRoleArn(cluster);
  return role ? { metadata: { annotations: { [ROLE_ARN_ANNOTATION]: role } } } : undefined;
}

/** Renders a ScheduledBackup with `method: plugin` (the CRD's default is the removed in-tree Barman). */
export function renderScheduledBackup(scope: Construct, backup: IScheduledBackupIntent): void {
  const cluster = backup.archive.cluster;
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.ScheduledBackup.GVK.apiVersion,
    kind: cnpg.ScheduledBackup.GVK.kind,
    metadata: { name: backup.name, labels: labelsOf(cluster.clusterName) },
    spec: Lazy.any({
      produce: () => cnpg.toJson_ScheduledBackupSpec({
        cluster: { name: cluster.clusterName },
        schedule: backup.schedule.toCronWithSeconds(),
        method: cnpg.ScheduledBackupSpecMethod.PLUGIN,
        pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
        target: backup.target as string as cnpg.ScheduledBackupSpecTarget,
        immediate: backup.immediate,
        suspend: backup.suspend,
        backupOwnerReference: cnpg.ScheduledBackupSpecBackupOwnerReference.SELF,
      }),
    }),
  });
}

export function labelsOf(clusterName: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': clusterName };
}
