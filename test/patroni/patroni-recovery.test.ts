/**
 * Recovery from an archive on the Patroni engine: Patroni's custom bootstrap
 * (`bootstrap.method: barman_cloud`) with barman-cloud-restore and a recovery_conf that
 * reads the SOURCE archive, for the latest state, a time and an LSN.
 */
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveSource, ClusterBootstrap, HaPostgres, HaPostgresProps, ManifestChecks, RecoveryTarget, WalArchive,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { byName, patroniProps, patroniYml } from './patroni-fixtures';

const ROLE = 'arn:aws:iam::123456789012:role/orders-archive';
const SOURCE_DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' });
const secretSource = (): ArchiveSource => ArchiveSource.fromProps({ destination: SOURCE_DEST, credentials: ArchiveCredentials.fromSecret('orders-s3'), serverName: 'orders' });

function restored(c: Construct, bootstrap: ClusterBootstrap, props: HaPostgresProps = {}): HaPostgres {
  return new HaPostgres(c, 'orders-copy', patroniProps({}, { bootstrap, ...props }));
}

const configMap = (ms: any[]) => byName(ms, 'ConfigMap', 'orders-copy-patroni').data;
const env = (ms: any[]) => only(ms, 'StatefulSet').spec.template.spec.containers[0].env as any[];
const SECRET_PREFIX = 'env -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID="$RECOVERY_AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$RECOVERY_AWS_SECRET_ACCESS_KEY" AWS_DEFAULT_REGION=eu-west-1';

