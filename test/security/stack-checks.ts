/** Every check a synthesized stack must pass, as lists of findings (empty = pass). */
import { ManifestChecks, NetworkPolicyModel } from '../../lib';
import { modelPods, podsUnderSeveralPdbs, selects } from '../support/pod-model';
import { admissionFindings } from '../support/admission';
import { validateManifest } from '../support/schema-validator';

/** References between objects that must resolve: Poolers → Clusters, plugins → ObjectStores, selectors → pods. */
export function unresolvedReferences(manifests: any[]): string[] {
  const found: string[] = [];
  const names = (kind: string, ns: string) => manifests.filter((m) => m.kind === kind && (m.metadata?.namespace ?? 'default') === ns).map((m) => m.metadata.name);
  const pods = modelPods(manifests);
  for (const m of manifests) {
    const ns = m.metadata?.namespace ?? 'default';
    const id = `${m.kind}/${m.metadata?.name}`;
    if (m.kind === 'Pooler' && !names('Cluster', ns).includes(m.spec.cluster.name)) found.push(`${id}: cluster ${m.spec.cluster.name} is not in the output`);
    if (m.kind === 'Cluster') {
      for (const p of m.spec.plugins ?? []) {
        const store = p.parameters?.barmanObjectName;
        if (store && !names('ObjectStore', ns).includes(store)) found.push(`${id}: ObjectStore ${store} is not in the output`);
      }
    }
    // A restore drill's policy guards the temporary clusters its script creates at run time.
    const runtimePods = m.metadata?.labels?.['app.kubernetes.io/component'] === 'restore-drill';
    if ((m.kind === 'PodDisruptionBudget' || m.kind === 'NetworkPolicy') && !runtimePods) {
      const selector = m.kind === 'PodDisruptionBudget' ? m.spec.selector : m.spec.podSelector;
      if (!pods.some((p) => p.namespace === ns && selects(selector, p.labels))) found.push(`${id}: selects no pod`);
    }
    if (m.kind === 'NetworkPolicy') {
      for (const rule of m.spec.ingress ?? []) {
        for (const peer of rule.from ?? []) {
          const pooler = peer.podSelector?.matchLabels?.['cnpg.io/poolerName'];
          if (pooler && !names('Pooler', ns).includes(pooler)) found.push(`${id}: allows pooler ${pooler}, which is not in the output`);
        }
      }
    }
  }
  return found;
}

/** Random stacks repeat many objects verbatim: validate each distinct object once. */
const schemaCache = new Map<string, string[]>();
function schemaFindings(manifests: any[]): string[] {
  return manifests.flatMap((m) => {
    const key = JSON.stringify(m);
    let found = schemaCache.get(key);
    if (found === undefined) {
      found = validateManifest(m);
      schemaCache.set(key, found);
    }
    return found;
  });
}

/** All findings of all checks. */
export function stackFindings(manifests: any[]): string[] {
  return [
    ...schemaFindings(manifests),
    ...podsUnderSeveralPdbs(manifests).map((p) => `pod under several PDBs: ${p}`),
    ...ManifestChecks.podSecurityRestricted(manifests),
    ...ManifestChecks.literalCredentials(manifests),
    ...ManifestChecks.rbacLeastPrivilege(manifests),
    ...unresolvedReferences(manifests),
    // What CloudNativePG's webhooks or the API server would refuse, and objects applied twice.
    ...admissionFindings(manifests),
  ];
}

/** Pods of a stack, by labels, for reachability checks. */
export interface StackPods {
  readonly namespace: string;
  readonly instance: { [key: string]: string };
  readonly poolers: Array<{ [key: string]: string }>;
}

/** Reachability every stack with NetworkPolicies must keep: instances replicate, pools reach their cluster, strangers reach nothing. */
export function reachabilityFindings(manifests: any[], pods: StackPods): string[] {
  const found: string[] = [];
  if (!manifests.some((m) => m.kind === 'NetworkPolicy')) return found;
  const model = new NetworkPolicyModel(manifests, pods.namespace);
  const inst = { namespace: pods.namespace, labels: pods.instance };
  if (!model.allows(inst, inst, 5432)) found.push('instances cannot replicate');
  if (model.allows({ namespace: pods.namespace, labels: { app: 'random' } }, inst, 5432)) found.push('a random pod reaches the instances');
  for (const p of pods.poolers) {
    const pooler = { namespace: pods.namespace, labels: p };
    if (!model.allows(pooler, inst, 5432)) found.push(`pooler ${JSON.stringify(p)} cannot reach its cluster`);
    if (model.allows({ namespace: pods.namespace, labels: { app: 'random' } }, pooler, 5432)) found.push(`a random pod reaches pooler ${JSON.stringify(p)}`);
  }
  return found;
}

/** A synth error message in which every error line names a property and value and gives a fix. */
export function badErrorLines(message: string): string[] {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Validation failed'));
  return lines.filter((l) => !/^(\[[^\]]+\] )?.+ = .+: .+\. Fix: .+$/.test(l));
}
