import { App, Chart, Duration } from 'cdk8s';
import { ArchiveCredentials, ArchiveDestination, BackupSchedule, RestoreDrill, ScheduledBackup, WalArchive } from '../../lib/backup';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { attachedConstructs } from '../../lib/monitoring/attached-constructs';
import { ClusterMonitoring } from '../../lib/monitoring/cluster-monitoring';
import { PgBouncerPool } from '../../lib/pooler/pgbouncer-pool';

/** Attachments register with their cluster's registry (HaPostgres.attachments) when created, wherever they live. */
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

  expect(db.attachments.restoreDrills.map((d) => d.cronJobName)).toEqual(['first-drill', 'second-drill']);
  expect(other.attachments.restoreDrills.map((d) => d.cronJobName)).toEqual(['other-restore-drill']);
  expect(db.attachments.scheduledBackups.map((b) => b.name)).toEqual(['b-daily', 'b-weekly', 'b-hourly']);
  expect(other.attachments.scheduledBackups).toEqual([]);

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

test('pools, monitoring and the archive are in the cluster\'s registry, wherever they live', () => {
  const app = new App();
  const first = new Chart(app, 'first', { namespace: 'db' });
  const second = new Chart(app, 'second', { namespace: 'db' });
  const db = new HaPostgres(first, 'orders');
  const other = new HaPostgres(first, 'other');
  const rw = new PgBouncerPool(second, 'rw', { cluster: db });
  const archive = archiveOf(second, db);
  const monitoring = new ClusterMonitoring(first, 'monitoring', { cluster: db });
  expect(db.attachments.pools).toEqual([rw]);
  expect(db.attachments.archive).toBe(archive);
  expect(db.walArchive).toBe(archive);
  expect(db.attachments.monitoring).toEqual([monitoring]);
  expect(other.attachments.pools).toEqual([]);
  expect(other.attachments.archive).toBeUndefined();
  expect(monitoring.alertedMetrics()).toContain('cnpg_pg_replication_lag');
  // The registry's lists are copies: a caller cannot attach by pushing.
  (db.attachments.pools as unknown[]).push('x');
  expect(db.attachments.pools).toEqual([rw]);
});

test('a second WalArchive of one cluster is refused on the cluster and not attached', () => {
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders');
  const first = archiveOf(chart, db);
  new WalArchive(chart, 'second', {
    cluster: db,
    name: 'orders-archive-2',
    destination: ArchiveDestination.s3({ bucket: 'acme-pg', region: 'eu-west-1', path: 'other' }),
    credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/pg-archive'),
  });
  expect(db.attachments.archive).toBe(first);
  expect(() => app.synth()).toThrow(/\[c\/orders\] WalArchive = "c\/second": cluster "orders" already archives through c\/archive; an instance has exactly one WAL archiver/);
});
