/**
 * Every pod template the library owns passes PSS "restricted", no output carries a
 * literal credential, and RBAC is least-privilege: for each construct, with its defaults.
 */
import { Chart } from 'cdk8s';
import { Deployment, ServiceAccount } from 'cdk8s-plus-28';
import {
  AppCredentials, ArchiveCredentials, ClusterBootstrap, ClusterEngine, ClusterMonitoring, HaPostgres, ManifestChecks, NetworkPeer, PatroniVersion, PgBouncerPool, PostgresVersion,
} from '../../lib';
import { archivedCluster, backupSet } from '../backup/fixtures';
import { synth } from '../support/synth';
import { expectValidManifests } from '../support/schema-validator';

const STACKS: Array<[string, (c: Chart) => void]> = [
  ['HaPostgres', (c) => { new HaPostgres(c, 'db'); }],
  ['HaPostgres + PgBouncerPool + app', (c) => {
    const db = new HaPostgres(c, 'db');
    const pool = new PgBouncerPool(c, 'pool', { cluster: db });
    const web = new Deployment(c, 'web', { containers: [{ image: 'web:1', portNumber: 8080 }] });
    pool.addConnectionEnv(web.containers[0]);
    pool.connections.allowFrom(NetworkPeer.fromWorkload(web));
    db.grantReadAppSecret(new ServiceAccount(c, 'web-sa'));
  }],
  ['WalArchive + ScheduledBackup + RestoreDrill + ClusterMonitoring', (c) => {
    backupSet(c);
    new ClusterMonitoring(c, 'mon', { cluster: c.node.findChild('orders-db') as HaPostgres });
  }],
  ['archive with a credentials Secret, restored cluster', (c) => {
    const { archive } = archivedCluster(c, { credentials: ArchiveCredentials.fromSecret('orders-s3') });
    new HaPostgres(c, 'restored', { bootstrap: ClusterBootstrap.fromArchive({ destination: archive.destination, credentials: archive.credentials, serverName: 'orders-db' }) });
  }],
  ['Patroni engine', (c) => {
    new HaPostgres(c, 'orders', {
      credentials: AppCredentials.fromSecret('orders-app'), version: PostgresVersion.of(15, 8),
      engine: ClusterEngine.patroni({ version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni', tlsSecretName: 'orders-tls' }),
    });
  }],
];

describe.each(STACKS)('%s', (_name, build) => {
  const manifests = synth(build);

  test('schema-valid', () => expectValidManifests(manifests));
  test('every pod template the library owns passes PSS "restricted"', () => {
    // test-web is the application's Deployment, not the library's.
    expect(ManifestChecks.podSecurityRestricted(manifests).filter((f) => !f.startsWith('Deployment/test-web '))).toEqual([]);
  });
  test('every container the library owns has a read-only root filesystem', () => {
    expect(ManifestChecks.writableRootFilesystems(manifests).filter((f) => !f.startsWith('Deployment/test-web '))).toEqual([]);
  });
  test('no literal credential', () => expect(ManifestChecks.literalCredentials(manifests)).toEqual([]));
  test('RBAC least privilege', () => expect(ManifestChecks.rbacLeastPrivilege(manifests)).toEqual([]));
});

test('the Pooler template is checked (and restricted): the check sees it', () => {
  const ms = synth((c) => { new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'db') }); });
  const pooler = ms.find((m) => m.kind === 'Pooler');
  expect(pooler.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  delete pooler.spec.template.spec.securityContext;
  expect(ManifestChecks.podSecurityRestricted(ms).join('\n')).toMatch(/^Pooler\/db-pooler-rw spec\.template\.spec: containers\[pgbouncer\]: runAsNonRoot|seccompProfile/m);
});
