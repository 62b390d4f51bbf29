import { archiveOf } from '../topology/topology-mermaid';
import { describeContainers, modelPdbs, modelPods, podQos, podResourcesOf, selects } from './pod-model';
import { longestCronGapSeconds } from '../../core/cron';

/** The result of one checklist item for one cluster. */
export interface ReadinessItem {
  /** Stable identifier, e.g. `zone-spread`. */
  readonly id: string;
  /** What production needs, e.g. "3 instances across 3 zones". */
  readonly title: string;
  /** A failing required item makes the `check` command exit 1; advisory items only report. */
  readonly required: boolean;
  readonly passed: boolean;
  /** Why it passed or failed, with the values read. */
  readonly reason: string;
}

/** The checklist of one cluster (a CloudNativePG Cluster, or a Patroni StatefulSet). */
export interface ReadinessReport {
  readonly namespace: string;
  readonly cluster: string;
  /** `CloudNativePG` or `Patroni`: a Patroni cluster gets the items that apply to it (pod QoS). */
  readonly engine: string;
  readonly items: ReadinessItem[];
}

const CNPG = 'postgresql.cnpg.io/v1';
const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const DAY = 86_400;

interface Ctx {
  readonly all: any[];
  /** Manifests of the cluster's namespace. */
  readonly ns: any[];
  readonly namespace: string;
  readonly name: string;
  /** The Cluster manifest (CloudNativePG) or the StatefulSet (Patroni). */
  readonly cluster: any;
  readonly spec: any;
}

type Check = (c: Ctx) => [boolean, string];

interface ItemDef { id: string; title: string; required: boolean; check: Check }

/** The production checklist, in report order. */
export const CHECKLIST: ReadonlyArray<ItemDef> = [
  { id: 'instances-zones', title: '3 instances across 3 zones', required: true, check: instancesAndZones },
  { id: 'sync-standby', title: 'a synchronous standby with RPO 0', required: true, check: syncStandby },
  { id: 'slots-bounded', title: 'replication slots bounded', required: true, check: slotsBounded },
  { id: 'slots-monitored', title: 'replication slots monitored', required: false, check: (c) => alerting(c, ['cnpg_pg_replication_slots_']) },
  { id: 'pooler-transaction', title: 'PgBouncer in transaction mode', required: false, check: poolerTransaction },
  { id: 'wal-archiving', title: 'continuous WAL archiving', required: true, check: walArchiving },
  { id: 'daily-backup', title: 'a daily base backup', required: true, check: dailyBackup },
  { id: 'restore-test', title: 'a restore test', required: false, check: restoreTest },
  { id: 'lag-alerts', title: 'replication lag alerts', required: false, check: (c) => alerting(c, ['cnpg_pg_replication_lag']) },
  { id: 'pdb', title: 'PDB minAvailable 2 with no overlap', required: true, check: disruptionBudget },
  { id: 'switchover-updates', title: 'switchover on updates', required: true, check: switchover },
  { id: 'instance-qos', title: 'instance pods in the Guaranteed QoS class', required: true, check: instanceQos },
  { id: 'pooler-qos', title: 'PgBouncer pods in the Guaranteed QoS class', required: true, check: poolerQos },
];

/**
 * The items that apply to a Patroni cluster (the library's Patroni engine: a StatefulSet
 * running `patroni`, and pgbouncer Deployments labelled `app.kubernetes.io/part-of: <cluster>`).
 */
export const PATRONI_CHECKLIST: ReadonlyArray<ItemDef> = [
  { id: 'instance-qos', title: 'instance pods in the Guaranteed QoS class', required: true, check: patroniInstanceQos },
  { id: 'pooler-qos', title: 'PgBouncer pods in the Guaranteed QoS class', required: true, check: patroniPoolerQos },
];

const PATRONI = 'Patroni';
const CLOUDNATIVE_PG = 'CloudNativePG';

/** Whether `m` is the StatefulSet of a Patroni cluster (labelled so by the library, or running `patroni`). */
function isPatroniStatefulSet(m: any): boolean {
  if (m?.apiVersion !== 'apps/v1' || m.kind !== 'StatefulSet' || !m.metadata?.name) return false;
  if (m.metadata?.labels?.['app.kubernetes.io/name'] === 'patroni') return true;
  return (m.spec?.template?.spec?.containers ?? []).some((c: any) => Array.isArray(c?.command) && /(^|\/)patroni$/.test(String(c.command[0])));
}

