import { App, Chart, Duration } from 'cdk8s';
import { ArchiveCredentials, ArchiveDestination, BackupSchedule, RestoreDrill, ScheduledBackup, WalArchive } from '../../lib/backup';
import { restoreDrillsOf, scheduledBackupsOf } from '../../lib/model/backup-registry';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { attachedConstructs } from '../../lib/monitoring/attached-constructs';

/** ScheduledBackups and RestoreDrills register with their cluster when created, wherever they live. */
function archiveOf(scope: Chart, db: HaPostgres): WalArchive {
  return new WalArchive(scope, 'archive', {
    cluster: db,
    destination: ArchiveDestination.s3({ bucket: 'acme-pg', region: 'eu-west-1', path: 'prod' }),
    credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/pg-archive'),
  });
}

test('drills and backups in other charts are found per cluster, in creation order', () => {
  const app = new App();
  const first = new Chart(app, 'first', { namespace: 'db' });
  const second = new Chart(app, 'second', { namespace: 'db' });
  const db = new HaPostgres(first, 'orders');
  const other = new HaPostgres(second, 'other');
  const archive = archiveOf(first, db);
  new RestoreDrill(first, 'weekly-drill', { cluster: db, scratchNamespace: 'drills', name: 'first-drill', schedule: BackupSchedule.weekly() });
  new RestoreDrill(second, 'later-drill', { cluster: db, scratchNamespace: 'drills', name: 'second-drill' });
  new RestoreDrill(second, 'other-drill', { cluster: other, scratchNamespace: 'drills' });
  new ScheduledBackup(second, 'daily', { archive, name: 'b-daily' });
  new ScheduledBackup(first, 'weekly', { archive, name: 'b-weekly', schedule: BackupSchedule.weekly() });
  new ScheduledBackup(first, 'hourly', { archive, name: 'b-hourly', schedule: BackupSchedule.cron('0 * * * *'), suspend: true });

  expect(restoreDrillsOf(db).map((d) => d.cronJobName)).toEqual(['first-drill', 'second-drill']);
  expect(restoreDrillsOf(other).map((d) => d.cronJobName)).toEqual(['other-restore-drill']);
  expect(scheduledBackupsOf(db).map((b) => b.name)).toEqual(['b-daily', 'b-weekly', 'b-hourly']);
  expect(scheduledBackupsOf(other)).toEqual([]);

  const attached = attachedConstructs(db);
  expect(attached.drill).toEqual({ cronJobName: 'first-drill', namespace: 'db', period: BackupSchedule.weekly().period });
  expect(attached.backupPeriod?.toSeconds()).toBe(Duration.days(1).toSeconds()); // the suspended hourly one does not count
  expect(attachedConstructs(other)).toEqual({ drill: { cronJobName: 'other-restore-drill', namespace: 'db', period: expect.anything() }, poolers: [] });
});

test('a cluster without backups or drills has none attached', () => {
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders');
  expect(attachedConstructs(db)).toEqual({ poolers: [] });
  new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'drills' });
  expect(attachedConstructs(db).drill?.cronJobName).toBe('orders-restore-drill');
});
