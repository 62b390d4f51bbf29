import type { Construct } from 'constructs';
import { DisruptionBudgetOwner } from '../../model/disruption';
import type { IClusterModel } from '../../model/cluster-engine';
import { createHash } from 'crypto';
import * as path from 'path';
import { ApiObject, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { instanceRoleArn, ROLE_ARN_ANNOTATION } from '../../model/archive-credentials';
import type { ResolvedVolume } from '../../model/cluster-intent';

import { renderLabelPodScript, renderPatroniConfig, renderPostBootstrapScript, PatroniConfigInput } from './patroni-config';
import { archiveEnv } from './patroni-archive';
import { PATRONI_LAYOUT as L } from './patroni-layout';
import { renderRestoreScript } from './patroni-recovery';
import { namedZonesAffinity, zoneSpread } from '../../model/placement-rules';
import { resourceRequirements } from '../../model/resources';

/** Names of the objects of a Patroni cluster named `name`. */
export function patroniObjectNames(name: string) {
  return {
    statefulSet: name,
    configMap: `${name}-patroni`,
    serviceAccount: `${name}-patroni`,
    members: `${name}-members`,
    /** Selector-less Service whose Endpoints are Patroni's leader lock (Kubernetes DCS). */
    leader: name,
    /** Selector-less headless Service that keeps Patroni's `<scope>-config` Endpoints alive. */
    config: `${name}-config`,
    pdb: `${name}-pdb`,
  };
}

/** Inputs of the workload besides the cluster's intent. */
export interface PatroniWorkloadInput extends PatroniConfigInput {
  readonly image: string;
  readonly credentialsSecretName: string;
  readonly userId: number;
  readonly endpoints: { readWrite: string; readOnly: string; any: string; appSecret: string };
}

/** Renders every Kubernetes object of a Patroni cluster as children of `cluster`. */
export function renderPatroniWorkload(scope: Construct, cluster: IClusterModel, input: PatroniWorkloadInput): void {
  const i = cluster.intent;
  const names = patroniObjectNames(i.name);
  const selector = input.instanceLabels;
  const labels = { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/instance': i.name };
  const kubernetesDcs = input.dcs.kind === 'kubernetes';

  const configData = (): { [key: string]: string } => {
    const data: { [key: string]: string } = {
      'patroni.yml': Yaml.stringify(renderPatroniConfig(cluster, input)),
      'post-bootstrap.sh': renderPostBootstrapScript(cluster),
    };
    if (!kubernetesDcs) data['label-pod.sh'] = renderLabelPodScript();
    if (cluster.bootstrap.isRecovery) data[path.basename(L.restoreScript)] = renderRestoreScript(cluster);
    return data;
  };
  // A raw ApiObject: the L1 would read the lazy data at construction time.
  new ApiObject(scope, 'Config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.configMap, labels },
    data: Lazy.any({ produce: configData }),
  });

  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: {
      name: names.serviceAccount,
      labels,
      // IRSA: the archive's or the recovery source's role, read when the manifest is produced
      // (a WalArchive is attached after the cluster renders); no annotation without one.
      annotations: { [ROLE_ARN_ANNOTATION]: Lazy.any({ produce: () => instanceRoleArn(cluster) }) },
    },
    automountServiceAccountToken: true,
  });
  // The least the DCS needs, in this namespace only (no ClusterRole: bypass_api_service is off).
  const rules: k8s.PolicyRule[] = kubernetesDcs
    ? [
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
    ]
    : [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }];
  new k8s.KubeRole(scope, 'Role', { metadata: { name: names.serviceAccount, labels }, rules });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: { name: names.serviceAccount, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.serviceAccount },
    subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount }],
  });

  const pgPort = { name: 'postgresql', port: L.postgresPort, targetPort: k8s.IntOrString.fromNumber(L.postgresPort) };
  const service = (id: string, name: string, spec: k8s.ServiceSpec) =>
    new k8s.KubeService(scope, id, { metadata: { name, labels }, spec });
  service('MembersService', names.members, {
    clusterIp: 'None', publishNotReadyAddresses: true, selector,
    ports: [pgPort, { name: 'patroni', port: L.restApiPort, targetPort: k8s.IntOrString.fromNumber(L.restApiPort) }],
  });
  if (kubernetesDcs) {
    service('LeaderService', names.leader, { ports: [pgPort] });
    service('ConfigService', names.config, { clusterIp: 'None' });
  }
  const role = (value: string) => ({ ...selector, [L.roleLabel]: value });
  service('ReadWriteService', input.endpoints.readWrite, { selector: role(input.version.leaderLabelValue), ports: [pgPort] });
  service('ReadOnlyService', input.endpoints.readOnly, { selector: role(L.followerLabelValue), ports: [pgPort] });
  service('AnyInstanceService', input.endpoints.any, { selector, ports: [pgPort] });

  new ApiObject(scope, 'Resource', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.statefulSet, labels },
    spec: Lazy.any({
      produce: () => {
        const checksum = createHash('sha256').update(JSON.stringify(configData())).digest('hex');
        const spec = k8s.toJson_StatefulSetSpec(statefulSetSpec(cluster, input, names, checksum));
        return cluster._applyOverrides({ spec }).spec;
      },
    }),
  });

  if (i.disruptionBudget?.owner === DisruptionBudgetOwner.LIBRARY) {
    new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
      metadata: { name: names.pdb, labels },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(i.disruptionBudget.minAvailableCount as number),
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}

