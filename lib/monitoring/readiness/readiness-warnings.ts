import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { scheduledBackupsOf, restoreDrillsOf } from '../../model/backup-registry';
import type { HaPostgres } from '../../cluster/ha-postgres';
import { AppIndex, addSynthValidation } from '../../core/app-index';
import { SynthWarnings } from '../../core/synth-warnings';
import { ContainerResourcesFacts, evaluateIntentReadiness, ReadinessFacts } from '../../model/readiness-intent';
import { PgBouncerPool } from '../../pooler/pgbouncer-pool';
import { CHECKLIST } from './checklist';

/** Prefix of every readiness warning, so they can be told apart from other warnings. */
export const READINESS_WARNING_PREFIX = 'readiness:';

const ITEMS = new Map(CHECKLIST.map((d) => [d.id, d]));

/** The part of a ClusterMonitoring the checklist reads (no import of the class: it imports this module's callers). */
interface AlertSource { readonly alertRules: () => Array<{ readonly expr: string }> }

/**
 * At synth (validation) time, evaluates the production checklist for `cluster` from its
 * resolved intent and the constructs attached to it (archive, backups, drills, pools,
 * monitoring), and records a warning per failed item. No manifest is rendered. Validation
 * runs after the whole app is built, so constructs added after the cluster count.
 */
export function addReadinessWarnings(cluster: HaPostgres): void {
  // Once per synthesis: cdk8s re-validates the whole app for every chart.
  addSynthValidation(cluster, () => {
    const facts = readinessFacts(cluster);
    for (const v of facts ? evaluateIntentReadiness(facts) : []) {
      if (v.passed) continue;
      const item = ITEMS.get(v.id);
      SynthWarnings.addDuringValidation(cluster, `${READINESS_WARNING_PREFIX} ${item?.title ?? v.id}${item?.required === false ? ' (advisory)' : ''}: ${v.reason}`);
    }
    return [];
  });
}

/** The checklist's facts about `cluster`, or undefined when its engine has no checklist. @internal */
export function readinessFacts(cluster: HaPostgres): ReadinessFacts | undefined {
  const engine = cluster.engine.name.startsWith('CloudNativePG') ? 'CloudNativePG' : cluster.engine.name.startsWith('Patroni') ? 'Patroni' : undefined;
  if (!engine) return undefined;
  const cnpg = engine === 'CloudNativePG';
  const i = cluster.intent;
  const resources = (name: string, r: { cpuRequest: { amount: string }; cpuLimit: { amount: string }; memoryRequest: { asString(): string }; memoryLimit: { asString(): string } }): ContainerResourcesFacts =>
    ({ name, cpuRequest: r.cpuRequest.amount, cpuLimit: r.cpuLimit.amount, memoryRequest: r.memoryRequest.asString(), memoryLimit: r.memoryLimit.asString() });
  const archive = cluster.walArchive;
  const instanceContainers = cnpg ? [resources('bootstrap-controller', i), resources('postgres', i)] : [resources('patroni', i)];
  if (cnpg && archive) instanceContainers.push(resources('plugin-barman-cloud', archive.sidecarResources));
  // A cluster restored from an archive without one of its own: the plugin's sidecar takes no resources.
  else if (cnpg && cluster.bootstrap.isRecovery) instanceContainers.push({ name: 'plugin-barman-cloud' });
  const { pools, monitors } = attachments(cluster);
  const metrics = new Set<string>();
  for (const m of monitors.get(cluster) ?? []) for (const r of m.alertRules()) for (const name of r.expr.match(/\bcnpg_[a-z_]+/g) ?? []) metrics.add(name);
  return {
    engine,
    name: cluster.clusterName,
    namespace: Chart.of(cluster).namespace ?? 'default',
    instances: i.instances,
    highlyAvailable: i.highlyAvailable,
    synchronousStandbys: i.synchronousStandbys,
    dataDurability: i.dataDurability,
    failoverQuorum: i.failoverQuorum,
    parameters: cluster.postgresParameters(),
    zoneTopologyKey: i.zoneTopologyKey,
    zones: i.zones,
    nodeSelector: i.nodeSelector,
    storageSize: i.storage.size.asString(),
    walStorageSize: i.walStorage?.size.asString(),
    primaryUpdateMethod: i.primaryUpdateMethod,
    disruptionBudget: i.disruptionBudget && { owner: i.disruptionBudget.owner, minAvailable: i.disruptionBudget.minAvailableCount },
    instanceContainers,
    archive: archive && `${archive.destination.destinationPath} (ObjectStore ${archive.name})`,
    backups: scheduledBackupsOf(cluster).map((b) => ({ name: b.name, schedule: b.schedule.toCronWithSeconds(), suspend: b.suspend })),
    drills: restoreDrillsOf(cluster).map((d) => d.cronJobName),
    pools: (pools.get(cluster) ?? []).map((p) => ({
      name: p.poolName,
      poolMode: p.poolMode,
      containers: cnpg ? [resources('bootstrap-controller', p.intent), resources('pgbouncer', p.intent)] : [resources('pgbouncer', p.intent)],
    })),
    alertedMetrics: [...metrics].sort(),
  };
}

/** The pools and ClusterMonitorings of every cluster of the app: one walk per synthesis. */
function attachments(scope: IConstruct): { pools: Map<IConstruct, PgBouncerPool[]>; monitors: Map<IConstruct, AlertSource[]> } {
  const index = AppIndex.of(scope);
  return index.memo(index, 'readiness-attachments', () => {
    const pools = new Map<IConstruct, PgBouncerPool[]>();
    const monitors = new Map<IConstruct, AlertSource[]>();
    for (const c of index.constructs()) {
      if (c instanceof PgBouncerPool) push(pools, c.cluster, c);
      else if (isMonitoring(c)) push(monitors, (c as any).cluster, c as unknown as AlertSource);
    }
    return { pools, monitors };
  });
}

/** A ClusterMonitoring (tested by its shape: the class imports the cluster, which imports this file). */
function isMonitoring(c: IConstruct): boolean {
  return typeof (c as any).alertRules === 'function' && typeof (c as any).ruleName === 'string' && (c as any).cluster !== undefined;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
