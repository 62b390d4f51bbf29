import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, BackupSchedule, ClusterEngine, HaPostgres, PatroniDcs, PatroniVersion, PostgresVersion,
  RetentionWindow, ScheduledBackup, WalArchive,
} from '../../lib';

/**
 * The production layout on Patroni instead of an operator: three members in three
 * zones, RPO 0 (quorum ANY 1, strict), the leader lock in the Kubernetes API, WAL
 * archived to S3 with Barman Cloud and a daily base backup from a standby.
 * The Secrets `orders-db-patroni`, `orders-db-app`, `orders-db-tls` and `orders-db-s3`
 * are created beforehand (External Secrets, cert-manager); the manifests only reference them.
 */
export class PatroniChart extends Chart {
  public readonly database: HaPostgres;
  public readonly archive: WalArchive;
  public readonly backup: ScheduledBackup;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'orders-db', {
      engine: ClusterEngine.patroni({
        version: PatroniVersion.V4_1,
        image: 'registry.example.com/platform/patroni:4.1.4-pg17', // with barman-cli-cloud (and python3) for the archive
        credentialsSecretName: 'orders-db-patroni',
        tlsSecretName: 'orders-db-tls', // e.g. a cert-manager Certificate for the Services' names
        dcs: PatroniDcs.kubernetes(),
      }),
      version: PostgresVersion.V17,
      credentials: AppCredentials.fromSecret('orders-db-app', { database: 'orders', owner: 'orders' }),
      placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
      storage: { size: Size.gibibytes(200), storageClass: 'gp3-encrypted' },
      walStorage: { size: Size.gibibytes(50), storageClass: 'gp3-encrypted' },
      resources: { cpuRequest: Cpu.units(4), memoryRequest: Size.gibibytes(16) },
      parameters: { max_connections: 300, work_mem: '16MB', log_min_duration_statement: '500ms' },
    });

    // archive_command with barman-cloud-wal-archive: s3://acme-payments-pg-archive/patroni/orders-db/wals/…
    this.archive = new WalArchive(this, 'archive', {
      cluster: this.database,
      destination: ArchiveDestination.s3({ bucket: 'acme-payments-pg-archive', path: 'patroni', region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromSecret('orders-db-s3'), // keys ACCESS_KEY_ID and ACCESS_SECRET_KEY
      retention: RetentionWindow.days(30),
    });
    // A CronJob that execs barman-cloud-backup in a Ready standby at 02:00 UTC, then applies the retention window.
    this.backup = new ScheduledBackup(this, 'daily-backup', { archive: this.archive, schedule: BackupSchedule.daily({ hour: 2 }) });
  }
}
