import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, BackupSchedule, ClusterEngine, HaPostgres, PgBouncerPool, PostgresVersion,
  RetentionWindow, ScheduledBackup, WalArchive, WeekDay,
} from '../../lib';

/**
 * The production layout on Crunchy Data PGO v6: one PostgresCluster with three instances
 * in three zones, RPO 0 (Patroni synchronous_mode_strict), WAL and backups with pgBackRest
 * to S3 through an IAM role, a weekly full and daily differential backup, a PgBouncer proxy
 * in transaction mode, and PGO's exporter with a PodMonitor and alerts.
 * Images are the operator's (RELATED_IMAGE_*): Crunchy's prebuilt images are under the
 * Crunchy Data Developer Program terms; set the engine's image props to use your own.
 */
export class CrunchyChart extends Chart {
  public readonly database: HaPostgres;
  public readonly archive: WalArchive;
  public readonly backup: ScheduledBackup;
  public readonly pool: PgBouncerPool;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'orders-db', {
      engine: ClusterEngine.crunchy({ differentialBackupSchedule: BackupSchedule.daily({ hour: 2 }) }),
      version: PostgresVersion.V17,
      placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
      storage: { size: Size.gibibytes(200), storageClass: 'gp3-encrypted' },
      walStorage: { size: Size.gibibytes(50), storageClass: 'gp3-encrypted' },
      resources: { cpuRequest: Cpu.units(4), memoryRequest: Size.gibibytes(16) },
      parameters: { max_connections: 300, work_mem: '16MB', log_min_duration_statement: '500ms' },
    });

    // backups.pgbackrest.repos[0].s3, repo1-path /crunchy/orders-db, repo1-s3-key-type web-id
    this.archive = new WalArchive(this, 'archive', {
      cluster: this.database,
      destination: ArchiveDestination.s3({ bucket: 'acme-payments-pg-archive', path: 'crunchy', region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-db-pgbackrest'),
      retention: RetentionWindow.days(30),
    });
    // repos[0].schedules.full: a full backup every Sunday at 01:00 UTC.
    this.backup = new ScheduledBackup(this, 'weekly-full', { archive: this.archive, schedule: BackupSchedule.weekly({ day: WeekDay.SUNDAY, hour: 1 }) });

    this.pool = new PgBouncerPool(this, 'pool', { cluster: this.database, instances: 2 });
  }
}
