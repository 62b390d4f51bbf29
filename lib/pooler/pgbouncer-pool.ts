import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, ISecret, Secret } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { cpuMillis } from '../model/cluster-intent';
import { HaPostgres } from '../cluster/ha-postgres';
import { AppIndex, addSynthValidation, libraryStateChanged } from '../core/app-index';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { positiveMebibytes } from '../core/duration-size-checks';
import { checkUniqueObjects } from '../core/unique-objects';
import { SynthWarnings } from '../core/synth-warnings';
import type { PoolerEndpoint } from '../model/cluster-engine';
import { allowedPgBouncerParameters, checkPgBouncerParameters } from '../model/pgbouncer-parameters';
import { PgBouncerPoolProps } from './pgbouncer-pool-props';
import { PoolMode, PoolType } from '../model/pool-mode';
import { CONNECTION_HEADROOM, checkPoolSizing } from '../model/pool-sizing';
import { PoolConnections } from '../security/pool-connections';
import type { EnvValueLike, IContainerLike } from '../core/workload-shapes';

import { PoolIntent } from '../model/pool-intent';
export type { PoolIntent };

/** Pool names are DNS labels; a Service name must also start with a letter (RFC 1035). */
const MAX_POOL_NAME_LENGTH = 63;

/**
 * A PgBouncer connection pool in front of an HaPostgres cluster: by default two pods
 * in different zones, transaction pooling, a disruption budget over the pool's own
 * pods, and a synth-time check that all pools of the cluster fit in its
 * `max_connections`. Applications connect to `serviceName`:`port`
 * (`addConnectionEnv()` wires a container).
 */
export class PgBouncerPool extends Construct {
  /** Connections kept free on each instance for the operator, monitoring and backups (not given to pools). */
  public static readonly CONNECTION_HEADROOM = CONNECTION_HEADROOM;

  /** PgBouncer parameters CloudNativePG 1.30 lets a pool set (its allow-list), sorted; `parameters` takes these. */
  public static allowedParameters(): string[] {
    return allowedPgBouncerParameters();
  }

  /** The cluster the pool connects to. */
  public readonly cluster: HaPostgres;
  /** The resolved intent that the engine renders. */
  public readonly intent: PoolIntent;
  /** Name of the pool (Pooler, Deployment). */
  public readonly poolName: string;
  /** Service that applications connect to. */
  public readonly serviceName: string;
  /** Port of that Service. */
  public readonly port: number;
  public readonly type: PoolType;
  public readonly poolMode: PoolMode;
  public readonly instances: number;
  /** Who may connect to the pool (NetworkPolicy); `connections.allowFrom(peer)` adds applications. */
  public readonly connections: PoolConnections;

  private readonly errors = new ConfigErrors();
  private readonly typedParameters: { [name: string]: string };
  private readonly userParameters: { [name: string]: string } = {};
  private appSecret?: ISecret;

