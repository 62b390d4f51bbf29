import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

/**
 * CPU and memory of each PostgreSQL instance. The defaults give the Guaranteed QoS
 * class (requests equal limits), which keeps PostgreSQL out of the first round of
 * node-pressure evictions.
 */
export interface InstanceResources {
  /** @default Cpu.units(2) */
  readonly cpuRequest?: Cpu;
  /** @default - same as cpuRequest */
  readonly cpuLimit?: Cpu;
  /** @default Size.gibibytes(4) */
  readonly memoryRequest?: Size;
  /**
   * Also sizes `shared_buffers` (25 %) and `effective_cache_size` (75 %) unless set.
   *
   * @default - same as memoryRequest
   */
  readonly memoryLimit?: Size;
}
