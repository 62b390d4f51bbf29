
import type { IClusterModel, ISubscriptionIntent } from './cluster-engine';
import { addSynthValidation } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { SynthWarnings } from '../core/synth-warnings';

/**
 * What logical replication needs from the publisher and the subscriber clusters, checked at
 * synth time against the parameters they run with (user parameters, else the engine's
 * default, else PostgreSQL's). The counts follow the PostgreSQL documentation
 * ("Logical Replication → Configuration Settings"): each subscription holds one slot and one
 * WAL sender on the publisher and one apply worker on the subscriber, and during its initial
 * copy up to `max_sync_workers_per_subscription` more of each (temporary table
 * synchronization slots); a subscriber tracks one replication origin per worker. Below
 * what the apply workers (and standbys) need, a subscription cannot run: an error; below
 * the full count, table copies and parallel apply wait for free slots and retry: a warning.
 */

/** PostgreSQL's defaults (14 to 18) of the parameters checked here. */
export const POSTGRES_DEFAULTS: { [name: string]: string } = {
  wal_level: 'replica',
  max_wal_senders: '10',
  max_replication_slots: '10',
  max_logical_replication_workers: '4',
  max_sync_workers_per_subscription: '2',
  max_parallel_apply_workers_per_subscription: '2',
  max_worker_processes: '8',
  max_active_replication_origins: '10',
  max_slot_wal_keep_size: '-1',
};

/** A parameter's effective value and where it comes from (for messages). */
export interface EffectiveParameter {
  readonly value: string;
  /** True when the user set it (`parameters`), false for a default. */
  readonly userSet: boolean;
  /** "CloudNativePG 1.30 default", "PostgreSQL default", or "set in parameters". */
  readonly source: string;
}

/** The value `cluster` runs `name` with. */
export function effectiveParameter(cluster: IClusterModel, name: string): EffectiveParameter {
  const user = cluster.postgresParameters()[name];
  if (user !== undefined) return { value: user, userSet: true, source: 'set in parameters' };
  const engine = cluster.engine.parameterDefaults()[name];
  if (engine !== undefined) return { value: engine, userSet: false, source: `${cluster.engine.name} default` };
  return { value: POSTGRES_DEFAULTS[name] ?? '', userSet: false, source: 'PostgreSQL default' };
}

/**
 * Makes the publisher run with `wal_level = logical`: an error when the user set another
 * level (on the cluster's first Publication only: call it before the Publication is
 * registered); the parameter is added when the engine's default is not logical (Patroni).
 */
export function requireLogicalWalLevel(cluster: IClusterModel, errors: ConfigErrors): void {
  const level = effectiveParameter(cluster, 'wal_level');
  if (level.value.toLowerCase() === 'logical') return;
  if (level.userSet) {
    if (cluster.attachments.publications.length > 0) return; // the first Publication reports it
    errors.add('cluster.parameters.wal_level', level.value, `cluster ${cluster.clusterName} publishes for logical replication, which needs wal_level = logical`,
      'remove wal_level from the cluster\'s parameters (the library sets logical) or set it to "logical"');
    return;
  }
  cluster.addParameters({ wal_level: 'logical' }, 'Publication (logical replication)');
}

function intParameter(cluster: IClusterModel, name: string): { n: number | undefined; p: EffectiveParameter } {
  const p = effectiveParameter(cluster, name);
  const n = /^-?\d+$/.test(p.value.trim()) ? Number(p.value.trim()) : undefined;
  return { n, p };
}

/**
 * `name` must be at least `hard` (below it a subscription or a standby cannot run: an
 * error) and should be at least `recommended` (below it table copies and parallel apply
 * wait for one another and retry: a warning).
 */
function tooLow(errors: ConfigErrors, cluster: IClusterModel, name: string, hard: number, recommended: number, why: string): void {
  const { n, p } = intParameter(cluster, name);
  if (n === undefined || n >= recommended) return;
  const current = `${p.userSet ? 'it is set to' : `the ${p.source} is`} ${n}`;
  if (n < hard) {
    errors.add(`parameters.${name}`, p.value, `cluster ${cluster.clusterName} needs at least ${hard} (${why}); ${current}`,
      `set parameters.${name} to ${recommended} or more (a restart applies it)`);
  } else {
    SynthWarnings.addDuringValidation(cluster, `parameters.${name} = ${n}: ${recommended} recommended (${why}); with fewer, initial table copies${name.includes('worker') ? ' and parallel apply' : ''} wait for one another and retry.`);
  }
}

