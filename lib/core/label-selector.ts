/**
 * Kubernetes label-selector semantics (matchLabels AND matchExpressions); an empty or
 * missing selector matches everything (policy/v1 PDBs, NetworkPolicy podSelector).
 *
 * An expression with an operator other than In, NotIn, Exists and DoesNotExist matches
 * nothing. Kubernetes rejects an object whose selector has one, so the object never
 * selects a pod; the callers (readiness checklist at synth and in `ha-postgres check`,
 * NetworkPolicyModel in tests) then report what is really missing (no PDB covers the
 * pods, no zone spread, no policy) instead of aborting: the synth-time readiness
 * validation swallows exceptions, so a throw would silently drop all of its warnings.
 */
export function selectorMatches(selector: any, labels: { [key: string]: string }): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: unknown[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
