import { Testing } from 'cdk8s';
import { PoolerChart } from '../../examples/pooler/chart';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { podsUnderSeveralPdbs, podsWithoutPdb } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';

describe('pooler example', () => {
  const chart = new PoolerChart(Testing.app(), 'pooler');
  const manifests = Testing.synth(chart);
  const pooler = (name: string): any => manifests.find((m: any) => m.kind === 'Pooler' && m.metadata.name === name);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('schema-valid', () => expectValidManifests(manifests));
  test('no warnings from the pools', () => expect([...SynthWarnings.collect(chart.writes), ...SynthWarnings.collect(chart.reports)]).toEqual([]));
  test('every pod under exactly one PDB (instances, both pools; the API has none of its own)', () => {
    expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
    expect(podsWithoutPdb(manifests).every((p) => p.startsWith('shop/pooler-api'))).toBe(true);
  });
  test('a read-write transaction pool and a read-only session pool, both in the cluster\'s zones', () => {
    expect(pooler('shop-db-pooler-rw').spec).toMatchObject({ type: 'rw', instances: 3, pgbouncer: { poolMode: 'transaction' } });
    expect(pooler('shop-db-pooler-ro').spec).toMatchObject({ type: 'ro', instances: 2, pgbouncer: { poolMode: 'session' } });
    for (const name of ['shop-db-pooler-rw', 'shop-db-pooler-ro']) {
      expect(pooler(name).spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values)
        .toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    }
  });
  test('the API connects through the read-write pool; its password comes from the Secret', () => {
    const api = manifests.find((m: any) => m.kind === 'Deployment');
    const env = Object.fromEntries(api.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.PGHOST.value).toBe(chart.writes.serviceName);
    expect(env.PGPASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'shop-db-app', key: 'password' });
  });
});
