import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/**
 * An amount of CPU in Kubernetes quantity form: a `Cpu` of any cdk8s-plus-2x/3x
 * (`Cpu.millis(500)`, `Cpu.units(2)`) is one, and so is `{ amount: '500m' }`.
 */
export interface CpuAmount {
  /** The Kubernetes quantity, e.g. `500m` or `2`. */
  readonly amount: string;
}

/**
 * CPU and memory of each PostgreSQL instance. The defaults give the Guaranteed QoS
 * class (requests equal limits), which keeps PostgreSQL out of the first round of
 * node-pressure evictions.
 */
export interface InstanceResources {
  /** @default Cpu.units(2) */
  readonly cpuRequest?: CpuAmount;
  /** @default - same as cpuRequest */
  readonly cpuLimit?: CpuAmount;
  /**
   * Also sizes `shared_buffers` (25 % of the request) unless set; CloudNativePG refuses
   * `shared_buffers` above the memory request.
   *
   * @default Size.gibibytes(4)
   */
  readonly memoryRequest?: Size;
  /**
   * Also sizes `effective_cache_size` (75 % of the limit) unless set.
   *
   * @default - same as memoryRequest
   */
  readonly memoryLimit?: Size;
}

/**
 * CPU and memory of a container, every amount given.
 *
 * @internal
 */
export interface ResolvedResources {
  readonly cpuRequest: CpuAmount;
  readonly cpuLimit: CpuAmount;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
}

/**
 * A container's `resources` (requests and limits of CPU and memory) in Kubernetes
 * quantities. The quantity classes of the cdk8s imports (`k8s.Quantity` and the ones
 * generated for each custom resource) are all alike (one `value`), so this serves every one.
 *
 * @internal
 */
export function resourceRequirements(r: ResolvedResources): { requests: { [key: string]: k8s.Quantity }; limits: { [key: string]: k8s.Quantity } } {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.cpuRequest.amount), memory: k8s.Quantity.fromString(r.memoryRequest.asString()) },
    limits: { cpu: k8s.Quantity.fromString(r.cpuLimit.amount), memory: k8s.Quantity.fromString(r.memoryLimit.asString()) },
  };
}
