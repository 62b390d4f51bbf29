import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ArchiveBucket, ArchiveCredentials, ArchiveSource, BackupSchedule, ClusterBootstrap, HaPostgres, PostgresVersion, RecoveryTarget, RestoreDrill,
  RetentionWindow, ScheduledBackup, WalArchive,
} from '../../lib';

const ARCHIVE_ROLE = 'arn:aws:iam::123456789012:role/payments-pg-archive';
const RETENTION = RetentionWindow.days(30);

/**
 * The production layout with backups: the archive bucket (ACK), continuous WAL archiving
 * with IRSA, a daily base backup at 02:00 UTC, and a monthly restore drill.
 */
export class BackupChart extends Chart {
  public readonly database: HaPostgres;
  public readonly archive: WalArchive;
  public readonly drill: RestoreDrill;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'orders-db', {
      version: PostgresVersion.V17,
      placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
      storage: { size: Size.gibibytes(200), storageClass: 'gp3-encrypted' },
      walStorage: { size: Size.gibibytes(50), storageClass: 'gp3-encrypted' },
      resources: { cpuRequest: Cpu.units(4), memoryRequest: Size.gibibytes(16) },
      parameters: { max_connections: 300, work_mem: '16MB' },
    });

    const bucket = new ArchiveBucket(this, 'archive-bucket', { bucketName: 'acme-payments-pg-archive', region: 'eu-west-1', retention: RETENTION });

    this.archive = new WalArchive(this, 'archive', {
      cluster: this.database,
      destination: bucket.destination({ path: 'prod' }),
      credentials: ArchiveCredentials.fromIamRole(ARCHIVE_ROLE),
      retention: RETENTION,
    });

    new ScheduledBackup(this, 'nightly-backup', { archive: this.archive, schedule: BackupSchedule.daily({ hour: 2 }) });

    this.drill = new RestoreDrill(this, 'restore-drill', {
      cluster: this.database,
      scratchNamespace: 'restore-drills',
      checks: [{ table: 'orders', minRows: 1 }],
      readyTimeout: Duration.hours(3),
    });
  }
}

/**
 * Point-in-time recovery of the orders database into a new cluster, e.g. to inspect
 * data as it was before a bad migration. It archives under its own prefix.
 */
export class PointInTimeRestoreChart extends Chart {
  public readonly database: HaPostgres;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    const bucket = ArchiveBucket.fromBucketName('acme-payments-pg-archive', 'eu-west-1');
    const credentials = ArchiveCredentials.fromIamRole(ARCHIVE_ROLE);
    this.database = new HaPostgres(this, 'orders-db-before-migration', {
      version: PostgresVersion.V17,
      bootstrap: ClusterBootstrap.pointInTime(
        ArchiveSource.fromProps({ destination: bucket.destination({ path: 'prod' }), credentials, serverName: 'orders-db' }),
        RecoveryTarget.time('2026-11-29T21:55:00Z'),
      ),
    });
    new WalArchive(this, 'archive', { cluster: this.database, destination: bucket.destination({ path: 'restores' }), credentials, retention: RETENTION });
  }
}
