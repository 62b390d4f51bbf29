import { Duration } from 'cdk8s';
import type { HaPostgres } from '../cluster/ha-postgres';

/** The backup, drill and pooler constructs of one cluster, found in its app at synth time. */
export interface AttachedConstructs {
  /** Shortest period among the cluster's active ScheduledBackups, if any. */
  readonly backupPeriod?: Duration;
  /** The cluster's RestoreDrill, if any (the first one). */
  readonly drill?: { readonly cronJobName: string; readonly namespace: string; readonly period: Duration };
  /** Names of the cluster's PgBouncerPools. */
  readonly poolers: string[];
}

/**
 * The cluster's backups, drill and pools, from the registries their constructors fill
 * (they may live in other scopes than the cluster): no scan of the app.
 */
export function attachedConstructs(cluster: HaPostgres): AttachedConstructs {
  let backupPeriod: Duration | undefined;
  for (const b of cluster.attachments.scheduledBackups) {
    if (b.suspend) continue;
    const p = b.schedule.period;
    if (!backupPeriod || p.toSeconds() < backupPeriod.toSeconds()) backupPeriod = p;
  }
  const first = cluster.attachments.restoreDrills[0];
  const drill = first && { cronJobName: first.cronJobName, namespace: first.namespace, period: first.period };
  const found: { backupPeriod?: Duration; drill?: AttachedConstructs['drill'] } = {};
  if (backupPeriod) found.backupPeriod = backupPeriod;
  if (drill) found.drill = drill;
  return { ...found, poolers: cluster.attachments.pools.map((p) => p.intent.name) };
}
