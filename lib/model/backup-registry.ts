import type { IRestoreDrillIntent, IScheduledBackupIntent } from './cluster-engine';
import type { IConstruct } from 'constructs';

/**
 * ScheduledBackups and RestoreDrills per cluster, registered by their constructors, so
 * monitoring finds them without scanning the app (they may live in other scopes than the
 * cluster). Type-only imports: no import cycle with the constructs.
 */
const BACKUPS = new WeakMap<IConstruct, IScheduledBackupIntent[]>();
const DRILLS = new WeakMap<IConstruct, IRestoreDrillIntent[]>();

function add<T>(registry: WeakMap<IConstruct, T[]>, cluster: IConstruct, item: T): void {
  const list = registry.get(cluster);
  if (list) list.push(item);
  else registry.set(cluster, [item]);
}

/** Called by ScheduledBackup's constructor, with the cluster of its archive. */
export function registerScheduledBackup(cluster: IConstruct, backup: IScheduledBackupIntent): void {
  add(BACKUPS, cluster, backup);
}

/** Called by RestoreDrill's constructor. */
export function registerRestoreDrill(cluster: IConstruct, drill: IRestoreDrillIntent): void {
  add(DRILLS, cluster, drill);
}

/** The ScheduledBackups of `cluster` (suspended ones included), in creation order. */
export function scheduledBackupsOf(cluster: IConstruct): readonly IScheduledBackupIntent[] {
  return BACKUPS.get(cluster) ?? [];
}

/** The RestoreDrills of `cluster`, in creation order. */
export function restoreDrillsOf(cluster: IConstruct): readonly IRestoreDrillIntent[] {
  return DRILLS.get(cluster) ?? [];
}
