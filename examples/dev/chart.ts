import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterMode, HaPostgres, PostgresVersion } from '../../lib';

/** The example's chart props; `version` lets the tests render it for every supported major. */
export interface DevChartProps extends ChartProps {
  /** @default PostgresVersion.V17 */
  readonly version?: PostgresVersion;
}

/** A single-instance database for development: small, cheap, and loudly not HA. */
export class DevChart extends Chart {
  public readonly database: HaPostgres;

  public constructor(scope: Construct, id: string, props: DevChartProps = {}) {
    const { version, ...chartProps } = props;
    super(scope, id, { namespace: 'dev', disableResourceNameHashes: true, ...chartProps });

    this.database = new HaPostgres(this, 'dev-db', {
      mode: ClusterMode.standalone(),
      version: version ?? PostgresVersion.V17,
      storage: { size: Size.gibibytes(5) },
      walStorage: { size: Size.gibibytes(2) },
      resources: { cpuRequest: Cpu.millis(500), memoryRequest: Size.gibibytes(1) },
    });
  }
}
