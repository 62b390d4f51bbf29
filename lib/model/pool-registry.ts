import type { IConstruct } from 'constructs';

/** Names of the PgBouncerPools created so far, per cluster (no import cycle with the pool). */
const POOLS = new WeakMap<IConstruct, string[]>();

/** Called by PgBouncerPool's constructor. */
export function registerPool(cluster: IConstruct, poolName: string): void {
  const names = POOLS.get(cluster);
  if (names) names.push(poolName);
  else POOLS.set(cluster, [poolName]);
}

/**
 * The pools of `cluster` created so far, without walking the app: constructors that need
 * them while the app is still being built would otherwise scan the whole app each time.
 */
export function poolsCreatedSoFar(cluster: IConstruct): readonly string[] {
  return POOLS.get(cluster) ?? [];
}
