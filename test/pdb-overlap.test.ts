import { Chart, Testing } from 'cdk8s';
import { ClusterMode, DisruptionBudget, HaPostgres, HaPostgresProps } from '../lib';
import { modelPdbs, podsUnderSeveralPdbs, podsWithoutPdb } from './support/pod-model';
import { expectValidManifests } from './support/schema-validator';

/**
 * A pod selected by two PodDisruptionBudgets cannot be evicted (the eviction API answers
 * HTTP 500) and node drains hang. Over many prop combinations, several clusters side by
 * side in one namespace, no pod may ever be under two budgets, and every instance of a
 * highly available cluster must be under exactly one.
 */
const modes: Array<[string, ClusterMode]> = [
  ['standalone', ClusterMode.standalone()],
  ['ha3', ClusterMode.highAvailability(3)],
  ['ha4', ClusterMode.highAvailability(4)],
  ['ha5', ClusterMode.highAvailability(5)],
];
const budgets: Array<[string, DisruptionBudget | undefined]> = [
  ['default', undefined],
  ['min1', DisruptionBudget.minAvailable(1)],
  ['min2', DisruptionBudget.minAvailable(2)],
  ['min3', DisruptionBudget.minAvailable(3)],
  ['operator', DisruptionBudget.operatorManaged()],
];
const walLayouts = [true, false];

interface Combo { name: string; props: HaPostgresProps }
const combos: Combo[] = [];
for (const [m, mode] of modes) {
  for (const [b, budget] of budgets) {
    for (const separateWalVolume of walLayouts) {
      if (!mode.highlyAvailable && budget !== undefined) continue; // a budget on a standalone instance is an error (tested elsewhere)
      if (budget?.minAvailableCount !== undefined && budget.minAvailableCount >= mode.instances) continue; // allows no disruption: an error
      combos.push({ name: `${m}-${b}-${separateWalVolume ? 'wal' : 'nowal'}`, props: { mode, disruptionBudget: budget, separateWalVolume } });
    }
  }
}

test('the combination list is large enough to mean something', () => {
  expect(combos.length).toBeGreaterThanOrEqual(30);
});

test.each(combos)('$name alone: no pod under two PDBs, every HA instance under one', ({ name, props }) => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
  new HaPostgres(chart, name, props);
  const manifests = Testing.synth(chart);
  expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
  if (props.mode?.highlyAvailable) expect(podsWithoutPdb(manifests)).toEqual([]);
});

test('all combinations side by side in one namespace (shared labels, similar names)', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
  for (const { name, props } of combos) new HaPostgres(chart, name, props);
  // names that prefix each other, so a selector on a name prefix would show
  new HaPostgres(chart, 'db', {});
  new HaPostgres(chart, 'db-2', { disruptionBudget: DisruptionBudget.operatorManaged() });
  const manifests = Testing.synth(chart);
  expectValidManifests(manifests);
  expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
  const names = modelPdbs(manifests).map((p) => `${p.namespace}/${p.name}`);
  expect(new Set(names).size).toBe(names.length);
});

test('the checker itself sees an overlap when one exists', () => {
  // guard against a checker that can never fail: the operator's PDBs plus ours
  const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
  const db = new HaPostgres(chart, 'db1');
  db.node.tryRemoveChild('DisruptionBudget');
  const manifests = Testing.synth(chart).map((m: any) => m.kind === 'Cluster' ? { ...m, spec: { ...m.spec, enablePDB: true } } : m);
  manifests.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'extra', namespace: 'db' },
    spec: { minAvailable: 2, selector: { matchLabels: { 'cnpg.io/cluster': 'db1' } } } });
  expect(podsUnderSeveralPdbs(manifests)).toHaveLength(3);
});
