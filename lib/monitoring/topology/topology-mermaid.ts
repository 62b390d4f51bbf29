import { renderTopologyIntent, TopologyIntent, TopologyVolume } from '../../model/topology-intent';

/**
 * A Mermaid flowchart of one CloudNativePG cluster, drawn from manifests (ours or
 * hand-written): zones, instances with their roles, volumes, services, poolers, the
 * WAL archive and the backup schedule.
 */
export function renderTopology(manifests: any[], namespace: string, clusterName: string): string {
  return renderTopologyIntent(topologyOfManifests(manifests, namespace, clusterName));
}

/** What the diagram draws, read from manifests (the same picture as from the intents). */
export function topologyOfManifests(manifests: any[], namespace: string, clusterName: string): TopologyIntent {
  const inNs = manifests.filter((m) => m && (m.metadata?.namespace ?? 'default') === namespace);
  const cluster = inNs.find((m) => m.kind === 'Cluster' && m.metadata?.name === clusterName);
  if (!cluster) throw new Error(`no Cluster ${namespace}/${clusterName} among the manifests`);
  const spec = cluster.spec ?? {};
  const sync: number = spec.postgresql?.synchronous?.number ?? spec.minSyncReplicas ?? 0;
  const zoneTopologyKey: string = spec.topologySpreadConstraints?.[0]?.topologyKey ?? 'topology.kubernetes.io/zone';
  const volume = (v: any): TopologyVolume => ({
    size: v.size ?? v.pvcTemplate?.resources?.requests?.storage ?? '?',
    storageClass: v.storageClass ?? v.pvcTemplate?.storageClassName,
  });
  return {
    namespace,
    clusterName,
    instances: spec.instances ?? 1,
    synchronousStandbys: sync,
    dataDurability: spec.postgresql?.synchronous?.dataDurability ?? (sync > 0 ? 'required' : ''),
    zoneTopologyKey,
    zones: spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
      ?.matchExpressions?.find((e: any) => e.key === zoneTopologyKey && e.operator === 'In')?.values,
    storage: volume(spec.storage ?? {}),
    walStorage: spec.walStorage ? volume(spec.walStorage) : undefined,
    pools: inNs.filter((m) => m.kind === 'Pooler' && m.spec?.cluster?.name === clusterName).map((p) => ({
      name: p.metadata.name, type: p.spec.type ?? 'rw', instances: p.spec.instances ?? 1, poolMode: p.spec.pgbouncer?.poolMode ?? 'session',
    })),
    archive: archiveOf(inNs, spec),
    backups: inNs.filter((m) => m.kind === 'ScheduledBackup' && m.spec?.cluster?.name === clusterName)
      .map((b) => ({ name: b.metadata.name, schedule: b.spec.schedule, suspend: b.spec.suspend === true })),
    drills: inNs.filter((m) => m.kind === 'CronJob' && /restore/.test(m.metadata?.name ?? '') && JSON.stringify(m).includes(clusterName))
      .map((cj) => ({ cronJobName: cj.metadata.name, schedule: cj.spec?.schedule, namespace })),
  };
}

/** The archive destination: the Barman Cloud plugin's ObjectStore, or in-tree barmanObjectStore. */
export function archiveOf(manifests: any[], clusterSpec: any): string | undefined {
  const plugin = (clusterSpec.plugins ?? []).find((p: any) => p.name === 'barman-cloud.cloudnative-pg.io' && p.isWALArchiver === true && p.enabled !== false);
  if (plugin) {
    const storeName = plugin.parameters?.barmanObjectName;
    const store = manifests.find((m) => m.kind === 'ObjectStore' && m.metadata?.name === storeName);
    return store?.spec?.configuration?.destinationPath
      ? `${store.spec.configuration.destinationPath} (ObjectStore ${storeName})` : `ObjectStore ${storeName}`;
  }
  return clusterSpec.backup?.barmanObjectStore?.destinationPath;
}
