import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterMode, HaPostgres, PostgresVersion } from '../../lib';

/** A single-instance database for development: small, cheap, and loudly not HA. */
export class DevChart extends Chart {
  public readonly database: HaPostgres;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'dev', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'dev-db', {
      mode: ClusterMode.standalone(),
      version: PostgresVersion.V17,
      storage: { size: Size.gibibytes(5) },
      walStorage: { size: Size.gibibytes(2) },
      resources: { cpuRequest: Cpu.millis(500), memoryRequest: Size.gibibytes(1) },
    });
  }
}
