/**
 * WalArchive on the Patroni engine: archive_command / restore_command in patroni.yml's
 * local section, credentials by reference or IRSA, and every prop the engine cannot express.
 */
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveEncryption, BackupCompression, HaPostgres, ManifestChecks, PatroniEngineProps, RetentionWindow,
  WalArchive, WalArchiveProps, WalCompression,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { byName, patroniProps, patroniYml } from './patroni-fixtures';

const ROLE = 'arn:aws:iam::123456789012:role/orders-archive';
const DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' });

function archived(c: Construct, props: Partial<WalArchiveProps> = {}, engine: Partial<PatroniEngineProps> = {}): WalArchive {
  const db = new HaPostgres(c, 'orders', patroniProps(engine));
  return new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3'), ...props });
}

const env = (ms: any[]) => only(ms, 'StatefulSet').spec.template.spec.containers[0].env as any[];

describe('a WalArchive with Secret credentials (defaults)', () => {
  const ms = synth((c) => { archived(c); });
  const cfg = patroniYml(ms);

  test('every object passes its schema', () => expectValidManifests(ms));

  test('archive_mode, archive_timeout and archive_command are local parameters (a ConfigMap change applies them, no re-bootstrap)', () => {
    expect(cfg.postgresql.parameters).toMatchObject({
      archive_mode: 'on',
      archive_timeout: '5min',
      archive_command: 'barman-cloud-wal-archive --cloud-provider aws-s3 --gzip -e AES256 s3://acme-pg-archive/prod orders %p',
    });
    expect(cfg.bootstrap.dcs.postgresql.parameters.archive_timeout).toBeUndefined();
    expect(cfg.bootstrap.dcs.postgresql.parameters.archive_command).toBeUndefined();
  });

  test('the same destination path and serverName as the CloudNativePG ObjectStore: <path>/<serverName>/wals/', () => {
    const cnpg = synth((c) => {
      const db = new HaPostgres(c, 'orders');
      new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3') });
    });
    const store = only(cnpg, 'ObjectStore').spec.configuration;
    const plugin = only(cnpg, 'Cluster').spec.plugins[0].parameters;
    expect(cfg.postgresql.parameters.archive_command).toContain(` ${store.destinationPath} ${plugin.serverName} %p`);
  });

  test('standbys that fell behind their slot catch up from the archive (recovery_conf.restore_command)', () => {
    expect(cfg.postgresql.recovery_conf).toEqual({
      restore_command: 'barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-pg-archive/prod orders %f %p',
    });
  });

  test('keys from the Secret by reference, the region as a value', () => {
    expect(env(ms).filter((e) => e.name.startsWith('AWS_'))).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'orders-s3', key: 'ACCESS_KEY_ID' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'orders-s3', key: 'ACCESS_SECRET_KEY' } } },
      { name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' },
    ]);
    expect(byName(ms, 'ServiceAccount', 'orders-patroni').metadata.annotations).toBeUndefined();
  });

  test('no literal credential anywhere', () => {
    expect(ManifestChecks.literalCredentials(ms)).toEqual([]);
    expect(JSON.stringify(ms)).not.toMatch(/AKIA|S3RVER/);
  });

  test('walMaxParallel defaults to 1 on Patroni', () => {
    let archive: WalArchive | undefined;
    synth((c) => { archive = archived(c); });
    expect(archive!.walMaxParallel).toBe(1);
  });
});

test('an archive added after the cluster lands in the ConfigMap and the StatefulSet (they are produced lazily)', () => {
  let before: any;
  const ms = synth((c) => {
    const db = new HaPostgres(c, 'orders', patroniProps());
    before = JSON.parse(JSON.stringify((db.node.findChild('Config') as any).toJson()));
    new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3') });
  });
  expect(parse(before.data['patroni.yml']).postgresql.parameters.archive_command).toBeUndefined();
  expect(patroniYml(ms).postgresql.parameters.archive_command).toMatch(/^barman-cloud-wal-archive /);
  expect(env(ms).map((e) => e.name)).toContain('AWS_ACCESS_KEY_ID');
  const withoutArchive = synth((c) => { new HaPostgres(c, 'orders', patroniProps()); });
  const checksum = (m: any[]) => only(m, 'StatefulSet').spec.template.metadata.annotations['ha-postgres/config-sha256'];
  expect(checksum(ms)).not.toBe(checksum(withoutArchive));
});