  public constructor(scope: Construct, id: string, props: PgBouncerPoolProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    const cluster = props.cluster;
    this.cluster = cluster;
    const errors = this.errors;
    const warnings: string[] = [];

    this.type = props.type ?? PoolType.READ_WRITE;
    const name = props.name ?? `${cluster.clusterName}-pooler-${this.type === PoolType.READ_ONLY ? 'ro' : 'rw'}`;
    const nameProperty = props.name !== undefined ? 'name' : `name (default, from cluster "${cluster.clusterName}")`;
    checkDnsLabel(errors, nameProperty, name, MAX_POOL_NAME_LENGTH);
    if (/^[0-9]/.test(name)) {
      errors.add(nameProperty, name, 'must start with a letter: it becomes a Service name (RFC 1035 label)', `use a name such as "pool-${name}"`);
    }
    if (name === cluster.clusterName) {
      errors.add(nameProperty, name, 'equals the cluster\'s name; CloudNativePG requires Pooler names to differ from every Cluster name in the namespace',
        `use e.g. "${cluster.clusterName}-pooler-rw" (the default)`);
    }
    const poolNamespace = Chart.of(this).namespace;
    const clusterNamespace = Chart.of(cluster).namespace;
    if (poolNamespace !== clusterNamespace) {
      errors.add('cluster', cluster.clusterName, `is in namespace ${JSON.stringify(clusterNamespace ?? '(none)')} but the pool is in ${JSON.stringify(poolNamespace ?? '(none)')}; a Pooler only serves a cluster of its own namespace`,
        'create the pool in a chart with the cluster\'s namespace');
    }
    if (this.type === PoolType.READ_ONLY && !cluster.intent.highlyAvailable) {
      errors.add('type', this.type, 'the cluster is standalone: it has no standby to read from, so the pool would have no server', 'use PoolType.READ_WRITE, or ClusterMode.highAvailability()');
    }

    this.poolMode = props.poolMode ?? PoolMode.TRANSACTION;
    if (this.poolMode === PoolMode.STATEMENT) {
      errors.add('poolMode', this.poolMode,
        'statement pooling is not supported by CloudNativePG\'s Pooler, and it breaks every multi-statement transaction (the server connection is handed to another client after each statement)',
        'use PoolMode.TRANSACTION (the default), or PoolMode.SESSION for apps that need session state');
    } else if (!Object.values(PoolMode).includes(this.poolMode)) {
      errors.add('poolMode', this.poolMode, 'is not a pool mode', 'use PoolMode.TRANSACTION or PoolMode.SESSION');
    }

    this.instances = props.instances ?? 2;
    if (!Number.isInteger(this.instances) || this.instances < 1) {
      errors.add('instances', this.instances, 'must be a whole number of at least 1', 'use 2 (the default) or more');
    } else if (this.instances < 2 && props.allowSingleInstance !== true) {
      errors.add('instances', this.instances, 'one pooler pod is a single point of failure: a node or zone outage, or a drain, cuts every application off the database',
        'use 2 or more instances, or set allowSingleInstance: true (development only)');
    } else if (this.instances < 2) {
      warnings.push('single pooler pod: applications lose the database while it restarts or moves, and it has no disruption budget. Use it for development only.');
    }

    const defaultPoolSize = count(errors, 'defaultPoolSize', props.defaultPoolSize, 20, 1);
    const minPoolSize = count(errors, 'minPoolSize', props.minPoolSize, 0, 0);
    const reservePoolSize = count(errors, 'reservePoolSize', props.reservePoolSize, 0, 0);
    const maxClientConnections = count(errors, 'maxClientConnections', props.maxClientConnections, 1000, 1);
    if (minPoolSize > defaultPoolSize) {
      errors.add('minPoolSize', minPoolSize, `is above defaultPoolSize (${defaultPoolSize}); the pool can never hold that many connections`, `set minPoolSize to at most ${defaultPoolSize}`);
    }
    if (maxClientConnections < defaultPoolSize) {
      warnings.push(`maxClientConnections (${maxClientConnections}) is below defaultPoolSize (${defaultPoolSize}): the pool can never use all its server connections.`);
    }
    const reservePoolTimeout = seconds(errors, 'reservePoolTimeout', props.reservePoolTimeout, Duration.seconds(5));
    if (reservePoolSize > 0 && reservePoolTimeout === '0') {
      errors.add('reservePoolTimeout', props.reservePoolTimeout, `is 0 while reservePoolSize is ${reservePoolSize}: PgBouncer would never use the reserve pool`,
        'give a timeout above zero, e.g. Duration.seconds(5), or set reservePoolSize to 0');
    }
    const transaction = this.poolMode === PoolMode.TRANSACTION;
    const maxPreparedStatements = props.maxPreparedStatements !== undefined || transaction
      ? count(errors, 'maxPreparedStatements', props.maxPreparedStatements, 200, 0) : undefined;
    if (transaction && maxPreparedStatements === 0) {
      warnings.push('maxPreparedStatements is 0 in transaction mode: drivers that use protocol-level prepared statements (JDBC, pgx, asyncpg, node-postgres with names) will fail with "prepared statement does not exist".');
    }

    this.typedParameters = {
      max_client_conn: String(maxClientConnections),
      default_pool_size: String(defaultPoolSize),
      min_pool_size: String(minPoolSize),
      reserve_pool_size: String(reservePoolSize),
      reserve_pool_timeout: reservePoolTimeout,
      server_idle_timeout: seconds(errors, 'serverIdleTimeout', props.serverIdleTimeout, Duration.minutes(10)),
      query_wait_timeout: seconds(errors, 'queryWaitTimeout', props.queryWaitTimeout, Duration.minutes(2)),
      idle_transaction_timeout: seconds(errors, 'idleTransactionTimeout', props.idleTransactionTimeout, Duration.seconds(0)),
      ...(maxPreparedStatements !== undefined ? { max_prepared_statements: String(maxPreparedStatements) } : {}),
    };
    if (props.parameters) this.addParameters(props.parameters, 'parameters');

    const res = props.resources ?? {};
    const cpuRequest = res.cpuRequest ?? Cpu.millis(500);
    const cpuLimit = res.cpuLimit ?? cpuRequest;
    const memoryRequest = res.memoryRequest ?? Size.mebibytes(256);
    const memoryLimit = res.memoryLimit ?? memoryRequest;
    if (!(cpuMillis(cpuRequest) > 0)) errors.add('resources.cpuRequest', cpuRequest.amount, 'must be above zero', 'give e.g. Cpu.millis(500)');
    if (cpuMillis(cpuLimit) < cpuMillis(cpuRequest)) errors.add('resources.cpuLimit', cpuLimit.amount, `is below cpuRequest (${cpuRequest.amount})`, 'set cpuLimit to at least cpuRequest');
    const requestMib = positiveMebibytes(errors, 'resources.memoryRequest', memoryRequest, 'Size.mebibytes(256)');
    const limitMib = res.memoryLimit === undefined ? requestMib : positiveMebibytes(errors, 'resources.memoryLimit', memoryLimit, 'Size.mebibytes(256)');
    if (requestMib !== undefined && limitMib !== undefined && limitMib < requestMib) {
      errors.add('resources.memoryLimit', memoryLimit, `is below memoryRequest (${memoryRequest.asString()})`, 'set memoryLimit to at least memoryRequest');
    }
    if (requestMib !== undefined && requestMib < 64) errors.add('resources.memoryRequest', memoryRequest, 'is below 64Mi, too little for PgBouncer and its buffers', 'give at least Size.mebibytes(64)');

    const ci = cluster.intent;
    this.intent = {
      name,
      clusterName: cluster.clusterName,
      type: this.type,
      poolMode: this.poolMode,
      instances: this.instances,
      // One pod down at a time: with the default 2 pods, minAvailable 1 lets a drain
      // evict one while the other serves; never all (no outage), never none (drains would hang).
      disruptionBudgetMinAvailable: this.instances >= 2 ? this.instances - 1 : undefined,
      zones: ci.zones,
      zoneTopologyKey: ci.zoneTopologyKey,
      nodeTopologyKey: ci.nodeTopologyKey,
      cpuRequest,
      cpuLimit,
      memoryRequest,
      memoryLimit,
      defaultPoolSize,
      reservePoolSize,
    };
    this.poolName = name;
    checkUniqueObjects(this, { property: nameProperty, value: name });
    cluster.attachments.addPool(this);

    // The whole-app checks once per synthesis: cdk8s re-validates the app for every chart.
    addSynthValidation(this, () => [...this.errors.messages, ...this.treeErrors()]);
    if (errors.isEmpty) for (const w of warnings) SynthWarnings.add(this, w);

    const engine = cluster.engine;
    let endpoint: PoolerEndpoint | undefined;
    if (engine.capabilities.pooler) {
      endpoint = engine.bindPooler(this, this);
    } else {
      errors.add('PgBouncerPool', engine.name, `the cluster's engine (${engine.name}) cannot render connection pools`,
        'use ClusterEngine.cloudNativePg() for the cluster, or an engine that renders pools');
    }
    this.serviceName = endpoint?.serviceName ?? name;
    this.port = endpoint?.port ?? cluster.port;
    this.connections = new PoolConnections(this, name, this.port, cluster);
  }

