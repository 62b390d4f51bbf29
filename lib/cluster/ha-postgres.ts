import { Construct } from 'constructs';
import { ClusterBootstrap } from '../backup/recovery';
import type { WalArchive } from '../backup/wal-archive';
import { ConfigErrors } from '../core/config-error';
import { ManifestOverrides } from '../core/overrides';
import { addReadinessWarnings } from '../monitoring/readiness/readiness-warnings';
import { SynthWarnings } from '../core/synth-warnings';
import type { ClusterEndpoints, IClusterEngine } from '../engines/cluster-engine';
import { ClusterEngine } from '../engines/cluster-engine-factory';
import { checkParameters, renderParameterValue } from '../parameters/postgres-parameters';
import { ClusterIntent, mebibytes, resolveIntent } from './cluster-intent';
import { HaPostgresProps } from './ha-postgres-props';
import { DataDurability } from './replication';
import type { IServiceAccount } from 'cdk8s-plus-28';
import { ClusterConnections } from '../security/cluster-connections';
import { HbaRule } from '../security/hba-rule';
import { resolveNetworkSecurity } from '../security/network-security';
import { SecretReader } from '../security/secret-access';
import { REJECT_PLAIN_TEXT_RULE, ResolvedClusterTls, resolveClusterTls } from '../security/tls';
import { AppIndex } from '../core/app-index';
import { exactDuration, POSTGRES_DURATION_UNITS } from '../core/exact-duration';
import { SynthSession } from '../core/synth-session';

/** A PostgreSQL cluster that applications and other constructs can connect to. */
export interface IHaPostgres {
  /** Cluster name. */
  readonly clusterName: string;
  /** Service that always points at the primary. */
  readonly readWriteServiceName: string;
  /** Service over the hot standbys (read-only queries). */
  readonly readOnlyServiceName: string;
  /** Service over every instance. */
  readonly anyInstanceServiceName: string;
  /** PostgreSQL port of the Services. */
  readonly port: number;
  /** Secret holding the application owner's `username` and `password`. */
  readonly appSecretName: string;
  /** Application database. */
  readonly databaseName: string;
}

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

/** Library defaults written into every cluster, unless a user parameter replaces them. */
const DEFAULT_MAX_CONNECTIONS = 200;

