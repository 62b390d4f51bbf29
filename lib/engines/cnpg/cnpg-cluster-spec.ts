import type { IClusterModel } from '../../model/cluster-engine';
import { DisruptionBudgetOwner } from '../../model/disruption';
import { finalParameters } from '../../model/cluster-parameters';
import * as cnpg from '../../../imports/postgresql.cnpg.io';
import type { ResolvedVolume } from '../../model/cluster-intent';

import { namedZonesAffinity, zoneSpread } from '../../model/placement-rules';
import { clusterPlugins, serviceAccountTemplate } from './cnpg-archive';
import type { CloudNativePgEngine } from './cnpg-engine';
import { LIVENESS_PERIOD_SECONDS, LIVENESS_PROBE_TIMEOUT_SECONDS, ResolvedLiveness } from './cnpg-liveness';
import { clusterRecoverySpec } from './cnpg-recovery';
import { logicalExternalClusters, schemaImportSpec, synchronizeLogicalDecoding } from './cnpg-logical';
import { resourceRequirements } from '../../model/resources';

/** The CloudNativePG `Cluster.spec` for an HaPostgres, typed by the imported CRD. */
export function renderClusterSpec(cluster: IClusterModel, engine: CloudNativePgEngine, liveness: ResolvedLiveness): cnpg.ClusterSpec {
  const i = cluster.intent;
  const selector = engine.instanceLabels(i.name);
  const ha = i.highlyAvailable;
  const recovery = clusterRecoverySpec(cluster);
  const externalClusters = [...(recovery?.externalClusters ?? []), ...logicalExternalClusters(cluster)];

  return {
    instances: i.instances,
    imageName: i.imageName,
    primaryUpdateStrategy: cnpg.ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
    primaryUpdateMethod: i.primaryUpdateMethod as string as cnpg.ClusterSpecPrimaryUpdateMethod,
    // The operator's budgets are on only when the user chose them: a pod under two
    // budgets cannot be evicted at all (HTTP 500), and a standalone instance under the
    // operator's primary budget would block every drain.
    enablePdb: i.disruptionBudget?.owner === DisruptionBudgetOwner.OPERATOR,
    enableSuperuserAccess: false,
    // Explicit rather than the operator's defaults (instance_manager.md): the probe as the
    // operator builds it from livenessProbeTimeout (period 10 s, timeout 5 s), and the
    // primary isolation check. Only non-zero probe fields override the operator's.
    livenessProbeTimeout: liveness.timeoutSeconds,
    probes: {
      liveness: {
        periodSeconds: LIVENESS_PERIOD_SECONDS,
        timeoutSeconds: LIVENESS_PROBE_TIMEOUT_SECONDS,
        failureThreshold: liveness.failureThreshold,
        isolationCheck: {
          enabled: liveness.isolationCheck.enabled,
          requestTimeout: liveness.isolationCheck.requestTimeoutMs,
          connectionTimeout: liveness.isolationCheck.connectionTimeoutMs,
        },
      },
    },
    postgresql: {
      // ssl_min_protocol_version set explicitly (not left to the operator's default).
      parameters: finalParameters(cluster, { tlsMinimum: true }).parameters,
      // Before CloudNativePG's own rules (which use `host`, i.e. also plain text).
      pgHba: cluster.hbaRules(),
      synchronous: ha
        ? {
          method: cnpg.ClusterSpecPostgresqlSynchronousMethod.ANY,
          number: i.synchronousStandbys,
          dataDurability: i.dataDurability as string as cnpg.ClusterSpecPostgresqlSynchronousDataDurability,
          // The webhook needs synchronous replication and more standbys than standbyNamesPre/Post
          // (none here; synchronousStandbys >= 1 is checked): both always hold when rendered.
          failoverQuorum: i.failoverQuorum,
        }
        : undefined,
    },
    replicationSlots: ha
      ? { highAvailability: { enabled: true, synchronizeLogicalDecoding: synchronizeLogicalDecoding(cluster) || undefined }, updateInterval: 30 }
      : undefined,
    storage: volume(i.storage),
    walStorage: i.walStorage ? volume(i.walStorage) : undefined,
    affinity: {
      enablePodAntiAffinity: true,
      topologyKey: i.nodeTopologyKey,
      podAntiAffinityType: 'required',
      nodeAffinity: namedZonesAffinity(i),
      // Dedicated PostgreSQL nodes (placement.nodeSelector / tolerations); the operator copies both into the pods.
      nodeSelector: i.nodeSelector,
      tolerations: i.tolerations?.map((t) => ({ ...t })),
    },
    topologySpreadConstraints: [zoneSpread(i, selector)],
    resources: resourceRequirements(i),
    plugins: clusterPlugins(cluster),
    serviceAccountTemplate: serviceAccountTemplate(cluster),
    externalClusters: externalClusters.length ? externalClusters : undefined,
    bootstrap: recovery?.bootstrap ?? {
      initdb: {
        database: i.credentials.database,
        owner: i.credentials.owner,
        dataChecksums: true,
        secret: i.credentials.existingSecretName ? { name: i.credentials.existingSecretName } : undefined,
        import: schemaImportSpec(cluster),
      },
    },
  };
}

function volume(v: ResolvedVolume): cnpg.ClusterSpecStorage {
  return {
    size: v.size.asString(),
    storageClass: v.storageClass,
    pvcTemplate: { accessModes: [v.accessMode] },
  };
}

