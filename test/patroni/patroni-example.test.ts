import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { PatroniChart } from '../../examples/patroni/chart';
import { SynthWarnings } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only } from '../support/synth';
import { byName } from './patroni-fixtures';

describe('Patroni example (examples/patroni)', () => {
  const chart = new PatroniChart(Testing.app(), 'patroni');
  const manifests = Testing.synth(chart);
  const cfg = parse(byName(manifests, 'ConfigMap', 'orders-db-patroni').data['patroni.yml']);

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
    expect(byName(manifests, 'ConfigMap', 'orders-db-patroni').data['post-bootstrap.sh']).toMatch(/-v owner=orders -v db=orders/);
  });

  test('WAL archived with Barman Cloud to the bucket, keys from the Secret by reference', () => {
    expect(cfg.postgresql.parameters).toMatchObject({
      archive_mode: 'on',
      archive_timeout: '5min',
      archive_command: 'barman-cloud-wal-archive --cloud-provider aws-s3 --gzip -e AES256 s3://acme-payments-pg-archive/patroni orders-db %p',
    });
    const env = only(manifests, 'StatefulSet').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'orders-db-s3', key: 'ACCESS_SECRET_KEY' } } });
    expect(env).toContainEqual({ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' });
  });

  test('a daily base backup at 02:00 UTC from a standby, with the 30-day retention window', () => {
    expect(byName(manifests, 'CronJob', 'orders-db-backup').spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const script = byName(manifests, 'ConfigMap', 'orders-db-backup').data['backup.sh'];
    expect(script).toMatch(/ {2}pick replica\n {2}if \[ -z "\$TARGET" \]; then pick primary; fi/);
    expect(script).toContain("--retention-policy 'RECOVERY WINDOW OF 30 DAYS' s3://acme-payments-pg-archive/patroni orders-db");
    expect(byName(manifests, 'Job', 'orders-db-backup-immediate')).toBeDefined();
  });
});
