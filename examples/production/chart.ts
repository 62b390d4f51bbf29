import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Capability, Cpu, Deployment, SeccompProfileType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ArchiveBucket, ArchiveCredentials, BackupSchedule, ClusterMonitoring, HaPostgres, NetworkPeer, PgBouncerPool, PoolMode, PoolType, PostgresVersion,
  RestoreDrill, RetentionWindow, ScheduledBackup, TaintEffect, TolerationOperator, WalArchive,
} from '../../lib';

const RETENTION = RetentionWindow.days(30);

/** The example's chart props; `version` lets the tests render it for every supported major. */
export interface ProductionChartProps extends ChartProps {
  /** @default PostgresVersion.V17 */
  readonly version?: PostgresVersion;
}

/**
 * The production layout: three instances in three named zones, on nodes dedicated to
 * PostgreSQL, with RPO 0 (synchronous replication and failover quorum), Guaranteed pods
 * (the Barman Cloud sidecar and PgBouncer's init container included) and a separate
 * WAL volume; applications behind PgBouncer; continuous WAL archiving to a versioned,
 * encrypted bucket with a daily base backup and a monthly restore drill; PodMonitors,
 * alerts and a topology diagram. Every item of the readiness checklist passes.
 */
export class ProductionChart extends Chart {
  public readonly database: HaPostgres;
  public readonly pool: PgBouncerPool;
  public readonly reportsPool: PgBouncerPool;
  public readonly archive: WalArchive;
  public readonly drill: RestoreDrill;
  public readonly monitoring: ClusterMonitoring;

  public constructor(scope: Construct, id: string, props: ProductionChartProps = {}) {
    const { version, ...chartProps } = props;
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...chartProps });

    this.database = new HaPostgres(this, 'orders-db', {
      version: version ?? PostgresVersion.V17,
      placement: {
        zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        // Nodes dedicated to PostgreSQL (CloudNativePG's recommendation): labelled and tainted
        // node-role.kubernetes.io/postgres in each zone, so no other workload shares them.
        nodeSelector: { 'node-role.kubernetes.io/postgres': '' },
        tolerations: [{ key: 'node-role.kubernetes.io/postgres', operator: TolerationOperator.EXISTS, effect: TaintEffect.NO_SCHEDULE }],
      },
      storage: { size: Size.gibibytes(200), storageClass: 'gp3-encrypted' },
      walStorage: { size: Size.gibibytes(50), storageClass: 'gp3-encrypted' },
      resources: { cpuRequest: Cpu.units(4), memoryRequest: Size.gibibytes(16) },
      parameters: {
        max_connections: 300,
        work_mem: '16MB',
        maintenance_work_mem: '1GB',
        random_page_cost: 1.1,
        log_min_duration_statement: '500ms',
        log_lock_waits: true,
        idle_in_transaction_session_timeout: '10min',
        'pg_stat_statements.max': 10000,
      },
    });
    // Metrics over TLS: the PodMonitor follows (https, the cluster CA, server name <cluster>-rw).
    this.database.addOverride('spec.monitoring.tls.enabled', true);

    // Apps reach PostgreSQL only through PgBouncer: 2 pods × (40 + 10) = 100 of the
    // primary's 300 − 3 reserved − 10 headroom connections.
    this.pool = new PgBouncerPool(this, 'orders-pool', {
      cluster: this.database,
      defaultPoolSize: 40,
      reservePoolSize: 10,
      maxClientConnections: 2000,
      idleTransactionTimeout: Duration.minutes(5),
    });
    // Reports read from the standbys and keep session state (temporary tables).
    this.reportsPool = new PgBouncerPool(this, 'reports-pool', {
      cluster: this.database,
      type: PoolType.READ_ONLY,
      poolMode: PoolMode.SESSION,
      defaultPoolSize: 20,
    });

    // One bucket per namespace (acme-payments-pg-archive here): copies of this chart for other teams never share an archive.
    const bucket = new ArchiveBucket(this, 'archive-bucket', { bucketName: `acme-${this.namespace}-pg-archive`, region: 'eu-west-1', retention: RETENTION });
    this.archive = new WalArchive(this, 'archive', {
      cluster: this.database,
      destination: bucket.destination({ path: 'prod' }),
      credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/payments-pg-archive'),
      retention: RETENTION,
    });
    new ScheduledBackup(this, 'daily-backup', { archive: this.archive, schedule: BackupSchedule.daily({ hour: 2 }) });
    this.drill = new RestoreDrill(this, 'restore-drill', {
      cluster: this.database,
      scratchNamespace: 'restore-drills',
      checks: [{ table: 'orders', minRows: 1 }],
      readyTimeout: Duration.hours(3),
    });

    // PodMonitors and alerts, picked up by a kube-prometheus-stack Prometheus; the backup-age
    // and drill alerts follow the ScheduledBackup and RestoreDrill attached above.
    this.monitoring = new ClusterMonitoring(this, 'monitoring', {
      cluster: this.database,
      ruleLabels: { release: 'kube-prometheus-stack' },
    });

    const api = new Deployment(this, 'orders-api', {
      replicas: 3,
      containers: [{
        name: 'api',
        image: 'registry.example.com/payments/orders-api:2.3.0',
        portNumber: 8080,
        // Pod Security Standard "restricted", like every pod template the library renders
        securityContext: {
          ensureNonRoot: true, user: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
          capabilities: { drop: [Capability.ALL] }, seccompProfile: { type: SeccompProfileType.RUNTIME_DEFAULT },
        },
      }],
    });
    this.pool.addConnectionEnv(api.containers[0]);
    // The pools' NetworkPolicies deny by default: let the API in (it never reaches the instances directly).
    this.pool.connections.allowFrom(NetworkPeer.fromWorkload(api));
  }
}
