/** Verbs that let a subject gain more rights than the Role states. */
const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate', '*'];

/**
 * Findings of the least-privilege rules for RBAC: no cluster-wide roles or bindings, no
 * wildcards, no escalating verbs, and Secrets only by name with read verbs
 * (`list`/`watch` on secrets would expose every Secret of the namespace).
 */
export function rbacFindings(manifests: any[]): string[] {
  const found: string[] = [];
  for (const m of manifests) {
    const id = `${m?.kind}/${m?.metadata?.name}`;
    if (m?.kind === 'ClusterRole' || m?.kind === 'ClusterRoleBinding') found.push(`${id}: cluster-wide RBAC (use a namespaced Role)`);
    if (m?.kind !== 'Role' && m?.kind !== 'ClusterRole') continue;
    (m.rules ?? []).forEach((r: any, i: number) => {
      const where = `${id} rules[${i}]`;
      for (const field of ['apiGroups', 'resources', 'resourceNames'] as const) {
        if ((r[field] ?? []).includes('*')) found.push(`${where}: wildcard in ${field}`);
      }
      for (const v of r.verbs ?? []) if (ESCALATING_VERBS.includes(v)) found.push(`${where}: verb ${v}`);
      if ((r.resources ?? []).some((res: string) => res === 'secrets')) {
        if (!(r.resourceNames?.length > 0)) found.push(`${where}: secrets without resourceNames (every Secret of the namespace)`);
        for (const v of r.verbs ?? []) if (v !== 'get') found.push(`${where}: verb ${v} on secrets (only get by name)`);
      }
    });
  }
  return found;
}
