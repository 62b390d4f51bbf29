import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel, checkDnsSubdomain, checkImageReference } from '../core/dns';
import { isLabelKey, isLabelValue } from '../core/labels';
import type { IClusterEngine } from '../engines/cluster-engine';
import { ClusterMode } from './cluster-mode';
import { AppCredentials } from './credentials';
import { DisruptionBudget } from './disruption';
import { HaPostgresProps } from './ha-postgres-props';
import { PostgresVersion } from './postgres-version';
import { DataDurability, PrimaryUpdateMethod } from './replication';
import { VolumeAccessMode, VolumeProps } from './storage';

/** A volume with every default filled in. */
export interface ResolvedVolume {
  readonly size: Size;
  readonly storageClass?: string;
  readonly accessMode: VolumeAccessMode;
}

/**
 * The cluster's intent with every default applied: what every engine renders.
 * Built from HaPostgresProps; `errors` holds everything wrong with them.
 */
export interface ClusterIntent {
  readonly name: string;
  readonly highlyAvailable: boolean;
  readonly instances: number;
  /** Standbys that confirm each commit (`ANY n`); 0 when standalone. */
  readonly synchronousStandbys: number;
  readonly dataDurability: DataDurability;
  readonly version: PostgresVersion;
  readonly imageName: string;
  readonly zones?: string[];
  readonly zoneTopologyKey: string;
  readonly nodeTopologyKey: string;
  readonly storage: ResolvedVolume;
  /** The separate WAL volume; undefined when WAL shares the data volume. */
  readonly walStorage?: ResolvedVolume;
  /** Bound of WAL retained by replication slots; undefined when standalone without maxSlotWalKeepSize (no slots). */
  readonly maxSlotWalKeepSize?: Size;
  readonly maxStandbyStreamingDelay: Duration;
  readonly primaryUpdateMethod: PrimaryUpdateMethod;
  readonly disruptionBudget?: DisruptionBudget;
  readonly cpuRequest: Cpu;
  readonly cpuLimit: Cpu;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
  readonly credentials: AppCredentials;
}

const DEFAULT_DATA_SIZE = Size.gibibytes(50);
const DEFAULT_WAL_SIZE = Size.gibibytes(20);
/** Room the engine needs for suffixes such as `-pooler-rw-pdb` or `-1-wal`. */
export const MAX_CLUSTER_NAME_LENGTH = 50;

/** Millicores of a Kubernetes CPU quantity such as `500m` or `2`. */
export function cpuMillis(cpu: Cpu): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
}

/** Mebibytes of a Size, for comparisons. */
export function mebibytes(size: Size): number {
  return size.toMebibytes();
}

function resolveVolume(errors: ConfigErrors, property: string, props: VolumeProps | undefined, defaultSize: Size): ResolvedVolume {
  const accessMode = props?.accessMode ?? VolumeAccessMode.READ_WRITE_ONCE;
  if (accessMode === VolumeAccessMode.READ_WRITE_MANY) {
    errors.add(`${property}.accessMode`, accessMode,
      'shared (ReadWriteMany) volumes come from network file systems that do not give PostgreSQL the fsync and locking guarantees it needs, so a crash can corrupt the database',
      'use VolumeAccessMode.READ_WRITE_ONCE (the default); availability comes from the standbys, each with its own volume');
  }
  const size = props?.size ?? defaultSize;
  if (mebibytes(size) < 1024) {
    errors.add(`${property}.size`, size, 'is below 1Gi, too small for a PostgreSQL volume', 'give at least Size.gibibytes(1)');
  }
  if (props?.storageClass !== undefined) {
    checkDnsSubdomain(errors, `${property}.storageClass`, props.storageClass, 'give the name of an existing StorageClass (lower case, digits, \'-\' and \'.\')');
  }
  return { size, storageClass: props?.storageClass, accessMode };
}

