import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ConfigErrors } from '../core/config-error';
import { checkDns1035Label, checkDnsSubdomain, checkImageReference } from '../core/dns';
import { imageTagAndDigest, postgresVersionOfTag } from '../core/image-reference';
import { isLabelKey, isLabelValue } from '../core/labels';
import { exactMebibytes, positiveMebibytes, wholeMilliseconds, wholeSeconds } from '../core/duration-size-checks';
import type { IClusterEngine } from './cluster-engine';
import { ClusterMode } from './cluster-mode';
import { AppCredentials } from './credentials';
import { DisruptionBudget, DisruptionBudgetOwner } from './disruption';
import { HaPostgresProps } from './ha-postgres-props';
import { PostgresVersion } from './postgres-version';
import { DataDurability, PrimaryUpdateMethod } from './replication';
import { VolumeAccessMode, VolumeProps } from './storage';
import { NodeToleration, TaintEffect, TolerationOperator } from './placement';
import type { CpuAmount } from './resources';

/** A toleration as a pod spec takes it. */
export interface ResolvedToleration {
  readonly key?: string;
  readonly operator: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

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
  /** Failover only to a standby known to hold every acknowledged commit (see `HaPostgresProps.failoverQuorum`). */
  readonly failoverQuorum: boolean;
  readonly version: PostgresVersion;
  readonly imageName: string;
  readonly zones?: string[];
  readonly zoneTopologyKey: string;
  readonly nodeTopologyKey: string;
  /** Node labels the instances' nodes must carry; undefined when none. */
  readonly nodeSelector?: { [key: string]: string };
  /** Taints the instances tolerate; undefined when none. */
  readonly tolerations?: ResolvedToleration[];
  readonly storage: ResolvedVolume;
  /** The separate WAL volume; undefined when WAL shares the data volume. */
  readonly walStorage?: ResolvedVolume;
  /** Bound of WAL retained by replication slots; undefined when standalone without maxSlotWalKeepSize (no slots). */
  readonly maxSlotWalKeepSize?: Size;
  readonly maxStandbyStreamingDelay: Duration;
  readonly primaryUpdateMethod: PrimaryUpdateMethod;
  readonly disruptionBudget?: DisruptionBudget;
  readonly cpuRequest: CpuAmount;
  readonly cpuLimit: CpuAmount;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
  readonly credentials: AppCredentials;
}

const DEFAULT_DATA_SIZE = Size.gibibytes(50);
const DEFAULT_WAL_SIZE = Size.gibibytes(20);
/** Room the engine needs for suffixes such as `-pooler-rw-pdb` or `-1-wal`. */
export const MAX_CLUSTER_NAME_LENGTH = 50;

/** Millicores of a Kubernetes CPU quantity such as `500m` or `2`. */
export function cpuMillis(cpu: CpuAmount): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
}

function resolveVolume(errors: ConfigErrors, property: string, props: VolumeProps | undefined, defaultSize: Size,
  minimum?: { readonly mebibytes: number; readonly why: string }): ResolvedVolume {
  const accessMode = props?.accessMode ?? VolumeAccessMode.READ_WRITE_ONCE;
  if (accessMode === VolumeAccessMode.READ_WRITE_MANY) {
    errors.add(`${property}.accessMode`, accessMode,
      'shared (ReadWriteMany) volumes come from network file systems that do not give PostgreSQL the fsync and locking guarantees it needs, so a crash can corrupt the database',
      'use VolumeAccessMode.READ_WRITE_ONCE (the default); availability comes from the standbys, each with its own volume');
  }
  const size = props?.size ?? defaultSize;
  const mib = positiveMebibytes(errors, `${property}.size`, size, `Size.gibibytes(${defaultSize.toGibibytes()})`);
  if (mib !== undefined && minimum && mib < minimum.mebibytes) {
    errors.add(`${property}.size`, size, minimum.why, `give ${property}.size at least Size.gibibytes(${minimum.mebibytes / 1024}) (the default is ${defaultSize.asString()})`);
  } else if (mib !== undefined && mib < 1024) {
    errors.add(`${property}.size`, size, 'is below 1Gi, too small for a PostgreSQL volume', 'give at least Size.gibibytes(1)');
  }
  if (props?.storageClass !== undefined) {
    checkDnsSubdomain(errors, `${property}.storageClass`, props.storageClass, 'give the name of an existing StorageClass (lower case, digits, \'-\' and \'.\')');
  }
  return { size, storageClass: props?.storageClass, accessMode };
}

