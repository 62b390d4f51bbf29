import { Duration } from 'cdk8s';
import { RestoreDrill } from '../backup/restore-drill';
import { ScheduledBackup } from '../backup/scheduled-backup';
import type { HaPostgres } from '../cluster/ha-postgres';
import { PgBouncerPool } from '../pooler/pgbouncer-pool';

/** The backup, drill and pooler constructs of one cluster, found in its app at synth time. */
export interface AttachedConstructs {
  /** Shortest period among the cluster's active ScheduledBackups, if any. */
  readonly backupPeriod?: Duration;
  /** The cluster's RestoreDrill, if any (the first one). */
  readonly drill?: { readonly cronJobName: string; readonly namespace: string; readonly period: Duration };
  /** Names of the cluster's PgBouncerPools. */
  readonly poolers: string[];
}

/** Scans the whole app: the constructs may live in other scopes than the cluster. */
export function attachedConstructs(cluster: HaPostgres): AttachedConstructs {
  let backupPeriod: Duration | undefined;
  let drill: AttachedConstructs['drill'];
  const poolers: string[] = [];
  for (const c of cluster.node.root.node.findAll()) {
    if (c instanceof ScheduledBackup && c.archive.cluster === cluster && !c.suspend) {
      const p = c.schedule.period;
      if (!backupPeriod || p.toSeconds() < backupPeriod.toSeconds()) backupPeriod = p;
    } else if (c instanceof RestoreDrill && c.cluster === cluster && !drill) {
      drill = { cronJobName: c.cronJobName, namespace: c.namespace, period: c.period };
    } else if (c instanceof PgBouncerPool && c.cluster === cluster) {
      poolers.push(c.poolName);
    }
  }
  return { backupPeriod, drill, poolers };
}