/** Evaluates the checklist for every CloudNativePG Cluster and every Patroni cluster among `manifests`. */
export function evaluateReadiness(manifests: any[]): ReadinessReport[] {
  return manifests
    .filter((m) => (m?.apiVersion === CNPG && m.kind === 'Cluster' && m.metadata?.name) || isPatroniStatefulSet(m))
    .map((m) => evaluateCluster(manifests, m.metadata.namespace ?? 'default', m.metadata.name));
}

/** Evaluates the checklist for one cluster: a CloudNativePG Cluster, or else a Patroni StatefulSet, of that name. */
export function evaluateCluster(manifests: any[], namespace: string, name: string): ReadinessReport {
  const ns = manifests.filter((m) => m && (m.metadata?.namespace ?? 'default') === namespace);
  const cluster = ns.find((m) => m.apiVersion === CNPG && m.kind === 'Cluster' && m.metadata?.name === name);
  const patroni = cluster ? undefined : ns.find((m) => isPatroniStatefulSet(m) && m.metadata.name === name);
  if (!cluster && !patroni) throw new Error(`no Cluster ${namespace}/${name} among the manifests`);
  const found = cluster ?? patroni;
  const ctx: Ctx = { all: manifests, ns, namespace, name, cluster: found, spec: found.spec ?? {} };
  return {
    namespace, cluster: name, engine: cluster ? CLOUDNATIVE_PG : PATRONI,
    items: (cluster ? CHECKLIST : PATRONI_CHECKLIST).map((d) => {
      const [passed, reason] = d.check(ctx);
      return { id: d.id, title: d.title, required: d.required, passed, reason };
    }),
  };
}

function instancesAndZones(c: Ctx): [boolean, string] {
  const n = c.spec.instances ?? 1;
  if (n < 3) return [false, `spec.instances is ${n}; production needs 3 (primary, synchronous standby, spare)`];
  const zoneKey = 'topology.kubernetes.io/zone';
  // The constraint counts only the pods its selector matches: it must match the instances.
  const instance = modelPods([c.cluster])[0]?.labels ?? {};
  const spread = (c.spec.topologySpreadConstraints ?? []).find((t: any) =>
    /zone/.test(t.topologyKey ?? '') && t.whenUnsatisfiable === 'DoNotSchedule' && (t.maxSkew ?? 1) <= 1
    && t.labelSelector !== undefined && selects(t.labelSelector, instance));
  const affinity = c.spec.affinity ?? {};
  const zoneAntiAffinity = /zone/.test(affinity.topologyKey ?? '') && affinity.podAntiAffinityType === 'required' && affinity.enablePodAntiAffinity !== false;
  const key = spread?.topologyKey ?? (zoneAntiAffinity ? affinity.topologyKey : zoneKey);
  const listed: string[] | undefined = (affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [])
    .flatMap((t: any) => t.matchExpressions ?? []).find((e: any) => e.key === key && e.operator === 'In')?.values;
  if (!spread && !zoneAntiAffinity) {
    return [false, `${n} instances but nothing forces them into different zones (no topologySpreadConstraint on a zone key with DoNotSchedule, maxSkew 1 and a labelSelector matching the instances, nor required anti-affinity on zones)`];
  }
  if (listed && new Set(listed).size < 3) return [false, `${n} instances but node affinity allows only ${listed.length} zone(s): ${listed.join(', ')}`];
  return [true, `${n} instances, spread over ${key} by ${spread ? 'a DoNotSchedule topology spread (maxSkew 1)' : 'required anti-affinity'}${listed ? ` in ${listed.join(', ')}` : ''}`];
}

function syncStandby(c: Ctx): [boolean, string] {
  const s = c.spec.postgresql?.synchronous;
  if (s) {
    const durability = s.dataDurability ?? 'required';
    if (!(s.number >= 1)) return [false, 'spec.postgresql.synchronous.number is below 1'];
    if (durability !== 'required') return [false, `synchronous ${s.method} ${s.number} with dataDurability ${durability}: commits are not always confirmed by a standby, so RPO is not 0`];
    const quorum = failoverQuorumOf(c);
    if (quorum !== true) {
      return [false, `synchronous ${String(s.method).toUpperCase()} ${s.number}, dataDurability required, but ${quorum}: `
        + 'without it CloudNativePG does not check that the standby it promotes has every acknowledged commit, so if the primary and the standby '
        + 'that confirmed the last commits are lost together (one zone outage can take both) it may promote the asynchronous standby and those '
        + 'commits are lost. Set spec.postgresql.synchronous.failoverQuorum: true (HaPostgres does by default)'];
    }
    return [true, `synchronous ${String(s.method).toUpperCase()} ${s.number}, dataDurability required, failover quorum on (a standby is promoted only when it is known to hold every acknowledged commit)`];
  }
  if ((c.spec.minSyncReplicas ?? 0) >= 1) {
    return [false, `legacy minSyncReplicas ${c.spec.minSyncReplicas}: the operator drops synchronous replication when standbys are missing, so RPO is not always 0 (use spec.postgresql.synchronous with dataDurability required)`];
  }
  return [false, 'no synchronous replication (spec.postgresql.synchronous is not set): a failover can lose acknowledged commits'];
}

