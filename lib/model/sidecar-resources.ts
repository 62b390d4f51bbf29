import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import type { CpuAmount } from './resources';
import { cpuMillis } from './cluster-intent';
import { exactMebibytes } from '../core/duration-size-checks';
import type { ConfigErrors } from '../core/config-error';

/**
 * CPU and memory of the Barman Cloud plugin's sidecar (`plugin-barman-cloud`), which
 * CloudNativePG injects into every instance pod. It archives WAL on the primary and takes
 * base backups (on the standby that runs them), so it needs room for `backupJobs` parallel
 * uploads and their compression. The plugin gives the sidecar only what the ObjectStore
 * states (`spec.instanceSidecarConfiguration.resources`): without it the instance pods fall
 * out of the Guaranteed QoS class. The defaults keep requests equal to limits.
 */
export interface SidecarResources {
  /** @default Cpu.millis(500) */
  readonly cpuRequest?: CpuAmount;
  /**
   * A limit above the request makes every instance pod Burstable (synth warning).
   *
   * @default - same as cpuRequest
   */
  readonly cpuLimit?: CpuAmount;
  /** @default Size.mebibytes(512) */
  readonly memoryRequest?: Size;
  /**
   * A limit above the request makes every instance pod Burstable (synth warning).
   *
   * @default - same as memoryRequest
   */
  readonly memoryLimit?: Size;
}

/** Sidecar resources with every default applied. */
export interface ResolvedSidecarResources {
  readonly cpuRequest: CpuAmount;
  readonly cpuLimit: CpuAmount;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
}

/** The sidecar's defaults: 500m CPU and 512Mi, requests equal to limits. */
export const DEFAULT_SIDECAR_RESOURCES: ResolvedSidecarResources = {
  cpuRequest: Cpu.millis(500), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(512), memoryLimit: Size.mebibytes(512),
};

/** The archiver of the Barman Cloud plugin's sidecar: barman-cloud (Python and boto3) needs 256 MiB for one upload. */
const BARMAN_CLOUD = { program: 'barman-cloud (Python with boto3)', minimumMemoryMiB: 256 };

/** What `resolveContainerResources` checks a container's resources against. */
export interface ContainerResourceRules {
  /** Requests when the props give none (limits default to the requests). */
  readonly defaults: { readonly cpu: CpuAmount; readonly memory: Size };
  /** Least memory request, in MiB. */
  readonly minimumMemoryMiB: number;
  /** Why less memory fails, after "is below <n>Mi: ". */
  readonly tooLittleMemory: string;
  /** The fix for too little memory. */
  readonly memoryFix: string;
  /** The fix for a CPU request of zero. */
  readonly cpuFix: string;
}

/**
 * One container's requests and limits with the defaults applied, checked: a CPU request above
 * zero, limits not below requests, and at least `rules.minimumMemoryMiB` of memory.
 */
export function resolveContainerResources(errors: ConfigErrors, property: string, props: SidecarResources | undefined, rules: ContainerResourceRules): ResolvedSidecarResources {
  const cpuRequest = props?.cpuRequest ?? rules.defaults.cpu;
  const cpuLimit = props?.cpuLimit ?? cpuRequest;
  const memoryRequest = props?.memoryRequest ?? rules.defaults.memory;
  const memoryLimit = props?.memoryLimit ?? memoryRequest;
  if (!(cpuMillis(cpuRequest) > 0)) errors.add(`${property}.cpuRequest`, cpuRequest.amount, 'must be above zero', rules.cpuFix);
  else if (!(cpuMillis(cpuLimit) >= cpuMillis(cpuRequest))) {
    errors.add(`${property}.cpuLimit`, cpuLimit.amount, `is below cpuRequest (${cpuRequest.amount})`, 'set cpuLimit to cpuRequest (or remove it)');
  }
  if (!(exactMebibytes(memoryRequest) >= rules.minimumMemoryMiB)) {
    errors.add(`${property}.memoryRequest`, memoryRequest, `is below ${rules.minimumMemoryMiB}Mi: ${rules.tooLittleMemory}`, rules.memoryFix);
  } else if (exactMebibytes(memoryLimit) < exactMebibytes(memoryRequest)) {
    errors.add(`${property}.memoryLimit`, memoryLimit, `is below memoryRequest (${memoryRequest.asString()})`, 'set memoryLimit to memoryRequest (or remove it)');
  }
  return { cpuRequest, cpuLimit, memoryRequest, memoryLimit };
}

/** Resolves and checks the sidecar resources; pushes a warning when the pods would not be Guaranteed. */
export function resolveSidecarResources(errors: ConfigErrors, warnings: string[], property: string, props: SidecarResources | undefined,
  archiver: { readonly program: string; readonly minimumMemoryMiB: number } = BARMAN_CLOUD): ResolvedSidecarResources {
  const min = archiver.minimumMemoryMiB;
  const r = resolveContainerResources(errors, property, props, {
    defaults: { cpu: DEFAULT_SIDECAR_RESOURCES.cpuRequest, memory: DEFAULT_SIDECAR_RESOURCES.memoryRequest },
    minimumMemoryMiB: min,
    tooLittleMemory: `${archiver.program} and its parallel uploads are killed for lack of memory, and WAL archiving stops`,
    memoryFix: `give at least Size.mebibytes(${min}); Size.mebibytes(512) (the default) for backupJobs 2`,
    cpuFix: 'give e.g. Cpu.millis(500)',
  });
  const { cpuRequest, cpuLimit, memoryRequest, memoryLimit } = r;
  const cpuOk = cpuMillis(cpuRequest) > 0;
  const memoryOk = exactMebibytes(memoryRequest) >= min;
  const cpuBurst = cpuOk && cpuMillis(cpuLimit) > cpuMillis(cpuRequest);
  const memoryBurst = memoryOk && exactMebibytes(memoryLimit) > exactMebibytes(memoryRequest);
  if (cpuBurst || memoryBurst) {
    warnings.push(`${property}: the sidecar's ${[cpuBurst ? 'CPU' : '', memoryBurst ? 'memory' : ''].filter(Boolean).join(' and ')} limit is above its request, `
      + 'so every instance pod is Burstable instead of Guaranteed and is among the first evicted under node memory pressure. '
      + 'Give equal requests and limits (or only the requests).');
  }
  return r;
}
