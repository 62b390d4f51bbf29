import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { PatroniChart } from '../../examples/patroni/chart';
import { SynthWarnings } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only } from '../support/synth';

describe('Patroni example (examples/patroni)', () => {
  const chart = new PatroniChart(Testing.app(), 'patroni');
  const manifests = Testing.synth(chart);
  const cfg = parse(only(manifests, 'ConfigMap').data['patroni.yml']);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('schema-valid', () => expectValidManifests(manifests));
  test('no pod under two PDBs', () => expect(podsUnderSeveralPdbs(manifests)).toEqual([]));
  test('no warnings', () => expect(SynthWarnings.collect(chart)).toEqual([]));

  test('three named zones by node affinity, WAL and data volumes from the props', () => {
    const sts = only(manifests, 'StatefulSet');
    expect(sts.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0])
      .toEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
    expect(sts.spec.volumeClaimTemplates.map((v: any) => [v.spec.storageClassName, v.spec.resources.requests.storage]))
      .toEqual([['gp3-encrypted', '200Gi'], ['gp3-encrypted', '50Gi']]);
    expect(sts.spec.template.spec.containers[0].image).toBe('registry.example.com/platform/patroni:4.1.4-pg17');
  });

  test('TLS from the referenced Secret; plain text refused', () => {
    expect(cfg.postgresql.parameters.ssl_cert_file).toBe('/etc/patroni/tls/tls.crt');
    expect(cfg.postgresql.pg_hba[0]).toBe('hostnossl all all all reject');
    expect(only(manifests, 'StatefulSet').spec.template.spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'orders-db-tls', defaultMode: 0o440 } });
  });

  test('PostgreSQL 17 binaries, the user parameters and the owner from the props', () => {
    expect(cfg.postgresql.bin_dir).toBe('/usr/lib/postgresql/17/bin');
    expect(cfg.bootstrap.dcs.postgresql.parameters).toMatchObject({ max_connections: '300', work_mem: '16MB', shared_buffers: '4GB' });
    expect(only(manifests, 'ConfigMap').data['post-bootstrap.sh']).toMatch(/-v owner=orders -v db=orders/);
  });
});