/** Workers (and so slots, senders, origins) a subscription uses at most: its apply worker plus the table-sync workers of its subscriber. */
export function workersPerSubscription(subscription: ISubscriptionIntent): number {
  const sync = intParameter(subscription.cluster, 'max_sync_workers_per_subscription').n ?? 2;
  return 1 + Math.max(0, sync);
}

function listSubscriptions(subs: readonly ISubscriptionIntent[]): string {
  const shown = subs.slice(0, 3).map((s) => `${s.subscriptionName} of cluster ${s.cluster.clusterName}`).join(', ');
  return subs.length > 3 ? `${shown} and ${subs.length - 3} more` : shown;
}

/**
 * Errors about the publisher `cluster`: bounded slots, replication slots and WAL
 * senders for its standbys and every Subscription of this app that reads from it.
 */
export function publisherRequirementErrors(cluster: IClusterModel): string[] {
  const errors = new ConfigErrors();
  // wal_level: each Publication reports a user-set level other than logical (requireLogicalWalLevel)
  const keep = effectiveParameter(cluster, 'max_slot_wal_keep_size');
  if (keep.value.trim() === '-1') {
    errors.add('maxSlotWalKeepSize', 'undefined', `cluster ${cluster.clusterName} publishes for logical replication, and without a bound a subscriber that stops consuming keeps WAL until the volume fills and the primary stops`,
      'set maxSlotWalKeepSize on the cluster (e.g. Size.gibibytes(10), below the WAL volume); a subscriber that falls further behind loses its slot and must be re-synchronized');
  }
  const standbys = cluster.intent.highlyAvailable ? cluster.intent.instances - 1 : 0;
  const subs = cluster.attachments.subscribers;
  const apply = Math.max(subs.length, 1);
  const perSub = Math.max(subs.reduce((sum, s) => sum + workersPerSubscription(s), 0), 1);
  const subsWhy = subs.length > 0
    ? `${subs.length} subscription(s), ${perSub} with their table-sync workers (${listSubscriptions(subs)})`
    : '1 for a subscriber';
  tooLow(errors, cluster, 'max_replication_slots', standbys + apply, standbys + perSub, `${standbys} for the standbys and ${subsWhy}`);
  tooLow(errors, cluster, 'max_wal_senders', standbys + apply, standbys + 1 + perSub, `${standbys} for the standbys, 1 for a standby being re-cloned and ${subsWhy}`);
  return errors.messages;
}

/**
 * Errors about the subscriber `cluster`: logical replication workers, background worker
 * processes and replication origins for its subscriptions.
 */
export function subscriberRequirementErrors(cluster: IClusterModel): string[] {
  const errors = new ConfigErrors();
  const subs = cluster.attachments.subscriptions;
  if (subs.length === 0) return [];
  let workers = 0;
  let origins = 0;
  for (const s of subs) {
    const w = workersPerSubscription(s);
    origins += w;
    workers += w + (s.parallelApply ? intParameter(cluster, 'max_parallel_apply_workers_per_subscription').n ?? 2 : 0);
  }
  const why = `one apply worker per subscription, ${workers} with their table-sync${subs.some((s) => s.parallelApply) ? ' and parallel apply' : ''} workers: ${listSubscriptions(subs)}`;
  tooLow(errors, cluster, 'max_logical_replication_workers', subs.length, workers, why);
  const maxWorkers = intParameter(cluster, 'max_logical_replication_workers').n ?? workers;
  tooLow(errors, cluster, 'max_worker_processes', subs.length + 1, Math.max(workers, maxWorkers) + 1, `the logical replication workers (max_logical_replication_workers = ${maxWorkers}) plus the launcher`);
  if (cluster.intent.version.major >= 18) {
    tooLow(errors, cluster, 'max_active_replication_origins', subs.length, origins, `one replication origin per apply and table-sync worker: ${why}`);
  } else {
    tooLow(errors, cluster, 'max_replication_slots', subs.length, origins, `before PostgreSQL 18 it also bounds the replication origins, one per apply and table-sync worker: ${why}`);
  }
  return errors.messages;
}

const CHECKED = new WeakMap<IClusterModel, Set<string>>();

/** Adds `check` as a validation of `cluster` once per `kind` (several publications share one publisher check). */
export function validateClusterOnce(cluster: IClusterModel, kind: string, check: () => string[]): void {
  let kinds = CHECKED.get(cluster);
  if (!kinds) { kinds = new Set(); CHECKED.set(cluster, kinds); }
  if (kinds.has(kind)) return;
  kinds.add(kind);
  addSynthValidation(cluster, check);
}
