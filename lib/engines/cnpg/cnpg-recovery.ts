import type { Construct } from 'constructs';
import type { IClusterModel } from '../../model/cluster-engine';
import * as cnpg from '../../../imports/postgresql.cnpg.io';
import { RecoveryTarget, RecoveryTargetKind } from '../../model/recovery';

import { BARMAN_CLOUD_PLUGIN, labelsOf, objectStore, objectStoreSpec } from './cnpg-archive';

/** Name of the `externalClusters` entry a recovery reads from. */
export const RECOVERY_SOURCE = 'origin';

/** Name of the read-only ObjectStore a restored cluster reads its source archive through. */
export function recoverySourceStoreName(clusterName: string): string {
  return `${clusterName}-source`;
}

/** The read-only ObjectStore over the source archive, in the restored cluster's namespace. */
export function renderRecovery(scope: Construct, cluster: IClusterModel): void {
  const source = cluster.bootstrap.source;
  if (!source) return;
  objectStore(scope, 'RecoverySource', recoverySourceStoreName(cluster.clusterName), labelsOf(cluster.clusterName),
    // The recovery job's sidecar is sized from this store: as the cluster's own archive, if any.
    () => objectStoreSpec(source.destination, source.credentials, undefined, undefined, cluster.walArchive?.sidecarResources));
}

/** `bootstrap.recovery` from the `origin` external cluster, up to `target`. */
export function recoveryBootstrap(target: RecoveryTarget, database: string, owner: string, secretName?: string): cnpg.ClusterSpecBootstrap {
  return {
    recovery: {
      source: RECOVERY_SOURCE,
      recoveryTarget: recoveryTarget(target),
      database,
      owner,
      secret: secretName ? { name: secretName } : undefined,
    },
  };
}

/**
 * The `externalClusters` entry read through the plugin. `serverName` is the SOURCE
 * cluster's folder: the plugin's default would be the new cluster's name.
 */
export function recoveryExternalCluster(storeName: string, serverName: string): cnpg.ClusterSpecExternalClusters {
  return {
    name: RECOVERY_SOURCE,
    plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: storeName, serverName } },
  };
}

function recoveryTarget(target: RecoveryTarget): cnpg.ClusterSpecBootstrapRecoveryRecoveryTarget | undefined {
  switch (target.kind) {
    case RecoveryTargetKind.TIME: return { targetTime: target.value };
    case RecoveryTargetKind.LSN: return { targetLsn: target.value };
    default: return undefined;
  }
}

/** The parts of a Cluster spec for a cluster bootstrapped from an archive, or undefined. */
export function clusterRecoverySpec(cluster: IClusterModel): Pick<cnpg.ClusterSpec, 'bootstrap' | 'externalClusters'> | undefined {
  const source = cluster.bootstrap.source;
  if (!source) return undefined;
  const c = cluster.intent.credentials;
  return {
    bootstrap: recoveryBootstrap(cluster.bootstrap.target, c.database, c.owner, c.existingSecretName),
    externalClusters: [recoveryExternalCluster(recoverySourceStoreName(cluster.clusterName), source.serverName)],
  };
}