describe('point-in-time recovery from an archive read with a Secret', () => {
  const ms = synth((c) => { restored(c, ClusterBootstrap.pointInTime(secretSource(), RecoveryTarget.time('2026-01-15T04:00:00+01:00'))); });
  const cfg = patroniYml(ms);
  const script = configMap(ms)['restore-from-archive.sh'] as string;

  test('every object passes its schema; no literal credential', () => {
    expectValidManifests(ms);
    expect(ManifestChecks.literalCredentials(ms)).toEqual([]);
  });

  test('Patroni\'s custom bootstrap: method barman_cloud with the restore script and recovery_conf from the SOURCE serverName', () => {
    expect(cfg.bootstrap.method).toBe('barman_cloud');
    expect(cfg.bootstrap.barman_cloud).toEqual({
      command: 'sh /etc/patroni/restore-from-archive.sh',
      keep_existing_recovery_conf: false,
      recovery_conf: {
        restore_command: `${SECRET_PREFIX} barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-pg-archive/prod orders %f %p`,
        recovery_target_action: 'promote',
        recovery_target_timeline: 'latest',
        recovery_target_time: '2026-01-15T04:00:00+01:00',
      },
    });
    // The new cluster's own settings are unchanged by the recovery.
    expect(cfg.bootstrap.dcs.synchronous_mode).toBe('quorum');
    expect(cfg.postgresql.recovery_conf).toBeUndefined();
  });

  test('the source keys reach the container from the Secret, under their own names', () => {
    expect(env(ms).filter((e) => e.name.startsWith('RECOVERY_'))).toEqual([
      { name: 'RECOVERY_AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'orders-s3', key: 'ACCESS_KEY_ID' } } },
      { name: 'RECOVERY_AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'orders-s3', key: 'ACCESS_SECRET_KEY' } } },
    ]);
    expect(env(ms).some((e) => e.name === 'AWS_ACCESS_KEY_ID')).toBe(false);
  });

  test('the restore script picks the newest backup that ends before the target (in UTC) and restores it into --datadir', () => {
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain('case "$arg" in --datadir=*) DATADIR="${arg#--datadir=}" ;; esac');
    expect(script).toContain(`BACKUP_ID="$(${SECRET_PREFIX} barman-cloud-backup-list --cloud-provider aws-s3 --format json s3://acme-pg-archive/prod orders | python3 -c '`);
    expect(script).toContain("' time '2026-01-15T03:00:00.000+00:00')\"");
    expect(script).toContain(`${SECRET_PREFIX} barman-cloud-restore --cloud-provider aws-s3 s3://acme-pg-archive/prod orders "$BACKUP_ID" "$DATADIR"`);
    expect(script).toContain('chmod 0700 "$DATADIR"');
  });

  test('with a WAL volume, pg_wal becomes a link to it again', () => {
    expect(script).toContain("rm -rf \"$DATADIR/pg_wal\" '/var/lib/postgresql/wal/pg_wal'\nmkdir -m 0700 '/var/lib/postgresql/wal/pg_wal'\nln -s '/var/lib/postgresql/wal/pg_wal' \"$DATADIR/pg_wal\"\n");
  });

  test('post_bootstrap creates the owner and database only when missing and sets the owner\'s password', () => {
    const post = configMap(ms)['post-bootstrap.sh'] as string;
    expect(post).toContain("SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')\n\\gexec\n");
    expect(post).toContain('ALTER ROLE :"owner" LOGIN PASSWORD :\'password\';');
    expect(post).not.toMatch(/^CREATE ROLE/m);
  });
});

test('an LSN target: recovery_target_lsn, and the script picks a backup that ends at or before it', () => {
  const ms = synth((c) => { restored(c, ClusterBootstrap.pointInTime(secretSource(), RecoveryTarget.lsn('0/3000060'))); });
  const rc = patroniYml(ms).bootstrap.barman_cloud.recovery_conf;
  expect(rc.recovery_target_lsn).toBe('0/3000060');
  expect(rc.recovery_target_time).toBeUndefined();
  expect(configMap(ms)['restore-from-archive.sh']).toContain("' lsn '0/3000060')\"");
});

test('the latest state: no target, the newest backup, all archived WAL replayed', () => {
  const ms = synth((c) => { restored(c, ClusterBootstrap.fromArchive(secretSource()), { walStorage: undefined, separateWalVolume: false }); });
  const rc = patroniYml(ms).bootstrap.barman_cloud.recovery_conf;
  expect(Object.keys(rc).sort()).toEqual(['recovery_target_action', 'recovery_target_timeline', 'restore_command']);
  const script = configMap(ms)['restore-from-archive.sh'];
  expect(script).toContain("' latest '')\"");
  // No WAL volume: pg_wal stays a directory of the data volume.
  expect(script).toContain('[ -d "$DATADIR/pg_wal" ] || mkdir -m 0700 "$DATADIR/pg_wal"');
  expect(script).not.toContain('ln -s');
});

test('an IAM role source: the role on the members\' ServiceAccount, archive keys dropped for the source commands', () => {
  const source = ArchiveSource.fromProps({ destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive' }), credentials: ArchiveCredentials.fromIamRole(ROLE), serverName: 'orders' });
  const ms = synth((c) => { restored(c, ClusterBootstrap.fromArchive(source)); });
  expect(byName(ms, 'ServiceAccount', 'orders-copy-patroni').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE });
  expect(patroniYml(ms).bootstrap.barman_cloud.recovery_conf.restore_command)
    .toBe('env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-pg-archive orders %f %p');
  expect(env(ms).some((e) => e.name.startsWith('RECOVERY_'))).toBe(false);
  expectValidManifests(ms);
});

test('a restored cluster that archives elsewhere: its own archive in the local section, the source only in the bootstrap', () => {
  const ms = synth((c) => {
    const copy = restored(c, ClusterBootstrap.fromArchive(ArchiveSource.fromProps({
      destination: SOURCE_DEST, serverName: 'orders', credentials: ArchiveCredentials.fromSecret('orders-s3', { sessionToken: 'token' }),
    })));
    new WalArchive(c, 'copy-archive', {
      cluster: copy, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'restores' }), credentials: ArchiveCredentials.fromSecret('copy-s3'),
    });
  });
  const cfg = patroniYml(ms);
  expect(cfg.postgresql.parameters.archive_command).toBe('barman-cloud-wal-archive --cloud-provider aws-s3 --gzip -e AES256 s3://acme-pg-archive/restores orders-copy %p');
  expect(cfg.postgresql.recovery_conf.restore_command).toBe('barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-pg-archive/restores orders-copy %f %p');
  expect(cfg.bootstrap.barman_cloud.recovery_conf.restore_command).toBe(
    'env AWS_ACCESS_KEY_ID="$RECOVERY_AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$RECOVERY_AWS_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN="$RECOVERY_AWS_SESSION_TOKEN" '
    + 'AWS_DEFAULT_REGION=eu-west-1 barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-pg-archive/prod orders %f %p');
  expect(env(ms).filter((e) => e.valueFrom?.secretKeyRef).map((e) => `${e.name}<-${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`)).toEqual(expect.arrayContaining([
    'AWS_ACCESS_KEY_ID<-copy-s3/ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY<-copy-s3/ACCESS_SECRET_KEY',
    'RECOVERY_AWS_ACCESS_KEY_ID<-orders-s3/ACCESS_KEY_ID', 'RECOVERY_AWS_SECRET_ACCESS_KEY<-orders-s3/ACCESS_SECRET_KEY', 'RECOVERY_AWS_SESSION_TOKEN<-orders-s3/token',
  ]));
  expectValidManifests(ms);
});

describe('the existing recovery rules hold on Patroni', () => {
  test('a restored cluster may not archive where it is restored from', () => {
    expect(synthError((c) => {
      const copy = restored(c, ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ destination: SOURCE_DEST, credentials: ArchiveCredentials.fromIamRole(ROLE), serverName: 'orders-copy' })));
      new WalArchive(c, 'copy-archive', { cluster: copy, destination: SOURCE_DEST, credentials: ArchiveCredentials.fromIamRole(ROLE) });
    })).toMatch(/destination = "s3:\/\/acme-pg-archive\/prod\/orders-copy\/": is where cluster "orders-copy" is restored from.*on Patroni the new timeline's WAL would mix.*Fix: give the restored cluster another path prefix/);
  });

  test('one IAM role for the source and the new archive (one ServiceAccount)', () => {
    expect(synthError((c) => {
      const copy = restored(c, ClusterBootstrap.fromArchive(ArchiveSource.fromProps({ destination: SOURCE_DEST, credentials: ArchiveCredentials.fromIamRole(ROLE), serverName: 'orders' })));
      new WalArchive(c, 'copy-archive', { cluster: copy, destination: ArchiveDestination.s3({ bucket: 'acme-pg-restores' }), credentials: ArchiveCredentials.fromIamRole(`${ROLE}-2`) });
    })).toMatch(/credentials\.roleArn = ".*orders-archive-2": differs from the role the cluster is restored with/);
  });

  test('malformed targets are refused before anything is rendered', () => {
    expect(synthError((c) => { restored(c, ClusterBootstrap.pointInTime(secretSource(), RecoveryTarget.time('2026-01-15 04:00:00'))); }))
      .toMatch(/\[test\/orders-copy\] bootstrap\.target = "time\(\\"2026-01-15 04:00:00\\"\)": has no time zone offset/);
  });
});
