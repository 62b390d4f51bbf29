import {
  ArchiveCredentials, ArchiveDestination, ArchiveSource, ClusterBootstrap, ClusterEngine, HaPostgres, RecoveryTarget, WalArchive,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { synth, synthError } from '../support/synth';
import { archivedCluster, ofKind, ROLE_ARN } from './fixtures';

const RESTORE_ROLE = 'arn:aws:iam::123456789012:role/orders-restore';

/** The source cluster with its archive, and a restored cluster archiving to another path. */
function restored(bootstrap: (source: ArchiveSource) => ClusterBootstrap, archivePath = 'restored'): any[] {
  return synth((c) => {
    const { archive } = archivedCluster(c);
    const copy = new HaPostgres(c, 'orders-restored', { bootstrap: bootstrap(ArchiveSource.fromWalArchive(archive)) });
    new WalArchive(c, 'restored-archive', {
      cluster: copy,
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: archivePath, region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromIamRole(ROLE_ARN),
    });
  });
}

function restoredCluster(m: any[]): any {
  return m.find((x) => x.kind === 'Cluster' && x.metadata.name === 'orders-restored');
}

describe('a new HaPostgres bootstrapped from an archive', () => {
  const m = restored((s) => ClusterBootstrap.fromArchive(s));
  const cluster = restoredCluster(m);

  test('every object passes the strict schemas', () => {
    expectValidManifests(m);
  });

  test('latest state: bootstrap.recovery from the origin external cluster, no initdb, no target', () => {
    expect(cluster.spec.bootstrap).toEqual({ recovery: { source: 'origin', database: 'app', owner: 'app' } });
  });

  test('externalClusters reads through the plugin with serverName = the SOURCE cluster name', () => {
    expect(cluster.spec.externalClusters).toEqual([{
      name: 'origin',
      plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'orders-restored-source', serverName: 'orders-db' } },
    }]);
  });

  test('a read-only ObjectStore over the source archive (no retention runs against it) and the new archive', () => {
    const stores = ofKind(m, 'ObjectStore');
    const source = stores.find((s) => s.metadata.name === 'orders-restored-source');
    expect(source.spec.configuration.destinationPath).toBe('s3://acme-pg-archive/prod');
    expect(source.spec.retentionPolicy).toBeUndefined();
    expect(cluster.spec.plugins[0].parameters).toEqual({ barmanObjectName: 'orders-restored-archive', serverName: 'orders-restored' });
  });

  test('point in time: a timestamp', () => {
    const c = restoredCluster(restored((s) => ClusterBootstrap.pointInTime(s, RecoveryTarget.time('2026-11-29T22:15:00Z'))));
    expect(c.spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: '2026-11-29T22:15:00Z' });
  });

  test('point in time: an LSN', () => {
    const c = restoredCluster(restored((s) => ClusterBootstrap.fromArchive(s, { target: RecoveryTarget.lsn('0/3000060') })));
    expect(c.spec.bootstrap.recovery.recoveryTarget).toEqual({ targetLSN: '0/3000060' });
  });

  test('an archive written elsewhere, with its own credentials (IRSA for reading)', () => {
    const out = synth((c) => new HaPostgres(c, 'orders-copy', {
      bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromProps({
        destination: ArchiveDestination.s3({ bucket: 'other-account-archive', region: 'us-east-1' }),
        credentials: ArchiveCredentials.fromIamRole(RESTORE_ROLE),
        serverName: 'orders-db',
      })),
    }));
    expectValidManifests(out);
    const c = out.find((x) => x.kind === 'Cluster');
    expect(c.spec.serviceAccountTemplate.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(RESTORE_ROLE);
    expect(c.spec.plugins).toBeUndefined(); // no archive attached: the copy does not archive
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  test('restoring into the same bucket path and serverName as the source', () => {
    const message = synthError((c) => {
      const { archive } = archivedCluster(c);
      const copy = new HaPostgres(c, 'orders-restored', { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archive)) });
      new WalArchive(c, 'same', { cluster: copy, destination: archive.destination, credentials: archive.credentials, serverName: 'orders-db' });
    });
    expect(message).toMatch(/\[test\/same\] destination = "s3:\/\/acme-pg-archive\/prod\/orders-db\/": is where cluster "orders-restored" is restored from.*non-empty.*Fix: give the restored cluster another path prefix/);
  });

  test('same bucket and path but a different serverName is fine', () => {
    expect(() => synth((c) => {
      const { archive } = archivedCluster(c);
      const copy = new HaPostgres(c, 'orders-restored', { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archive)) });
      new WalArchive(c, 'same', { cluster: copy, destination: archive.destination, credentials: archive.credentials });
    })).not.toThrow();
  });

  test.each([
    [RecoveryTarget.time('2026-11-29 22:15:00'), /bootstrap\.target = "time\(\\"2026-11-29 22:15:00\\"\)": has no time zone offset.*Fix: add the offset, e\.g\. RecoveryTarget\.time\("2026-11-29 22:15:00\+00"\)/],
    [RecoveryTarget.time('yesterday'), /is not a timestamp CloudNativePG accepts/],
    [RecoveryTarget.time('2026-06-01T04:00:00+0200'), /is not a timestamp CloudNativePG accepts.*Fix: write RecoveryTarget\.time\("2026-06-01T04:00:00\+02:00"\)/],
    [RecoveryTarget.time('2026-06-01 04:00:00Z'), /is not a timestamp CloudNativePG accepts.*Fix: write RecoveryTarget\.time\("2026-06-01T04:00:00Z"\)/],
    [RecoveryTarget.time('2026-02-30 04:00:00+00'), /is not a real date and time/],
    [RecoveryTarget.time('2999-01-01T00:00:00Z'), /is in the future/],
    [RecoveryTarget.lsn('3000060'), /bootstrap\.target = "lsn\(\\"3000060\\"\)": is not a WAL location/],
  ])('recovery target %p', (target, problem) => {
    const message = synthError((c) => restoredInto(c, target));
    expect(message).toMatch(problem);
    expect(message).toMatch(/Fix: /);
  });

  test('an engine without recovery support names the engine', () => {
    const base = ClusterEngine.cloudNativePg();
    const engine = Object.create(base, { name: { value: 'Test engine 0.1' }, capabilities: { value: { ...base.capabilities, recovery: false } }, bindRecovery: { value: () => { throw new Error('bindRecovery called without the capability'); } } });
    expect(synthError((c) => new HaPostgres(c, 'copy', { engine, bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archivedCluster(c).archive)) })))
      .toMatch(/\[test\/copy\] bootstrap = "fromArchive\(\.\.\.\)": the engine Test engine 0\.1 cannot bootstrap a cluster from an archive yet/);
  });
});

function restoredInto(c: any, target: RecoveryTarget): void {
  const { archive } = archivedCluster(c);
  new HaPostgres(c, 'orders-restored', { bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromWalArchive(archive), target) });
}

test('a restored cluster whose archive role differs from the source role is an error (one role per service account)', () => {
  const message = synthError((c) => {
    const copy = new HaPostgres(c, 'orders-copy', {
      bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromProps({
        destination: ArchiveDestination.s3({ bucket: 'other-account-archive' }), credentials: ArchiveCredentials.fromIamRole(RESTORE_ROLE), serverName: 'orders-db',
      })),
    });
    new WalArchive(c, 'a', { cluster: copy, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive' }), credentials: ArchiveCredentials.fromIamRole(ROLE_ARN) });
  });
  expect(message).toMatch(/credentials\.roleArn = ".*orders-db-archive": differs from the role the cluster is restored with.*Fix:/);
});
