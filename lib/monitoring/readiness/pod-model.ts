/*
 * A model of the pods that manifests will make Kubernetes (or an operator) create, with
 * their labels, and of the PodDisruptionBudgets that select them, including those the
 * operator creates (they are not in the manifests). Used by the readiness checklist
 * (PDBs, zone spread) and the tests.
 *
 * CloudNativePG v1.30 (pkg/specs/pods.go, pkg/specs/pgbouncer, pkg/specs/poddisruptionbudget.go,
 * internal/controller/cluster_create.go):
 * - instance pods `<cluster>-<n>`: `cnpg.io/cluster`, `cnpg.io/instanceName`,
 *   `cnpg.io/podRole: instance`, `app.kubernetes.io/name: postgresql`,
 *   `app.kubernetes.io/instance: <cluster>`, `app.kubernetes.io/version: <major>`,
 *   `app.kubernetes.io/component: database`, `app.kubernetes.io/managed-by: cloudnative-pg`,
 *   then `spec.inheritedMetadata.labels` (they win), then the role labels the instance
 *   manager keeps current (`cnpg.io/instanceRole` and the older `role`: primary or replica);
 * - Pooler pods: the template's labels, then `cnpg.io/cluster`, `cnpg.io/poolerName`,
 *   `cnpg.io/podRole: pooler` and `app.kubernetes.io/*` with component `pooler` and
 *   instance `<cluster>`;
 * - PDBs, unless `spec.enablePDB: false`: `<cluster>-primary` (primary, minAvailable 1) and,
 *   from 3 instances, `<cluster>` (replicas, minAvailable instances − 2). During a node
 *   maintenance window (`nodeMaintenanceWindow.inProgress`) with `reusePVC` (default true)
 *   the replica PDB is dropped, and so is the primary PDB of a single-instance cluster.
 *   The operator creates, patches or deletes these two names whatever their content: a
 *   manifest PDB with one of them is replaced or deleted.
 *
 * Crunchy PGO v6 (`PostgresCluster`, postgres-operator.crunchydata.com; names and labels as
 * lib/engines/crunchy/crunchy-names.ts gives them, internal/naming):
 * - instance pods, `replicas` (default 1) per instance set: `cluster`, `instance-set`,
 *   `instance`, `data: postgres`, `patroni: <cluster>-ha`, the exporter label when
 *   `monitoring.pgmonitor.exporter` is set, then `spec.metadata.labels` and the set's
 *   `metadata.labels`; Patroni's `role` (`master` on the first pod of the first set);
 * - PgBouncer pods, `proxy.pgBouncer.replicas` (default 1): `cluster`, `role: pgbouncer`;
 * - the backup Jobs of each repository schedule, and the dedicated repo host when a repository
 *   is a volume;
 * - PDBs: `<cluster>-set-<set>` over `cluster` + `instance-set` with the set's `minAvailable`
 *   (default 1 from 2 replicas, none with fewer; 0 deletes it) and `<cluster>-pgbouncer` over
 *   `cluster` + `role: pgbouncer` likewise. PGO applies them with these names whatever a
 *   manifest holds: a manifest PDB of one of these names is replaced.
 */

import { selectorMatches } from '../../core/label-selector';
import { addQuantities, compareQuantities, ExactQuantity, isPositive, parseQuantity } from '../../core/quantity';

const CNPG = 'postgresql.cnpg.io/v1';

/** A pod the manifests will create. */
export interface ModelPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: { [key: string]: string };
  /** What creates it: a CloudNativePG instance or pooler, or a workload. */
  readonly kind: 'instance' | 'pooler' | 'workload';
  /** The Cluster (instances), Pooler or workload it belongs to. */
  readonly owner: string;
}

/** A PodDisruptionBudget, from the manifests or created by the operator. */
export interface ModelPdb {
  readonly namespace: string;
  readonly name: string;
  /** The label selector; null selects no pod, `{}` every pod of the namespace (policy/v1). */
  readonly selector: any;
  readonly origin: 'manifest' | 'operator';
  /** minAvailable as written (number or percentage), when set. */
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
  /** The manifest object (origin manifest). */
  readonly object?: any;
}

const ns = (m: any): string => m.metadata?.namespace ?? 'default';
const PGO_GROUP = 'postgres-operator.crunchydata.com';
/** Whether `m` is a Crunchy PGO PostgresCluster (v1 or v1beta1). */
export const isPostgresCluster = (m: any): boolean => (m?.apiVersion === `${PGO_GROUP}/v1` || m?.apiVersion === `${PGO_GROUP}/v1beta1`)
  && m.kind === 'PostgresCluster' && typeof m.metadata?.name === 'string';
