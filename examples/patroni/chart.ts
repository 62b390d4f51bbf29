import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppCredentials, ClusterEngine, HaPostgres, PatroniDcs, PatroniVersion, PostgresVersion } from '../../lib';

/**
 * The production layout on Patroni instead of an operator: three members in three
 * zones, RPO 0 (quorum ANY 1, strict), the leader lock in the Kubernetes API.
 * The Secrets `orders-db-patroni`, `orders-db-app` and `orders-db-tls` are created
 * beforehand (External Secrets, cert-manager); the manifests only reference them.
 */
export class PatroniChart extends Chart {
  public readonly database: HaPostgres;

  public constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', disableResourceNameHashes: true, ...props });

    this.database = new HaPostgres(this, 'orders-db', {
      engine: ClusterEngine.patroni({
        version: PatroniVersion.V4_1,
        image: 'registry.example.com/platform/patroni:4.1.4-pg17',
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
  }
}
