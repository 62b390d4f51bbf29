import { Chart } from 'cdk8s';
import type { HaPostgres } from '../../cluster/ha-postgres';
import { AppIndex } from '../../core/app-index';
import { SynthWarnings } from '../../core/synth-warnings';
import { evaluateCluster, ReadinessItem } from './checklist';

/** Prefix of every readiness warning, so they can be told apart from other warnings. */
export const READINESS_WARNING_PREFIX = 'readiness:';

/** The warning text of a failed checklist item. */
function readinessWarning(item: ReadinessItem): string {
  return `${READINESS_WARNING_PREFIX} ${item.title}${item.required ? '' : ' (advisory)'}: ${item.reason}`;
}

/**
 * At synth (validation) time, evaluates the production checklist for `cluster` over
 * every manifest of its namespace, and records a warning per failed item. Validation runs
 * after the whole app is built, so constructs added after the cluster count.
 */
export function addReadinessWarnings(cluster: HaPostgres): void {
  cluster.node.addValidation({
    validate: () => {
      const index = AppIndex.of(cluster);
      // Once per synthesis: cdk8s re-validates the whole app for every chart.
      const report = index.memo(cluster, 'readiness', () => {
        const namespace = Chart.of(cluster).namespace ?? 'default';
        try {
          // Zones are what the cluster's placement names them by (a custom zoneTopologyKey counts).
          return evaluateCluster(index.manifestsIn(namespace), namespace, cluster.clusterName, { zoneTopologyKeys: [cluster.intent.zoneTopologyKey] });
        } catch {
          // an invalid app reports its own errors, and a cluster without a CloudNativePG
          // Cluster manifest (another engine) has nothing to check: no warnings
          return undefined;
        }
      });
      if (!report) return [];
      for (const item of report.items) {
        const message = readinessWarning(item);
        if (item.passed) continue;
        SynthWarnings.addDuringValidation(cluster, message);
      }
      return [];
    },
  });
}