test('IAM role: the members\' ServiceAccount carries the IRSA annotation, and no key is in the environment', () => {
  const ms = synth((c) => { archived(c, { credentials: ArchiveCredentials.fromIamRole(ROLE) }); });
  expect(byName(ms, 'ServiceAccount', 'orders-patroni').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE });
  expect(env(ms).filter((e) => e.name.startsWith('AWS_'))).toEqual([{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }]);
  expectValidManifests(ms);
});

test('a session token key, an endpoint and a timeout render as given', () => {
  const ms = synth((c) => {
    archived(c, {
      credentials: ArchiveCredentials.fromSecret('orders-s3', { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'token' }),
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', endpoint: 'https://minio.storage.svc:9000' }),
      archiveTimeout: Duration.seconds(90),
    });
  });
  const p = patroniYml(ms).postgresql.parameters;
  expect(p.archive_command).toBe('barman-cloud-wal-archive --cloud-provider aws-s3 --endpoint-url https://minio.storage.svc:9000 --gzip -e AES256 s3://acme-pg-archive orders %p');
  expect(p.archive_timeout).toBe('90s');
  expect(env(ms).filter((e) => e.name.startsWith('AWS_')).map((e) => [e.name, e.valueFrom?.secretKeyRef?.key])).toEqual([
    ['AWS_ACCESS_KEY_ID', 'id'], ['AWS_SECRET_ACCESS_KEY', 'secret'], ['AWS_SESSION_TOKEN', 'token'],
  ]);
});

describe.each([
  [WalCompression.NONE, '3.4', ''],
  [WalCompression.GZIP, '3.4', '--gzip '],
  [WalCompression.BZIP2, '3.4', '--bzip2 '],
  [WalCompression.SNAPPY, '3.4', '--snappy '],
  [WalCompression.LZ4, '3.12', '--lz4 '],
  [WalCompression.XZ, '3.12', '--xz '],
  [WalCompression.ZSTD, '3.12', '--zstd '],
])('walCompression %s with barman-cli-cloud %s', (compression, barman, flag) => {
  test(`archive_command has "${flag.trim() || 'no flag'}"`, () => {
    const ms = synth((c) => { archived(c, { walCompression: compression }, { barmanCloudVersion: barman }); });
    expect(patroniYml(ms).postgresql.parameters.archive_command).toBe(`barman-cloud-wal-archive --cloud-provider aws-s3 ${flag}-e AES256 s3://acme-pg-archive/prod orders %p`);
  });
});

test('SSE-KMS with barman-cli-cloud 3.5: -e aws:kms --sse-kms-key-id=<key>', () => {
  const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const ms = synth((c) => { archived(c, { encryption: ArchiveEncryption.kms(key) }, { barmanCloudVersion: '3.5' }); });
  expect(patroniYml(ms).postgresql.parameters.archive_command)
    .toBe(`barman-cloud-wal-archive --cloud-provider aws-s3 --gzip -e aws:kms --sse-kms-key-id=${key} s3://acme-pg-archive/prod orders %p`);
});

test('a path with shell characters is quoted in the command', () => {
  const ms = synth((c) => { archived(c, { destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: "team's(db)" }) }); });
  expect(patroniYml(ms).postgresql.parameters.archive_command).toContain(` 's3://acme-pg-archive/team'\\''s(db)' orders %p`);
});