const pgoLabel = (k: string) => `${PGO_GROUP}/${k}`;
const isCluster = (m: any): boolean => m?.apiVersion === CNPG && m.kind === 'Cluster' && typeof m.metadata?.name === 'string';
const count = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
const stringMap = (v: unknown): { [key: string]: string } => {
  const out: { [key: string]: string } = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

/** The PostgreSQL major a Cluster runs (imageName tag, image catalog major, or the v1.30 default 18); undefined when unknown. */
export function postgresMajor(cluster: any): string | undefined {
  const spec = cluster.spec ?? {};
  if (typeof spec.imageCatalogRef?.major === 'number') return String(spec.imageCatalogRef.major);
  if (typeof spec.imageName !== 'string') return spec.imageCatalogRef ? undefined : '18';
  const image = spec.imageName.split('@')[0];
  const tag = image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
  const m = tag ? /^(\d+)/.exec(tag) : null;
  return m ? m[1] : undefined;
}

/** The labels of instance `n` (1-based) of a CloudNativePG Cluster, primary first. */
export function instanceLabels(cluster: any, n: number): { [key: string]: string } {
  const name = cluster.metadata.name;
  const role = n === 1 ? 'primary' : 'replica';
  const major = postgresMajor(cluster);
  return {
    'cnpg.io/cluster': name,
    'cnpg.io/instanceName': `${name}-${n}`,
    'cnpg.io/podRole': 'instance',
    'app.kubernetes.io/name': 'postgresql',
    'app.kubernetes.io/instance': name,
    ...(major ? { 'app.kubernetes.io/version': major } : {}),
    'app.kubernetes.io/component': 'database',
    'app.kubernetes.io/managed-by': 'cloudnative-pg',
    ...stringMap(cluster.spec?.inheritedMetadata?.labels),
    'cnpg.io/instanceRole': role,
    'role': role,
  };
}

/** The instance pods of a CloudNativePG Cluster (`<name>-1` is modelled as the primary). */
export function clusterInstancePods(cluster: any): ModelPod[] {
  const pods: ModelPod[] = [];
  const name = cluster.metadata.name;
  for (let i = 1; i <= count(cluster.spec?.instances, 1); i++) {
    pods.push({ namespace: ns(cluster), name: `${name}-${i}`, labels: instanceLabels(cluster, i), kind: 'instance', owner: name });
  }
  return pods;
}

/** Every pod the manifests will create. */
export function modelPods(manifests: any[]): ModelPod[] {
  const pods: ModelPod[] = [];
  for (const m of manifests) {
    const name = m?.metadata?.name;
    if (typeof name !== 'string') continue;
    const namespace = ns(m);
    if (m.apiVersion === CNPG && m.kind === 'Cluster') {
      pods.push(...clusterInstancePods(m));
    } else if (isPostgresCluster(m)) {
      pods.push(...postgresClusterPods(m));
    } else if (m.apiVersion === CNPG && m.kind === 'Pooler') {
      const cluster = typeof m.spec?.cluster?.name === 'string' ? m.spec.cluster.name : undefined;
      for (let i = 1; i <= count(m.spec?.instances, 1); i++) {
        pods.push({ namespace, name: `${name}-${i}`, kind: 'pooler', owner: name, labels: {
          ...stringMap(m.spec?.template?.metadata?.labels),
          ...(cluster ? { 'cnpg.io/cluster': cluster, 'app.kubernetes.io/instance': cluster } : {}),
          'cnpg.io/poolerName': name,
          'cnpg.io/podRole': 'pooler',
          'app.kubernetes.io/name': 'postgresql',
          'app.kubernetes.io/component': 'pooler',
          'app.kubernetes.io/managed-by': 'cloudnative-pg',
        } });
      }
    } else if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(m.kind)) {
      for (let i = 0; i < count(m.spec?.replicas, 1); i++) {
        pods.push({ namespace, name: `${name}-${i}`, kind: 'workload', owner: name, labels: stringMap(m.spec?.template?.metadata?.labels) });
      }
    } else if (m.kind === 'CronJob') {
      pods.push({ namespace, name: `${name}-job`, kind: 'workload', owner: name, labels: stringMap(m.spec?.jobTemplate?.spec?.template?.metadata?.labels) });
    } else if (m.kind === 'Job') {
      pods.push({ namespace, name: `${name}-job`, kind: 'workload', owner: name, labels: stringMap(m.spec?.template?.metadata?.labels) });
    }
  }
  return pods;
}

/** The instance sets of a PostgresCluster, with the names PGO gives unnamed ones. */
export function pgoInstanceSets(cluster: any): Array<{ name: string; index: number; set: any }> {
  const sets = Array.isArray(cluster.spec?.instances) ? cluster.spec.instances : [];
  return sets.map((set: any, index: number) => ({ name: typeof set?.name === 'string' && set.name !== '' ? set.name : String(index).padStart(2, '0'), index, set: set ?? {} }));
}

