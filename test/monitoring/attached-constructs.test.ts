import { Duration } from 'cdk8s';
import { ArchiveCredentials, ArchiveDestination, BackupSchedule, RestoreDrill, ScheduledBackup, WalArchive } from '../../lib/backup';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { ClusterMonitoring } from '../../lib/monitoring';
import { PgBouncerPool } from '../../lib/pooler';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

/**
 * The backup, drill and pool constructs attached to the same cluster are found at synth
 * time (wherever they are created), and the alerts follow them.
 */
const rule = (ms: any[], alert: string) => only(ms, 'PrometheusRule').spec.groups[0].rules.find((r: any) => r.alert === alert);

function archiveOf(c: any, db: HaPostgres): WalArchive {
  return new WalArchive(c, 'archive', {
    cluster: db,
    destination: ArchiveDestination.s3({ bucket: 'acme-pg', region: 'eu-west-1', path: 'prod' }),
    credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/pg-archive'),
  });
}

test('a weekly ScheduledBackup, a weekly RestoreDrill and a pool created after the monitoring drive the alerts', () => {
  const ms = synth((c) => {
    const db = new HaPostgres(c, 'orders');
    const other = new HaPostgres(c, 'other');
    const pool = new PgBouncerPool(c, 'pool', { cluster: db });
    new ClusterMonitoring(c, 'monitoring', { cluster: db, topologyDiagram: false });
    // Created after the monitoring: still found at synth.
    const archive = archiveOf(c, db);
    new ScheduledBackup(c, 'weekly', { archive, schedule: BackupSchedule.weekly() });
    new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'drills', schedule: BackupSchedule.weekly() });
    new PgBouncerPool(c, 'other-pool', { cluster: other }); // another cluster's pool: ignored
    expect(pool.poolName).toBe('orders-pooler-rw');
  });
  expectValidManifests(ms);
  expect(rule(ms, 'HaPostgresBaseBackupTooOld').expr).toMatch(/> 612000$/); // 7 d + 2 h
  expect(rule(ms, 'HaPostgresRestoreDrillOverdue').expr).toMatch(/namespace="db",cronjob="orders-restore-drill".*> 864000$/); // 7 d + 3 d
  expect(rule(ms, 'HaPostgresPoolerClientsWaiting')).toBeDefined();
  const poolers = ms.find((m) => m.kind === 'PodMonitor' && m.metadata.name === 'orders-poolers');
  expect(poolers.spec.selector.matchExpressions).toEqual([{ key: 'cnpg.io/poolerName', operator: 'In', values: ['orders-pooler-rw'] }]);
});

test('explicit props win over the attached constructs', () => {
  const ms = synth((c) => {
    const db = new HaPostgres(c, 'orders');
    new ScheduledBackup(c, 'weekly', { archive: archiveOf(c, db), schedule: BackupSchedule.weekly() });
    new ClusterMonitoring(c, 'monitoring', { cluster: db, topologyDiagram: false, backupPeriod: Duration.hours(12) });
  });
  expect(rule(ms, 'HaPostgresBaseBackupTooOld').expr).toMatch(/> 50400$/);
});

test('a pool created after the monitoring, when no pooler PodMonitor exists yet, is an error with the fix', () => {
  expect(synthError((c) => {
    const db = new HaPostgres(c, 'orders');
    new ClusterMonitoring(c, 'monitoring', { cluster: db, topologyDiagram: false });
    new PgBouncerPool(c, 'pool', { cluster: db });
  })).toMatch(/poolers = \["orders-pooler-rw"\]: these pools of the cluster were created after ClusterMonitoring.*Fix: create the PgBouncerPool before ClusterMonitoring, or call monitoring\.addPooler/);
});
