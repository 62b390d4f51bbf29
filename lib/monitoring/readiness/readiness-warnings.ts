import { ApiObject, Chart } from 'cdk8s';
import type { HaPostgres } from '../../cluster/ha-postgres';
import { SynthWarnings } from '../../core/synth-warnings';
import { evaluateCluster, ReadinessItem } from './checklist';

/** Prefix of every readiness warning, so they can be told apart from other warnings. */
export const READINESS_WARNING_PREFIX = 'readiness:';

/** The warning text of a failed checklist item. */
export function readinessWarning(item: ReadinessItem): string {
  return `${READINESS_WARNING_PREFIX} ${item.title}${item.required ? '' : ' (advisory)'}: ${item.reason}`;
}

/**
 * At synth (validation) time, evaluates the production checklist for `cluster` over
 * every manifest of its app, and records a warning per failed item. Validation runs
 * after the whole app is built, so constructs added after the cluster count.
 */
export function addReadinessWarnings(cluster: HaPostgres): void {
  const recorded = new Set<string>();
  cluster.node.addValidation({
    validate: () => {
      let manifests: any[];
      try {
        manifests = cluster.node.root.node.findAll()
          .filter((c): c is ApiObject => c instanceof ApiObject)
          .map((o) => o.toJson());
      } catch {
        return []; // an invalid app reports its own errors; warnings would add noise
      }
      let report;
      try {
        report = evaluateCluster(manifests, Chart.of(cluster).namespace ?? 'default', cluster.clusterName);
      } catch {
        return []; // no CloudNativePG Cluster manifest (another engine): nothing to check
      }
      for (const item of report.items) {
        const message = readinessWarning(item);
        if (item.passed || recorded.has(message)) continue;
        recorded.add(message);
        SynthWarnings.add(cluster, message);
      }
      return [];
    },
  });
}