/** Resolves props into the intent, collecting every configuration error. */
export function resolveIntent(id: string, props: HaPostgresProps, engine: IClusterEngine, errors: ConfigErrors, warnings: string[]): ClusterIntent {
  const name = props.name ?? id;
  checkDnsLabel(errors, props.name !== undefined ? 'name' : 'name (from the construct id)', name, MAX_CLUSTER_NAME_LENGTH);

  const mode = props.mode ?? ClusterMode.highAvailability();
  const ha = mode.highlyAvailable;
  const instances = mode.instances;
  if (ha && (!Number.isInteger(instances) || instances < 3)) {
    errors.add('mode', `highAvailability(${instances})`,
      'high availability needs at least 3 instances (a primary, a synchronous standby and a standby to fail over to while one is down)',
      'use ClusterMode.highAvailability(3) or more; for development use ClusterMode.standalone()');
  }

  const synchronousStandbys = props.synchronousStandbys ?? (ha ? 1 : 0);
  if (!ha && props.synchronousStandbys !== undefined && props.synchronousStandbys > 0) {
    errors.add('synchronousStandbys', props.synchronousStandbys, 'a standalone cluster has no standby to wait for', 'remove synchronousStandbys, or use ClusterMode.highAvailability()');
  } else if (ha && (!Number.isInteger(synchronousStandbys) || synchronousStandbys < 1)) {
    errors.add('synchronousStandbys', synchronousStandbys, 'at least one standby must confirm each commit for RPO 0', 'set synchronousStandbys to 1 (the default)');
  } else if (ha && synchronousStandbys >= instances) {
    errors.add('synchronousStandbys', synchronousStandbys,
      `must be below the number of instances (${instances}): the primary cannot be its own standby, and commits would hang`,
      `set synchronousStandbys to at most ${instances - 1}, or add instances`);
  } else if (ha && synchronousStandbys === instances - 1 && (props.dataDurability ?? DataDurability.REQUIRED) === DataDurability.REQUIRED) {
    warnings.push(`synchronousStandbys = ${synchronousStandbys} with ${instances} instances makes every standby synchronous: ` +
      'losing or draining any one standby blocks all writes (dataDurability REQUIRED). Consider fewer synchronous standbys or more instances.');
  }
  if (!ha && props.dataDurability !== undefined) {
    errors.add('dataDurability', props.dataDurability, 'a standalone cluster has no synchronous replication', 'remove dataDurability');
  }

  const version = props.version ?? PostgresVersion.V18;
  if (!version.isSupported) {
    errors.add('version', version.fullVersion, `PostgreSQL ${version.major} is not supported by ${engine.name}`,
      `choose one of ${PostgresVersion.SUPPORTED_MAJORS.join(', ')} (e.g. PostgresVersion.V18)`);
  }
  const imageName = props.imageName ?? engine.imageFor(version);
  if (props.imageName !== undefined) checkImage(errors, props.imageName, version);

  const placement = props.placement ?? {};
  const zoneTopologyKey = placement.zoneTopologyKey ?? 'topology.kubernetes.io/zone';
  const nodeTopologyKey = placement.nodeTopologyKey ?? 'kubernetes.io/hostname';
  checkLabelKey(errors, 'placement.zoneTopologyKey', zoneTopologyKey);
  checkLabelKey(errors, 'placement.nodeTopologyKey', nodeTopologyKey);
  if (zoneTopologyKey === nodeTopologyKey) {
    errors.add('placement.zoneTopologyKey', zoneTopologyKey, 'is the same as nodeTopologyKey, so zones would be nodes', 'use the label that names zones (topology.kubernetes.io/zone)');
  }
  const zones = placement.zones;
  if (zones !== undefined) {
    const duplicates = zones.filter((z, i) => zones.indexOf(z) !== i);
    if (duplicates.length > 0) {
      errors.add('placement.zones', zones, `lists ${JSON.stringify(duplicates[0])} more than once`, 'list each zone once');
    } else if (ha && zones.length < 2) {
      errors.add('placement.zones', zones, 'a highly available cluster needs at least two zones, or one zone outage takes every instance',
        'list at least two zones (three for one instance per zone)');
    } else if (ha && zones.length < instances && zones.length < 3) {
      warnings.push(`${instances} instances over ${zones.length} zones: one zone holds more than one instance, and losing it can take the primary and its synchronous standby together.`);
    }
    for (const z of zones) {
      if (z === '' || !isLabelValue(z)) {
        errors.add('placement.zones', z, 'is not a valid label value', 'give zone names exactly as the nodes\' zone label has them, e.g. "eu-west-1a"');
      }
    }
  }

  const storage = resolveVolume(errors, 'storage', props.storage, DEFAULT_DATA_SIZE);
  const separateWal = props.separateWalVolume ?? true;
  if (!separateWal && props.walStorage !== undefined) {
    errors.add('walStorage', 'set', 'is given while separateWalVolume is false', 'remove walStorage, or set separateWalVolume to true');
  }
  const walStorage = separateWal ? resolveVolume(errors, 'walStorage', props.walStorage, DEFAULT_WAL_SIZE) : undefined;

  const walVolume = walStorage ?? storage;
  const walVolumeProp = walStorage ? 'walStorage.size' : 'storage.size';
  let maxSlotWalKeepSize: Size | undefined;
  if (ha) {
    maxSlotWalKeepSize = props.maxSlotWalKeepSize ?? Size.mebibytes(Math.floor(mebibytes(walVolume.size) / 2));
    if (mebibytes(maxSlotWalKeepSize) >= mebibytes(walVolume.size)) {
      errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize,
        `must be below the volume that holds WAL (${walVolumeProp} = ${walVolume.size.asString()}), or a lagging standby's slot fills the volume and stops the primary`,
        `lower maxSlotWalKeepSize to at most half of ${walVolume.size.asString()}, or enlarge ${walVolumeProp}`);
    } else if (mebibytes(maxSlotWalKeepSize) < 1024) {
      errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize, 'below 1Gi a short network blip can invalidate a standby\'s slot and force a full re-clone',
        'give at least Size.gibibytes(1)');
    }
  } else if (props.maxSlotWalKeepSize !== undefined) {
    // A standalone cluster has no standby slots, but a logical replication publisher has slots.
    maxSlotWalKeepSize = props.maxSlotWalKeepSize;
    if (mebibytes(maxSlotWalKeepSize) >= mebibytes(walVolume.size)) {
      errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize,
        `must be below the volume that holds WAL (${walVolumeProp} = ${walVolume.size.asString()}), or a lagging subscriber's slot fills the volume and stops the instance`,
        `lower maxSlotWalKeepSize to at most half of ${walVolume.size.asString()}, or enlarge ${walVolumeProp}`);
    }
  }

  const maxStandbyStreamingDelay = props.maxStandbyStreamingDelay ?? Duration.seconds(30);
  const delayMs = maxStandbyStreamingDelay.toMilliseconds();
  if (delayMs < 0 || delayMs > 3_600_000) {
    errors.add('maxStandbyStreamingDelay', maxStandbyStreamingDelay, 'must be between 0 and 1 hour (standbys fall behind by up to this long)', 'use e.g. Duration.seconds(30)');
  }

  let disruptionBudget = props.disruptionBudget;
  if (!ha) {
    if (disruptionBudget !== undefined) {
      errors.add('disruptionBudget', disruptionBudget.owner, 'a standalone instance cannot keep any instance available while it is evicted, so a budget would block every node drain',
        'remove disruptionBudget, or use ClusterMode.highAvailability()');
    }
    disruptionBudget = undefined;
  } else {
    disruptionBudget = disruptionBudget ?? DisruptionBudget.minAvailable(2);
    const min = disruptionBudget.minAvailableCount;
    if (disruptionBudget.owner === 'library' && min !== undefined) {
      if (!Number.isInteger(min) || min < 1) {
        errors.add('disruptionBudget', `minAvailable(${min})`, 'must keep at least one instance available', 'use DisruptionBudget.minAvailable(2)');
      } else if (min >= instances) {
        errors.add('disruptionBudget', `minAvailable(${min})`,
          `with ${instances} instances it allows no disruption at all, so every node drain hangs`,
          `use DisruptionBudget.minAvailable(${Math.max(1, Math.min(2, instances - 1))}) (at most ${instances - 1})`);
      } else if (min <= synchronousStandbys && (props.dataDurability ?? DataDurability.REQUIRED) === DataDurability.REQUIRED) {
        warnings.push(`disruptionBudget minAvailable(${min}) lets a drain leave fewer than ${synchronousStandbys + 1} instances ` +
          `(primary + ${synchronousStandbys} synchronous standby); writes block meanwhile (dataDurability REQUIRED).`);
      }
    }
  }

  const res = props.resources ?? {};
  const cpuRequest = res.cpuRequest ?? Cpu.units(2);
  const cpuLimit = res.cpuLimit ?? cpuRequest;
  const memoryRequest = res.memoryRequest ?? Size.gibibytes(4);
  const memoryLimit = res.memoryLimit ?? memoryRequest;
  if (!(cpuMillis(cpuRequest) > 0)) errors.add('resources.cpuRequest', cpuRequest.amount, 'must be above zero', 'give e.g. Cpu.units(2)');
  if (cpuMillis(cpuLimit) < cpuMillis(cpuRequest)) {
    errors.add('resources.cpuLimit', cpuLimit.amount, `is below cpuRequest (${cpuRequest.amount})`, 'set cpuLimit to at least cpuRequest');
  }
  if (mebibytes(memoryLimit) < mebibytes(memoryRequest)) {
    errors.add('resources.memoryLimit', memoryLimit, `is below memoryRequest (${memoryRequest.asString()})`, 'set memoryLimit to at least memoryRequest');
  }
  if (mebibytes(memoryRequest) < 512) {
    errors.add('resources.memoryRequest', memoryRequest, 'is below 512Mi, too little for a PostgreSQL instance and its instance manager', 'give at least Size.mebibytes(512)');
  }

  const credentials = props.credentials ?? AppCredentials.generated();
  checkIdentifier(errors, 'credentials.database', credentials.database);
  checkIdentifier(errors, 'credentials.owner', credentials.owner);
  if (credentials.existingSecretName !== undefined) {
    checkDnsSubdomain(errors, 'credentials.secretName', credentials.existingSecretName, 'give the name of an existing kubernetes.io/basic-auth Secret (lower case, digits, \'-\' and \'.\')');
  }

  return {
    name,
    highlyAvailable: ha,
    instances,
    synchronousStandbys: ha ? synchronousStandbys : 0,
    dataDurability: props.dataDurability ?? DataDurability.REQUIRED,
    version,
    imageName,
    zones,
    zoneTopologyKey,
    nodeTopologyKey,
    storage,
    walStorage,
    maxSlotWalKeepSize,
    maxStandbyStreamingDelay,
    primaryUpdateMethod: props.primaryUpdateMethod ?? PrimaryUpdateMethod.SWITCHOVER,
    disruptionBudget,
    cpuRequest,
    cpuLimit,
    memoryRequest,
    memoryLimit,
    credentials,
  };
}

function checkIdentifier(errors: ConfigErrors, property: string, value: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value) || value.startsWith('pg_') || value === 'postgres') {
    errors.add(property, value, 'must be a lower-case PostgreSQL identifier (letters, digits, _; not starting with pg_; not "postgres")',
      'use a name like "app" or "orders"');
  }
}

function checkLabelKey(errors: ConfigErrors, property: string, key: string): void {
  if (!isLabelKey(key)) {
    errors.add(property, key, 'is not a valid node label key', 'give a label key such as "topology.kubernetes.io/zone"');
  }
}

function checkImage(errors: ConfigErrors, image: string, version: PostgresVersion): void {
  if (!checkImageReference(errors, 'imageName', image, 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie')) return;
  const tag = /:(\d+)(?:\.\d+)?[^/]*$/.exec(image);
  if (tag && Number(tag[1]) !== version.major) {
    errors.add('imageName', image, `its tag says PostgreSQL ${tag[1]} but version is ${version.fullVersion}; the engine would configure the wrong major`,
      `set version to PostgresVersion.of(${tag[1]}, <minor>) or use an image of PostgreSQL ${version.major}`);
  }
}
