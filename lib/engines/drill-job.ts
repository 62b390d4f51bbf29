import type { Construct } from 'constructs';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { IRestoreDrillIntent } from '../model/cluster-engine';
import { scriptPodSpec } from '../core/script-pod';

/** Where a drill's ConfigMap (script and cluster template) is mounted in its pod. */
export const DRILL_TEMPLATE_DIR = '/etc/restore-drill';

/** What differs between the engines' restore drills around the shared CronJob. */
export interface DrillJobOptions {
  /** Name of the CronJob, its ServiceAccount and ConfigMap (in the cluster's namespace). */
  readonly name: string;
  /** Name of the Role and RoleBinding in the scratch namespace. */
  readonly scratchName: string;
  readonly labels: { [key: string]: string };
  /** Seconds the drill waits for the temporary cluster to be ready. */
  readonly readySeconds: number;
  /** The only permissions in the scratch namespace: the operator's cluster resource, pods and exec. */
  readonly rules: k8s.PolicyRule[];
}

/**
 * The part of a restore drill every engine shares: the ServiceAccount, the Role and
 * RoleBinding in the scratch namespace (nothing else may be touched), and the CronJob that
 * runs `drill.sh` from the drill's ConfigMap (UTC, never two at once, bounded run time).
 */
export function renderDrillJob(scope: Construct, drill: IRestoreDrillIntent, o: DrillJobOptions): void {
  const ns = drill.scratchNamespace;
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name: o.name, labels: o.labels } });
  new k8s.KubeRole(scope, 'Role', { metadata: { name: o.scratchName, namespace: ns, labels: o.labels }, rules: o.rules });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: { name: o.scratchName, namespace: ns, labels: o.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.scratchName },
    subjects: [{ kind: 'ServiceAccount', name: o.name, namespace: drill.namespace }],
  });

  new k8s.KubeCronJob(scope, 'Resource', {
    metadata: { name: o.name, labels: o.labels },
    spec: {
      schedule: Lazy.any({ produce: () => drill.schedule.toCron() }) as any,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: o.labels },
        spec: {
          backoffLimit: 0,
          // Bounded: the restore wait, plus time to create, find the primary, verify and delete.
          activeDeadlineSeconds: o.readySeconds + 1800,
          template: {
            metadata: { labels: o.labels },
            spec: scriptPodSpec({
              serviceAccountName: o.name,
              containerName: 'drill',
              image: drill.image,
              command: ['/bin/bash', `${DRILL_TEMPLATE_DIR}/drill.sh`],
              configMapName: o.name,
              scriptDir: DRILL_TEMPLATE_DIR,
              scriptVolumeName: 'drill',
            }),
          },
        },
      },
    },
  });
}
