import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu, Deployment } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { PostgresVersion } from '../../lib/model/postgres-version';
import { PgBouncerPool, PoolMode, PoolType } from '../../lib/pooler';
import { NetworkPeer } from '../../lib/security';

/**
 * A three-zone cluster behind two PgBouncer pools: a read-write pool in transaction
 * mode for the API, and a read-only session pool on the standbys for reports. The API
 * Deployment gets its connection settings from the pool (password by Secret reference).
 */
export class PoolerChart extends Chart {
  public readonly database: HaPostgres;
  public readonly writes: PgBouncerPool;
  public readonly reports: PgBouncerPool;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'shop', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'shop-db', {
      version: PostgresVersion.V17,
      placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
      storage: { size: Size.gibibytes(100) },
      walStorage: { size: Size.gibibytes(20) },
      parameters: { max_connections: 300 },
    });

    // 3 pods × (40 + 10) = 150 of the primary's 300 − 3 − 10 = 287 connections.
    this.writes = new PgBouncerPool(this, 'writes', {
      cluster: this.database,
      instances: 3,
      defaultPoolSize: 40,
      reservePoolSize: 10,
      maxClientConnections: 2000,
      idleTransactionTimeout: Duration.minutes(5),
      parameters: { server_lifetime: '3600' },
    });

    // Reports keep session state (temporary tables), so session mode, on the standbys.
    this.reports = new PgBouncerPool(this, 'reports', {
      cluster: this.database,
      type: PoolType.READ_ONLY,
      poolMode: PoolMode.SESSION,
      defaultPoolSize: 30,
      resources: { cpuRequest: Cpu.millis(250), memoryRequest: Size.mebibytes(128) },
    });

    const api = new Deployment(this, 'api', {
      replicas: 3,
      containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.4.2', portNumber: 8080 }],
    });
    this.writes.addConnectionEnv(api.containers[0]);
    // The pools' NetworkPolicies deny by default: let the API in (it never reaches the instances directly).
    this.writes.connections.allowFrom(NetworkPeer.fromWorkload(api));
  }
}
