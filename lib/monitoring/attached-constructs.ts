import { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { RestoreDrill } from '../backup/restore-drill';
import { ScheduledBackup } from '../backup/scheduled-backup';
import type { HaPostgres } from '../cluster/ha-postgres';
import { AppIndex } from '../core/app-index';
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

/** Scans the whole app (the constructs may live in other scopes than the cluster), once per synthesis. */
export function attachedConstructs(cluster: HaPostgres): AttachedConstructs {
  const index = AppIndex.of(cluster);
  const all = index.memo(index, 'attached-constructs', () => scanApp(index.constructs()));
  return all.get(cluster) ?? { poolers: [] };
}

function scanApp(constructs: IConstruct[]): Map<HaPostgres, AttachedConstructs> {
  const found = new Map<HaPostgres, { backupPeriod?: Duration; drill?: AttachedConstructs['drill']; poolers: string[] }>();
  const of = (cluster: HaPostgres) => {
    if (!found.has(cluster)) found.set(cluster, { poolers: [] });
    return found.get(cluster) as { backupPeriod?: Duration; drill?: AttachedConstructs['drill']; poolers: string[] };
  };
  for (const c of constructs) {
    if (c instanceof ScheduledBackup && !c.suspend) {
      const entry = of(c.archive.cluster);
      const p = c.schedule.period;
      if (!entry.backupPeriod || p.toSeconds() < entry.backupPeriod.toSeconds()) entry.backupPeriod = p;
    } else if (c instanceof RestoreDrill) {
      const entry = of(c.cluster);
      if (!entry.drill) entry.drill = { cronJobName: c.cronJobName, namespace: c.namespace, period: c.period };
    } else if (c instanceof PgBouncerPool) {
      of(c.cluster).poolers.push(c.poolName);
    }
  }
  return found;
}
