import { parseKubernetesQuantity, parsePostgresSize } from '../../core/quantity';
import { describeRobfigFields, parseRobfigCron, robfigLongestGapSeconds } from '../../core/robfig-cron';
import { archiveOf } from '../topology/topology-mermaid';
import { describeContainers, isPostgresCluster, postgresClusterPdbNames, postgresClusterPodResources, pgoInstanceSets, modelPdbs, modelPods, ModelPdb, ModelPod, PodIndex, pdbCoverage, inMaintenanceReusingPvcs, podQos, podResourcesOf, selects } from './pod-model';
import { coveringAlert, parseAlerts, ParsedAlert } from './alert-coverage';
import { operatorWebhookProblems, unsafeSettings } from './webhook-rules';
import { READINESS_ITEM_INFO } from '../../model/readiness-intent';

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
  /** The files of the objects the verdict rests on (when the manifests were read from files). */
  readonly sources?: string[];
}

/** The checklist of one cluster (a CloudNativePG Cluster, or a Patroni StatefulSet). */
export interface ReadinessReport {
  readonly namespace: string;
  readonly cluster: string;
  /** `CloudNativePG` or `Patroni`: a Patroni cluster gets the items that apply to it (pod QoS). */
  readonly engine: string;
  readonly items: ReadinessItem[];
  /** The file the Cluster was read from (when the manifests were read from files). */
  readonly source?: string;
}

/** Options of the checklist. */
export interface ReadinessOptions {
  /**
   * Node labels that name zones, besides `topology.kubernetes.io/zone` and the deprecated
   * `failure-domain.beta.kubernetes.io/zone` (a spread or anti-affinity on any other key,
   * such as `kubernetes.io/hostname`, does not spread over zones).
   * @default - only the two standard keys
   */
  readonly zoneTopologyKeys?: string[];
}

/** @internal Options of evaluateReadiness for the CLI. */
export interface EvaluationOptions extends ReadinessOptions {
  /** The file an object was read from. */
  readonly sourceOf?: (object: object) => string | undefined;
}

/** The zone topology keys Kubernetes defines. */
export const STANDARD_ZONE_KEYS: readonly string[] = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

const CNPG = 'postgresql.cnpg.io/v1';
const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const DAY = 86_400;

/** Everything a check may read. `all`, `ns`, `cluster` and `spec` are the raw manifests. */
interface Ctx {
  readonly all: any[];
  /** Manifests of the cluster's namespace. */
  readonly ns: any[];
  readonly namespace: string;
  readonly name: string;
  /** The Cluster manifest (CloudNativePG) or the StatefulSet (Patroni). */
  readonly cluster: any;
  readonly spec: any;
  /** The namespace's objects and pods, indexed (built once per namespace). */
  readonly index: NamespaceIndex;
  /** The alerting rules of all namespaces, parsed once. */
  readonly alerts: () => ParsedAlert[];
  /** The PodMonitors of all namespaces. */
  readonly podMonitors: () => any[];
  readonly zoneKeys: ReadonlySet<string>;
}

/** A verdict, and optionally the manifest objects it rests on (for their source files). */
type Verdict = [boolean, string] | [boolean, string, any[]];
type Check = (c: Ctx) => Verdict;

interface ItemDef { id: string; title: string; required: boolean; check: Check }

/** The id, title and required flag of an item (one table for both checklists: lib/model/readiness-intent.ts). */
function info(id: string): { id: string; title: string; required: boolean } {
  return { id, ...READINESS_ITEM_INFO[id] };
}

/** The production checklist, in report order. */
export const CHECKLIST: ReadonlyArray<ItemDef> = [
  { ...info('instances-zones'), check: instancesAndZones },
  { ...info('sync-standby'), check: syncStandby },
  { ...info('slots-bounded'), check: slotsBounded },
  { ...info('slots-monitored'), check: (c) => alerting(c, 'cnpg_pg_replication_slots_*', (m) => m.startsWith('cnpg_pg_replication_slots_')) },
  { ...info('pooler-transaction'), check: poolerTransaction },
  { ...info('wal-archiving'), check: walArchiving },
  { ...info('daily-backup'), check: dailyBackup },
  { ...info('restore-test'), check: restoreTest },
  { ...info('lag-alerts'), check: (c) => alerting(c, 'cnpg_pg_replication_lag', (m) => m === 'cnpg_pg_replication_lag') },
  { ...info('pdb'), check: disruptionBudget },
  { ...info('switchover-updates'), check: switchover },
  { ...info('instance-qos'), check: instanceQos },
  { ...info('pooler-qos'), check: poolerQos },
  { ...info('operator-accepts'), check: operatorAccepts },
];

/**
 * The items that apply to a Patroni cluster (the library's Patroni engine: a StatefulSet
 * running `patroni`, and pgbouncer Deployments labelled `app.kubernetes.io/part-of: <cluster>`).
 */
export const PATRONI_CHECKLIST: ReadonlyArray<ItemDef> = [
  { ...info('instance-qos'), check: patroniInstanceQos },
  { ...info('pooler-qos'), check: patroniPoolerQos },
];

/**
 * The items that apply to a Crunchy PGO v6 PostgresCluster (postgres-operator.crunchydata.com):
 * what the library's Crunchy engine renders (docs/design/crunchy-engine.md), read back.
 */
export const PGO_CHECKLIST: ReadonlyArray<ItemDef> = [
  { ...info('instances-zones'), check: pgoInstancesAndZones },
  { ...info('sync-standby'), check: pgoSyncStandby },
  { ...info('wal-volume'), check: pgoWalVolume },
  { ...info('wal-archiving'), check: pgoWalArchiving },
  { ...info('daily-backup'), check: pgoBackupSchedules },
  { ...info('pdb'), check: (c) => disruptionBudget(c) },
  { ...info('instance-qos'), check: pgoInstanceQos },
  { ...info('pooler-qos'), check: pgoPoolerQos },
];

const PATRONI = 'Patroni';
const CLOUDNATIVE_PG = 'CloudNativePG';
const CRUNCHY_PGO = 'Crunchy PGO';

const isCluster = (m: any) => m?.apiVersion === CNPG && m.kind === 'Cluster' && typeof m.metadata?.name === 'string';
const nsOf = (m: any): string => (typeof m?.metadata?.namespace === 'string' ? m.metadata.namespace : 'default');
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const map = (v: unknown): any => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});

/** Whether `m` is the StatefulSet of a Patroni cluster (labelled so by the library, or running `patroni`). */
function isPatroniStatefulSet(m: any): boolean {
  if (m?.apiVersion !== 'apps/v1' || m.kind !== 'StatefulSet' || typeof m.metadata?.name !== 'string') return false;
  if (m.metadata?.labels?.['app.kubernetes.io/name'] === 'patroni') return true;
  return arr(m.spec?.template?.spec?.containers).some((c: any) => Array.isArray(c?.command) && /(^|\/)patroni$/.test(String(c.command[0])));
}

