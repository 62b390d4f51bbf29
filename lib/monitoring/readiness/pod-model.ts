/*
 * A model of the pods that manifests will make Kubernetes (or an operator) create, with
 * their labels, to check which PodDisruptionBudgets select which pods (used by the
 * readiness checklist and the tests). Operator-created PDBs are modelled too: they are
 * not in the manifests but still select the pods.
 */

import { selectorMatches } from '../../core/label-selector';
import { addQuantities, compareQuantities, ExactQuantity, isPositive, parseQuantity } from '../../core/quantity';

/** A pod the manifests will create. */
export interface ModelPod { readonly namespace: string; readonly name: string; readonly labels: { [key: string]: string } }
/** A PodDisruptionBudget, from the manifests or created by the operator. */
export interface ModelPdb {
  readonly namespace: string;
  readonly name: string;
  readonly selector: any;
  readonly origin: 'manifest' | 'operator';
  /** minAvailable as written (number or percentage), when set. */
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

export function modelPods(manifests: any[]): ModelPod[] {
  const pods: ModelPod[] = [];
  for (const m of manifests) {
    const ns = m.metadata?.namespace ?? 'default';
    const name = m.metadata?.name;
    if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster') {
      for (let i = 1; i <= (m.spec?.instances ?? 1); i++) {
        const role = i === 1 ? 'primary' : 'replica';
        pods.push({ namespace: ns, name: `${name}-${i}`, labels: {
          'cnpg.io/cluster': name, 'cnpg.io/instanceName': `${name}-${i}`, 'cnpg.io/podRole': 'instance',
          'cnpg.io/instanceRole': role, role,
        } });
      }
    } else if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Pooler') {
      for (let i = 1; i <= (m.spec?.instances ?? 1); i++) {
        pods.push({ namespace: ns, name: `${name}-${i}`, labels: {
          ...(m.spec?.template?.metadata?.labels ?? {}), 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler',
        } });
      }
    } else if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(m.kind)) {
      for (let i = 0; i < (m.spec?.replicas ?? 1); i++) {
        pods.push({ namespace: ns, name: `${name}-${i}`, labels: { ...(m.spec?.template?.metadata?.labels ?? {}) } });
      }
    } else if (m.kind === 'CronJob') {
      pods.push({ namespace: ns, name: `${name}-job`, labels: { ...(m.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {}) } });
    } else if (m.kind === 'Job') {
      pods.push({ namespace: ns, name: `${name}-job`, labels: { ...(m.spec?.template?.metadata?.labels ?? {}) } });
    }
  }
  return pods;
}

export function modelPdbs(manifests: any[]): ModelPdb[] {
  const pdbs: ModelPdb[] = [];
  for (const m of manifests) {
    const ns = m.metadata?.namespace ?? 'default';
    if (m.kind === 'PodDisruptionBudget') {
      pdbs.push({ namespace: ns, name: m.metadata.name, selector: m.spec?.selector ?? {}, origin: 'manifest',
        minAvailable: m.spec?.minAvailable, maxUnavailable: m.spec?.maxUnavailable });
    }
    // CloudNativePG creates these unless spec.enablePDB is false (pkg/specs/poddisruptionbudget.go).
    if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster' && m.spec?.enablePDB !== false) {
      const c = m.metadata.name;
      pdbs.push({ namespace: ns, name: `${c}-primary`, origin: 'operator', minAvailable: 1,
        selector: { matchLabels: { 'cnpg.io/cluster': c, 'cnpg.io/instanceRole': 'primary' } } });
      if ((m.spec?.instances ?? 1) >= 3) {
        pdbs.push({ namespace: ns, name: c, origin: 'operator', minAvailable: (m.spec?.instances ?? 1) - 2,
          selector: { matchLabels: { 'cnpg.io/cluster': c, 'cnpg.io/instanceRole': 'replica' } } });
      }
    }
  }
  return pdbs;
}

/** Kubernetes label-selector semantics: `selectorMatches` (lib/core/label-selector), under the name the checklist and tests use. */
export const selects = selectorMatches;

/** Pods selected by more than one PDB, with the PDB names (should always be empty). */
export function podsUnderSeveralPdbs(manifests: any[]): string[] {
  const pdbs = modelPdbs(manifests);
  const out: string[] = [];
  for (const pod of modelPods(manifests)) {
    const covering = pdbs.filter((p) => p.namespace === pod.namespace && selects(p.selector, pod.labels));
    if (covering.length > 1) out.push(`${pod.namespace}/${pod.name}: ${covering.map((p) => `${p.name} (${p.origin})`).join(', ')}`);
  }
  return out;
}

/** Pods covered by no PDB at all. */
export function podsWithoutPdb(manifests: any[]): string[] {
  const pdbs = modelPdbs(manifests);
  return modelPods(manifests)
    .filter((pod) => !pdbs.some((p) => p.namespace === pod.namespace && selects(p.selector, pod.labels)))
    .map((pod) => `${pod.namespace}/${pod.name}`);
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
  return manifests.map((m) => podResourcesOf(m, manifests)).filter((p): p is ModelPodResources => p !== undefined);
}

/** The pods of one manifest (undefined when it makes none); `manifests` are searched for the ObjectStores a Cluster names. */
export function podResourcesOf(m: any, manifests: any[]): ModelPodResources | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const namespace = m.metadata?.namespace ?? 'default';
  const name = String(m.metadata?.name ?? '');
  const owner = `${m.kind}/${name}`;
  if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster') {
    return { namespace, owner, kind: m.kind, name, labels: { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' },
      containers: cnpgInstanceContainers(manifests, namespace, name, m.spec ?? {}) };
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

function cnpgInstanceContainers(manifests: any[], namespace: string, name: string, spec: any): ModelContainer[] {
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
    const store = manifests.find((s: any) => s?.kind === 'ObjectStore' && s.metadata?.name === storeName && (s.metadata?.namespace ?? 'default') === namespace);
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