/** Parameters an attached WalArchive sets (the engine renders them), with the property that owns each. */
const ARCHIVE_PARAMETERS: { [name: string]: string } = {
  archive_timeout: 'WalArchive archiveTimeout',
  archive_mode: 'WalArchive',
  archive_command: 'WalArchive',
  archive_library: 'WalArchive',
};

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
  private attachedArchive?: WalArchive;
  /** Who may connect to the instances (NetworkPolicy); `connections.allowFrom(peer)` adds clients. */
  public readonly connections: ClusterConnections;
  /** TLS requirements the engine renders (pg_hba, `ssl_min_protocol_version`). */
  public readonly tls: ResolvedClusterTls;
  private readonly extraHbaRules: HbaRule[] = [];
  private appSecretReader?: SecretReader;

  private readonly errors = new ConfigErrors();
  private readonly userParameters: { [name: string]: string } = {};
  private readonly overrides: ManifestOverrides;

  public constructor(scope: Construct, id: string, props: HaPostgresProps = {}) {
    super(scope, id);
    AppIndex.invalidate(this); // the app changed: validations must see this construct
    SynthSession.install(this); // app.synth() renders each object once
    this.engine = props.engine ?? ClusterEngine.cloudNativePg();
    const warnings: string[] = [];
    this.intent = resolveIntent(id, props, this.engine, this.errors, warnings);
    this.node.addValidation({ validate: () => this.errors.messages });

    this.clusterName = this.intent.name;
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
    this.bootstrap.check(this, this.errors, 'bootstrap');
    this.tls = resolveClusterTls(props.tls, this.errors, warnings);
    const network = resolveNetworkSecurity(props.network, this.errors);

    if (props.parameters) this.addParameters(props.parameters, 'parameters');
    if (!this.intent.highlyAvailable) {
      warnings.push('standalone cluster: one instance, no standby, no synchronous replication and no disruption budget. ' +
        'A node or volume failure loses availability and can lose data. Use it for development and tests only.');
    }
    // Warnings about props that are also errors would only repeat them.
    if (this.errors.isEmpty) for (const w of warnings) SynthWarnings.add(this, w);

    this.engine.render(this);
    this.connections = new ClusterConnections(this, network);
    // Standalone clusters are dev-only and already warned; the checklist is for HA ones.
    // The checklist reads CloudNativePG Cluster manifests: for other engines it finds nothing and warns nothing.
    if (this.intent.highlyAvailable) addReadinessWarnings(this);
    if (this.bootstrap.isRecovery) {
      if (this.engine.renderRecovery) this.engine.renderRecovery(this);
      else {
        this.errors.add('bootstrap', 'fromArchive(...)', `the engine ${this.engine.name} cannot bootstrap a cluster from an archive yet`,
          'use ClusterEngine.cloudNativePg() or ClusterEngine.patroni(...) for the restored cluster');
      }
    }
  }

  /** The WalArchive attached to this cluster, if any. */
  public get walArchive(): WalArchive | undefined {
    return this.attachedArchive;
  }

  /**
   * Used by WalArchive: attaches it, so the engine renders archiving and the archive owns
   * `archive_timeout`. A cluster has at most one archive.
   */
  public attachArchive(archive: WalArchive): void {
    if (this.attachedArchive) {
      this.errors.add('WalArchive', archive.node.path, `cluster "${this.clusterName}" already archives through ${this.attachedArchive.node.path}; an instance has exactly one WAL archiver`,
        'keep one WalArchive per cluster (use ScheduledBackup for more backups into it)');
      return;
    }
    this.attachedArchive = archive;
    if (this.userParameters.archive_timeout !== undefined) {
      this.errors.add('parameters.archive_timeout', this.userParameters.archive_timeout, 'is set by the archiveTimeout property of the WalArchive attached to this cluster',
        'remove archive_timeout from parameters and set archiveTimeout on the WalArchive instead');
    }
    // Engines that manage these themselves (CloudNativePG) already refused them.
    const managed = this.engine.managedParameters();
    for (const name of ['archive_mode', 'archive_command', 'archive_library']) {
      if (this.userParameters[name] === undefined || managed[name] !== undefined) continue;
      this.errors.add(`parameters.${name}`, this.userParameters[name], `is set by the WalArchive attached to this cluster (${this.engine.name} archives through it)`,
        `remove ${name} from parameters; the WalArchive renders WAL archiving`);
    }
  }

  /**
   * Adds PostgreSQL parameters (checked like the `parameters` property). A later value
   * for the same name replaces an earlier one.
   */
  public addParameters(parameters: { [name: string]: string | number | boolean }, property = 'addParameters()'): void {
    checkParameters(this.errors, property, parameters, {
      major: this.intent.version.major,
      minor: this.intent.version.minor,
      engineManaged: this.engine.managedParameters(),
      engineName: this.engine.name,
      setByProperty: {
        max_slot_wal_keep_size: 'maxSlotWalKeepSize',
        max_standby_streaming_delay: 'maxStandbyStreamingDelay',
        max_standby_archive_delay: 'maxStandbyStreamingDelay',
        ssl_min_protocol_version: 'tls.minimumVersion',
        ...(this.attachedArchive ? ARCHIVE_PARAMETERS : {}),
      },
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
      this.userParameters[key] = rendered;
    }
  }

  /**
   * The PostgreSQL parameters the cluster runs with: library defaults, then user
   * parameters. Values are strings, as in the manifest.
   */
  public postgresParameters(): { [name: string]: string } {
    const i = this.intent;
    const defaults: { [name: string]: string } = {
      max_connections: String(DEFAULT_MAX_CONNECTIONS),
      shared_buffers: pgSize(Math.floor(mebibytes(i.memoryLimit) / 4)),
      effective_cache_size: pgSize(Math.floor((mebibytes(i.memoryLimit) * 3) / 4)),
    };
    if (i.maxSlotWalKeepSize) defaults.max_slot_wal_keep_size = pgSize(mebibytes(i.maxSlotWalKeepSize));
    if (i.highlyAvailable) {
      const delay = pgDuration(i.maxStandbyStreamingDelay.toMilliseconds());
      defaults.max_standby_streaming_delay = delay;
      defaults.max_standby_archive_delay = delay;
    }
    if (this.attachedArchive) defaults.archive_timeout = pgDuration(this.attachedArchive.archiveTimeout.toMilliseconds());
    const merged = { ...defaults, ...this.userParameters };
    return Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  }

  /**
   * Adds a pg_hba rule (always `hostssl`), after the library's
   * `hostnossl all all all reject` and before the engine's own rules.
   */
  public addHbaRule(rule: HbaRule): void {
    rule.check(this.errors, `addHbaRule()[${this.extraHbaRules.length}]`);
    this.extraHbaRules.push(rule);
  }

  /** The pg_hba rules the engine renders before its own: the plain-text reject (unless relaxed), then `addHbaRule()` rules. */
  public hbaRules(): string[] {
    return [...(this.tls.requireTls ? [REJECT_PLAIN_TEXT_RULE] : []), ...this.extraHbaRules.map((r) => r.render())];
  }

  /**
   * Lets `serviceAccount` read exactly the application Secret (`appSecretName`): a Role
   * with `get` on that one Secret (`<cluster>-app-secret-reader`) and a RoleBinding per account, in the cluster's namespace.
   */
  public grantReadAppSecret(serviceAccount: IServiceAccount): void {
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
    this.overrides.add(path, value);
  }

  /**
   * Used by engines: applies `addOverride()` values to the rendered main manifest.
   */
  public applyOverrides(manifest: { [key: string]: any }): { [key: string]: any } {
    return this.overrides.apply(manifest);
  }
}

/** A duration in the largest exact PostgreSQL unit, e.g. 30000 ms → `30s`. */
function pgDuration(ms: number): string {
  return exactDuration(ms, POSTGRES_DURATION_UNITS);
}

/** A size in PostgreSQL units, e.g. 1024 MiB → `1GB` (PostgreSQL's GB is 1024 MB). */
function pgSize(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}GB` : `${mib}MB`;
}