/** Evaluates the checklist for every CloudNativePG Cluster and every Patroni cluster among `manifests`. */
export function evaluateReadiness(manifests: any[], options: EvaluationOptions = {}): ReadinessReport[] {
  const session = new Session(manifests, options);
  return manifests.filter((m) => isCluster(m) || isPostgresCluster(m) || isPatroniStatefulSet(m)).map((m) => session.evaluate(m));
}

/** Evaluates the checklist for one cluster: a CloudNativePG Cluster, or else a Patroni StatefulSet, of that name. */
export function evaluateCluster(manifests: any[], namespace: string, name: string, options: EvaluationOptions = {}): ReadinessReport {
  const session = new Session(manifests, options);
  const index = session.namespace(namespace);
  const cluster = index.cluster(name) ?? index.objects.find((m) => (isPostgresCluster(m) || isPatroniStatefulSet(m)) && m.metadata.name === name);
  if (!cluster) throw new Error(`no Cluster ${namespace}/${name} among the manifests`);
  return session.evaluate(cluster);
}

/** One evaluation: the indexes shared by the clusters of a set of manifests. */
class Session {
  private readonly namespaces = new Map<string, NamespaceIndex>();
  private readonly byNamespace = new Map<string, any[]>();
  private parsedAlerts?: ParsedAlert[];
  private monitors?: any[];
  private readonly zoneKeys: ReadonlySet<string>;

  public constructor(private readonly manifests: any[], private readonly options: EvaluationOptions) {
    for (const m of manifests) {
      if (m === null || typeof m !== 'object') continue;
      const ns = nsOf(m);
      const list = this.byNamespace.get(ns);
      if (list) list.push(m);
      else this.byNamespace.set(ns, [m]);
    }
    this.zoneKeys = new Set([...STANDARD_ZONE_KEYS, ...(options.zoneTopologyKeys ?? [])]);
  }

  public namespace(ns: string): NamespaceIndex {
    let index = this.namespaces.get(ns);
    if (!index) {
      index = new NamespaceIndex(ns, this.byNamespace.get(ns) ?? []);
      this.namespaces.set(ns, index);
    }
    return index;
  }

  private alerts(): ParsedAlert[] {
    this.parsedAlerts ??= parseAlerts(this.manifests.filter((m) => m?.kind === 'PrometheusRule'));
    return this.parsedAlerts;
  }

  public evaluate(cluster: any): ReadinessReport {
    const namespace = nsOf(cluster);
    const name = cluster.metadata.name;
    const index = this.namespace(namespace);
    const ctx: Ctx = {
      all: this.manifests, ns: index.objects, namespace, name, cluster, spec: map(cluster.spec),
      index, alerts: () => this.alerts(), zoneKeys: this.zoneKeys,
      podMonitors: () => (this.monitors ??= this.manifests.filter((m) => m?.kind === 'PodMonitor' && m.spec?.selector)),
    };
    const sourceOf = this.options.sourceOf;
    const clusterSource = sourceOf?.(cluster);
    const pgo = isPostgresCluster(cluster);
    const patroni = !pgo && !isCluster(cluster);
    return {
      namespace, cluster: name, engine: pgo ? CRUNCHY_PGO : patroni ? PATRONI : CLOUDNATIVE_PG,
      ...(clusterSource ? { source: clusterSource } : {}),
      items: (pgo ? PGO_CHECKLIST : patroni ? PATRONI_CHECKLIST : CHECKLIST).map((d) => {
        let verdict: Verdict;
        try {
          verdict = d.check(ctx);
        } catch (e) {
          // A manifest the schema would reject can still reach the checklist through the API.
          verdict = [false, `could not be evaluated (${(e as Error).message}): is the ${pgo ? 'PostgresCluster' : 'Cluster'} valid against its CRD?`];
        }
        const [passed, reason, evidence] = verdict;
        const item: { -readonly [K in keyof ReadinessItem]: ReadinessItem[K] } = { id: d.id, title: d.title, required: d.required, passed, reason };
        if (clusterSource || evidence) {
          const sources = clusterSource ? [clusterSource] : [];
          for (const o of evidence ?? []) {
            const f = o && typeof o === 'object' ? sourceOf?.(o) : undefined;
            if (f && !sources.includes(f)) sources.push(f);
          }
          if (sources.length > 0) item.sources = sources;
        }
        return item;
      }),
    };
  }
}

/** The objects and pods of one namespace, indexed by what the checks look up. */
class NamespaceIndex {
  private readonly clusters = new Map<string, any>();
  private readonly poolersByCluster = new Map<string, any[]>();
  private readonly backupsByCluster = new Map<string, any[]>();
  private readonly objectStores = new Map<string, any>();
  private readonly pdbsByName = new Map<string, any>();
  /** The pgbouncer Deployments of the library's Patroni engine, by the cluster they are part of. */
  private readonly pgbouncersByCluster = new Map<string, any[]>();
  private drills?: Map<string, any[]>;
  private podIndex?: PodIndex;
  private pdbs?: ModelPdb[];
  private coverage?: Map<ModelPod, ModelPdb[]>;
  private readonly instancesByCluster = new Map<string, ModelPod[]>();

  public constructor(public readonly namespace: string, public readonly objects: any[]) {
    for (const m of objects) {
      if (m.apiVersion === CNPG) {
        const ref = m.spec?.cluster?.name;
        if (m.kind === 'Cluster' && typeof m.metadata?.name === 'string') this.clusters.set(m.metadata.name, m);
        else if (m.kind === 'Pooler' && typeof ref === 'string') push(this.poolersByCluster, ref, m);
        else if (m.kind === 'ScheduledBackup' && typeof ref === 'string') push(this.backupsByCluster, ref, m);
      } else if (m.kind === 'ObjectStore' && typeof m.metadata?.name === 'string') {
        this.objectStores.set(m.metadata.name, m);
      } else if (m.kind === 'PodDisruptionBudget' && typeof m.metadata?.name === 'string') {
        this.pdbsByName.set(m.metadata.name, m);
      } else if (m.apiVersion === 'apps/v1' && m.kind === 'Deployment' && m.metadata?.labels?.['app.kubernetes.io/name'] === 'pgbouncer') {
        const partOf = m.metadata.labels['app.kubernetes.io/part-of'];
        if (typeof partOf === 'string') push(this.pgbouncersByCluster, partOf, m);
      }
    }
  }

  public cluster(name: string): any { return this.clusters.get(name); }
  public poolers(cluster: string): any[] { return this.poolersByCluster.get(cluster) ?? []; }
  public scheduledBackups(cluster: string): any[] { return this.backupsByCluster.get(cluster) ?? []; }
  public objectStore(name: string): any { return this.objectStores.get(name); }
  public patroniPgbouncers(cluster: string): any[] { return this.pgbouncersByCluster.get(cluster) ?? []; }
  /** The manifest PodDisruptionBudget of this name, if any. */
  public pdbNamed(name: string): any { return this.pdbsByName.get(name); }

