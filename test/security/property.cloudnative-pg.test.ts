/**
 * Property-based test of random CloudNativePG stacks (test/security/property-suite.ts),
 * and of the checks it relies on.
 */
import { Defect } from './random-stacks';
import { describeRandomStacks, namesProperty } from './property-suite';
import { badErrorLines, reachabilityFindings, stackFindings } from './stack-checks';

describeRandomStacks('CloudNativePG');

describe('the checks themselves', () => {
  test('they catch an unresolved Pooler, a PDB over no pod, a schema error and an undocumented error line', () => {
    const findings = stackFindings([
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'p', namespace: 'shop' }, spec: { cluster: { name: 'gone' }, type: 'bogus', pgbouncer: {} } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'none' } } } },
    ]);
    expect(findings.join('\n')).toContain('Pooler/p: cluster gone is not in the output');
    expect(findings.join('\n')).toContain('PodDisruptionBudget/b: selects no pod');
    expect(findings.some((f) => f.startsWith('Pooler/p spec'))).toBe(true);
    expect(badErrorLines('Validation failed with the following errors:\n  [t/db] something broke')).toEqual(['[t/db] something broke']);
    expect(badErrorLines('Validation failed with the following errors:\n  [t/db] name = "X": is bad. Fix: use "x"')).toEqual([]);
  });

  test('the reachability check catches a policy that isolates the instances', () => {
    const pods = { namespace: 'shop', instance: { role: 'db' }, poolers: [{ role: 'pool' }] };
    const deny = { kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(reachabilityFindings([deny], pods)).toEqual(['instances cannot replicate', 'pooler {"role":"pool"} cannot reach its cluster']);
  });

  test('a broken rule is named: the property check does not pass on any error', () => {
    const d: Defect = { name: 'x', property: 'mode', group: 'g', apply: (c) => c };
    expect(namesProperty('Validation failed with the following errors:\n  [shop/db0] mode = "highAvailability(2)": needs 3. Fix: use 3', d)).toBe(true);
    expect(namesProperty('Validation failed with the following errors:\n  [shop/db0] modeX = "a": b. Fix: c', d)).toBe(false);
    expect(namesProperty('Validation failed with the following errors:\n  [shop/db0] name = "mode": b. Fix: c', d)).toBe(false);
  });
});
