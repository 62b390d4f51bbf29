import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HaPostgres, PostgresVersion } from '../../lib';

/**
 * The production layout: three instances in three named zones, RPO 0, a separate
 * WAL volume, fast storage and Guaranteed resources.
 */
export class ProductionChart extends Chart {
  public readonly database: HaPostgres;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'orders-db', {
      version: PostgresVersion.V17,
      placement: { zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
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
  }
}
