import type { Construct } from 'constructs';
import type { IPoolerIntent } from '../../model/cluster-engine';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as cnpg from '../../../imports/postgresql.cnpg.io';

import { PoolType } from '../../model/pool-mode';
import type { PoolerEndpoint } from '../../model/cluster-engine';
import { namedZonesAffinity, zoneSpread } from '../../model/placement-rules';
import { resourceRequirements } from '../../model/resources';

/** The port of the Service CloudNativePG creates for a Pooler (port name `pgbouncer`). */
const POOLER_PORT = 5432;

/** Labels CloudNativePG puts on every pod of the Pooler `name` (and no other pod). */
export function poolerPodLabels(name: string): { [key: string]: string } {
  return { 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler' };
}

/**
 * Renders a PgBouncerPool as a CloudNativePG `Pooler` (id `Resource`) and, unless the
 * pool has a single pod, a PodDisruptionBudget over its pods (id `DisruptionBudget`):
 * the operator gives poolers neither a budget nor anti-affinity.
 */
export function renderCnpgPooler(scope: Construct, pool: IPoolerIntent): PoolerEndpoint {
  const i = pool.intent;
  const labels = { 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': i.name, 'app.kubernetes.io/part-of': i.clusterName };

  // A raw ApiObject: the generated L1 class drops fields it does not know.
  new ApiObject(scope, 'Resource', {
    apiVersion: cnpg.Pooler.GVK.apiVersion,
    kind: cnpg.Pooler.GVK.kind,
    metadata: { name: i.name, labels },
    spec: Lazy.any({ produce: () => cnpg.toJson_PoolerSpec(poolerSpec(pool, labels)) }),
  });

  if (i.disruptionBudgetMinAvailable !== undefined) {
    // Selects this pooler's pods only (poolerName + podRole): never instance pods, nor
    // another pool's, so no pod is ever under two budgets.
    new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
      metadata: { name: i.name, labels },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(i.disruptionBudgetMinAvailable),
        selector: { matchLabels: poolerPodLabels(i.name) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
  return { serviceName: i.name, port: POOLER_PORT };
}

/**
 * What the template sets on a Pooler container (pgbouncer, and the operator's
 * bootstrap-controller init container): the restricted security context and the pool's
 * resources.
 */
function restrictedWithResources(i: IPoolerIntent['intent']): Pick<cnpg.PoolerSpecTemplateSpecContainers, 'securityContext' | 'resources'> {
  return {
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
    resources: resourceRequirements(i),
  };
}

function poolerSpec(pool: IPoolerIntent, labels: { [key: string]: string }): cnpg.PoolerSpec {
  const i = pool.intent;
  const selector = { matchLabels: { 'cnpg.io/poolerName': i.name } };
  return {
    cluster: { name: i.clusterName },
    type: i.type === PoolType.READ_ONLY ? cnpg.PoolerSpecType.RO : cnpg.PoolerSpecType.RW,
    instances: i.instances,
    pgbouncer: {
      poolMode: i.poolMode as string as cnpg.PoolerSpecPgbouncerPoolMode,
      parameters: pool.pgbouncerParameters(),
    },
    // A new pod is up before an old one goes: capacity never drops during a rollout.
    deploymentStrategy: {
      type: 'RollingUpdate',
      rollingUpdate: {
        maxSurge: cnpg.PoolerSpecDeploymentStrategyRollingUpdateMaxSurge.fromNumber(1),
        maxUnavailable: cnpg.PoolerSpecDeploymentStrategyRollingUpdateMaxUnavailable.fromNumber(0),
      },
    },
    template: {
      metadata: { labels },
      spec: {
        // Pod Security Standard "restricted", explicit: the operator's defaults comply, and
        // stating it here keeps it true (and checkable) whatever the operator version.
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        // `pgbouncer` overrides fields of the operator's default container (image etc. stay the operator's).
        containers: [{ name: 'pgbouncer', ...restrictedWithResources(i) }],
        // The operator adds a `bootstrap-controller` init container that copies its manager
        // binary; it keeps the resources given here, and otherwise takes the template's
        // pod-level resources, i.e. none, which makes every PgBouncer pod Burstable
        // (pkg/specs/pgbouncer/deployments.go, cloudnative-pg#8393, #10412). The pool's own
        // resources (requests equal to limits) keep the pods Guaranteed without raising
        // what they reserve: init containers run before pgbouncer, not beside it.
        initContainers: [{ name: 'bootstrap-controller', ...restrictedWithResources(i) }],
        // Zones: strict (a zone outage leaves the other pods). Nodes: preferred, because
        // zone spreading already separates 2 pods whenever there are 2 zones, and a
        // required rule would block the surge pod of a rollout on small node pools.
        topologySpreadConstraints: [zoneSpread(i, selector.matchLabels)],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{
              weight: 100,
              podAffinityTerm: { topologyKey: i.nodeTopologyKey, labelSelector: selector },
            }],
          },
          nodeAffinity: namedZonesAffinity(i),
        },
      },
    },
  };
}
