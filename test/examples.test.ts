import { Testing } from 'cdk8s';
import { DevChart } from '../examples/dev/chart';
import { ProductionChart } from '../examples/production/chart';
import { SynthWarnings } from '../lib';
import { podsUnderSeveralPdbs } from './support/pod-model';
import { expectValidManifests } from './support/schema-validator';


describe('production example', () => {
  const chart = new ProductionChart(Testing.app(), 'production');
  const manifests = Testing.synth(chart);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('schema-valid', () => expectValidManifests(manifests));
  test('no warnings: the production layout needs no caveat', () => expect(SynthWarnings.collect(chart)).toEqual([]));
  test('no pod under two PDBs', () => expect(podsUnderSeveralPdbs(manifests)).toEqual([]));
  test('three named zones and the production parameters', () => {
    const cluster = manifests.find((m: any) => m.kind === 'Cluster');
    expect(cluster.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values)
      .toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(cluster.spec.postgresql.parameters).toMatchObject({ max_connections: '300', shared_buffers: '4GB', log_lock_waits: 'on' });
  });
});

describe('dev example', () => {
  const chart = new DevChart(Testing.app(), 'dev');
  const manifests = Testing.synth(chart);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('schema-valid', () => expectValidManifests(manifests));
  test('warns that it is standalone', () => expect(SynthWarnings.collect(chart).join()).toMatch(/standalone cluster/));
});
