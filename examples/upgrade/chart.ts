import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { PostgresVersion } from '../../lib/model/postgres-version';
import { PgBouncerPool } from '../../lib/pooler';
import { BlueGreenUpgrade, PoolSwitch, PoolSwitchSide } from '../../lib/replication';
import { NetworkPeer } from '../../lib/security';

/** Options of the upgrade example. */
export interface UpgradeChartProps extends ChartProps {
  /**
   * Which pool the applications' Service (`orders-db`) selects.
   *
   * @default PoolSwitchSide.SOURCE
   */
  readonly serve?: PoolSwitchSide;
}

/**
 * An online major upgrade, 14 → 17 (docs/guides/upgrades.md): the running cluster `orders`
 * and its pool, the new cluster `orders-v17` and its pool, the BlueGreenUpgrade between
 * them, and the applications' Service `orders-db` in front of both pools. `npm run
 * synth:upgrade` renders the manifests of today (dist/upgrade), and
 * `SERVE_TARGET=1 npx cdk8s synth --app 'ts-node --swc examples/upgrade/main.ts' --output dist/upgrade-switched`
 * those the cutover's switch command applies.
 */
export class UpgradeChart extends Chart {
  public readonly source: HaPostgres;
  public readonly target: HaPostgres;
  public readonly upgrade: BlueGreenUpgrade;

  public constructor(scope: Construct, id: string, props: UpgradeChartProps = {}) {
    super(scope, id, { namespace: 'shop', disableResourceNameHashes: true, ...props });

    this.source = new HaPostgres(this, 'orders', { version: PostgresVersion.of(14, 23) });
    this.target = new HaPostgres(this, 'orders-v17', { version: PostgresVersion.of(17, 10) });
    this.upgrade = new BlueGreenUpgrade(this, 'upgrade', {
      source: this.source,
      target: this.target,
      // kubernetes.io/basic-auth, username upgrade_replicator, in namespace shop.
      replicationSecretName: 'orders-upgrade-replicator',
    });

    const app = NetworkPeer.podsWithLabels({ 'app.kubernetes.io/name': 'shop-api' });
    const sourcePool = new PgBouncerPool(this, 'pool', { cluster: this.source });
    const targetPool = new PgBouncerPool(this, 'pool-v17', { cluster: this.target });
    sourcePool.connections.allowFrom(app);
    targetPool.connections.allowFrom(app);
    new PoolSwitch(this, 'db', { serviceName: 'orders-db', source: sourcePool, target: targetPool, serve: props.serve ?? PoolSwitchSide.SOURCE });
  }
}