  /**
   * The PgBouncer parameters the pool runs with, engine-neutral: the typed properties
   * (timeouts in seconds), `client_tls_sslmode` `require` (unless `parameters` is stricter) and `parameters`, sorted by name. Without `pool_mode` (see
   * `poolMode`) and without what the engine wires itself (listen address, auth, TLS).
   */
  public pgbouncerParameters(): { [name: string]: string } {
    // Applications must use TLS to reach the pool; a user value can only be stricter (checked).
    const merged: { [name: string]: string } = { client_tls_sslmode: 'require', ...this.userParameters, ...this.typedParameters };
    return Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  }

  /** Adds PgBouncer parameters, checked like the `parameters` property. A later value replaces an earlier one. */
  public addParameters(parameters: { [name: string]: string }, property = 'addParameters()'): void {
    libraryStateChanged();
    checkPgBouncerParameters(this.errors, property, parameters);
    for (const [k, v] of Object.entries(parameters)) if (!(k in this.typedParameters)) this.userParameters[k] = v;
  }

  /**
   * The libpq environment an application needs to connect through the pool: PGHOST
   * (the pool's Service), PGPORT, PGDATABASE, PGSSLMODE `require` (the pooler serves
   * TLS), and PGUSER and PGPASSWORD by reference to the cluster's application Secret
   * (keys `username` and `password`); no credential is ever copied into a manifest.
   */
  public connectionEnv(): { [name: string]: EnvValueLike } {
    this.appSecret ??= Secret.fromSecretName(this, 'AppSecret', this.cluster.appSecretName);
    const secret = this.appSecret;
    return {
      PGHOST: EnvValue.fromValue(this.serviceName),
      PGPORT: EnvValue.fromValue(String(this.port)),
      PGDATABASE: EnvValue.fromValue(this.cluster.databaseName),
      PGSSLMODE: EnvValue.fromValue('require'),
      PGUSER: EnvValue.fromSecretValue({ secret, key: 'username' }),
      PGPASSWORD: EnvValue.fromSecretValue({ secret, key: 'password' }),
    };
  }