function secretEnv(name: string, secret: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function claim(name: string, v: ResolvedVolume): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name },
    spec: {
      accessModes: [v.accessMode],
      storageClassName: v.storageClass,
      resources: { requests: { storage: k8s.Quantity.fromString(v.size.asString()) } },
    },
  };
}

function statefulSetSpec(cluster: IClusterModel, input: PatroniWorkloadInput, names: ReturnType<typeof patroniObjectNames>, checksum: string): k8s.StatefulSetSpec {
  const i = cluster.intent;
  const selector = input.instanceLabels;
  const secret = input.credentialsSecretName;
  const ttl = input.timing.ttl;
  const kubernetesDcs = input.dcs.kind === 'kubernetes';
  const ns = kubernetesDcs ? 'PATRONI_KUBERNETES_NAMESPACE' : 'POD_NAMESPACE';
  const ip = kubernetesDcs ? 'PATRONI_KUBERNETES_POD_IP' : 'POD_IP';
  const httpGet = (path: string) => ({ path, port: k8s.IntOrString.fromNumber(L.restApiPort), scheme: 'HTTP' });
  const volumeMounts: k8s.VolumeMount[] = [
    { name: 'data', mountPath: L.dataMount },
    { name: 'config', mountPath: L.configDir, readOnly: true },
    { name: 'run', mountPath: L.socketDir },
    { name: 'tmp', mountPath: L.tmpDir },
  ];
  if (i.walStorage) volumeMounts.splice(1, 0, { name: 'wal', mountPath: L.walMount });
  if (input.tlsSecretName) volumeMounts.push({ name: 'tls', mountPath: L.tlsDir, readOnly: true });

  return {
    serviceName: names.members,
    replicas: i.instances,
    // Parallel: with OrderedReady, a full restart whose former leader is not pod 0 would
    // wait forever for pod 0 to become ready, while only the former leader may lead.
    // (Rolling updates still replace one pod at a time.)
    podManagementPolicy: 'Parallel',
    // Patroni hands the leader lock over when the leader's pod stops (its synchronous
    // standby is promoted); see docs/guides/patroni.md for why this is not an operator switchover.
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    selector: { matchLabels: selector },
    template: {
      metadata: { labels: selector, annotations: { 'ha-postgres/config-sha256': checksum } },
      spec: {
        serviceAccountName: names.serviceAccount,
        // Time for a clean PostgreSQL shutdown, so the leader releases its lock.
        terminationGracePeriodSeconds: 60,
        enableServiceLinks: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: input.userId,
          runAsGroup: input.userId,
          fsGroup: input.userId,
          fsGroupChangePolicy: 'OnRootMismatch',
          seccompProfile: { type: 'RuntimeDefault' },
        },
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: i.nodeTopologyKey, labelSelector: { matchLabels: selector } }],
          },
          nodeAffinity: namedZonesAffinity(i),
        },
        topologySpreadConstraints: [zoneSpread(i, selector)],
        nodeSelector: i.nodeSelector,
        tolerations: i.tolerations?.map((t) => ({ ...t })),
        containers: [{
          name: L.container,
          image: i.imageName,
          command: ['patroni', L.configFile],
          ports: [
            { name: 'postgresql', containerPort: L.postgresPort, protocol: 'TCP' },
            { name: 'patroni', containerPort: L.restApiPort, protocol: 'TCP' },
          ],
          env: [
            fieldEnv('PATRONI_NAME', 'metadata.name'),
            // PATRONI_KUBERNETES_* variables would add a kubernetes DCS section, so the
            // etcd DCS gets neutral names.
            fieldEnv(ns, 'metadata.namespace'),
            fieldEnv(ip, 'status.podIP'),
            { name: 'PATRONI_POSTGRESQL_CONNECT_ADDRESS', value: `$(${ip}):${L.postgresPort}` },
            { name: 'PATRONI_RESTAPI_CONNECT_ADDRESS', value: `$(${ip}):${L.restApiPort}` },
            secretEnv('PATRONI_SUPERUSER_PASSWORD', secret, L.secretKeys.superuser),
            secretEnv('PATRONI_REPLICATION_PASSWORD', secret, L.secretKeys.replication),
            secretEnv('PATRONI_REWIND_PASSWORD', secret, L.secretKeys.rewind),
            secretEnv('PATRONI_RESTAPI_PASSWORD', secret, L.secretKeys.restApi),
            secretEnv('APP_PASSWORD', input.endpoints.appSecret, 'password'),
            // WalArchive and recovery source credentials (Secret references only) and regions.
            ...archiveEnv(cluster),
          ],
          readinessProbe: { httpGet: httpGet('/readiness'), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
          // /liveness fails once the HA loop has not run for ttl (leader) or 2 × ttl
          // (replica); the restart then comes after about 2 × ttl, never before the lock expires.
          livenessProbe: {
            httpGet: httpGet('/liveness'), initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5,
            failureThreshold: Math.max(3, Math.ceil((2 * ttl) / 10) + 1),
          },
          resources: resourceRequirements(i),
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts,
        }],
        volumes: [
          { name: 'config', configMap: { name: names.configMap, defaultMode: 0o444 } },
          { name: 'run', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
          // Owned by root, group fsGroup, mode 0440: PostgreSQL accepts a root-owned key file readable by its group.
          ...(input.tlsSecretName ? [{ name: 'tls', secret: { secretName: input.tlsSecretName, defaultMode: 0o440 } }] : []),
        ],
      },
    },
    volumeClaimTemplates: [
      claim('data', i.storage),
      ...(i.walStorage ? [claim('wal', i.walStorage)] : []),
    ],
  };
}
