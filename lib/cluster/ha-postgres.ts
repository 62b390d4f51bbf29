import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterBootstrap } from '../model/recovery';
import { ClusterAttachments } from '../model/cluster-attachments';
import type { IArchiveIntent } from '../model/cluster-engine';
import { ConfigErrors } from '../core/config-error';
import { ManifestOverrides } from '../core/overrides';
import { readinessWarnings } from '../model/readiness-evaluation';
import { SynthWarnings } from '../core/synth-warnings';
import type { ClusterEndpoints, IClusterEngine } from '../model/cluster-engine';
import { ClusterEngine } from '../engines/cluster-engine-factory';
import { checkParameters, renderParameterValue } from '../model/postgres-parameters';
import { archiveOwnershipErrors, clusterParameters, propertyOwnedParameters, UserParameter } from '../model/cluster-parameters';
import {
  cnpgSizeBytes, DEFAULT_MAX_WAL_SIZE, DEFAULT_MIN_WAL_SIZE, isBareNumber, postgresBoolean, postgresSize, WAL_LEVELS,
} from '../model/parameter-values';
import { ClusterIntent, resolveIntent } from '../model/cluster-intent';
import { HaPostgresProps } from '../model/ha-postgres-props';
import { DataDurability } from '../model/replication';
import type { IServiceAccountLike } from '../core/workload-shapes';
import { ClusterConnections } from '../security/cluster-connections';
import { HbaRule } from '../model/hba-rule';
import { resolveNetworkSecurity } from '../model/network-security';
import { SecretReader } from '../security/secret-access';
import { REJECT_PLAIN_TEXT_RULE, ResolvedClusterTls, resolveClusterTls } from '../model/tls';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { exactMebibytes } from '../core/duration-size-checks';
import { checkUniqueObjects } from '../core/unique-objects';
import type { IHaPostgres } from '../model/cluster-reference';

export type { IHaPostgres } from '../model/cluster-reference';

/** Attributes of a cluster defined elsewhere (another chart or repository). */
export interface HaPostgresAttributes {
  /** Name of the existing cluster. */
  readonly clusterName: string;
  /**
   * Engine that runs it, which determines Service and Secret names.
   *
   * @default ClusterEngine.cloudNativePg()
   */
  readonly engine?: IClusterEngine;
  /**
   * Secret with the application credentials.
   *
   * @default - the engine's generated secret name
   */
  readonly appSecretName?: string;
  /**
   * Application database.
   *
   * @default 'app'
   */
  readonly databaseName?: string;
}

/**
 * A highly available PostgreSQL cluster: by default three instances in three zones,
 * quorum synchronous replication (`ANY 1`, RPO 0), ReadWriteOnce volumes with a
 * separate WAL volume, bounded replication slots, one disruption budget with
 * minAvailable 2, and rolling updates by switchover.
 */
export class HaPostgres extends Construct implements IHaPostgres {
  /** A reference to a cluster defined elsewhere, for wiring poolers and applications. */
  public static fromClusterAttributes(attrs: HaPostgresAttributes): IHaPostgres {
    const engine = attrs.engine ?? ClusterEngine.cloudNativePg();
    const endpoints = engine.endpointsFor(attrs.clusterName, attrs.appSecretName);
    return {
      clusterName: attrs.clusterName,
      ...endpoints,
      databaseName: attrs.databaseName ?? 'app',
    };
  }

  /** The engine that renders this cluster. */
  public readonly engine: IClusterEngine;
  /** The resolved intent (every default applied) that the engine renders. */
  public readonly intent: ClusterIntent;
  public readonly clusterName: string;
  public readonly readWriteServiceName: string;
  public readonly readOnlyServiceName: string;
  public readonly anyInstanceServiceName: string;
  public readonly port: number;
  public readonly appSecretName: string;
  public readonly databaseName: string;
  /** Role that owns the application database. */
  public readonly ownerName: string;
  /** How the cluster gets its data: a new database, or recovery from an archive. */
  public readonly bootstrap: ClusterBootstrap;
  /** Everything attached to the cluster: archive, backups, drills, pools, roles, databases, logical replication, monitoring. */
  public readonly attachments: ClusterAttachments;
  /** Who may connect to the instances (NetworkPolicy); `connections.allowFrom(peer)` adds clients. */
  public readonly connections: ClusterConnections;
  /** TLS requirements the engine renders (pg_hba, `ssl_min_protocol_version`). */
  public readonly tls: ResolvedClusterTls;
  private readonly extraHbaRules: HbaRule[] = [];
  private appSecretReader?: SecretReader;

  private readonly errors = new ConfigErrors();
  /** Each user parameter: its value and the property that set it (`parameters.work_mem`, `addParameters().work_mem`). */
  private readonly userParameters: { [name: string]: UserParameter } = {};
  private readonly overrides: ManifestOverrides;