  /** CronJobs named *restore* that mention the cluster (by name, or a service/secret of it) in a value. */
  public restoreDrills(cluster: string): any[] {
    if (!this.drills) {
      this.drills = new Map();
      for (const m of this.objects) {
        if (m.kind !== 'CronJob' || !/restore/i.test(String(m.metadata?.name ?? ''))) continue;
        const tokens = new Set<string>();
        collectTokens(m, tokens);
        for (const t of tokens) push(this.drills, t, m);
      }
    }
    return this.drills.get(cluster) ?? [];
  }

  public pods(): PodIndex {
    if (!this.podIndex) {
      const pods = modelPods(this.objects);
      this.podIndex = new PodIndex(pods);
      for (const p of pods) if (p.kind === 'instance') push(this.instancesByCluster, p.owner, p);
    }
    return this.podIndex;
  }

  /** The modelled instance pods of a cluster (`<name>-1` first, the primary). */
  public instances(cluster: string): ModelPod[] {
    this.pods();
    return this.instancesByCluster.get(cluster) ?? [];
  }

  /** The namespace's PDBs (manifests and operator) and which pods each covers. */
  public disruptionBudgets(): { pdbs: ModelPdb[]; coverage: Map<ModelPod, ModelPdb[]> } {
    this.pdbs ??= modelPdbs(this.objects);
    this.coverage ??= pdbCoverage(this.pods(), this.pdbs);
    return { pdbs: this.pdbs, coverage: this.coverage };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const CNPG_NAME_SUFFIXES = ['-rw', '-ro', '-r', '-app', '-superuser', '-ca', '-server', '-replication'];

/** Name-like tokens in every string of an object, with CloudNativePG service/secret suffixes also stripped. */
function collectTokens(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    for (const t of v.split(/[^A-Za-z0-9-]+/)) {
      if (!t) continue;
      out.add(t);
      for (const s of CNPG_NAME_SUFFIXES) if (t.endsWith(s)) out.add(t.slice(0, -s.length));
    }
  } else if (Array.isArray(v)) {
    v.forEach((x) => collectTokens(x, out));
  } else if (v && typeof v === 'object') {
    Object.values(v).forEach((x) => collectTokens(x, out));
  }
}

// ---------------------------------------------------------------------------------------
// Zones

/** The zones node placement allows (by the most restrictive zone key), or undefined when unrestricted. */
function allowedZones(affinity: any, zoneKeys: ReadonlySet<string>): { zones: string[]; by: string } | undefined {
  let best: { zones: string[]; by: string } | undefined;
  for (const key of zoneKeys) {
    let zones: Set<string> | undefined;
    let by = '';
    const selected = map(affinity.nodeSelector)[key];
    if (typeof selected === 'string') { zones = new Set([selected]); by = `nodeSelector ${key}=${selected}`; }
    const terms = arr(map(map(affinity.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
    if (terms.length > 0) {
      // Terms are ORed: zones are restricted only if every term restricts them.
      let union: Set<string> | undefined = new Set();
      for (const t of terms) {
        let inTerm: Set<string> | undefined;
        for (const e of arr(map(t).matchExpressions)) {
          if (e?.key !== key || e.operator !== 'In') continue;
          const vals = new Set(arr(e.values).filter((x): x is string => typeof x === 'string'));
          inTerm = inTerm ? new Set([...inTerm].filter((z) => vals.has(z))) : vals;
        }
        if (!inTerm) { union = undefined; break; }
        inTerm.forEach((z) => union!.add(z));
      }
      if (union) {
        zones = zones ? new Set([...zones].filter((z) => union!.has(z))) : union;
        by = by ? `${by} and required node affinity on ${key}` : `required node affinity on ${key}`;
      }
    }
    if (zones && (!best || zones.size < best.zones.length)) best = { zones: [...zones].sort(), by };
  }
  return best;
}

function instancesAndZones(c: Ctx): Verdict {
  const n = c.spec.instances ?? 1;
  if (n < 3) return [false, `spec.instances is ${n}; production needs 3 (primary, synchronous standby, spare)`];
  const instances = c.index.instances(c.name);
  const keys = [...c.zoneKeys];
  const affinity = map(c.spec.affinity);
  const pinned = allowedZones(affinity, c.zoneKeys);
  if (pinned && pinned.zones.length === 0) return [false, `${n} instances, but ${pinned.by} leave no zone a node may be in: no instance can be scheduled`];
  if (pinned && pinned.zones.length === 1) return [false, `${n} instances, but ${pinned.by} pins all of them to zone ${pinned.zones[0]}: losing that zone loses the cluster`];
  if (pinned && pinned.zones.length < 3) return [false, `${n} instances, but ${pinned.by} allows only ${pinned.zones.length} zone(s): ${pinned.zones.join(', ')}`];
  const within = pinned ? ` in ${pinned.zones.join(', ')}` : '';

  const notes: string[] = [];
  for (const t of arr(c.spec.topologySpreadConstraints)) {
    const key = String(t?.topologyKey ?? '');
    if (!c.zoneKeys.has(key)) { notes.push(`the spread on ${key || '(no topologyKey)'} is not on a zone key`); continue; }
    if (t.whenUnsatisfiable !== 'DoNotSchedule' || (t.maxSkew ?? 1) > 1) { notes.push(`the spread on ${key} is ${t.whenUnsatisfiable ?? 'DoNotSchedule'} with maxSkew ${t.maxSkew ?? 1} (needs DoNotSchedule, maxSkew 1)`); continue; }
    if (t.labelSelector === undefined || t.labelSelector === null) { notes.push(`the spread on ${key} has no labelSelector, so it counts no pods`); continue; }
    const matched = c.index.pods().select(c.namespace, t.labelSelector);
    const missed = instances.filter((p) => !matched.includes(p));
    if (missed.length > 0) { notes.push(`the spread on ${key} has a labelSelector that misses the instances (${missed.map((p) => p.name).join(', ')})`); continue; }
    const others = matched.filter((p) => !(p.kind === 'instance' && p.owner === c.name));
    if (others.length > 0) {
      notes.push(`the spread on ${key} has a labelSelector that also matches ${describePods(others)}: the skew counts them, so two instances can share a zone`);
      continue;
    }
    return [true, `${n} instances, spread over ${key} by a DoNotSchedule topology spread (maxSkew 1)${within}`];
  }
  const antiKey = affinity.topologyKey ?? 'kubernetes.io/hostname';
  if (affinity.enablePodAntiAffinity !== false && affinity.podAntiAffinityType === 'required') {
    if (c.zoneKeys.has(antiKey)) return [true, `${n} instances, spread over ${antiKey} by required anti-affinity${within}`];
    notes.push(`the operator's required anti-affinity is on ${antiKey}, not a zone key`);
  }
  for (const term of arr(map(affinity.additionalPodAntiAffinity).requiredDuringSchedulingIgnoredDuringExecution)) {
    const key = String(term?.topologyKey ?? '');
    const nsOk = arr(term?.namespaces).length === 0 || arr(term.namespaces).includes(c.namespace);
    if (!c.zoneKeys.has(key) || !nsOk || !term.labelSelector) continue;
    if (instances.every((p) => selects(term.labelSelector, p.labels))) return [true, `${n} instances, spread over ${key} by required anti-affinity (additionalPodAntiAffinity)${within}`];
  }
  return [false, `${n} instances but nothing forces them into different zones (no topologySpreadConstraint on a zone key with DoNotSchedule, maxSkew 1 and a labelSelector matching exactly the instances, nor required anti-affinity on zones)`
    + `${notes.length > 0 ? `: ${notes.join('; ')}; zone keys: ${keys.join(', ')}` : ''}`];
}

function describePods(pods: ModelPod[]): string {
  const groups = new Map<string, number>();
  for (const p of pods) {
    const label = p.kind === 'instance' ? `Cluster ${p.owner}'s instances` : p.kind === 'pooler' ? `Pooler ${p.owner}'s pods` : `${p.owner}'s pods`;
    groups.set(label, (groups.get(label) ?? 0) + 1);
  }
  return [...groups].map(([label, count]) => `${count} other pod(s) (${label})`).join(', ');
}

// ---------------------------------------------------------------------------------------
// Replication

function syncStandby(c: Ctx): Verdict {
  const s = c.spec.postgresql?.synchronous;
  if (s) {
    const instances = c.spec.instances ?? 1;
    const names = arr(s.standbyNamesPre).length + arr(s.standbyNamesPost).length;
    if (typeof s.number === 'number' && s.number >= instances + names) {
      return [false, `spec.postgresql.synchronous.number ${s.number} is not below the ${instances} instance(s)${names ? ` plus ${names} named standby(s)` : ''}: the CloudNativePG webhook rejects the cluster`];
    }
    const durability = s.dataDurability ?? 'required';
    if (!(s.number >= 1)) return [false, 'spec.postgresql.synchronous.number is below 1'];
    if (durability !== 'required') return [false, `synchronous ${s.method} ${s.number} with dataDurability ${durability}: commits are not always confirmed by a standby, so RPO is not 0`];
    const commit = String(c.spec.postgresql?.parameters?.synchronous_commit ?? 'on').trim().toLowerCase();
    if (commit === 'off' || commit === 'local') {
      return [false, `synchronous ${String(s.method).toUpperCase()} ${s.number}, but synchronous_commit = ${commit}: commits return before a standby confirms them, so RPO is not 0`];
    }
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

/** The size of a Cluster volume (`size`, else the PVC template's request) in bytes, with how it was written. */
function volumeSize(volume: any): { bytes: number; text: string } | undefined {
  const text = volume?.size ?? volume?.pvcTemplate?.resources?.requests?.storage;
  const bytes = parseKubernetesQuantity(text);
  return bytes === undefined ? undefined : { bytes, text: String(text) };
}

function slotsBounded(c: Ctx): Verdict {
  if (c.spec.replicationSlots?.highAvailability?.enabled === false) return [false, 'HA replication slots are disabled: a standby that falls behind the WAL kept on the primary must be re-cloned'];
  const keep = c.spec.postgresql?.parameters?.max_slot_wal_keep_size;
  if (keep === undefined || String(keep).trim() === '-1') {
    return [false, `HA replication slots are on but max_slot_wal_keep_size is ${keep === undefined ? 'unset (unlimited)' : '-1 (unlimited)'}: a stuck standby's slot can fill the WAL volume and stop the primary`];
  }
  const bytes = parsePostgresSize(keep, 'MB');
  if (bytes === undefined) return [false, `max_slot_wal_keep_size = ${keep} is not a size PostgreSQL accepts (units kB, MB, GB, TB; a bare number is MB)`];
  const wal = c.spec.walStorage ? volumeSize(c.spec.walStorage) : undefined;
  const data = volumeSize(c.spec.storage);
  const volume = wal ? { ...wal, prop: 'spec.walStorage.size', what: 'WAL volume' } : data ? { ...data, prop: 'spec.storage.size', what: 'data volume (which holds the WAL)' } : undefined;
  if (volume && bytes >= volume.bytes) {
    return [false, `max_slot_wal_keep_size = ${keep} is not below the ${volume.what} (${volume.prop} = ${volume.text}): a stuck standby's slot fills the volume and stops the primary before PostgreSQL invalidates the slot; lower it to at most half of ${volume.text}`];
  }
  return [true, `HA slots on, max_slot_wal_keep_size = ${keep}${volume ? ` (below the ${volume.what.replace(/ \(.*/, '')}, ${volume.text})` : ''}`];
}

/** The label values a cluster's instance series carry (see alert-coverage.ts). */
function seriesLabels(c: Ctx): Map<string, string[]> {
  const instances = c.index.instances(c.name);
  const known = new Map<string, string[]>([
    ['namespace', instances.map(() => c.namespace)],
    ['pod', instances.map((p) => p.name)],
  ]);
  let clusterFromMonitor = false;
  for (const pm of c.podMonitors()) {
    const nsSel = map(pm.spec.namespaceSelector);
    const inNs = nsSel.any === true || arr(nsSel.matchNames).includes(c.namespace) || (arr(nsSel.matchNames).length === 0 && nsOf(pm) === c.namespace);
    if (!inNs || !instances.every((p) => selects(pm.spec.selector, p.labels))) continue;
    for (const ep of arr(pm.spec.podMetricsEndpoints)) {
      for (const r of arr(ep?.relabelings)) {
        const action = String(r?.action ?? 'replace').toLowerCase();
        const target = r?.targetLabel;
        if (action !== 'replace' || typeof target !== 'string') continue;
        const sources = arr(r.sourceLabels);
        const source = sources.length === 1 ? sources[0] : undefined;
        const values = source === '__meta_kubernetes_pod_label_cnpg_io_cluster' ? instances.map(() => c.name)
          : source === '__meta_kubernetes_namespace' ? instances.map(() => c.namespace)
            : source === '__meta_kubernetes_pod_name' ? instances.map((p) => p.name)
              : sources.length === 0 && typeof r.replacement === 'string' && !r.replacement.includes('$') ? instances.map(() => r.replacement)
                : undefined;
        if (values) known.set(target, values);
        if (target === 'cluster') clusterFromMonitor = true;
      }
    }
  }
  if (!clusterFromMonitor && !known.has('cluster')) known.set('cluster', instances.map(() => c.name));
  return known;
}

function alerting(c: Ctx, metricLabel: string, metric: (name: string) => boolean): Verdict {
  const alerts = c.alerts();
  const covering = coveringAlert(alerts, metric, { known: seriesLabels(c) });
  if (covering) {
    const r = covering.alert.rule;
    const assumed = covering.assumed.length > 0 ? ` (assuming ${covering.assumed.join(', ')} matches: not decidable from manifests)` : '';
    return [true, `alert ${covering.alert.alert} in PrometheusRule ${r.metadata?.name} covers this cluster${assumed}`, [r]];
  }
  const onMetric = alerts.filter((a) => a.selectors.some((s) => (s.metric !== undefined && metric(s.metric)) || s.matchers.some((m) => m.name === '__name__' && m.op === '=' && metric(m.value))));
  const broken = alerts.filter((a) => a.syntaxError);
  const detail = onMetric.length > 0 ? `: ${onMetric.map((a) => a.alert).slice(0, 3).join(', ')} select(s) other clusters (label matchers do not match namespace ${c.namespace}, pods ${c.name}-N)` : '';
  return [false, `no PrometheusRule alert on ${metricLabel} covers this cluster${detail}${broken.length > 0 ? `; ${broken.length} alert expression(s) do not parse: ${broken.slice(0, 3).map((a) => a.alert).join(', ')}` : ''}`, onMetric.map((a) => a.rule)];
}

function poolerTransaction(c: Ctx): Verdict {
  const poolers = c.index.poolers(c.name);
  if (poolers.length === 0) return [false, 'no Pooler for this cluster: every client holds a PostgreSQL backend'];
  const tx = poolers.filter((p) => p.spec?.pgbouncer?.poolMode === 'transaction');
  if (tx.length === 0) return [false, `Pooler(s) ${poolers.map((p) => p.metadata.name).join(', ')} use ${poolers[0].spec?.pgbouncer?.poolMode ?? 'session'} mode (session mode pins a backend per client)`, poolers];
  return [true, `Pooler ${tx.map((p) => p.metadata.name).join(', ')} in transaction mode`, tx];
}

// ---------------------------------------------------------------------------------------
// Backups

function walArchiving(c: Ctx): Verdict {
  const plugin = arr(c.spec.plugins).find((p: any) => p?.isWALArchiver === true && p.enabled !== false);
  if (plugin) {
    if (plugin.name !== BARMAN_PLUGIN) return [true, `WAL archived by plugin ${plugin.name}`];
    const storeName = plugin.parameters?.barmanObjectName;
    if (!storeName) return [false, `plugin ${BARMAN_PLUGIN} is the WAL archiver but has no barmanObjectName parameter`];
    const store = c.index.objectStore(storeName);
    return [true, `WAL archived by the Barman Cloud plugin to ${archiveOf(store ? [store] : [], c.spec)}${store ? '' : ' (the ObjectStore is not among these manifests; make sure it exists)'}`, store ? [store] : []];
  }
  const inTree = c.spec.backup?.barmanObjectStore;
  if (inTree?.destinationPath) {
    return [true, `WAL archived in-tree to ${inTree.destinationPath} (spec.backup.barmanObjectStore is deprecated and removed in CloudNativePG 1.31: migrate to the Barman Cloud plugin)`];
  }
  return [false, 'no WAL archive (neither a WAL-archiver plugin nor spec.backup.barmanObjectStore): no point-in-time recovery, and a lost cluster is lost'];
}

const SCHEDULE_PROBLEMS = new Map<string, string | undefined>();

/** Why a schedule does not give a daily backup as CloudNativePG reads it, or undefined (per expression: fleets repeat a few). */
function scheduleProblem(schedule: string): string | undefined {
  if (!SCHEDULE_PROBLEMS.has(schedule)) SCHEDULE_PROBLEMS.set(schedule, computeScheduleProblem(schedule));
  return SCHEDULE_PROBLEMS.get(schedule);
}

function computeScheduleProblem(schedule: string): string | undefined {
  const parsed = parseRobfigCron(schedule);
  if (!parsed.ok) return `schedule "${schedule}" is rejected by CloudNativePG (robfig/cron): ${parsed.error}`;
  const s = parsed.schedule;
  const gap = robfigLongestGapSeconds(s);
  if (s.kind === 'spec' && s.fieldCount === 5) {
    const crontab = `0 ${schedule.trim().split(/\s+/).join(' ')}`;
    return `schedule "${schedule}" has 5 fields; CloudNativePG (robfig/cron) reads them as second, minute, hour, day of month and month, not as a crontab: ${describeRobfigFields(s)}, so ${gap === Infinity ? 'it never runs' : `a base backup starts at least every ${formatGap(gap)}`} (the webhook only warns); write 6 fields, seconds first, e.g. "${crontab}"`;
  }
  if (gap === Infinity) return `schedule "${schedule}" is accepted but matches no date, so it never runs`;
  if (gap > DAY) return `schedule "${schedule}" runs only every ${formatGap(gap)}`;
  return undefined;
}

function formatGap(seconds: number): string {
  if (seconds >= 3600) return `${Math.round(seconds / 360) / 10} h`;
  if (seconds >= 60) return `${Math.round(seconds / 6) / 10} min`;
  return `${seconds} s`;
}

function dailyBackup(c: Ctx): Verdict {
  const backups = c.index.scheduledBackups(c.name);
  if (backups.length === 0) return [false, 'no ScheduledBackup for this cluster'];
  const reasons: string[] = [];
  for (const b of backups) {
    const name = b.metadata?.name;
    const schedule = typeof b.spec?.schedule === 'string' ? b.spec.schedule : String(b.spec?.schedule ?? '');
    if (b.spec?.suspend === true) { reasons.push(`${name} is suspended`); continue; }
    const problem = scheduleProblem(schedule);
    if (problem) { reasons.push(`${name}: ${problem}`); continue; }
    const method = b.spec.method ?? 'barmanObjectStore';
    const mismatch = backupMethodProblem(c, method, b.spec.pluginConfiguration?.name);
    if (mismatch) { reasons.push(`${name}: ${mismatch}`); continue; }
    return [true, `ScheduledBackup ${name} "${schedule}" (at least daily), method ${method}`, [b]];
  }
  return [false, reasons.join('; '), backups];
}

/** Why a backup of `method` cannot run on this cluster (the ScheduledBackup default is still barmanObjectStore). */
function backupMethodProblem(c: Ctx, method: string, pluginName?: string): string | undefined {
  const plugins = arr(c.spec.plugins);
  if (method === 'barmanObjectStore' && !c.spec.backup?.barmanObjectStore) {
    const plugin = plugins.some((p: any) => p?.name === BARMAN_PLUGIN);
    return `method is barmanObjectStore${pluginName === undefined ? ' (the ScheduledBackup default)' : ''} but the cluster has no spec.backup.barmanObjectStore`
      + (plugin ? `; set method: plugin with pluginConfiguration.name ${BARMAN_PLUGIN}` : '');
  }
  if (method === 'plugin' && !plugins.some((p: any) => p?.name === pluginName && p.enabled !== false)) {
    return `method plugin names ${pluginName ?? 'no plugin'}, which the cluster does not enable in spec.plugins`;
  }
  if (method === 'volumeSnapshot' && !c.spec.backup?.volumeSnapshot) return 'method volumeSnapshot but the cluster has no spec.backup.volumeSnapshot';
  return undefined;
}

function restoreTest(c: Ctx): Verdict {
  const drills = c.index.restoreDrills(c.name);
  const active = drills.filter((d) => d.spec?.suspend !== true);
  if (active.length > 0) return [true, `CronJob ${active[0].metadata.name} ("${active[0].spec?.schedule}") restores from the backups`, [active[0]]];
  return [false, drills.length > 0 ? `restore CronJob ${drills[0].metadata.name} is suspended` : 'no restore drill (a CronJob named *restore* for this cluster): backups are not proven restorable', drills];
}

// ---------------------------------------------------------------------------------------
// Disruption budgets

/** How many of its `matched` pods a PDB lets be evicted at once (the disruption controller's arithmetic, all pods healthy). */
function disruptionsAllowed(pdb: ModelPdb, matched: number): number | undefined {
  const scaled = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((matched * Number(String(v).replace('%', ''))) / 100));
  if (pdb.maxUnavailable !== undefined && pdb.maxUnavailable !== null) return Math.max(0, Math.min(matched, scaled(pdb.maxUnavailable)));
  if (pdb.minAvailable !== undefined && pdb.minAvailable !== null) return Math.max(0, matched - scaled(pdb.minAvailable));
  return undefined;
}

const pdbLabel = (p: ModelPdb) => `${p.name}${p.origin === 'operator' ? ' [operator]' : ''}`;

function disruptionBudget(c: Ctx): Verdict {
  const { coverage } = c.index.disruptionBudgets();
  const pods = c.index.instances(c.name);
  const n = pods.length;
  const overlaps: string[] = [];
  const uncovered: string[] = [];
  const used: ModelPdb[] = [];
  for (const pod of pods) {
    const over = coverage.get(pod) ?? [];
    if (over.length > 1) overlaps.push(`${pod.name} (${over.map(pdbLabel).join(', ')})`);
    if (over.length === 0) uncovered.push(pod.name);
    over.forEach((p) => { if (!used.includes(p)) used.push(p); });
  }
  const evidence = used.filter((p) => p.object).map((p) => p.object);
  const pgo = isPostgresCluster(c.cluster);
  const replaced = (pgo ? postgresClusterPdbNames(c.cluster) : [c.name, `${c.name}-primary`]).map((n) => c.index.pdbNamed(n)).filter((m) => m !== undefined);
  const replacedNote = replaced.length > 0 ? `; PDB ${replaced.map((m) => m.metadata.name).join(', ')} has the name of an operator PDB, so the operator ${!pgo && c.spec.enablePDB === false ? 'deletes' : 'overwrites or deletes'} it` : '';
  if (overlaps.length > 0) return [false, `pods under several PDBs, so evictions fail (HTTP 500) and drains hang: ${overlaps.join('; ')}${replacedNote}`, evidence];
  if (uncovered.length > 0 && pgo) {
    return [false, `instances under no PDB: ${uncovered.join(', ')} (PGO creates <cluster>-set-<set> from spec.instances[].minAvailable, or minAvailable 1 from 2 replicas; 0 or a single replica: none)${replacedNote}`, evidence];
  }
  if (uncovered.length > 0) {
    let why = '';
    if (c.spec.enablePDB !== false && used.every((p) => p.origin === 'operator')) {
      why = inMaintenanceReusingPvcs(c.cluster) ? ' (during the node maintenance window with reusePVC the operator drops its replica PDB)'
        : n < 3 ? ` (the operator creates its replica PDB only from 3 instances; this cluster has ${n})` : '';
    } else if (c.spec.enablePDB === false && used.length === 0) {
      why = ' (spec.enablePDB is false, so the operator creates none)';
    }
    return [false, `instances under no PDB: ${uncovered.join(', ')}${why}${replacedNote}`, evidence];
  }
  // The worst case: each PDB lets its allowed evictions fall on this cluster's instances.
  let down = 0;
  const parts: string[] = [];
  for (const p of used) {
    const matched = c.index.pods().select(p.namespace, p.selector);
    const mine = matched.filter((x) => x.kind === 'instance' && x.owner === c.name).length;
    const allowed = disruptionsAllowed(p, matched.length);
    if (allowed === undefined) return [false, `PDB ${p.name} sets neither minAvailable nor maxUnavailable`, evidence];
    const others = matched.length - mine;
    if (others > 0) parts.push(`PDB ${p.name} also selects ${describePods(matched.filter((x) => !(x.kind === 'instance' && x.owner === c.name)))}, so it allows ${allowed} eviction(s) among ${matched.length} pods`);
    down += Math.min(allowed, mine);
  }
  const kept = n - down;
  if (!pgo && used.every((p) => p.origin === 'operator')) {
    if (n === 1) return [false, `the single instance is under the operator's primary PDB (minAvailable 1), which never allows its eviction: a drain of its node waits (the operator drops the PDB only during a nodeMaintenanceWindow with reusePVC)${replacedNote}`];
    const replica = used.find((p) => p.name === c.name);
    const text = `operator PDBs (primary minAvailable 1${replica ? ` + replicas minAvailable ${replica.minAvailable}` : ''}) keep ${kept} of ${n} instances available`;
    return [kept >= 2 && down >= 1, `${text}${replacedNote}`];
  }
  const names = used.map((p) => (pgo && p.origin === 'operator' ? `${pdbLabel(p)} (spec.instances[].minAvailable ${p.minAvailable})` : pdbLabel(p))).join(', ');
  const subject = used.length === 1 ? `PDB ${names} keeps` : `PDBs ${names} keep`;
  const extra = parts.length > 0 ? ` (${parts.join('; ')})` : '';
  if (kept < 2) return [false, `${subject} only ${kept} of ${n} instances available: a drain can take the synchronous standby with another instance${extra}${replacedNote}`, evidence];
  if (down === 0) return [false, `${subject} ${kept} of ${n} instances available: no disruption is ever allowed and drains hang${extra}${replacedNote}`, evidence];
  return [true, `${subject} ${kept} of ${n} instances available, no pod under two PDBs${extra}${replacedNote}`, evidence];
}

function switchover(c: Ctx): Verdict {
  const method = c.spec.primaryUpdateMethod ?? 'restart';
  const strategy = c.spec.primaryUpdateStrategy ?? 'unsupervised';
  if (method !== 'switchover') return [false, `primaryUpdateMethod is ${method}${c.spec.primaryUpdateMethod ? '' : ' (the operator default)'}: updates restart the primary in place instead of switching over to a standby`];
  if (strategy !== 'unsupervised') return [false, `primaryUpdateStrategy is ${strategy}: updates wait for a manual promote`];
  return [true, 'primaryUpdateMethod switchover, unsupervised'];
}

/** Why a Burstable pod matters, for the QoS messages. */
const BURSTABLE_COST = 'under node memory pressure the kubelet evicts Burstable pods before Guaranteed ones, and their CPU is not reserved; '
  + 'give every container (init containers and sidecars included) requests equal to limits';

function qosVerdict(what: string, manifest: any, manifests: any[], index?: NamespaceIndex): [boolean, string] {
  const pod = podResourcesOf(manifest, manifests, index ? (_ns, name) => index.objectStore(name) : undefined);
  if (!pod) return [false, `${what}: no pod template to check`];
  const qos = podQos(pod);
  if (qos.qosClass === 'Guaranteed') return [true, `${what}: Guaranteed (${describeContainers(pod)})`];
  if (qos.qosClass === 'Unknown') return [false, `${what}: QoS class unknown: ${qos.problems.join('; ')}`];
  return [false, `${what}: ${qos.qosClass}, because ${qos.problems.join('; ')}; ${BURSTABLE_COST}`];
}

function instanceQos(c: Ctx): [boolean, string] {
  return qosVerdict(`instance pods of Cluster ${c.name}`, c.cluster, c.ns, c.index);
}

function poolerQos(c: Ctx): [boolean, string] {
  const poolers = c.index.poolers(c.name);
  return qosOfAll(poolers.map((p) => [`Pooler ${p.metadata?.name}`, p]), c.ns, 'no Pooler for this cluster: no PgBouncer pods to check');
}

function patroniInstanceQos(c: Ctx): [boolean, string] {
  return qosVerdict(`Patroni pods of StatefulSet ${c.name}`, c.cluster, c.ns, c.index);
}

function patroniPoolerQos(c: Ctx): [boolean, string] {
  const pools = c.index.patroniPgbouncers(c.name);
  return qosOfAll(pools.map((d) => [`PgBouncer Deployment ${d.metadata?.name}`, d]), c.ns,
    'no PgBouncer Deployment for this cluster (app.kubernetes.io/name: pgbouncer, app.kubernetes.io/part-of: the cluster): no PgBouncer pods to check');
}

function qosOfAll(workloads: Array<[string, any]>, manifests: any[], none: string): [boolean, string] {
  if (workloads.length === 0) return [true, none];
  const verdicts = workloads.map(([what, m]) => qosVerdict(what, m, manifests));
  const failed = verdicts.filter(([ok]) => !ok);
  return failed.length > 0 ? [false, failed.map(([, r]) => r).join(' | ')] : [true, verdicts.map(([, r]) => r).join(' | ')];
}

function operatorAccepts(c: Ctx): Verdict {
  const rejected = operatorWebhookProblems(c.cluster);
  const unsafe = unsafeSettings(c.spec);
  if (rejected.length === 0 && unsafe.length === 0) return [true, 'no rule of the CloudNativePG webhook is broken and no unsafe setting is made'];
  const parts: string[] = [];
  if (rejected.length > 0) parts.push(`the CloudNativePG webhook rejects the cluster: ${rejected.join('; ')}`);
  if (unsafe.length > 0) parts.push(`unsafe: ${unsafe.join('; ')}`);
  return [false, parts.join('. ')];
}

// ---------------------------------------------------------------------------------------
// Crunchy PGO (PostgresCluster)

const pgoSets = (c: Ctx) => pgoInstanceSets(c.cluster);

function pgoInstancesAndZones(c: Ctx): Verdict {
  const sets = pgoSets(c);
  if (sets.length === 0) return [false, 'spec.instances is empty: no PostgreSQL instance'];
  const n = sets.reduce((sum, s) => sum + (typeof s.set.replicas === 'number' ? s.set.replicas : 1), 0);
  const counts = sets.map((s) => `spec.instances[${s.index}].replicas is ${s.set.replicas ?? '1 (the default)'}`).join(', ');
  if (n < 3) return [false, `${counts}: ${n} instance(s); production needs 3 (primary, synchronous standby, spare)`];
  const problems: string[] = [];
  const spreads: string[] = [];
  for (const { name: set, index, set: s } of sets) {
    const at = `spec.instances[${index}]`;
    const mine = c.index.instances(c.name).filter((p) => p.labels['postgres-operator.crunchydata.com/instance-set'] === set);
    const pinned = allowedZones(map(s.affinity), c.zoneKeys);
    if (pinned && pinned.zones.length < 3) { problems.push(`${at}.affinity: ${pinned.by} allows only ${pinned.zones.length} zone(s) (${pinned.zones.join(', ') || 'none'})`); continue; }
    let ok = false;
    const notes: string[] = [];
    for (const t of arr(s.topologySpreadConstraints)) {
      const key = String(t?.topologyKey ?? '');
      if (!c.zoneKeys.has(key)) continue;
      if (t.whenUnsatisfiable !== 'DoNotSchedule' || (t.maxSkew ?? 1) > 1) { notes.push(`${at}.topologySpreadConstraints on ${key} is ${t.whenUnsatisfiable ?? 'DoNotSchedule'} with maxSkew ${t.maxSkew ?? 1} (needs DoNotSchedule, maxSkew 1)`); continue; }
      const matched = c.index.pods().select(c.namespace, t.labelSelector);
      if (!t.labelSelector || mine.some((p) => !matched.includes(p))) { notes.push(`${at}.topologySpreadConstraints on ${key} has a labelSelector that misses the set's instances`); continue; }
      const others = matched.filter((p) => !mine.includes(p) && p.kind === 'instance');
      if (others.length > 0) { notes.push(`${at}.topologySpreadConstraints on ${key} also counts ${describePods(others)}`); continue; }
      ok = true;
      spreads.push(`set ${set}: DoNotSchedule spread on ${key}${pinned ? ` in ${pinned.zones.join(', ')}` : ''}`);
      break;
    }
    if (!ok) {
      const defaults = c.spec.disableDefaultPodScheduling === true ? '' : ' (PGO\'s default spread, kept while spec.disableDefaultPodScheduling is not true, is ScheduleAnyway: a preference, not a guarantee)';
      problems.push(`${at}: no DoNotSchedule topologySpreadConstraint (maxSkew 1) on a zone key over the set's instances${defaults}${notes.length ? `: ${notes.join('; ')}` : ''}`);
    }
  }
  if (problems.length > 0) return [false, `${n} instances but ${problems.join('; ')}`];
  return [true, `${n} instances (${counts}), ${spreads.join('; ')}`];
}

function pgoSyncStandby(c: Ctx): Verdict {
  const dc = map(map(c.spec.patroni).dynamicConfiguration);
  const at = 'spec.patroni.dynamicConfiguration';
  if (dc.synchronous_mode !== true && dc.synchronous_mode !== 'on' && dc.synchronous_mode !== 'quorum') {
    return [false, `${at}.synchronous_mode is ${dc.synchronous_mode === undefined ? 'not set (Patroni: off)' : JSON.stringify(dc.synchronous_mode)}: replication is asynchronous, so a failover can lose committed transactions`];
  }
  if (dc.synchronous_mode_strict !== true) {
    return [false, `${at}.synchronous_mode_strict is ${dc.synchronous_mode_strict === undefined ? 'not set (Patroni: false)' : JSON.stringify(dc.synchronous_mode_strict)}: with no synchronous standby left, Patroni turns synchronous replication off and commits go unconfirmed, so RPO is not 0`];
  }
  const count = dc.synchronous_node_count ?? 1;
  if (!(typeof count === 'number' && count >= 1)) return [false, `${at}.synchronous_node_count is ${JSON.stringify(count)}: needs at least 1`];
  const params = { ...map(map(c.spec.config).parameters), ...map(map(dc.postgresql).parameters) };
  const commit = String(params.synchronous_commit ?? 'on').trim().toLowerCase();
  if (commit === 'off' || commit === 'local') return [false, `${at}.postgresql.parameters.synchronous_commit is ${commit}: commits return before a standby confirms them, so RPO is not 0`];
  return [true, `${at}: synchronous_mode ${JSON.stringify(dc.synchronous_mode)}, synchronous_mode_strict true, synchronous_node_count ${count}`];
}

function pgoWalVolume(c: Ctx): Verdict {
  const missing = pgoSets(c).filter((s) => !s.set.walVolumeClaimSpec).map((s) => `spec.instances[${s.index}].walVolumeClaimSpec`);
  if (missing.length > 0) return [false, `${missing.join(', ')} not set: WAL shares the data volume, so a full data volume stops writes and WAL bursts compete with data I/O`];
  return [true, `every instance set has a walVolumeClaimSpec (${pgoSets(c).map((s) => s.set.walVolumeClaimSpec?.resources?.requests?.storage ?? '?').join(', ')})`];
}

function pgoRepos(c: Ctx): any[] {
  return arr(map(map(c.spec.backups).pgbackrest).repos);
}

function pgoWalArchiving(c: Ctx): Verdict {
  const repos = pgoRepos(c);
  if (repos.length === 0) return [false, 'spec.backups.pgbackrest.repos is empty or missing: PGO sets archive_command to `true` and discards WAL (no point-in-time recovery)'];
  const where = repos.map((r) => (r?.s3 ? `${r.name} s3://${r.s3.bucket} (${r.s3.endpoint})` : r?.gcs ? `${r.name} gs://${r.gcs.bucket}` : r?.azure ? `${r.name} azure ${r.azure.container}` : `${r?.name} volume`));
  const remote = repos.some((r) => r?.s3 || r?.gcs || r?.azure);
  if (!remote) return [false, `spec.backups.pgbackrest.repos has only volume repositories (${where.join(', ')}): WAL and backups stay in the cluster, and a lost cluster loses them`];
  return [true, `WAL archived by pgBackRest (archive_command set by PGO) to ${where.join(', ')}`];
}

function pgoBackupSchedules(c: Ctx): Verdict {
  const repos = pgoRepos(c);
  if (repos.length === 0) return [false, 'spec.backups.pgbackrest.repos is empty or missing: no backups'];
  const reasons: string[] = [];
  for (const [i, r] of repos.entries()) {
    const s = map(r?.schedules);
    const at = `spec.backups.pgbackrest.repos[${i}].schedules`;
    if (typeof s.full !== 'string') { reasons.push(`${at}.full is not set (${r?.name}: no scheduled full backup)`); continue; }
    // Kubernetes CronJob schedules (5 fields); robfig reads them with a leading seconds field of 0.
    const gaps: Array<[string, string, number]> = [];
    for (const type of ['full', 'differential', 'incremental']) {
      if (typeof s[type] !== 'string') continue;
      const parsed = parseRobfigCron(`0 ${s[type].trim()}`);
      if (!parsed.ok || s[type].trim().split(/\s+/).length !== 5) { reasons.push(`${at}.${type} "${s[type]}" is not a 5-field CronJob schedule`); continue; }
      gaps.push([type, s[type], robfigLongestGapSeconds(parsed.schedule)]);
    }
    const daily = gaps.filter(([, , g]) => g <= DAY);
    if (daily.length > 0 && gaps.some(([t]) => t === 'full')) {
      const full = gaps.find(([t]) => t === 'full')!;
      return [true, `${r.name}: ${daily.map(([t, e]) => `${t} "${e}"`).join(', ')} at least daily, on a full "${full[1]}"`];
    }
    if (gaps.length > 0) reasons.push(`${at}: ${gaps.map(([t, e, g]) => `${t} "${e}" every ${g === Infinity ? 'never' : formatGap(g)}`).join(', ')}: no backup at least daily`);
  }
  return [false, reasons.join('; ')];
}

function pgoQos(c: Ctx, which: 'instance' | 'pooler'): [boolean, string] {
  const pods = postgresClusterPodResources(c.cluster).filter((p) => (which === 'pooler') === p.name.endsWith('-pgbouncer') && (which === 'pooler' || p.labels['postgres-operator.crunchydata.com/instance-set'] !== undefined));
  if (pods.length === 0) return [true, which === 'pooler' ? 'no spec.proxy.pgBouncer: no PgBouncer pods to check' : 'no instance set'];
  const verdicts = pods.map((pod): [boolean, string] => {
    const what = which === 'pooler' ? `PgBouncer pods of PostgresCluster ${c.name}` : `instance pods of PostgresCluster ${c.name} set ${pod.labels['postgres-operator.crunchydata.com/instance-set']}`;
    const qos = podQos(pod);
    if (qos.qosClass === 'Guaranteed') return [true, `${what}: Guaranteed (${describeContainers(pod)})`];
    return [false, `${what}: ${qos.qosClass}, because ${qos.problems.join('; ')}; ${BURSTABLE_COST}`];
  });
  const failed = verdicts.filter(([ok]) => !ok);
  return failed.length > 0 ? [false, failed.map(([, r]) => r).join(' | ')] : [true, verdicts.map(([, r]) => r).join(' | ')];
}

function pgoInstanceQos(c: Ctx): [boolean, string] { return pgoQos(c, 'instance'); }
function pgoPoolerQos(c: Ctx): [boolean, string] { return pgoQos(c, 'pooler'); }
