/**
 * The IRSA role of the instances' ServiceAccount is chosen the same way on both engines
 * (lib/model/archive-credentials.ts instanceRoleArn): the WalArchive's role, else the
 * recovery source's; on Patroni it is read when the ServiceAccount is produced.
 */
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveSource, ClusterBootstrap, HaPostgres, HaPostgresProps, WalArchive,
} from '../../lib';
import { only, synth, synthError } from '../support/synth';
import { byName, patroniProps } from './patroni-fixtures';

const ARCHIVE_ROLE = 'arn:aws:iam::123456789012:role/orders-archive';
const SOURCE_ROLE = 'arn:aws:iam::123456789012:role/orders-restore';
const SOURCE_DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' });
const NEW_DEST = ArchiveDestination.s3({ bucket: 'acme-pg-restores', region: 'eu-west-1' });

type Engine = 'patroni' | 'cnpg';
const props = (engine: Engine, p: HaPostgresProps): HaPostgresProps => (engine === 'patroni' ? patroniProps({}, p) : p);

function restoredAndArchived(c: Construct, engine: Engine, source: ArchiveCredentials, archive?: ArchiveCredentials): void {
  const bootstrap = ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ destination: SOURCE_DEST, credentials: source, serverName: 'orders' }));
  const db = new HaPostgres(c, 'orders-copy', props(engine, { bootstrap }));
  if (archive) new WalArchive(c, 'archive', { cluster: db, destination: NEW_DEST, credentials: archive });
}

/** The role annotation of the instances' ServiceAccount, as each engine renders it. */
function roleOf(engine: Engine, ms: any[]): string | undefined {
  const annotations = engine === 'patroni'
    ? byName(ms, 'ServiceAccount', 'orders-copy-patroni').metadata.annotations
    : only(ms, 'Cluster').spec.serviceAccountTemplate?.metadata.annotations;
  return annotations?.['eks.amazonaws.com/role-arn'];
}

describe.each<Engine>(['patroni', 'cnpg'])('%s', (engine) => {
  test('a Secret archive on a cluster restored with a role: the source\'s role', () => {
    const ms = synth((c) => restoredAndArchived(c, engine, ArchiveCredentials.fromIamRole(SOURCE_ROLE), ArchiveCredentials.fromSecret('orders-s3')));
    expect(roleOf(engine, ms)).toBe(SOURCE_ROLE);
  });

  test('a role archive on a cluster restored with a Secret: the archive\'s role (added after the cluster)', () => {
    const ms = synth((c) => restoredAndArchived(c, engine, ArchiveCredentials.fromSecret('orders-s3'), ArchiveCredentials.fromIamRole(ARCHIVE_ROLE)));
    expect(roleOf(engine, ms)).toBe(ARCHIVE_ROLE);
  });

  test('Secrets only: no role annotation', () => {
    const ms = synth((c) => restoredAndArchived(c, engine, ArchiveCredentials.fromSecret('orders-s3'), ArchiveCredentials.fromSecret('orders-s3')));
    expect(roleOf(engine, ms)).toBeUndefined();
  });
});

test('Patroni: an image reference with an empty path segment is refused, like HaPostgres imageName', () => {
  expect(synthError((c) => { new HaPostgres(c, 'orders', patroniProps({ image: 'registry.example.com//patroni:4.1.4-pg17' })); }))
    .toMatch(/engine\.image = "registry\.example\.com\/\/patroni:4\.1\.4-pg17": is not a valid container image reference\. Fix: give e\.g\. "registry\.example\.com\/patroni:4\.1\.4-pg17"/);
});

test('Patroni: networkProfile is a method of the engine', () => {
  const db = synthCluster();
  expect(typeof Object.getPrototypeOf(db.engine).networkProfile).toBe('function');
  expect(db.engine.networkProfile()!.peerPorts).toEqual([8008]);
});

function synthCluster(): HaPostgres {
  let db: HaPostgres | undefined;
  synth((c) => { db = new HaPostgres(c, 'orders', patroniProps()); });
  return db!;
}