  public constructor(scope: Construct, id: string, props: HaPostgresProps = {}) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    this.engine = props.engine ?? ClusterEngine.cloudNativePg();
    const warnings: string[] = [];
    this.intent = resolveIntent(id, props, this.engine, this.errors, warnings);
    // Parameter values are checked at synth time: addParameters() and a WalArchive may come later.
    addSynthValidation(this, () => [...this.errors.messages, ...this.attachments._errorMessages(), ...this.parameterValueErrors()]);

    this.clusterName = this.intent.name;
    this.attachments = new ClusterAttachments(this.clusterName);
    checkUniqueObjects(this, { property: props.name !== undefined ? 'name' : 'name (from the construct id)', value: this.clusterName });
    const endpoints: ClusterEndpoints = this.engine.endpointsFor(this.clusterName, this.intent.credentials.existingSecretName);
    this.readWriteServiceName = endpoints.readWriteServiceName;
    this.readOnlyServiceName = endpoints.readOnlyServiceName;
    this.anyInstanceServiceName = endpoints.anyInstanceServiceName;
    this.port = endpoints.port;
    this.appSecretName = endpoints.appSecretName;
    this.databaseName = this.intent.credentials.database;
    this.ownerName = this.intent.credentials.owner;
    this.overrides = new ManifestOverrides(this.engine.propertyOwnedPaths());
    this.bootstrap = props.bootstrap ?? ClusterBootstrap.newDatabase();
    this.bootstrap._check(this, this.errors, 'bootstrap');
    this.tls = resolveClusterTls(props.tls, this.errors, warnings);
    const network = resolveNetworkSecurity(props.network, this.errors);

    if (props.parameters) this.addParameters(props.parameters, 'parameters');
    if (!this.intent.highlyAvailable) {
      warnings.push('standalone cluster: one instance, no standby, no synchronous replication and no disruption budget. ' +
        'A node or volume failure loses availability and can lose data. Use it for development and tests only.');
    }
    // Warnings about props that are also errors would only repeat them.
    if (this.errors.isEmpty) for (const w of warnings) SynthWarnings.add(this, w);

