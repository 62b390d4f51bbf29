/**
 * The synth-time production-readiness checklist of one cluster: its facts gathered from the
 * cluster model and its attachment registry (archive, backups, drills, pools, monitoring),
 * evaluated by readiness-intent.ts. HaPostgres registers it as a validation; no manifest is
 * rendered and no app is scanned. Which items apply and which containers an engine's pods run
 * come from the engine's `readinessProfile()`.
 */
import { Chart } from 'cdk8s';
import type { IClusterModel } from './cluster-engine';
import { ContainerResourcesFacts, defaultChecklistItems, evaluateIntentReadiness, READINESS_ITEM_INFO, ReadinessFacts } from './readiness-intent';
import { DisruptionBudgetOwner } from './disruption';

/** Prefix of every readiness warning, so they can be told apart from other warnings. */
export const READINESS_WARNING_PREFIX = 'readiness:';

interface ResourcesLike {
  readonly cpuRequest: { readonly amount: string };
  readonly cpuLimit: { readonly amount: string };
  readonly memoryRequest: { asString(): string };
  readonly memoryLimit: { asString(): string };
}

function resources(name: string, r: ResourcesLike): ContainerResourcesFacts {
  return { name, cpuRequest: r.cpuRequest.amount, cpuLimit: r.cpuLimit.amount, memoryRequest: r.memoryRequest.asString(), memoryLimit: r.memoryLimit.asString() };
}

/** The checklist's facts about `cluster`, or undefined when its engine has no synth-time checklist. */
export function readinessFacts(cluster: IClusterModel): ReadinessFacts | undefined {
  const profile = cluster.engine.readinessProfile();
  if (!profile.instanceContainers) return undefined;
  const i = cluster.intent;
  const attached = cluster.attachments;
  const archive = attached.archive;
  const instanceContainers = profile.instanceContainers.map((name) => resources(name, i));
  const sidecar = profile.archiveSidecarContainer;
  instanceContainers.push(...(profile.engineInstanceContainers ?? []));
  if (sidecar && archive) instanceContainers.push(resources(sidecar, archive.sidecarResources));
  if (archive) instanceContainers.push(...(profile.engineArchiveContainers ?? []));
  // A cluster restored from an archive without one of its own: the sidecar takes no resources.
  else if (sidecar && cluster.bootstrap.isRecovery) instanceContainers.push({ name: sidecar });
  const metrics = new Set<string>();
  for (const m of attached.monitoring) for (const name of m.alertedMetrics()) metrics.add(name);
  const budget = i.disruptionBudget;
  const operatorOneBudget = budget?.owner === DisruptionBudgetOwner.OPERATOR && profile.operatorBudgetMinAvailable !== undefined;
  return {
    items: profile.checklistItems ?? defaultChecklistItems(profile.operatorChecklist),
    kind: profile.mainManifestKind.split(' ').pop() ?? profile.mainManifestKind,
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
    disruptionBudget: budget && (operatorOneBudget
      ? { owner: budget.owner, minAvailable: profile.operatorBudgetMinAvailable, operatorOneBudget: `${cluster.clusterName} [operator, minAvailable ${profile.operatorBudgetMinAvailable}]` }
      : { owner: budget.owner, minAvailable: budget.minAvailableCount }),
    instanceContainers,
    archive: archive && `${archive.destination.destinationPath} (ObjectStore ${archive.name})`,
    backups: [
      ...attached.scheduledBackups.map((b) => ({ name: b.name, schedule: b.schedule.toCronWithSeconds(), suspend: b.suspend, full: true })),
      // The engine's own backups go to the archive's repository: none without one.
      ...(archive ? profile.engineBackups ?? [] : []).map((b) => ({ name: b.name, schedule: b.schedule, suspend: false, full: b.full })),
    ],
    drills: attached.restoreDrills.map((d) => d.cronJobName),
    pools: attached.pools.map((p) => ({
      name: p.intent.name,
      poolMode: p.intent.poolMode,
      containers: [...(profile.poolerContainers ?? []).map((name) => resources(name, p.intent)), ...(profile.enginePoolerContainers ?? [])],
    })),
    alertedMetrics: [...metrics].sort(),
  };
}

/** The readiness warnings of `cluster` (one per failed item), or none when its engine has no synth-time checklist. */
export function readinessWarnings(cluster: IClusterModel): string[] {
  const facts = readinessFacts(cluster);
  if (!facts) return [];
  return evaluateIntentReadiness(facts).filter((v) => !v.passed).map((v) => {
    const item = READINESS_ITEM_INFO[v.id];
    return `${READINESS_WARNING_PREFIX} ${item?.title ?? v.id}${item?.required === false ? ' (advisory)' : ''}: ${v.reason}`;
  });
}
