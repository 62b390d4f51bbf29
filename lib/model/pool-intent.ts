import { Size } from 'cdk8s';
import { PoolMode, PoolType } from './pool-mode';
import type { CpuAmount } from './resources';

/**
 * The pool's intent with every default applied: what every engine renders.
 * Placement (zones, topology keys) follows the cluster's intent.
 */
export interface PoolIntent {
  readonly name: string;
  readonly clusterName: string;
  readonly type: PoolType;
  readonly poolMode: PoolMode;
  readonly instances: number;
  /** minAvailable of the pool's disruption budget; undefined when there is a single pod (no budget). */
  readonly disruptionBudgetMinAvailable?: number;
  readonly zones?: string[];
  readonly zoneTopologyKey: string;
  readonly nodeTopologyKey: string;
  readonly cpuRequest: CpuAmount;
  readonly cpuLimit: CpuAmount;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
  readonly defaultPoolSize: number;
  readonly reservePoolSize: number;
}
