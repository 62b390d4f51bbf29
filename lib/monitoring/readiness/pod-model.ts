/*
 * A model of the pods that manifests will make Kubernetes (or an operator) create, with
 * their labels, to check which PodDisruptionBudgets select which pods (used by the
 * readiness checklist and the tests). Operator-created PDBs are modelled too: they are
 * not in the manifests but still select the pods.
 */

import { selectorMatches } from '../../core/label-selector';

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