/** Every pod a PostgresCluster makes PGO create: instances, PgBouncer, backup Jobs, repo host. */
export function postgresClusterPods(cluster: any): ModelPod[] {
  const name = cluster.metadata.name;
  const namespace = ns(cluster);
  const spec = cluster.spec ?? {};
  const common = stringMap(spec.metadata?.labels);
  const exporter = spec.monitoring?.pgmonitor?.exporter !== undefined;
  const pods: ModelPod[] = [];
  for (const { name: set, index, set: s } of pgoInstanceSets(cluster)) {
    for (let i = 1; i <= count(s.replicas, 1); i++) {
      const instance = `${name}-${set}-${i}`;
      pods.push({ namespace, name: instance, kind: 'instance', owner: name, labels: {
        ...common, ...stringMap(s.metadata?.labels),
        [pgoLabel('cluster')]: name, [pgoLabel('instance-set')]: set, [pgoLabel('instance')]: instance,
        [pgoLabel('data')]: 'postgres', [pgoLabel('patroni')]: `${name}-ha`,
        ...(exporter ? { [pgoLabel('crunchy-postgres-exporter')]: 'true' } : {}),
        [pgoLabel('role')]: index === 0 && i === 1 ? 'master' : 'replica',
      } });
    }
  }
  const bouncer = spec.proxy?.pgBouncer;
  if (bouncer) {
    for (let i = 1; i <= count(bouncer.replicas, 1); i++) {
      pods.push({ namespace, name: `${name}-pgbouncer-${i}`, kind: 'pooler', owner: `${name}-pgbouncer`, labels: {
        ...common, ...stringMap(bouncer.metadata?.labels), [pgoLabel('cluster')]: name, [pgoLabel('role')]: 'pgbouncer',
      } });
    }
  }
  const repos = Array.isArray(spec.backups?.pgbackrest?.repos) ? spec.backups.pgbackrest.repos : [];
  for (const repo of repos) {
    for (const type of ['full', 'differential', 'incremental']) {
      if (typeof repo?.schedules?.[type] !== 'string') continue;
      pods.push({ namespace, name: `${name}-${repo.name}-${type}-job`, kind: 'workload', owner: `${name}-${repo.name}-${type}`, labels: {
        ...common, [pgoLabel('cluster')]: name, [pgoLabel('pgbackrest')]: '', [pgoLabel('pgbackrest-repo')]: String(repo.name),
        [pgoLabel('pgbackrest-cronjob')]: type, [pgoLabel('pgbackrest-backup')]: 'scheduled',
      } });
    }
  }
  if (repos.some((r: any) => r?.volume)) {
    pods.push({ namespace, name: `${name}-repo-host-0`, kind: 'workload', owner: `${name}-repo-host`, labels: {
      ...common, ...stringMap(spec.backups?.pgbackrest?.metadata?.labels), [pgoLabel('cluster')]: name, [pgoLabel('pgbackrest')]: '', [pgoLabel('pgbackrest-dedicated')]: '',
    } });
  }
  return pods;
}

/** PGO's minAvailable for `replicas` pods when none is given: 1 from 2 replicas, else none (no PDB). */
function pgoMinAvailable(given: unknown, replicas: number): number | string | undefined {
  if (typeof given === 'number' || typeof given === 'string') return given;
  return replicas > 1 ? 1 : undefined;
}

/** The PDBs PGO keeps for a PostgresCluster: one per instance set, one for PgBouncer. */
export function postgresClusterPdbs(cluster: any): ModelPdb[] {
  const name = cluster.metadata.name;
  const namespace = ns(cluster);
  const out: ModelPdb[] = [];
  for (const { name: set, set: s } of pgoInstanceSets(cluster)) {
    const min = pgoMinAvailable(s.minAvailable, count(s.replicas, 1));
    if (min === undefined || min === 0) continue;
    out.push({ namespace, name: `${name}-set-${set}`, origin: 'operator', minAvailable: min,
      selector: { matchLabels: { [pgoLabel('cluster')]: name, [pgoLabel('instance-set')]: set } } });
  }
  const bouncer = cluster.spec?.proxy?.pgBouncer;
  if (bouncer) {
    const min = pgoMinAvailable(bouncer.minAvailable, count(bouncer.replicas, 1));
    if (min !== undefined && min !== 0) {
      out.push({ namespace, name: `${name}-pgbouncer`, origin: 'operator', minAvailable: min,
        selector: { matchLabels: { [pgoLabel('cluster')]: name, [pgoLabel('role')]: 'pgbouncer' } } });
    }
  }
  return out;
}

/** The names of the PDBs PGO applies for a PostgresCluster (whether or not minAvailable deletes them). */
export function postgresClusterPdbNames(cluster: any): string[] {
  const name = cluster.metadata.name;
  return [...pgoInstanceSets(cluster).map((s) => `${name}-set-${s.name}`), ...(cluster.spec?.proxy?.pgBouncer ? [`${name}-pgbouncer`] : [])];
}

