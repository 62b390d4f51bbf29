
import type { IClusterModel } from './cluster-engine';
import { ConfigErrors } from '../core/config-error';
import { PoolType } from './pool-mode';

/**
 * Connections kept free on every instance for what is not a pool: the operator's
 * instance manager and its metrics exporter, the pooler's `auth_query` connections,
 * backup tooling and a few operator sessions. WAL senders are not counted: since
 * PostgreSQL 12 they have their own limit (`max_wal_senders`).
 */
export const CONNECTION_HEADROOM = 10;

/** What the sizing check needs from each pool. */
export interface PoolSize {
  readonly name: string;
  readonly type: PoolType;
  readonly instances: number;
  readonly defaultPoolSize: number;
  readonly reservePoolSize: number;
}

/**
 * Checks that the server connections all pools of `cluster` may open fit in one
 * instance's `max_connections`, less the superuser-reserved slots, the PostgreSQL 16+
 * `reserved_connections` and CONNECTION_HEADROOM. Read-write pools share the primary.
 * Read-only pools are checked against one standby: the read-only Service balances
 * per connection, so in the worst case (or with the other standbys down) every
 * pooler connection lands on the same standby.
 */
export function checkPoolSizing(errors: ConfigErrors, cluster: IClusterModel, pools: PoolSize[]): void {
  const parameters = cluster.postgresParameters();
  const maxConnections = cluster.maxConnections;
  const superuserReserved = intParameter(parameters.superuser_reserved_connections, 3);
  const reserved = intParameter(parameters.reserved_connections, 0);
  const available = maxConnections - superuserReserved - reserved - CONNECTION_HEADROOM;
  const budget = `max_connections ${maxConnections} − superuser_reserved_connections ${superuserReserved} − reserved_connections ${reserved} − headroom ${CONNECTION_HEADROOM} = ${available}`;

  for (const [type, target] of [[PoolType.READ_WRITE, 'the primary'], [PoolType.READ_ONLY, 'one standby']] as const) {
    const group = pools.filter((p) => p.type === type);
    if (group.length === 0) continue;
    const total = group.reduce((sum, p) => sum + p.instances * (p.defaultPoolSize + p.reservePoolSize), 0);
    if (total <= available) continue;
    const terms = group.map((p) => `${p.name}: ${p.instances} instances × (defaultPoolSize ${p.defaultPoolSize} + reservePoolSize ${p.reservePoolSize})`);
    errors.add(`pool sizing (${group.length} ${type} pool${group.length > 1 ? 's' : ''} of cluster "${cluster.clusterName}")`, total,
      `${terms.join(' + ')} = ${total} server connections > ${budget} that ${target} can give to pools, so clients would hit "too many connections"`,
      `lower defaultPoolSize or reservePoolSize, run fewer pooler instances, or raise the cluster's max_connections to at least ${total + maxConnections - available}`);
  }
}

function intParameter(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) ? n : fallback;
}
