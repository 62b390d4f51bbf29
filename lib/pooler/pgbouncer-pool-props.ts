import { Duration, Size } from 'cdk8s';
import type { CpuAmount } from '../model/resources';
import type { HaPostgres } from '../cluster/ha-postgres';
import { PoolMode, PoolType } from '../model/pool-mode';

/**
 * CPU and memory of each PgBouncer pod. The defaults give the Guaranteed QoS class
 * (requests equal limits). PgBouncer is single-threaded: above one CPU a pod gains
 * nothing, so scale with `instances` instead.
 */
export interface PoolerResources {
  /** @default Cpu.millis(500) */
  readonly cpuRequest?: CpuAmount;
  /** @default - same as cpuRequest */
  readonly cpuLimit?: CpuAmount;
  /** @default Size.mebibytes(256) */
  readonly memoryRequest?: Size;
  /** @default - same as memoryRequest */
  readonly memoryLimit?: Size;
}

/**
 * A PgBouncer connection pool in front of an HaPostgres cluster. Every property is
 * optional except the cluster; the defaults are a production layout: two pooler pods
 * in different zones, transaction pooling, a disruption budget and a sizing check
 * against the server's `max_connections`.
 */
export interface PgBouncerPoolProps {
  /** The cluster the pool connects to. */
  readonly cluster: HaPostgres;

  /**
   * Name of the pool (the Pooler, its Deployment and the Service applications connect
   * to). A DNS label starting with a letter, different from every cluster's name in
   * the namespace.
   *
   * @default - `<cluster>-pooler-rw` for read-write pools, `<cluster>-pooler-ro` for read-only ones
   */
  readonly name?: string;

  /**
   * Which instances the pool connects to.
   *
   * @default PoolType.READ_WRITE
   */
  readonly type?: PoolType;

  /**
   * When a server connection returns to the pool. Transaction mode breaks session
   * state: session `SET`, `LISTEN`, session advisory locks, and protocol-level prepared
   * statements unless `maxPreparedStatements` > 0 (see PoolMode). `PoolMode.STATEMENT`
   * is refused.
   *
   * @default PoolMode.TRANSACTION
   */
  readonly poolMode?: PoolMode;

  /**
   * Number of PgBouncer pods, spread over zones. Fewer than 2 needs
   * `allowSingleInstance: true`, since one pod is a single point of failure.
   *
   * @default 2
   */
  readonly instances?: number;

  /**
   * Accepts a single pooler pod (development): no disruption budget is rendered then,
   * because a budget over one pod blocks every node drain.
   *
   * @default false
   */
  readonly allowSingleInstance?: boolean;

  /**
   * `max_client_conn`: client connections each PgBouncer pod accepts. Clients are cheap
   * (a few kB each), server connections are not.
   *
   * @default 1000
   */
  readonly maxClientConnections?: number;

  /**
   * `default_pool_size`: server connections per pod for each database/user pair.
   * Counted in the sizing check.
   *
   * @default 20
   */
  readonly defaultPoolSize?: number;

  /**
   * `min_pool_size`: server connections each pod keeps open even when idle; at most
   * `defaultPoolSize`.
   *
   * @default 0
   */
  readonly minPoolSize?: number;

  /**
   * `reserve_pool_size`: extra server connections per pod when clients wait longer than
   * `reservePoolTimeout`. Counted in the sizing check.
   *
   * @default 0
   */
  readonly reservePoolSize?: number;

  /**
   * `reserve_pool_timeout`: how long a client waits before the reserve pool is used; must
   * be above zero when `reservePoolSize` is (0 would never use it).
   *
   * @default Duration.seconds(5)
   */
  readonly reservePoolTimeout?: Duration;

  /**
   * `max_prepared_statements`: protocol-level prepared statements PgBouncer tracks per
   * server connection (PgBouncer ≥ 1.21), so that drivers that prepare statements work
   * in transaction mode. Costs a little memory and CPU per statement; 0 turns tracking
   * off (then prepared statements fail in transaction mode).
   *
   * @default - 200 in transaction mode (PgBouncer 1.24's own default); unset in session mode
   */
  readonly maxPreparedStatements?: number;

  /**
   * `server_idle_timeout`: an idle server connection is closed after this long.
   *
   * @default Duration.minutes(10)
   */
  readonly serverIdleTimeout?: Duration;

  /**
   * `query_wait_timeout`: a client waiting this long for a server connection gets an
   * error instead of hanging; 0 waits forever.
   *
   * @default Duration.minutes(2)
   */
  readonly queryWaitTimeout?: Duration;

  /**
   * `idle_transaction_timeout`: a client idle inside a transaction this long is
   * disconnected, freeing its server connection; 0 disables it.
   *
   * @default Duration.seconds(0) (disabled, PgBouncer's default)
   */
  readonly idleTransactionTimeout?: Duration;

  /**
   * Other PgBouncer parameters, from CloudNativePG's allow-list (`server_lifetime`,
   * `log_connections`, `max_db_connections`, …). Unknown names get the nearest allowed
   * name suggested; names a property sets point at the property; values are checked.
   *
   * @default - none
   */
  readonly parameters?: { [name: string]: string };

  /**
   * CPU and memory of each PgBouncer pod.
   *
   * @default - 500m CPU and 256Mi memory, requests = limits
   */
  readonly resources?: PoolerResources;
}