/** Whether a node maintenance window with reusePVC (the default) is in progress. */
export function inMaintenanceReusingPvcs(cluster: any): boolean {
  const w = cluster.spec?.nodeMaintenanceWindow;
  return w?.inProgress === true && w.reusePVC !== false;
}

/** The PDBs the operator keeps for a Cluster (cluster_create.go reconcilePodDisruptionBudget). */
export function operatorPdbs(cluster: any): ModelPdb[] {
  if (cluster.spec?.enablePDB === false) return [];
  const name = cluster.metadata.name;
  const instances = count(cluster.spec?.instances, 1);
  const maintenance = inMaintenanceReusingPvcs(cluster);
  const out: ModelPdb[] = [];
  if (!(maintenance && instances === 1)) {
    out.push({ namespace: ns(cluster), name: `${name}-primary`, origin: 'operator', minAvailable: 1,
      selector: { matchLabels: { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'primary' } } });
  }
  if (instances >= 3 && !maintenance) {
    out.push({ namespace: ns(cluster), name, origin: 'operator', minAvailable: instances - 2,
      selector: { matchLabels: { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'replica' } } });
  }
  return out;
}

/** Every PDB: the manifests' (less those the operator replaces or deletes) and the operator's. */
export function modelPdbs(manifests: any[]): ModelPdb[] {
  const clusters = manifests.filter(isCluster);
  const operatorNames = new Set(clusters.flatMap((c) => [`${ns(c)}/${c.metadata.name}`, `${ns(c)}/${c.metadata.name}-primary`]));
  for (const c of manifests.filter(isPostgresCluster)) for (const n of postgresClusterPdbNames(c)) operatorNames.add(`${ns(c)}/${n}`);
  const pdbs: ModelPdb[] = [];
  for (const m of manifests) {
    if (isCluster(m)) pdbs.push(...operatorPdbs(m));
    if (isPostgresCluster(m)) pdbs.push(...postgresClusterPdbs(m));
    if (m?.kind !== 'PodDisruptionBudget' || typeof m.metadata?.name !== 'string') continue;
    if (operatorNames.has(`${ns(m)}/${m.metadata.name}`)) continue;
    pdbs.push(manifestPdb(m));
  }
  return pdbs;
}

/** A manifest PodDisruptionBudget as a ModelPdb. */
export function manifestPdb(m: any): ModelPdb {
  return { namespace: ns(m), name: m.metadata.name, selector: m.spec?.selector ?? null, origin: 'manifest',
    minAvailable: m.spec?.minAvailable, maxUnavailable: m.spec?.maxUnavailable, object: m };
}

/** Kubernetes label-selector semantics: `selectorMatches` (lib/core/label-selector), under the name the checklist and tests use. */
export const selects = selectorMatches;

/**
 * Pods indexed by namespace and label, to find what a selector matches without a scan of
 * every pod: a selector's equality requirements (matchLabels, `In`) narrow it to the pods
 * carrying one of the required values, and only those are matched in full.
 */
export class PodIndex {
  private readonly byNamespace = new Map<string, ModelPod[]>();
  /** namespace → label key → value → pods */
  private readonly byLabel = new Map<string, Map<string, Map<string, ModelPod[]>>>();

  public constructor(pods: ModelPod[]) {
    for (const p of pods) {
      push(this.byNamespace, p.namespace, p);
      let keys = this.byLabel.get(p.namespace);
      if (!keys) this.byLabel.set(p.namespace, keys = new Map());
      for (const k in p.labels) {
        let values = keys.get(k);
        if (!values) keys.set(k, values = new Map());
        push(values, p.labels[k], p);
      }
    }
  }

