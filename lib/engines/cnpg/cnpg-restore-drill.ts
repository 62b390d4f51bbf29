import type { Construct } from 'constructs';
import type { IRestoreDrillIntent } from '../../model/cluster-engine';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as cnpg from '../../../imports/postgresql.cnpg.io';
import { drillScript } from '../../model/drill-script';
import { DRILL_TEMPLATE_DIR, renderDrillJob } from '../drill-job';
import { exactMilliseconds } from '../../core/duration-size-checks';
import { RecoveryTarget } from '../../model/recovery';

import { labelsOf, objectStore, objectStoreSpec, serviceAccountTemplate } from './cnpg-archive';
import { recoveryBootstrap, recoveryExternalCluster } from './cnpg-recovery';
import { dnsEgress, endpointPort, kubernetesApiEgress, namespacedPeer, objectStoreEgress, tcp } from '../../model/policy-rules';
import { resourceRequirements } from '../../model/resources';

const TEMPLATE_DIR = DRILL_TEMPLATE_DIR;
/** Parameters a hot standby/recovery needs at least as high as on the source (PostgreSQL refuses to replay otherwise). */
const REPLAY_MINIMUMS = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];
/** Label on the temporary clusters: the drill deletes leftovers carrying it. */
export const DRILL_LABEL = 'ha-postgres.io/restore-drill';

/**
 * Renders a RestoreDrill for CloudNativePG. In the cluster's namespace (next to what it
 * proves, where alerts and readiness checks look): the CronJob, its ServiceAccount and
 * the script with the cluster template (ConfigMap). In the scratch namespace: the
 * read-only ObjectStore over the source archive and the only permissions (Role and
 * RoleBinding), so the drill cannot touch anything outside it.
 */
export function renderRestoreDrill(scope: Construct, drill: IRestoreDrillIntent): void {
  const ns = drill.scratchNamespace;
  const name = drill.cronJobName;
  const source = drill.cluster;
  const labels = { ...labelsOf(source.clusterName), 'app.kubernetes.io/component': 'restore-drill' };
  // In the scratch namespace, which drills of other namespaces may share: names and the
  // cleanup label carry the drill's own namespace (RestoreDrill.scratchName).
  const scratchName = drill.scratchName;
  const storeName = `${scratchName}-source`;
  const readySeconds = Math.round(exactMilliseconds(drill.readyTimeout) / 1000);
  const namePrefix = drill.temporaryClusterPrefix;

  objectStore(drill, 'ObjectStore', storeName, labels, () => {
    const archive = drill.archive;
    return archive
      ? objectStoreSpec(archive.destination, archive.credentials, undefined, archive.walMaxParallel, archive.sidecarResources)
      : { configuration: { destinationPath: 's3://missing-archive' } };
  }, ns);

  const clusterTemplate = (): string => {
    const archive = drill.archive;
    const i = source.intent;
    const parameters = source.postgresParameters();
    const replay = Object.fromEntries(REPLAY_MINIMUMS.filter((p) => parameters[p] !== undefined).map((p) => [p, parameters[p]]));
    const spec: cnpg.ClusterSpec = {
      instances: 1,
      imageName: i.imageName,
      enablePdb: false,
      enableSuperuserAccess: false,
      postgresql: { parameters: replay },
      storage: { size: i.storage.size.asString(), storageClass: i.storage.storageClass },
      walStorage: i.walStorage ? { size: i.walStorage.size.asString(), storageClass: i.walStorage.storageClass } : undefined,
      resources: resourceRequirements(i),
      // Only the IRSA role of the source archive; the restored cluster archives nothing.
      serviceAccountTemplate: serviceAccountTemplate(source),
      bootstrap: recoveryBootstrap(RecoveryTarget.latest(), i.credentials.database, i.credentials.owner),
      externalClusters: [recoveryExternalCluster(storeName, archive?.serverName ?? source.clusterName)],
    };
    return JSON.stringify({
      apiVersion: cnpg.Cluster.GVK.apiVersion,
      kind: cnpg.Cluster.GVK.kind,
      metadata: { name: '__DRILL_CLUSTER__', labels: { ...labels, [DRILL_LABEL]: scratchName } },
      spec: cnpg.toJson_ClusterSpec(spec),
    }, undefined, 2);
  };

  new k8s.KubeConfigMap(scope, 'Config', {
    metadata: { name, labels },
    data: {
      'drill.sh': Lazy.any({
        produce: () => drillScript({
          namespace: ns,
          namePrefix,
          clusterResource: 'clusters.postgresql.cnpg.io',
          drillLabel: `${DRILL_LABEL}=${scratchName}`,
          templatePath: `${TEMPLATE_DIR}/cluster.json`,
          readyTimeoutSeconds: readySeconds,
          database: source.databaseName,
          checks: drill.checks,
          postgresContainer: 'postgres',
          primaryJsonPath: '.status.currentPrimary',
        }),
      }) as any,
      'cluster.json': Lazy.any({ produce: clusterTemplate }) as any,
    },
  });

  renderScratchNetworkPolicy(drill, scratchName, labels);

  renderDrillJob(scope, drill, {
    name,
    scratchName,
    labels,
    readySeconds,
    rules: [
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      // kubectl exec reads the pod, then opens the exec stream (create on pods/exec).
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ],
  });
}

/**
 * The temporary clusters hold a copy of production data, so the scratch namespace gets the
 * same default deny as the source: its CloudNativePG pods (instances and the recovery job)
 * accept only the operator and each other, and reach only DNS, each other, the Kubernetes
 * API and the archive. The drill itself talks to them through `kubectl exec` (the API).
 */
function renderScratchNetworkPolicy(drill: IRestoreDrillIntent, name: string, labels: { [key: string]: string }): void {
  const settings = drill.cluster.connections.settings;
  if (!settings.enabled) return;
  const cnpgPods = { matchExpressions: [{ key: 'cnpg.io/cluster', operator: 'Exists' }] };
  const peerPorts = tcp(5432, 8000);
  new k8s.KubeNetworkPolicy(drill, 'NetworkPolicy', {
    metadata: { name, namespace: drill.scratchNamespace, labels },
    spec: {
      podSelector: cnpgPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: cnpgPods }], ports: peerPorts },
        { from: [namespacedPeer(settings.operatorNamespace, { 'app.kubernetes.io/name': 'cloudnative-pg' })], ports: peerPorts },
      ],
      egress: [
        dnsEgress(),
        { to: [{ podSelector: cnpgPods }], ports: peerPorts },
        kubernetesApiEgress(settings.kubernetesApiCidr),
        objectStoreEgress([endpointPort(drill.archive?.destination.endpoint)]),
      ],
    },
  });
}