  /** Adds `connectionEnv()` to a container of any cdk8s-plus-2x/3x (e.g. `deployment.containers[0]`). */
  public addConnectionEnv(container: IContainerLike): void {
    libraryStateChanged();
    for (const [name, value] of Object.entries(this.connectionEnv())) container.env.addVariable(name, value);
  }

  /** Checks that need the whole app: name clashes and the sizing of all pools of the cluster. */
  private treeErrors(): string[] {
    const errors = new ConfigErrors();
    const namespace = Chart.of(this).namespace;
    const index = AppIndex.of(this);
    const clusters = index.memo(index, 'clusters', () => index.constructs().filter((c): c is HaPostgres => c instanceof HaPostgres));
    const sameNamespace = (c: Construct): boolean => Chart.of(c).namespace === namespace;
    const clash = clusters.find((c) => c.clusterName === this.poolName && c !== this.cluster && sameNamespace(c));
    if (clash) {
      errors.add('name', this.poolName, `equals the name of cluster ${(clash as HaPostgres).node.path}; CloudNativePG requires Pooler names to differ from every Cluster name in the namespace`,
        'give the pool another name');
    }
    // Objects of the same kind and name as another construct's (a second pool of that name,
    // the cluster's NetworkPolicy or budget, an operator-created Service) are found by the
    // app-wide check (checkUniqueObjects).
    const ofCluster = this.cluster.attachments.pools as PgBouncerPool[];
    // Reported once per cluster, by its first pool, and only when each pool is valid itself.
    if (ofCluster[0] === this && ofCluster.every((p) => p.errors.isEmpty)) {
      checkPoolSizing(errors, this.cluster, ofCluster.map((p) => p.intent));
    }
    return errors.messages;
  }
}

/** A whole number property of at least `min`, or its default. */
function count(errors: ConfigErrors, property: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    errors.add(property, value, `must be a whole number of at least ${min} (PgBouncer silently accepts nonsense such as negative sizes)`, `use e.g. ${fallback}`);
    return fallback;
  }
  return value;
}

/** A duration in seconds as PgBouncer reads it (`600`, `0.5`): whole milliseconds, not negative. */
function seconds(errors: ConfigErrors, property: string, value: Duration | undefined, fallback: Duration): string {
  const ms = (value ?? fallback).toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 0) {
    errors.add(property, value, 'must be a whole number of milliseconds, not negative', `use e.g. ${fallback.toHumanString()}`);
    return String(fallback.toMilliseconds() / 1000);
  }
  return String(ms / 1000);
}