    this.engine.bindToCluster(this, this);
    this.connections = new ClusterConnections(this, network);
    // Standalone clusters are dev-only and already warned; the checklist is for HA ones.
    // It reads the intent and the attachments at validation time (constructs added after the
    // cluster count), once per synthesis: cdk8s re-validates the whole app for every chart.
    if (this.intent.highlyAvailable) {
      addSynthValidation(this, () => {
        for (const w of readinessWarnings(this)) SynthWarnings.addDuringValidation(this, w);
        return [];
      });
    }
    if (this.bootstrap.isRecovery) {
      if (this.engine.capabilities.recovery) this.engine.bindRecovery(this, this);
      else {
        this.errors.add('bootstrap', 'fromArchive(...)', `the engine ${this.engine.name} cannot bootstrap a cluster from an archive yet`,
          'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...) for the restored cluster');
      }
    }
  }

  /** The WalArchive attached to this cluster, if any. */
  public get walArchive(): IArchiveIntent | undefined {
    return this.attachments.archive;
  }

  /**
   * Adds PostgreSQL parameters (checked like the `parameters` property). A later value
   * for the same name replaces an earlier one.
   */
  public addParameters(parameters: { [name: string]: string | number | boolean }, property = 'addParameters()'): void {
    libraryStateChanged();
    checkParameters(this.errors, property, parameters, {
      major: this.intent.version.major,
      minor: this.intent.version.minor,
      engineManaged: this.engine.managedParameters(),
      engineName: this.engine.name,
      setByProperty: propertyOwnedParameters(this.attachments.archive),
    });
    for (const [name, value] of Object.entries(parameters)) {
      const key = name.toLowerCase();
      const rendered = renderParameterValue(value);
      if (key === 'synchronous_commit' && ['off', 'local'].includes(rendered.toLowerCase()) &&
        this.intent.highlyAvailable && this.intent.dataDurability === DataDurability.REQUIRED) {
        this.errors.add(`${property}.${name}`, value,
          'commits would no longer wait for a synchronous standby, breaking the RPO 0 that dataDurability REQUIRED promises',
          'remove synchronous_commit (on is the default), or set it per transaction for data you can afford to lose');
      }
      this.userParameters[key] = { value: rendered, property: `${property}.${name}`, setWithArchive: this.attachments.archive !== undefined };
    }
  }

  /**
   * Used by engines: the property that set the user parameter `name` (e.g.
   * `parameters.shared_buffers` or `addParameters().shared_buffers`), or undefined when no
   * user value is set (the library's default, if any, applies).
   */
  public parameterProperty(name: string): string | undefined {
    return this.userParameters[name.toLowerCase()]?.property;
  }

  /**
   * The PostgreSQL parameters the cluster runs with: library defaults, what the attached
   * archive owns, then user parameters (lib/model/cluster-parameters.ts). Values are strings,
   * as in the manifest.
   */
  public postgresParameters(): { [name: string]: string } {
    const user: { [name: string]: string } = {};
    for (const [name, p] of Object.entries(this.userParameters)) user[name] = p.value;
    return clusterParameters(this.intent, this.attachments.archive, user);
  }

  /**
   * Values of user parameters that CloudNativePG's webhook or PostgreSQL refuse, or that
   * break what the cluster promises, whatever the engine: sizes that do not parse,
   * shared_buffers above the memory request, WAL sizes out of order or beyond the WAL
   * volume, wal_level too low for standbys or archiving, booleans that are not booleans.
   */
  private parameterValueErrors(): string[] {
    const errors = new ConfigErrors();
    const managed = this.engine.managedParameters();
    const user = (name: string): { property: string; value: string } | undefined => {
      const p = this.userParameters[name];
      return p !== undefined && managed[name] === undefined ? p : undefined;
    };
    archiveOwnershipErrors(errors, this.userParameters, this.attachments.archive, this.engine);
    const i = this.intent;

    const sharedBuffers = user('shared_buffers');
    if (sharedBuffers) {
      const bytes = cnpgSizeBytes(sharedBuffers.value);
      const requestBytes = exactMebibytes(i.memoryRequest) * 2 ** 20;
      if (bytes === undefined) {
        errors.add(sharedBuffers.property, sharedBuffers.value, 'is not a size that both CloudNativePG and PostgreSQL read (a number with B, kB, MB, GB or TB, case-sensitive)',
          `write it with a unit, e.g. "${postgresSize(Math.floor(requestBytes / 4))}"`);
      } else if (Number.isFinite(requestBytes) && bytes > requestBytes) {
        const bare = isBareNumber(sharedBuffers.value) ? ' (CloudNativePG reads a number without a unit as MB)' : '';
        errors.add(sharedBuffers.property, sharedBuffers.value,
          `is above the memory request (resources.memoryRequest = ${i.memoryRequest.asString()})${bare}: memory above the request is not guaranteed to the instance, ` +
          'and CloudNativePG refuses the Cluster ("Memory request is lower than PostgreSQL shared_buffers value")',
          `lower shared_buffers to at most "${postgresSize(requestBytes)}" (25 % of the request, "${postgresSize(Math.floor(requestBytes / 4))}", is the default when it is not set), ` +
          `or raise resources.memoryRequest (and memoryLimit, when set) to at least ${Size.mebibytes(Math.ceil(bytes / 2 ** 20)).asString()}`);
      }
    }

    // CloudNativePG's validateWalSizeConfiguration: min_wal_size < max_wal_size < the WAL volume.
    const minWal = user('min_wal_size');
    const maxWal = user('max_wal_size');
    const parsed = (p: { property: string; value: string } | undefined, fallback: string): number | undefined => {
      if (!p) return cnpgSizeBytes(fallback);
      const bytes = cnpgSizeBytes(p.value);
      if (bytes === undefined) {
        errors.add(p.property, p.value, 'is not a size that both CloudNativePG and PostgreSQL read (a number of MB, or a number with B, kB, MB, GB or TB, case-sensitive)',
          `write it with a unit, e.g. "${fallback}"`);
      }
      return bytes;
    };
    const minBytes = parsed(minWal, DEFAULT_MIN_WAL_SIZE);
    const maxBytes = parsed(maxWal, DEFAULT_MAX_WAL_SIZE);
    const walVolume = i.walStorage ?? i.storage;
    const walVolumeProp = i.walStorage ? 'walStorage.size' : 'storage.size';
    const volumeBytes = exactMebibytes(walVolume.size) * 2 ** 20;
    if (minBytes !== undefined && maxBytes !== undefined && minBytes > 0 && maxBytes > 0 && minBytes >= maxBytes) {
      const maxShown = maxWal ? JSON.stringify(maxWal.value) : `${DEFAULT_MAX_WAL_SIZE} (the default)`;
      // A larger max_wal_size only helps while it stays below the WAL volume.
      const roomAbove = minBytes * 2 < volumeBytes;
      if (minWal) {
        errors.add(minWal.property, minWal.value, `must be below max_wal_size (${maxShown}); CloudNativePG refuses the Cluster otherwise`,
          roomAbove ? `set max_wal_size above it (e.g. "${postgresSize(minBytes * 2)}"), or lower min_wal_size below ${maxWal ? maxWal.value : DEFAULT_MAX_WAL_SIZE}`
            : `lower min_wal_size below ${maxWal ? maxWal.value : DEFAULT_MAX_WAL_SIZE} (e.g. "${DEFAULT_MIN_WAL_SIZE}", the default)`);
      } else if (maxWal) {
        errors.add(maxWal.property, maxWal.value, `must be above min_wal_size (${DEFAULT_MIN_WAL_SIZE}, the default); CloudNativePG refuses the Cluster otherwise`,
          `give at least "${postgresSize(minBytes * 2)}"`);
      }
    }
    for (const [p, bytes] of [[minWal, minBytes], [maxWal, maxBytes]] as Array<[typeof minWal, number | undefined]>) {
      if (!p || bytes === undefined || !(bytes > 0) || !Number.isFinite(volumeBytes) || bytes < volumeBytes) continue;
      errors.add(p.property, p.value,
        `is not below the volume that holds WAL (${walVolumeProp} = ${walVolume.size.asString()}): that much WAL between checkpoints fills the volume and stops the primary, and CloudNativePG refuses the Cluster`,
        `lower it below ${walVolume.size.asString()} (a quarter, "${postgresSize(Math.floor(volumeBytes / 4))}", leaves room for slots and archiving), or enlarge ${walVolumeProp}`);
    }

    const walLevel = user('wal_level');
    if (walLevel) {
      const level = walLevel.value.toLowerCase();
      if (!WAL_LEVELS.includes(level)) {
        errors.add(walLevel.property, walLevel.value, 'is not a wal_level (minimal, replica or logical)', 'remove wal_level (replica or more is the default), or use "logical"');
      } else if (level === 'minimal' && (i.highlyAvailable || this.attachments.archive)) {
        errors.add(walLevel.property, walLevel.value,
          `writes too little WAL for ${i.highlyAvailable ? 'standbys to replay' : 'the attached WalArchive'} (they need replica or logical); CloudNativePG refuses the Cluster`,
          'remove wal_level, or use "replica" or "logical"');
      }
    }
    for (const name of ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints']) {
      const p = user(name);
      if (!p) continue;
      const on = postgresBoolean(p.value);
      if (on === undefined) {
        errors.add(p.property, p.value, 'is not a PostgreSQL boolean (on, off, true, false, yes, no, 1, 0)', `use ${name === 'wal_log_hints' ? '"on"' : '"on" or "off"'}`);
      } else if (name === 'wal_log_hints' && !on && i.instances > 1) {
        errors.add(p.property, p.value,
          'must be on with several instances: a former primary is rewound with pg_rewind after a failover, which needs it; CloudNativePG refuses the Cluster',
          'remove wal_log_hints (the engine turns it on)');
      }
    }
    return errors.messages;
  }

  /**
   * Adds a pg_hba rule (always `hostssl`), after the library's
   * `hostnossl all all all reject` and before the engine's own rules.
   */
  public addHbaRule(rule: HbaRule): void {
    libraryStateChanged();
    rule._check(this.errors, `addHbaRule()[${this.extraHbaRules.length}]`);
    this.extraHbaRules.push(rule);
  }

  /** The pg_hba rules the engine renders before its own: the plain-text reject (unless relaxed), then `addHbaRule()` rules. */
  public hbaRules(): string[] {
    return [...(this.tls.requireTls ? [REJECT_PLAIN_TEXT_RULE] : []), ...this.extraHbaRules.map((r) => r.render())];
  }

  /**
   * Lets `serviceAccount` read exactly the application Secret (`appSecretName`): a Role
   * with `get` on that one Secret (`<cluster>-app-secret-reader`) and a RoleBinding per account, in the cluster's namespace.
   * Any cdk8s-plus-2x/3x ServiceAccount (new or imported).
   */
  public grantReadAppSecret(serviceAccount: IServiceAccountLike): void {
    libraryStateChanged();
    this.appSecretReader ??= new SecretReader(this, 'AppSecretReader', `${this.clusterName}-app-secret-reader`, this.appSecretName);
    this.appSecretReader.grant(serviceAccount);
  }

  /** `max_connections` the instances run with. */
  public get maxConnections(): number {
    return Number(this.postgresParameters().max_connections);
  }

  /**
   * Sets a field of the engine's main manifest that no property covers, by dotted path
   * under `spec` (e.g. `spec.nodeMaintenanceWindow.inProgress`). Paths that a property
   * owns are refused, naming the property. The value is written as given.
   */
  public addOverride(path: string, value: any): void {
    libraryStateChanged();
    this.overrides.add(path, value);
  }

  /**
   * Used by engines: applies `addOverride()` values to the rendered main manifest.
   *
   * @internal
   */
  public _applyOverrides(manifest: { [key: string]: any }): { [key: string]: any } {
    return this.overrides.apply(manifest);
  }
}