  /** The pods of a namespace. */
  public inNamespace(namespace: string): ModelPod[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** The pods of `namespace` that `selector` matches (a missing selector matches all of them). */
  public select(namespace: string, selector: any): ModelPod[] {
    let candidates = this.inNamespace(namespace);
    const keys = this.byLabel.get(namespace);
    const narrow = (key: string, values: unknown[]) => {
      const byValue = keys?.get(key);
      const lists = values.filter((v): v is string => typeof v === 'string').map((v) => byValue?.get(v) ?? []);
      const n = lists.reduce((s, l) => s + l.length, 0);
      if (n < candidates.length) candidates = lists.length === 1 ? lists[0] : [...new Set(lists.flat())];
    };
    if (selector && typeof selector === 'object') {
      for (const [k, v] of Object.entries(selector.matchLabels ?? {})) narrow(k, [v]);
      for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
        if (e?.operator === 'In' && Array.isArray(e.values)) narrow(e.key, e.values);
      }
    }
    return candidates.filter((p) => selectorMatches(selector, p.labels));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** For each pod, the PDBs that select it (pods under none are absent). */
export function pdbCoverage(index: PodIndex, pdbs: ModelPdb[]): Map<ModelPod, ModelPdb[]> {
  const out = new Map<ModelPod, ModelPdb[]>();
  for (const pdb of pdbs) {
    if (pdb.selector === null || pdb.selector === undefined) continue;
    for (const pod of index.select(pdb.namespace, pdb.selector)) push(out, pod, pdb);
  }
  return out;
}

/** Pods selected by more than one PDB, with the PDB names (should always be empty). */
export function podsUnderSeveralPdbs(manifests: any[]): string[] {
  const pods = modelPods(manifests);
  const coverage = pdbCoverage(new PodIndex(pods), modelPdbs(manifests));
  return pods.filter((p) => (coverage.get(p)?.length ?? 0) > 1)
    .map((pod) => `${pod.namespace}/${pod.name}: ${coverage.get(pod)!.map((p) => `${p.name} (${p.origin})`).join(', ')}`);
}

/** Pods covered by no PDB at all. */
export function podsWithoutPdb(manifests: any[]): string[] {
  const pods = modelPods(manifests);
  const coverage = pdbCoverage(new PodIndex(pods), modelPdbs(manifests));
  return pods.filter((p) => !coverage.has(p)).map((pod) => `${pod.namespace}/${pod.name}`);
}

// ---------------------------------------------------------------------------------------
// Resources and QoS class of the pods, as the operator and its plugins build them

/** The Barman Cloud plugin, as Cluster `plugins` entries name it. */
const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** Requests and limits as written in a manifest (quantities as strings or numbers). */
export interface ModelResources {
  readonly requests?: { [resource: string]: string | number };
  readonly limits?: { [resource: string]: string | number };
}

/** One container of a pod as Kubernetes runs it, with the resources it gets and where they come from. */
export interface ModelContainer {
  readonly name: string;
  /** `init`, `sidecar` (an init container with `restartPolicy: Always`) or `container`. */
  readonly role: 'init' | 'sidecar' | 'container';
  readonly resources: ModelResources;
  /** Where its resources come from, e.g. `Cluster orders-db spec.resources`. */
  readonly source: string;
  /** Set when the manifests do not say what resources it gets (e.g. its ObjectStore is not among them). */
  readonly unknown?: string;
  /** Set when the container exists only for part of the pod's life (e.g. during bootstrap). */
  readonly note?: string;
}

/** The pods of one workload manifest, with every container they will run. */
export interface ModelPodResources {
  readonly namespace: string;
  /** `Kind/name` of the manifest the pods come from. */
  readonly owner: string;
  readonly kind: string;
  readonly name: string;
  /** Labels of the pod template (the operator's own for Clusters and Poolers). */
  readonly labels: { [key: string]: string };
  readonly containers: ModelContainer[];
  /** Pod-level `spec.resources` (Kubernetes 1.34+ PodLevelResources), when set. */
  readonly podResources?: ModelResources;
}

/**
 * The containers of every pod the manifests make Kubernetes or CloudNativePG create, with
 * the resources they get:
 * - a CloudNativePG `Cluster` (pkg/specs/pods.go): the `bootstrap-controller` init container
 *   and the `postgres` container both take `spec.resources` (1.30 has no separate init
 *   container resources); the Barman Cloud plugin injects the native sidecar
 *   `plugin-barman-cloud`, whose resources come only from
 *   `ObjectStore.spec.instanceSidecarConfiguration.resources` of the store its `plugins` entry
 *   names (plugin-barman-cloud internal/cnpgi/operator/lifecycle*.go);
 * - a `Pooler` (pkg/specs/pgbouncer/deployments.go): the template's containers (`pgbouncer`
 *   always), and the `bootstrap-controller` init container, which keeps the resources the
 *   template gives it and otherwise takes the template's pod-level `resources` (none: `{}`);
 * - Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods: as written.
 */
export function modelPodResources(manifests: any[]): ModelPodResources[] {
  return manifests.flatMap((m) => (isPostgresCluster(m) ? postgresClusterPodResources(m) : [podResourcesOf(m, manifests)]))
    .filter((p): p is ModelPodResources => p !== undefined);
}

/**
 * The pods of a PostgresCluster with the containers PGO puts in them and where each one's
 * resources come from (CrunchyData/postgres-operator internal/postgres/reconcile.go
 * InstancePod, internal/pgbackrest, internal/pgmonitor, internal/pgbouncer):
 * - each instance set: init `postgres-startup` and `database` take `instances[].resources`;
 *   `replication-cert-copy` takes `instances[].sidecars.replicaCertCopy.resources` (none
 *   otherwise); with `backups.pgbackrest`, `pgbackrest` and `pgbackrest-config` take
 *   `backups.pgbackrest.sidecars.{pgbackrest,pgbackrestConfig}.resources`; with the exporter,
 *   `exporter` takes `monitoring.pgmonitor.exporter.resources`; `instances[].containers` as written;
 * - PgBouncer: `pgbouncer` takes `proxy.pgBouncer.resources`, `pgbouncer-config`
 *   `proxy.pgBouncer.sidecars.pgbouncerConfig.resources`.
 */
export function postgresClusterPodResources(cluster: any): ModelPodResources[] {
  const name = cluster.metadata.name;
  const namespace = ns(cluster);
  const spec = cluster.spec ?? {};
  const owner = `PostgresCluster/${name}`;
  const out: ModelPodResources[] = [];
  const r = (v: any): ModelResources => (v && typeof v === 'object' ? v : {});
  const pgbackrest = spec.backups?.pgbackrest;
  const exporter = spec.monitoring?.pgmonitor?.exporter;
  for (const { name: set, index, set: s } of pgoInstanceSets(cluster)) {
    const at = `spec.instances[${index}]`;
    const containers: ModelContainer[] = [
      { name: 'postgres-startup', role: 'init', resources: r(s.resources), source: `${owner} ${at}.resources` },
      { name: 'database', role: 'container', resources: r(s.resources), source: `${owner} ${at}.resources` },
      { name: 'replication-cert-copy', role: 'container', resources: r(s.sidecars?.replicaCertCopy?.resources), source: `${owner} ${at}.sidecars.replicaCertCopy.resources` },
    ];
    if (pgbackrest) {
      containers.push({ name: 'pgbackrest', role: 'container', resources: r(pgbackrest.sidecars?.pgbackrest?.resources), source: `${owner} spec.backups.pgbackrest.sidecars.pgbackrest.resources` });
      containers.push({ name: 'pgbackrest-config', role: 'container', resources: r(pgbackrest.sidecars?.pgbackrestConfig?.resources), source: `${owner} spec.backups.pgbackrest.sidecars.pgbackrestConfig.resources` });
    }
    if (exporter) containers.push({ name: 'exporter', role: 'container', resources: r(exporter.resources), source: `${owner} spec.monitoring.pgmonitor.exporter.resources` });
    for (const c of Array.isArray(s.containers) ? s.containers : []) {
      containers.push({ name: String(c?.name), role: 'container', resources: r(c?.resources), source: `${owner} ${at}.containers[${c?.name}]` });
    }
    out.push({ namespace, owner, kind: 'PostgresCluster', name: `${name}-${set}`, containers,
      labels: { [pgoLabel('cluster')]: name, [pgoLabel('instance-set')]: set } });
  }
  const bouncer = spec.proxy?.pgBouncer;
  if (bouncer) {
    out.push({ namespace, owner, kind: 'PostgresCluster', name: `${name}-pgbouncer`, labels: { [pgoLabel('cluster')]: name, [pgoLabel('role')]: 'pgbouncer' }, containers: [
      { name: 'pgbouncer', role: 'container', resources: r(bouncer.resources), source: `${owner} spec.proxy.pgBouncer.resources` },
      { name: 'pgbouncer-config', role: 'container', resources: r(bouncer.sidecars?.pgbouncerConfig?.resources), source: `${owner} spec.proxy.pgBouncer.sidecars.pgbouncerConfig.resources` },
    ] });
  }
  return out;
}

/** The pods of one manifest (undefined when it makes none); `manifests` are searched for the ObjectStores a Cluster names. */
/**
 * The pod `m` runs, with every container the operator and the plugins inject. `manifests`
 * are searched for the objects that configure injected containers (the Barman Cloud
 * ObjectStore); give `objectStore` to look those up in an index instead (the checklist does,
 * so that a namespace of many clusters stays linear).
 */
export function podResourcesOf(m: any, manifests: any[], objectStore?: (namespace: string, name: string) => any): ModelPodResources | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const namespace = m.metadata?.namespace ?? 'default';
  const name = String(m.metadata?.name ?? '');
  const owner = `${m.kind}/${name}`;
  if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster') {
    return { namespace, owner, kind: m.kind, name, labels: { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' },
      containers: cnpgInstanceContainers(objectStore ?? ((ns, n) => findObjectStore(manifests, ns, n)), namespace, name, m.spec ?? {}) };
  }
  if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Pooler') {
    const spec = m.spec?.template?.spec ?? {};
    return { namespace, owner, kind: m.kind, name,
      labels: { ...(m.spec?.template?.metadata?.labels ?? {}), 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler' },
      containers: poolerContainers(name, spec), podResources: podLevel(spec) };
  }
  const template = podTemplateOf(m);
  if (!template) return undefined;
  const spec = template.spec ?? {};
  return { namespace, owner, kind: m.kind, name, labels: { ...(template.metadata?.labels ?? {}) },
    containers: writtenContainers(owner, spec), podResources: podLevel(spec) };
}

/** `name cpu/memory` of each container (requests, as Kubernetes defaults them), for reports. */
export function describeContainers(pod: ModelPodResources): string {
  if (pod.podResources) return `pod-level ${describeResources(pod.podResources)}`;
  return pod.containers.map((c) => `${c.name} ${describeResources(c.resources)}`).join(', ');
}

function describeResources(r: ModelResources): string {
  const value = (k: string) => String(r.requests?.[k] ?? r.limits?.[k] ?? 'none');
  const exact = QOS_RESOURCES.every((k) => r.limits?.[k] !== undefined
    && (r.requests?.[k] === undefined || compareQuantities(parseQuantity(r.requests[k]) ?? ZERO, parseQuantity(r.limits[k]) ?? ZERO) === 0));
  return `${value('cpu')} CPU/${value('memory')}${exact ? '' : ' (not requests = limits)'}`;
}

const ZERO: ExactQuantity = { num: 0n, den: 1n };

function podTemplateOf(m: any): any {
  switch (m.kind) {
    case 'Pod': return { metadata: m.metadata, spec: m.spec };
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return m.spec?.template;
    case 'CronJob': return m.spec?.jobTemplate?.spec?.template;
    default: return undefined;
  }
}

function podLevel(spec: any): ModelResources | undefined {
  const r = spec?.resources;
  return r && (r.requests || r.limits) ? r : undefined;
}

function writtenContainers(owner: string, spec: any): ModelContainer[] {
  const init = (spec.initContainers ?? []).map((c: any): ModelContainer => ({
    name: String(c?.name), role: c?.restartPolicy === 'Always' ? 'sidecar' : 'init', resources: c?.resources ?? {},
    source: `${owner} initContainers[${c?.name}]`,
  }));
  const main = (spec.containers ?? []).map((c: any): ModelContainer => ({
    name: String(c?.name), role: 'container', resources: c?.resources ?? {}, source: `${owner} containers[${c?.name}]`,
  }));
  return [...init, ...main];
}

function findObjectStore(manifests: any[], namespace: string, name: string): any {
  return manifests.find((s: any) => s?.kind === 'ObjectStore' && s.metadata?.name === name && (s.metadata?.namespace ?? 'default') === namespace);
}

function cnpgInstanceContainers(objectStore: (namespace: string, name: string) => any, namespace: string, name: string, spec: any): ModelContainer[] {
  const resources = spec.resources ?? {};
  const source = `Cluster ${name} spec.resources`;
  const containers: ModelContainer[] = [
    { name: 'bootstrap-controller', role: 'init', resources, source },
    { name: 'postgres', role: 'container', resources, source },
  ];
  const plugins = (Array.isArray(spec.plugins) ? spec.plugins : []).filter((p: any) => p && p.enabled !== false);
  const barman = plugins.find((p: any) => p.name === BARMAN_PLUGIN && p.parameters?.barmanObjectName);
  if (barman) {
    const storeName = String(barman.parameters.barmanObjectName);
    const store = objectStore(namespace, storeName);
    containers.push({
      name: 'plugin-barman-cloud', role: 'sidecar', resources: store?.spec?.instanceSidecarConfiguration?.resources ?? {},
      source: `ObjectStore ${storeName} spec.instanceSidecarConfiguration.resources`,
      unknown: store ? undefined : `ObjectStore ${storeName} is not among the manifests, so the resources of the Barman Cloud sidecar it configures are unknown`,
    });
  } else {
    // A recovery-only cluster: the plugin injects its sidecar until the first primary is up,
    // and takes resources only from the store of a `plugins` entry, so the sidecar has none.
    const sourceName = spec.bootstrap?.recovery?.source;
    const external = (Array.isArray(spec.externalClusters) ? spec.externalClusters : []).find((e: any) => e?.name === sourceName);
    if (sourceName && external?.plugin?.name === BARMAN_PLUGIN) {
      containers.push({ name: 'plugin-barman-cloud', role: 'sidecar', resources: {},
        source: 'the Barman Cloud plugin (no `plugins` entry names an ObjectStore to take resources from)',
        note: 'while the cluster is bootstrapped from the archive' });
    }
  }
  for (const p of plugins) {
    if (p.name === BARMAN_PLUGIN) continue;
    containers.push({ name: `plugin ${p.name}`, role: 'sidecar', resources: {}, source: `plugin ${p.name}`,
      unknown: `plugin ${p.name} may inject containers whose resources the manifests do not show` });
  }
  return containers;
}

function poolerContainers(name: string, spec: any): ModelContainer[] {
  const owner = `Pooler/${name}`;
  const written = writtenContainers(owner, spec);
  const containers = written.filter((c) => c.name !== 'bootstrap-controller');
  if (!containers.some((c) => c.name === 'pgbouncer' && c.role === 'container')) {
    containers.push({ name: 'pgbouncer', role: 'container', resources: {}, source: `${owner} (no pgbouncer container in the template)` });
  }
  const declared = (spec.initContainers ?? []).find((c: any) => c?.name === 'bootstrap-controller');
  const declaredResources = declared?.resources;
  const hasDeclared = declaredResources && (Object.keys(declaredResources.requests ?? {}).length > 0 || Object.keys(declaredResources.limits ?? {}).length > 0);
  containers.unshift(hasDeclared
    ? { name: 'bootstrap-controller', role: 'init', resources: declaredResources, source: `${owner} template initContainers[bootstrap-controller]` }
    : { name: 'bootstrap-controller', role: 'init', resources: spec.resources ?? {},
      source: `${owner} template spec.resources (the operator's default for its init container when the template gives it none)` });
  return containers;
}

/** The Kubernetes QoS classes, and `Unknown` when the manifests do not tell. */
export type QosClassName = 'Guaranteed' | 'Burstable' | 'BestEffort' | 'Unknown';

/** The QoS class of a pod, with what keeps it from being Guaranteed. */
export interface PodQos {
  readonly qosClass: QosClassName;
  /** One entry per container (or the pod) that is not Guaranteed, e.g. `initContainers[plugin-barman-cloud] (…): no CPU limit`. */
  readonly problems: string[];
}

const QOS_RESOURCES = ['cpu', 'memory'];

/**
 * The QoS class Kubernetes gives the pod (pkg/apis/core/helper/qos `GetPodQOS`): requests
 * default to limits per container (API defaulting); with pod-level resources those decide;
 * otherwise Guaranteed needs a CPU and a memory limit on every container, init containers
 * and sidecars included, and requests equal to limits; BestEffort has neither.
 */
export function podQos(pod: ModelPodResources): PodQos {
  const unknown = pod.containers.filter((c) => c.unknown).map((c) => c.unknown as string);
  if (pod.podResources) {
    const [cls, problems] = qosOf([{ label: 'pod spec.resources', resources: pod.podResources }]);
    return { qosClass: cls, problems };
  }
  const [cls, problems] = qosOf(pod.containers.filter((c) => !c.unknown).map((c) => ({
    label: `${c.role === 'container' ? 'containers' : 'initContainers'}[${c.name}] (resources from ${c.source}${c.note ? `, ${c.note}` : ''})`,
    resources: c.resources,
  })));
  if (unknown.length > 0 && cls === 'Guaranteed') return { qosClass: 'Unknown', problems: unknown };
  return { qosClass: cls, problems: [...problems, ...unknown] };
}

function qosOf(parts: Array<{ label: string; resources: ModelResources }>): [QosClassName, string[]] {
  const requests = new Map<string, ExactQuantity>();
  const limits = new Map<string, ExactQuantity>();
  let guaranteed = true;
  const problems: string[] = [];
  const add = (into: Map<string, ExactQuantity>, key: string, q: ExactQuantity) => into.set(key, into.has(key) ? addQuantities(into.get(key) as ExactQuantity, q) : q);
  for (const { label, resources } of parts) {
    const lim = quantities(resources?.limits);
    // API defaulting: a resource with a limit and no request gets the limit as its request.
    const req = { ...lim, ...quantities(resources?.requests) };
    const own: string[] = [];
    for (const r of QOS_RESOURCES) {
      if (req[r] && isPositive(req[r])) add(requests, r, req[r]);
      if (lim[r] && isPositive(lim[r])) add(limits, r, lim[r]);
      else own.push(`no ${r === 'cpu' ? 'CPU' : r} limit`);
      if (lim[r] && req[r] && compareQuantities(lim[r], req[r]) !== 0) {
        own.push(`${r === 'cpu' ? 'CPU' : r} request ${String(resources?.requests?.[r])} differs from its limit ${String(resources?.limits?.[r])}`);
      }
    }
    if (QOS_RESOURCES.some((r) => !(lim[r] && isPositive(lim[r])))) guaranteed = false;
    if (own.length > 0) problems.push(`${label}: ${own.join(', ')}`);
  }
  if (requests.size === 0 && limits.size === 0) return ['BestEffort', problems];
  if (guaranteed) {
    for (const [r, q] of requests) {
      const l = limits.get(r);
      if (!l || compareQuantities(l, q) !== 0) guaranteed = false;
    }
  }
  return [guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable', problems];
}

function quantities(list: { [resource: string]: string | number } | undefined): { [resource: string]: ExactQuantity } {
  const out: { [resource: string]: ExactQuantity } = {};
  for (const r of QOS_RESOURCES) {
    const q = list ? parseQuantity(list[r]) : undefined;
    if (q) out[r] = q;
  }
  return out;
}
