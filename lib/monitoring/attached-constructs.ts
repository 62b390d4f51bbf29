import { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { RestoreDrill } from '../backup/restore-drill';
import { ScheduledBackup } from '../backup/scheduled-backup';
import type { HaPostgres } from '../cluster/ha-postgres';
import { AppIndex } from '../core/app-index';
import { poolsCreatedSoFar } from '../pooler/pool-registry';

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
 * Scans the whole app for backups and drills (they may live in other scopes than the
 * cluster), once per synthesis; pools register with their cluster when created.
 */
export function attachedConstructs(cluster: HaPostgres): AttachedConstructs {
  const index = AppIndex.of(cluster);
  const all = index.memo(index, 'attached-constructs', () => scanApp(index.constructs()));
  return { ...all.get(cluster), poolers: [...poolsCreatedSoFar(cluster)] };
}

function scanApp(constructs: IConstruct[]): Map<HaPostgres, Omit<AttachedConstructs, 'poolers'>> {
  const found = new Map<HaPostgres, { backupPeriod?: Duration; drill?: AttachedConstructs['drill'] }>();
  const of = (cluster: HaPostgres) => {
    if (!found.has(cluster)) found.set(cluster, {});
    return found.get(cluster) as { backupPeriod?: Duration; drill?: AttachedConstructs['drill'] };
  };
  for (const c of constructs) {
    if (c instanceof ScheduledBackup && !c.suspend) {
      const entry = of(c.archive.cluster);
      const p = c.schedule.period;
      if (!entry.backupPeriod || p.toSeconds() < entry.backupPeriod.toSeconds()) entry.backupPeriod = p;
    } else if (c instanceof RestoreDrill) {
      const entry = of(c.cluster);
      if (!entry.drill) entry.drill = { cronJobName: c.cronJobName, namespace: c.namespace, period: c.period };
    }
  }
  return found;
}