describe('props the Patroni engine cannot express fail, naming the prop, the value and the engine', () => {
  test('walMaxParallel other than 1', () => {
    expect(synthError((c) => { archived(c, { walMaxParallel: 4 }); }))
      .toMatch(/\[test\/archive\] walMaxParallel = 4: Patroni 4\.1 archives through PostgreSQL's archive_command, which uploads one WAL segment per call.*Fix: remove walMaxParallel \(1 on this engine\)/);
  });

  test('walMaxParallel 1, given explicitly, is fine', () => {
    expect(() => synth((c) => { archived(c, { walMaxParallel: 1 }); })).not.toThrow();
  });

  test('WAL compression lz4, xz or zstd with barman-cli-cloud older than 3.12', () => {
    expect(synthError((c) => { archived(c, { walCompression: WalCompression.ZSTD }); }))
      .toMatch(/walCompression = "zstd": barman-cloud-wal-archive has no --zstd before Barman 3\.12, and Patroni 4\.1 renders for barman-cli-cloud 3\.4.*Fix: use WalCompression\.GZIP, BZIP2 or SNAPPY, or set barmanCloudVersion/);
    expect(synthError((c) => { archived(c, { walCompression: WalCompression.LZ4 }, { barmanCloudVersion: '3.10' }); }))
      .toMatch(/walCompression = "lz4": .*barman-cli-cloud 3\.10/);
  });

  test('backup compression lz4 with barman-cli-cloud older than 3.18', () => {
    expect(synthError((c) => { archived(c, { backupCompression: BackupCompression.LZ4 }, { barmanCloudVersion: '3.12' }); }))
      .toMatch(/backupCompression = "lz4": barman-cloud-backup has no --lz4 before Barman 3\.18, and Patroni 4\.1 renders for barman-cli-cloud 3\.12.*Fix:/);
    expect(() => synth((c) => { archived(c, { backupCompression: BackupCompression.LZ4 }, { barmanCloudVersion: '3.18' }); })).not.toThrow();
  });

  test('SSE-KMS with barman-cli-cloud older than 3.5', () => {
    expect(synthError((c) => { archived(c, { encryption: ArchiveEncryption.kms('alias/pg') }); }))
      .toMatch(/encryption = aws:kms \(alias\/pg\): barman-cloud-wal-archive and barman-cloud-backup have no --sse-kms-key-id before Barman 3\.5, and Patroni 4\.1 renders for barman-cli-cloud 3\.4.*Fix: use ArchiveEncryption\.AES256, or set barmanCloudVersion/);
  });

  test('a malformed or too old barmanCloudVersion', () => {
    expect(synthError((c) => { new HaPostgres(c, 'orders', patroniProps({ barmanCloudVersion: 'latest' })); }))
      .toMatch(/engine\.barmanCloudVersion = "latest": is not a release number/);
    expect(synthError((c) => { new HaPostgres(c, 'orders', patroniProps({ barmanCloudVersion: '2.19' })); }))
      .toMatch(/engine\.barmanCloudVersion = "2\.19": is older than 3\.4/);
  });
});

describe('a WalArchive owns the archiving parameters', () => {
  test.each(['archive_mode', 'archive_command'])('%s in parameters is refused once an archive is attached', (name) => {
    expect(synthError((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps({}, { parameters: { [name]: 'on' } }));
      new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromIamRole(ROLE) });
    })).toMatch(new RegExp(`parameters\\.${name} = "on": is set by the WalArchive attached to this cluster \\(Patroni 4\\.1 archives through it\\)\\. Fix: remove ${name} from parameters`));
  });

  test('and in addParameters() after it', () => {
    expect(synthError((c) => { archived(c).cluster.addParameters({ archive_command: '/bin/true' }); }))
      .toMatch(/addParameters\(\)\.archive_command = "\/bin\/true": this parameter is set from the WalArchive property/);
  });

  test('archive_timeout as before: set by archiveTimeout', () => {
    expect(synthError((c) => { archived(c).cluster.addParameters({ archive_timeout: '1min' }); }))
      .toMatch(/addParameters\(\)\.archive_timeout = "1min": this parameter is set from the WalArchive archiveTimeout property/);
  });

  test('without an archive, a user may still archive with their own archive_command', () => {
    const ms = synth((c) => { new HaPostgres(c, 'orders', patroniProps({}, { parameters: { archive_mode: 'on', archive_command: '/bin/true' } })); });
    expect(patroniYml(ms).bootstrap.dcs.postgresql.parameters).toMatchObject({ archive_mode: 'on', archive_command: '/bin/true' });
  });
});

test('the retention window does not change the archive_command (retention runs in the backup job)', () => {
  const a = synth((c: Chart) => { archived(c, { retention: RetentionWindow.weeks(2) }); });
  const b = synth((c: Chart) => { archived(c); });
  expect(patroniYml(a).postgresql.parameters).toEqual(patroniYml(b).postgresql.parameters);
});