/** Least slot retention: below it a short network blip invalidates a standby's slot. */
const MIN_SLOT_WAL_KEEP_MIB = 1024;

/** Resolves props into the intent, collecting every configuration error. */
export function resolveIntent(id: string, props: HaPostgresProps, engine: IClusterEngine, errors: ConfigErrors, warnings: string[]): ClusterIntent {
  const name = props.name ?? id;
  checkDns1035Label(errors, props.name !== undefined ? 'name' : 'name (from the construct id)', name, MAX_CLUSTER_NAME_LENGTH);

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
  const durability = props.dataDurability ?? DataDurability.REQUIRED;
  const failoverQuorum = ha && (props.failoverQuorum ?? durability === DataDurability.REQUIRED);
  if (!ha && props.failoverQuorum !== undefined) {
    errors.add('failoverQuorum', props.failoverQuorum, 'a standalone cluster has no standby to fail over to', 'remove failoverQuorum, or use ClusterMode.highAvailability()');
  } else if (ha && props.failoverQuorum === false && durability === DataDurability.REQUIRED) {
    warnings.push('failoverQuorum = false: a failover no longer checks that the promoted standby holds every acknowledged commit. ' +
      'RPO 0 then holds only while one instance fails at a time: if the primary and the standby that confirmed the last commits ' +
      'are lost together (a zone outage, a drain during a failure), another standby may be promoted and those commits are lost. ' +
      'Remove failoverQuorum to get the default (true).');
  }

  const version = props.version ?? PostgresVersion.V18;
  if (!version.isSupportedBy(engine.supportedMajors)) {
    errors.add('version', version.fullVersion, `PostgreSQL ${version.major} is not supported by ${engine.name}`,
      `choose one of ${engine.supportedMajors.join(', ')} (e.g. PostgresVersion.V18)`);
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
    if (zones.length === 0) {
      // Node affinity `In` needs at least one value: the API server refuses an empty list.
      errors.add('placement.zones', zones, 'lists no zone, so no node could run the instances (and the API server refuses node affinity `In` without values)',
        'remove placement.zones to run in any zone, or list the zones, e.g. ["eu-west-1a", "eu-west-1b", "eu-west-1c"]');
    } else if (duplicates.length > 0) {
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

  const nodeSelector = checkNodeSelector(errors, placement.nodeSelector, zoneTopologyKey, nodeTopologyKey);
  const tolerations = placement.tolerations?.map((t, index) => resolveToleration(errors, `placement.tolerations[${index}]`, t));

  const separateWal = props.separateWalVolume ?? true;
  // In HA mode the volume that holds WAL also holds what replication slots retain: half of
  // it by default, and at least 1Gi, so it must be at least 2Gi unless maxSlotWalKeepSize is set.
  const slotsFromVolume = ha && props.maxSlotWalKeepSize === undefined;
  const walMinimum = (prop: string) => slotsFromVolume ? {
    mebibytes: 2 * MIN_SLOT_WAL_KEEP_MIB,
    why: `is below 2Gi, which a volume holding WAL never passes in high-availability mode: replication slots may keep half of ${prop} ` +
      '(maxSlotWalKeepSize, by default), and with less than 1Gi kept a short network blip invalidates a standby\'s slot and forces a full re-clone',
  } : undefined;
  const storage = resolveVolume(errors, 'storage', props.storage, DEFAULT_DATA_SIZE, separateWal ? undefined : walMinimum('storage.size'));
  if (!separateWal && props.walStorage !== undefined) {
    errors.add('walStorage', 'set', 'is given while separateWalVolume is false', 'remove walStorage, or set separateWalVolume to true');
  }
  const walStorage = separateWal ? resolveVolume(errors, 'walStorage', props.walStorage, DEFAULT_WAL_SIZE, walMinimum('walStorage.size')) : undefined;

  const walVolume = walStorage ?? storage;
  const walVolumeProp = walStorage ? 'walStorage.size' : 'storage.size';
  let maxSlotWalKeepSize: Size | undefined;
  if (ha) {
    const volumeMib = exactMebibytes(walVolume.size);
    if (props.maxSlotWalKeepSize === undefined) {
      // Half of the volume; a volume below 2Gi is reported above, on the volume's size.
      maxSlotWalKeepSize = Size.mebibytes(Math.max(MIN_SLOT_WAL_KEEP_MIB, Number.isFinite(volumeMib) ? Math.floor(volumeMib / 2) : MIN_SLOT_WAL_KEEP_MIB));
    } else {
      maxSlotWalKeepSize = props.maxSlotWalKeepSize;
      const keepMib = positiveMebibytes(errors, 'maxSlotWalKeepSize', maxSlotWalKeepSize, 'Size.gibibytes(10)');
      if (keepMib !== undefined && Number.isFinite(volumeMib) && keepMib >= volumeMib) {
        errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize,
          `must be below the volume that holds WAL (${walVolumeProp} = ${walVolume.size.asString()}), or a lagging standby's slot fills the volume and stops the primary`,
          volumeMib >= 2 * MIN_SLOT_WAL_KEEP_MIB
            ? `lower maxSlotWalKeepSize to between Size.gibibytes(1) and ${sizeExpression(Math.floor(volumeMib / 2))} (half of ${walVolume.size.asString()}), or enlarge ${walVolumeProp}`
            : `enlarge ${walVolumeProp} to at least Size.gibibytes(2), or more than maxSlotWalKeepSize`);
      } else if (keepMib !== undefined && keepMib < MIN_SLOT_WAL_KEEP_MIB) {
        errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize, 'below 1Gi a short network blip can invalidate a standby\'s slot and force a full re-clone',
          Number.isFinite(volumeMib) && volumeMib <= MIN_SLOT_WAL_KEEP_MIB
            ? `give at least Size.gibibytes(1), and enlarge ${walVolumeProp} above it (at least Size.gibibytes(2))`
            : 'give at least Size.gibibytes(1)');
      }
    }
  } else if (props.maxSlotWalKeepSize !== undefined) {
    // A standalone cluster has no standby slots, but a logical replication publisher has slots.
    maxSlotWalKeepSize = props.maxSlotWalKeepSize;
    if (exactMebibytes(maxSlotWalKeepSize) >= exactMebibytes(walVolume.size)) {
      errors.add('maxSlotWalKeepSize', maxSlotWalKeepSize,
        `must be below the volume that holds WAL (${walVolumeProp} = ${walVolume.size.asString()}), or a lagging subscriber's slot fills the volume and stops the instance`,
        `lower maxSlotWalKeepSize to at most half of ${walVolume.size.asString()}, or enlarge ${walVolumeProp}`);
    }
  }

  const maxStandbyStreamingDelay = props.maxStandbyStreamingDelay ?? Duration.seconds(30);
  const delayMs = wholeMilliseconds(errors, 'maxStandbyStreamingDelay', maxStandbyStreamingDelay);
  if (delayMs !== undefined && delayMs > 3_600_000) {
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
    if (disruptionBudget.owner === DisruptionBudgetOwner.OPERATOR && !engine.disruptionBudgets.operatorManaged) {
      errors.add('disruptionBudget', 'DisruptionBudget.operatorManaged()', `${engine.name} ${engine.disruptionBudgets.reason ?? 'cannot own the instances\' budgets'}`,
        'use DisruptionBudget.minAvailable(2) (the default)');
    }
    if (disruptionBudget.owner === DisruptionBudgetOwner.LIBRARY && min !== undefined) {
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
  if (cpuMillis(cpuRequest) > 0 && !(cpuMillis(cpuLimit) >= cpuMillis(cpuRequest))) {
    errors.add('resources.cpuLimit', cpuLimit.amount, `is below cpuRequest (${cpuRequest.amount})`, 'set cpuLimit to at least cpuRequest');
  }
  const requestMib = positiveMebibytes(errors, 'resources.memoryRequest', memoryRequest, 'Size.gibibytes(4)');
  const limitMib = res.memoryLimit === undefined ? requestMib : positiveMebibytes(errors, 'resources.memoryLimit', memoryLimit, 'Size.gibibytes(4)');
  if (requestMib !== undefined && limitMib !== undefined && limitMib < requestMib) {
    errors.add('resources.memoryLimit', memoryLimit, `is below memoryRequest (${memoryRequest.asString()})`, 'set memoryLimit to at least memoryRequest');
  }
  if (requestMib !== undefined && requestMib < 512) {
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
    failoverQuorum,
    version,
    imageName,
    zones,
    zoneTopologyKey,
    nodeTopologyKey,
    nodeSelector,
    tolerations: tolerations && tolerations.length > 0 ? tolerations : undefined,
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

function checkNodeSelector(errors: ConfigErrors, selector: { [key: string]: string } | undefined, zoneKey: string, nodeKey: string): { [key: string]: string } | undefined {
  if (selector === undefined || Object.keys(selector).length === 0) return undefined;
  for (const [key, value] of Object.entries(selector)) {
    if (!isLabelKey(key)) {
      errors.add('placement.nodeSelector', key, 'is not a valid node label key', 'give a label key such as "node-role.kubernetes.io/postgres"');
    } else if (key === zoneKey) {
      errors.add(`placement.nodeSelector.${key}`, value, 'pins every instance to one zone, so one zone outage takes the whole cluster',
        'remove it from nodeSelector and list the zones in placement.zones');
    } else if (key === nodeKey) {
      errors.add(`placement.nodeSelector.${key}`, value, 'pins every instance to one node, but no two instances may share a node', 'remove it from nodeSelector');
    }
    if (typeof value !== 'string' || !isLabelValue(value)) {
      errors.add(`placement.nodeSelector.${key}`, value, 'is not a valid label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', or empty)',
        'give the value exactly as the nodes\' label has it, e.g. "" for node-role.kubernetes.io/postgres');
    }
  }
  return Object.fromEntries(Object.keys(selector).sort().map((k) => [k, selector[k]]));
}

/** A toleration, checked with the rules of CloudNativePG's webhook (validateTolerations). */
function resolveToleration(errors: ConfigErrors, property: string, t: NodeToleration): ResolvedToleration {
  const operator = t.operator ?? TolerationOperator.EQUAL;
  const key = t.key ?? '';
  if (!Object.values(TolerationOperator).includes(operator)) {
    errors.add(`${property}.operator`, operator, 'is not a toleration operator', 'use TolerationOperator.EQUAL or TolerationOperator.EXISTS');
  }
  if (t.effect !== undefined && !Object.values(TaintEffect).includes(t.effect)) {
    errors.add(`${property}.effect`, t.effect, 'is not a taint effect', 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE');
  }
  if (key !== '' && !isLabelKey(key)) {
    errors.add(`${property}.key`, key, 'is not a valid taint key', 'give the key of the nodes\' taint, e.g. "node-role.kubernetes.io/postgres"');
  }
  if (key === '' && operator !== TolerationOperator.EXISTS) {
    errors.add(`${property}.operator`, operator, 'a toleration without a key matches every taint only with operator Exists',
      'give the taint key, or use TolerationOperator.EXISTS');
  }
  if (operator === TolerationOperator.EXISTS && t.value !== undefined && t.value !== '') {
    errors.add(`${property}.value`, t.value, 'must be empty with operator Exists', 'remove value, or use TolerationOperator.EQUAL');
  } else if (operator === TolerationOperator.EQUAL && t.value !== undefined && !isLabelValue(t.value)) {
    errors.add(`${property}.value`, t.value, 'is not a valid taint value (at most 63 letters, digits, \'-\', \'_\' or \'.\')', 'give the value of the nodes\' taint');
  }
  let tolerationSeconds: number | undefined;
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== TaintEffect.NO_EXECUTE) {
      errors.add(`${property}.tolerationSeconds`, t.tolerationSeconds, 'applies only to NoExecute taints', 'set effect to TaintEffect.NO_EXECUTE, or remove tolerationSeconds');
    } else {
      // Whole and not negative, or an error naming the prop (cdk8s's toMilliseconds() would throw on a fraction).
      tolerationSeconds = wholeSeconds(errors, `${property}.tolerationSeconds`, t.tolerationSeconds, { min: 0 });
    }
  }
  return { key: key === '' ? undefined : key, operator, value: operator === TolerationOperator.EXISTS ? undefined : (t.value ?? ''), effect: t.effect, tolerationSeconds };
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
  // The version at the start of the tag, read as CloudNativePG reads it (a tag without one is
  // refused by the CloudNativePG engine's own check).
  const tagVersion = postgresVersionOfTag(imageTagAndDigest(image).tag);
  if (tagVersion && tagVersion.major !== version.major) {
    errors.add('imageName', image, `its tag says PostgreSQL ${tagVersion.major} but version is ${version.fullVersion}; the engine would configure the wrong major`,
      `set version to PostgresVersion.of(${tagVersion.major}, ${tagVersion.minor}) or use an image of PostgreSQL ${version.major}`);
  }
}

/** A size in the largest whole unit, as a cdk8s expression: 10240 MiB → `Size.gibibytes(10)`. */
function sizeExpression(mib: number): string {
  return mib % 1024 === 0 ? `Size.gibibytes(${mib / 1024})` : `Size.mebibytes(${mib})`;
}
