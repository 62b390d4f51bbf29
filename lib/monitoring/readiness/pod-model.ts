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
 */

import { selectorMatches } from '../../core/label-selector';

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
  const pdbs: ModelPdb[] = [];
  for (const m of manifests) {
    if (isCluster(m)) pdbs.push(...operatorPdbs(m));
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

/** Whether a PDB selects a pod: a null selector selects none (policy/v1). */
export function pdbSelects(pdb: ModelPdb, labels: { [key: string]: string }): boolean {
  return pdb.selector !== null && pdb.selector !== undefined && selectorMatches(pdb.selector, labels);
}

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