/** true when failover quorum is on (the field, or the alpha annotation CloudNativePG still accepts), else what is set instead. */
function failoverQuorumOf(c: Ctx): true | string {
  const field = c.spec.postgresql?.synchronous?.failoverQuorum;
  if (field === true) return true;
  const annotation = c.cluster.metadata?.annotations?.['alpha.cnpg.io/failoverQuorum'];
  if (field === undefined && annotation !== undefined && String(annotation).trim().toLowerCase() === 'true') return true;
  return field === false ? 'spec.postgresql.synchronous.failoverQuorum is false' : 'failover quorum is off (spec.postgresql.synchronous.failoverQuorum is not set)';
}

function slotsBounded(c: Ctx): [boolean, string] {
  if (c.spec.replicationSlots?.highAvailability?.enabled === false) return [false, 'HA replication slots are disabled: a standby that falls behind the WAL kept on the primary must be re-cloned'];
  const keep = c.spec.postgresql?.parameters?.max_slot_wal_keep_size;
  if (keep === undefined || String(keep).trim() === '-1') {
    return [false, `HA replication slots are on but max_slot_wal_keep_size is ${keep === undefined ? 'unset (unlimited)' : '-1 (unlimited)'}: a stuck standby's slot can fill the WAL volume and stop the primary`];
  }
  return [true, `HA slots on, max_slot_wal_keep_size = ${keep}`];
}

function alerting(c: Ctx, metrics: string[]): [boolean, string] {
  for (const rule of c.all.filter((m) => m?.kind === 'PrometheusRule')) {
    for (const g of rule.spec?.groups ?? []) {
      for (const r of g.rules ?? []) {
        const expr = String(r.expr ?? '');
        if (!r.alert || !metrics.some((m) => expr.includes(m))) continue;
        const scoped = /\b(cluster|cnpg_cluster|pod)\s*(=~|=)/.test(expr);
        if (!scoped || expr.includes(c.name) || r.labels?.cluster === c.name || r.labels?.cnpg_cluster === c.name) {
          return [true, `alert ${r.alert} in PrometheusRule ${rule.metadata?.name}`];
        }
      }
    }
  }
  return [false, `no PrometheusRule alert on ${metrics.join(', ')} covers this cluster`];
}

function poolerTransaction(c: Ctx): [boolean, string] {
  const poolers = c.ns.filter((m) => m.apiVersion === CNPG && m.kind === 'Pooler' && m.spec?.cluster?.name === c.name);
  if (poolers.length === 0) return [false, 'no Pooler for this cluster: every client holds a PostgreSQL backend'];
  const tx = poolers.filter((p) => p.spec?.pgbouncer?.poolMode === 'transaction');
  if (tx.length === 0) return [false, `Pooler(s) ${poolers.map((p) => p.metadata.name).join(', ')} use ${poolers[0].spec?.pgbouncer?.poolMode ?? 'session'} mode (session mode pins a backend per client)`];
  return [true, `Pooler ${tx.map((p) => p.metadata.name).join(', ')} in transaction mode`];
}

function walArchiving(c: Ctx): [boolean, string] {
  const plugin = (c.spec.plugins ?? []).find((p: any) => p.isWALArchiver === true && p.enabled !== false);
  if (plugin) {
    if (plugin.name !== BARMAN_PLUGIN) return [true, `WAL archived by plugin ${plugin.name}`];
    const store = plugin.parameters?.barmanObjectName;
    if (!store) return [false, `plugin ${BARMAN_PLUGIN} is the WAL archiver but has no barmanObjectName parameter`];
    const found = c.ns.some((m) => m.kind === 'ObjectStore' && m.metadata?.name === store);
    return [true, `WAL archived by the Barman Cloud plugin to ${archiveOf(c.ns, c.spec)}${found ? '' : ' (the ObjectStore is not among these manifests; make sure it exists)'}`];
  }
  const inTree = c.spec.backup?.barmanObjectStore;
  if (inTree?.destinationPath) {
    return [true, `WAL archived in-tree to ${inTree.destinationPath} (spec.backup.barmanObjectStore is deprecated and removed in CloudNativePG 1.31: migrate to the Barman Cloud plugin)`];
  }
  return [false, 'no WAL archive (neither a WAL-archiver plugin nor spec.backup.barmanObjectStore): no point-in-time recovery, and a lost cluster is lost'];
}

function dailyBackup(c: Ctx): [boolean, string] {
  const backups = c.ns.filter((m) => m.apiVersion === CNPG && m.kind === 'ScheduledBackup' && m.spec?.cluster?.name === c.name);
  if (backups.length === 0) return [false, 'no ScheduledBackup for this cluster'];
  const reasons: string[] = [];
  for (const b of backups) {
    const name = b.metadata?.name;
    const schedule = String(b.spec.schedule ?? '');
    if (b.spec.suspend === true) { reasons.push(`${name} is suspended`); continue; }
    if (!schedule.startsWith('@') && schedule.trim().split(/\s+/).length !== 6) {
      reasons.push(`${name}: schedule "${schedule}" has ${schedule.trim().split(/\s+/).length} fields; CloudNativePG reads 6 (seconds first), e.g. "0 0 3 * * *"`);
      continue;
    }
    const gap = longestCronGapSeconds(schedule);
    if (gap === undefined) { reasons.push(`${name}: schedule "${schedule}" does not parse`); continue; }
    if (gap > DAY) { reasons.push(`${name}: schedule "${schedule}" runs only every ${Math.round(gap / 3600)} h`); continue; }
    const method = b.spec.method ?? 'barmanObjectStore';
    const mismatch = backupMethodProblem(c, method, b.spec.pluginConfiguration?.name);
    if (mismatch) { reasons.push(`${name}: ${mismatch}`); continue; }
    return [true, `ScheduledBackup ${name} "${schedule}" (at least daily), method ${method}`];
  }
  return [false, reasons.join('; ')];
}

/** Why a backup of `method` cannot run on this cluster (the ScheduledBackup default is still barmanObjectStore). */
function backupMethodProblem(c: Ctx, method: string, pluginName?: string): string | undefined {
  if (method === 'barmanObjectStore' && !c.spec.backup?.barmanObjectStore) {
    const plugin = (c.spec.plugins ?? []).some((p: any) => p.name === BARMAN_PLUGIN);
    return `method is barmanObjectStore${pluginName === undefined ? ' (the ScheduledBackup default)' : ''} but the cluster has no spec.backup.barmanObjectStore`
      + (plugin ? `; set method: plugin with pluginConfiguration.name ${BARMAN_PLUGIN}` : '');
  }
  if (method === 'plugin' && !(c.spec.plugins ?? []).some((p: any) => p.name === pluginName && p.enabled !== false)) {
    return `method plugin names ${pluginName ?? 'no plugin'}, which the cluster does not enable in spec.plugins`;
  }
  if (method === 'volumeSnapshot' && !c.spec.backup?.volumeSnapshot) return 'method volumeSnapshot but the cluster has no spec.backup.volumeSnapshot';
  return undefined;
}

function restoreTest(c: Ctx): [boolean, string] {
  const drills = c.ns.filter((m) => m.kind === 'CronJob' && /restore/i.test(m.metadata?.name ?? '') && JSON.stringify(m).includes(c.name));
  const active = drills.filter((d) => d.spec?.suspend !== true);
  if (active.length > 0) return [true, `CronJob ${active[0].metadata.name} ("${active[0].spec?.schedule}") restores from the backups`];
  return [false, drills.length > 0 ? `restore CronJob ${drills[0].metadata.name} is suspended` : 'no restore drill (a CronJob named *restore* for this cluster): backups are not proven restorable'];
}

function disruptionBudget(c: Ctx): [boolean, string] {
  const pdbs = modelPdbs(c.ns);
  const pods = modelPods(c.ns).filter((p) => p.labels['cnpg.io/cluster'] === c.name && p.labels['cnpg.io/podRole'] === 'instance');
  const overlaps: string[] = [];
  const uncovered: string[] = [];
  const covering = new Set<string>();
  for (const pod of pods) {
    const over = pdbs.filter((p) => selects(p.selector, pod.labels));
    if (over.length > 1) overlaps.push(`${pod.name} (${over.map((p) => `${p.name}${p.origin === 'operator' ? ' [operator]' : ''}`).join(', ')})`);
    if (over.length === 0) uncovered.push(pod.name);
    over.forEach((p) => covering.add(p.name));
  }
  if (overlaps.length > 0) return [false, `pods under several PDBs, so evictions fail (HTTP 500) and drains hang: ${overlaps.join('; ')}`];
  if (uncovered.length > 0) return [false, `instances under no PDB: ${uncovered.join(', ')}`];
  const used = pdbs.filter((p) => covering.has(p.name));
  const n = pods.length;
  if (used.every((p) => p.origin === 'operator')) {
    return [n >= 3, `operator PDBs (primary minAvailable 1 + replicas minAvailable ${n - 2}) keep ${n - 1} of ${n} instances available`];
  }
  if (used.length === 1) {
    const p = used[0];
    const min = typeof p.minAvailable === 'number' ? p.minAvailable
      : typeof p.maxUnavailable === 'number' ? n - p.maxUnavailable : undefined;
    if (min === undefined) return [false, `PDB ${p.name} uses a percentage or no bound; give minAvailable 2`];
    if (min < 2) return [false, `PDB ${p.name} keeps only ${min} of ${n} instances available: a drain can take the synchronous standby with another instance`];
    if (min >= n) return [false, `PDB ${p.name} keeps ${min} of ${n} instances available: no disruption is ever allowed and drains hang`];
    return [true, `PDB ${p.name} keeps ${min} of ${n} instances available, no pod under two PDBs`];
  }
  return [true, `PDBs ${used.map((p) => p.name).join(', ')}, no pod under two PDBs`];
}

function switchover(c: Ctx): [boolean, string] {
  const method = c.spec.primaryUpdateMethod ?? 'restart';
  const strategy = c.spec.primaryUpdateStrategy ?? 'unsupervised';
  if (method !== 'switchover') return [false, `primaryUpdateMethod is ${method}${c.spec.primaryUpdateMethod ? '' : ' (the operator default)'}: updates restart the primary in place instead of switching over to a standby`];
  if (strategy !== 'unsupervised') return [false, `primaryUpdateStrategy is ${strategy}: updates wait for a manual promote`];
  return [true, 'primaryUpdateMethod switchover, unsupervised'];
}

/** Why a Burstable pod matters, for the QoS messages. */
const BURSTABLE_COST = 'under node memory pressure the kubelet evicts Burstable pods before Guaranteed ones, and their CPU is not reserved; '
  + 'give every container (init containers and sidecars included) requests equal to limits';

function qosVerdict(what: string, manifest: any, manifests: any[]): [boolean, string] {
  const pod = podResourcesOf(manifest, manifests);
  if (!pod) return [false, `${what}: no pod template to check`];
  const qos = podQos(pod);
  if (qos.qosClass === 'Guaranteed') return [true, `${what}: Guaranteed (${describeContainers(pod)})`];
  if (qos.qosClass === 'Unknown') return [false, `${what}: QoS class unknown: ${qos.problems.join('; ')}`];
  return [false, `${what}: ${qos.qosClass}, because ${qos.problems.join('; ')}; ${BURSTABLE_COST}`];
}

function instanceQos(c: Ctx): [boolean, string] {
  return qosVerdict(`instance pods of Cluster ${c.name}`, c.cluster, c.ns);
}

function poolerQos(c: Ctx): [boolean, string] {
  const poolers = c.ns.filter((m) => m.apiVersion === CNPG && m.kind === 'Pooler' && m.spec?.cluster?.name === c.name);
  return qosOfAll(poolers.map((p) => [`Pooler ${p.metadata?.name}`, p]), c.ns, 'no Pooler for this cluster: no PgBouncer pods to check');
}

function patroniInstanceQos(c: Ctx): [boolean, string] {
  return qosVerdict(`Patroni pods of StatefulSet ${c.name}`, c.cluster, c.ns);
}

function patroniPoolerQos(c: Ctx): [boolean, string] {
  const pools = c.ns.filter((m) => m.apiVersion === 'apps/v1' && m.kind === 'Deployment'
    && m.metadata?.labels?.['app.kubernetes.io/name'] === 'pgbouncer' && m.metadata?.labels?.['app.kubernetes.io/part-of'] === c.name);
  return qosOfAll(pools.map((d) => [`PgBouncer Deployment ${d.metadata?.name}`, d]), c.ns,
    'no PgBouncer Deployment for this cluster (app.kubernetes.io/name: pgbouncer, app.kubernetes.io/part-of: the cluster): no PgBouncer pods to check');
}

function qosOfAll(workloads: Array<[string, any]>, manifests: any[], none: string): [boolean, string] {
  if (workloads.length === 0) return [true, none];
  const verdicts = workloads.map(([what, m]) => qosVerdict(what, m, manifests));
  const failed = verdicts.filter(([ok]) => !ok);
  return failed.length > 0 ? [false, failed.map(([, r]) => r).join(' | ')] : [true, verdicts.map(([, r]) => r).join(' | ')];
}
