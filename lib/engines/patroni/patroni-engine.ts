import { isIP } from 'node:net';
import { addSynthValidation } from '../../core/app-index';
import { Duration, Size } from 'cdk8s';
import type { PostgresVersion } from '../../model/postgres-version';
import { DataDurability, PrimaryUpdateMethod } from '../../model/replication';
import { ConfigErrors } from '../../core/config-error';
import { checkDnsSubdomain, checkImageReference, isPinnedImage } from '../../core/dns';
import { positiveMebibytes, wholeSeconds } from '../../core/duration-size-checks';
import type { IEngineNetworkProfile, ExternalEgress } from '../../model/engine-network-profile';
import { checkCidr } from '../../model/cidr';
import type { Construct } from 'constructs';
import type { SecretKeyReference } from '../../model/subscription-values';
import { DEFAULT_DRILL_IMAGE } from '../../model/backup-values';
import { BarmanRelease, OLDEST_BARMAN, atLeast, parseBarmanRelease, releaseLabel } from './barman-commands';
import { renderPatroniArchive } from './patroni-archive';
import { renderPatroniScheduledBackup } from './patroni-backup-job';
import type { ClusterEndpoints, IClusterEngine, PoolerEndpoint } from '../../model/cluster-engine';
import { PatroniSynchronousMode } from './patroni-synchronous-mode';
import { etcdPort } from './patroni-config';
import { PatroniDcs } from './patroni-dcs';
import { PATRONI_LAYOUT as L } from './patroni-layout';
import { PATRONI_MANAGED_PARAMETERS } from './patroni-managed-parameters';
import { patroniPoolerPodLabels, renderPatroniPooler } from './patroni-pooler';
import { resolveTiming } from './patroni-timing';
import { PatroniTimingProps } from './patroni-timing-props';
import { PatroniVersion } from './patroni-version';
import { renderPatroniWorkload } from './patroni-workload';
import type {
  EngineCapabilities, EngineDisruptionBudgets, EngineMonitoringProfile, EngineReadinessProfile, IArchiveIntent, IClusterModel, IDatabaseIntent,
  IDatabaseRoleIntent, IPoolerIntent, IPublicationIntent, IRestoreDrillIntent, IScheduledBackupIntent, ISchemaImportIntent, ISubscriptionIntent,
} from '../../model/cluster-engine';
import { allowSchemaImport, ensurePatroniSqlJob, patroniObjectErrors, patroniSubscriptionErrors, patroniSubscriptionNotes, PatroniSqlJobOptions } from './patroni-sql-job';

/** Options of the Patroni engine. */
export interface PatroniEngineProps {
  /**
   * The Patroni release line in `image`; it decides the role label values,
   * the synchronous-mode syntax and the timing limits.
   */
  readonly version: PatroniVersion;

  /**
   * Container image with Patroni (of `version`), PostgreSQL (of the cluster's
   * `version`) under `postgresBinDir`, `psql`, `curl` for the etcd DCS, and
   * barman-cli-cloud (`barmanCloudVersion`) with `python3` for a WalArchive,
   * ScheduledBackup or recovery; `sh`, `psql`, and for a BlueGreenUpgrade target `pg_dump`
   * and `pg_restore`, for the SQL Job of DatabaseRole, Database, Publication and Subscription. There is no official Patroni image, so it is required;
   * pin it by digest in production.
   */
  readonly image: string;

  /**
   * Name of an existing Secret in the cluster's namespace with the keys
   * `superuser-password`, `replication-password`, `rewind-password` and
   * `restapi-password`. Passwords reach Patroni only as environment variables
   * from this Secret.
   */
  readonly credentialsSecretName: string;

  /**
   * A `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`), e.g. issued by cert-manager for
   * the Services' and members' names: PostgreSQL serves TLS with it, and with the
   * cluster's default `tls` (TLS required) every plain-text connection is refused.
   *
   * @default - none: then the cluster must allow plain text (`tls.allowPlainTextReason`), or synthesis fails
   */
  readonly tlsSecretName?: string;

  /**
   * Image of the PgBouncerPools of the cluster: pgbouncer and `sh` on the PATH, running
   * as `userId`. Needed only when a pool is added (there is no operator to supply one).
   *
   * @default - none: a PgBouncerPool on this cluster fails synthesis
   */
  readonly pgbouncerImage?: string;

  /**
   * Where Patroni keeps the leader lock.
   *
   * @default PatroniDcs.kubernetes()
   */
  readonly dcs?: PatroniDcs;

  /**
   * Failover timing (`ttl`, `loop_wait`, `retry_timeout`).
   *
   * @default - ttl 8 s / loop_wait 2 s / retry_timeout 3 s on Patroni 3.0; 20 / 2 / 8 on 4.1
   */
  readonly timing?: PatroniTimingProps;

  /**
   * How synchronous standbys are chosen. `QUORUM` needs Patroni 4.x.
   *
   * @default - PatroniSynchronousMode.QUORUM on Patroni 4.x, PatroniSynchronousMode.PRIORITY on 3.0
   */
  readonly synchronousMode?: PatroniSynchronousMode;

  /**
   * How long the replication slot of an absent member is kept (`member_slots_ttl`,
   * Patroni 4.x only).
   *
   * @default - Patroni's default (30 min) on 4.x; not available on 3.0
   */
  readonly memberSlotsTtl?: Duration;

  /**
   * `failsafe_mode`: when the DCS (the Kubernetes API) is unreachable, the leader keeps
   * its role as long as every member answers it, instead of demoting itself.
   *
   * @default true
   */
  readonly failsafeMode?: boolean;

  /**
   * How far behind the leader a standby may be and still be promoted
   * automatically (`maximum_lag_on_failover`).
   *
   * @default Size.mebibytes(1)
   */
  readonly maximumLagOnFailover?: Size;

  /**
   * Directory of the PostgreSQL binaries in the image.
   *
   * @default - `/usr/lib/postgresql/<major>/bin` (Debian layout, also used by Spilo)
   */
  readonly postgresBinDir?: string;

  /**
   * User and group id the container runs as (the image's `postgres` user); also the
   * volumes' fsGroup.
   *
   * @default 999 (`postgres` in the Debian-based PostgreSQL images)
   */
  readonly userId?: number;

  /**
   * The barman-cli-cloud release in `image` (`major.minor`), which must have it (with
   * `python3`) when the cluster has a WalArchive or ScheduledBackup or is restored from an
   * archive. It decides which flags may be rendered: WAL compression lz4, xz and zstd need
   * 3.12, backup compression lz4 needs 3.18, `ArchiveEncryption.kms()` (`--sse-kms-key-id`)
   * needs 3.5; props that need a newer release fail synthesis.
   *
   * @default '3.4' (Debian bookworm's barman-cli-cloud, the oldest the engine is tested with)
   */
  readonly barmanCloudVersion?: string;

  /**
   * Image with bash and kubectl that runs the ScheduledBackup jobs (they `kubectl exec`
   * barman-cloud-backup in a member). Pin it.
   *
   * @default 'registry.k8s.io/kubectl:v1.34.1' (DEFAULT_DRILL_IMAGE)
   */
  readonly backupJobImage?: string;
}

/**
 * Renders an HaPostgres as a Patroni cluster without any operator: a StatefulSet,
 * its Patroni configuration, RBAC, Services and disruption budget.
 */
export class PatroniEngine implements IClusterEngine {
  public readonly name: string;
  /** No restore drill and no in-place major upgrade yet; everything else. */
  public readonly capabilities: EngineCapabilities = {
    archive: true, scheduledBackups: true, recovery: true, restoreDrill: false, pooler: true, databaseRoles: true, databases: true,
    publications: true, subscriptions: true, schemaImport: true, inPlaceMajorUpgrade: false, networkPolicies: true,
  };
  /** PostgreSQL majors the library renders; the Patroni release caps them (`PatroniVersion.maxPostgresMajor`, checked at render). */
  public readonly supportedMajors: number[] = [14, 15, 16, 17, 18];
  /** Without an operator there are no operator budgets. */
  public readonly disruptionBudgets: EngineDisruptionBudgets = { operatorManaged: false, reason: 'runs without an operator, so there are no operator budgets' };
  public readonly version: PatroniVersion;
  public readonly dcs: PatroniDcs;
  /**
   * WalArchive `walMaxParallel` when not given: archive_command uploads one segment per
   * call, so 1 (any other value fails synthesis).
   */
  public readonly defaultWalMaxParallel: number = 1;
  private readonly props: PatroniEngineProps;
  private readonly barman: BarmanRelease;
  /** The container's uid and gid (checked in `render`). */
  private readonly userId: number;

  public constructor(props: PatroniEngineProps) {
    this.props = props;
    this.version = props.version;
    this.dcs = props.dcs ?? PatroniDcs.kubernetes();
    this.name = `Patroni ${props.version.label}`;
    this.barman = parseBarmanRelease(props.barmanCloudVersion ?? releaseLabel(OLDEST_BARMAN)) ?? OLDEST_BARMAN;
    this.userId = props.userId ?? 999;
  }

  public managedParameters(): { [name: string]: string } {
    return PATRONI_MANAGED_PARAMETERS;
  }

  /** Patroni's own defaults of the parameters it passes on the command line (`wal_level` replica). */
  public parameterDefaults(): { [name: string]: string } {
    return { wal_level: 'replica', max_wal_senders: '10', max_replication_slots: '10', max_worker_processes: '8' };
  }

  /** Applied by the cluster's SQL Job (lib/engines/patroni/patroni-sql-job.ts). */
  /** ClusterMonitoring's PodMonitors and alerts use CloudNativePG's pod labels and metrics. */
  public monitoringProfile(): EngineMonitoringProfile {
    return { supported: false, reason: 'the PodMonitors and alerts use CloudNativePG\'s pod labels and metrics' };
  }

  /** A StatefulSet: only the pod QoS items of the checklist apply. */
  public readinessProfile(): EngineReadinessProfile {
    return { mainManifestKind: 'apps/v1 StatefulSet', operatorChecklist: false, injectedContainersKeepQos: true, instanceContainers: ['patroni'], poolerContainers: ['pgbouncer'] };
  }

  /** Patroni issues no certificates: subscribers connect with sslmode require. */
  public serverCertificateAuthority(_clusterName: string): SecretKeyReference | undefined {
    return undefined;
  }

  /** Patroni does not synchronize logical slots to the standbys. */
  public synchronizesLogicalSlots(_cluster: IClusterModel): boolean {
    return false;
  }

  public bindDatabaseRole(scope: Construct, role: IDatabaseRoleIntent): void {
    addSynthValidation(scope, () => patroniObjectErrors(this.name, role.reclaimPolicy, 'role'));
    ensurePatroniSqlJob(role.cluster, this.sqlJobOptions());
  }

  /** Applied by the cluster's SQL Job: database, schemas, extensions and grants. */
  public bindDatabase(scope: Construct, database: IDatabaseIntent): void {
    addSynthValidation(scope, () => patroniObjectErrors(this.name, database.reclaimPolicy, 'database'));
    ensurePatroniSqlJob(database.cluster, this.sqlJobOptions());
  }

  /** Created and kept by the cluster's SQL Job (wal_level logical is set by the Publication). */
  public bindPublication(scope: Construct, publication: IPublicationIntent): void {
    addSynthValidation(scope, () => patroniObjectErrors(this.name, publication.reclaimPolicy, 'publication'));
    ensurePatroniSqlJob(publication.cluster, this.sqlJobOptions());
  }

  /** Created by the subscriber's SQL Job (sslmode require: the members have no CA file). */
  public bindSubscription(scope: Construct, subscription: ISubscriptionIntent): void {
    addSynthValidation(scope, () => patroniSubscriptionErrors(subscription, this.name));
    patroniSubscriptionNotes(subscription);
    ensurePatroniSqlJob(subscription.cluster, this.sqlJobOptions());
  }

  /** The target's SQL Job runs pg_dump --schema-only | pg_restore before the subscription. */
  public bindSchemaImport(scope: Construct, upgrade: ISchemaImportIntent): void {
    allowSchemaImport(scope, upgrade);
    ensurePatroniSqlJob(upgrade.target, this.sqlJobOptions());
  }

  private sqlJobOptions(): PatroniSqlJobOptions {
    return { credentialsSecretName: this.props.credentialsSecretName, userId: this.userId };
  }

  public imageFor(_version: PostgresVersion): string {
    return this.props.image;
  }

  public endpointsFor(clusterName: string, appSecretName?: string): ClusterEndpoints {
    return {
      readWriteServiceName: `${clusterName}-rw`,
      readOnlyServiceName: `${clusterName}-ro`,
      anyInstanceServiceName: `${clusterName}-r`,
      port: L.postgresPort,
      appSecretName: appSecretName ?? `${clusterName}-app`,
    };
  }

  public instanceLabels(clusterName: string): { [key: string]: string } {
    return { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/component': 'instance', [L.scopeLabel]: clusterName };
  }

  public propertyOwnedPaths(): { [path: string]: string } {
    return {
      'spec.replicas': 'mode',
      'spec.selector': 'mode',
      'spec.serviceName': 'mode',
      'spec.updateStrategy': 'primaryUpdateMethod',
      'spec.volumeClaimTemplates': 'storage / walStorage',
      'spec.template.metadata.labels': 'mode',
      'spec.template.spec.affinity': 'placement',
      'spec.template.spec.topologySpreadConstraints': 'placement',
      'spec.template.spec.nodeSelector': 'placement.nodeSelector',
      'spec.template.spec.tolerations': 'placement.tolerations',
      'spec.template.spec.containers': 'version / imageName / resources / credentials',
      'spec.template.spec.securityContext': 'engine.userId',
    };
  }

  public bindToCluster(scope: Construct, cluster: IClusterModel): void {
    const errors = new ConfigErrors();
    addSynthValidation(scope, () => errors.messages);
    const i = cluster.intent;
    const e = this.name;

    const timing = resolveTiming(errors, e, this.version, this.props.timing);
    const synchronousMode = this.props.synchronousMode
      ?? (this.version.supportsQuorum ? PatroniSynchronousMode.QUORUM : PatroniSynchronousMode.PRIORITY);
    if (synchronousMode === PatroniSynchronousMode.QUORUM && !this.version.supportsQuorum) {
      errors.add('engine.synchronousMode', synchronousMode, `${e} has no quorum synchronous mode (synchronous_mode is a boolean before Patroni 4.0)`,
        'use PatroniSynchronousMode.PRIORITY, or PatroniVersion.V4_1 with an image of Patroni 4.1');
    }
    let memberSlotsTtlSeconds: number | undefined;
    if (this.props.memberSlotsTtl !== undefined) {
      memberSlotsTtlSeconds = wholeSeconds(errors, 'engine.memberSlotsTtl', this.props.memberSlotsTtl, { min: 1 });
      if (!this.version.supportsMemberSlotsTtl) {
        errors.add('engine.memberSlotsTtl', this.props.memberSlotsTtl, `${e} has no member_slots_ttl: it drops an absent member's slot when its key expires`,
          'remove memberSlotsTtl, or use PatroniVersion.V4_1');
      }
    }
    this.checkDcs(errors);
    checkImageReference(errors, 'engine.image', this.props.image, 'registry.example.com/patroni:4.1.4-pg17');
    checkDnsSubdomain(errors, 'engine.credentialsSecretName', this.props.credentialsSecretName,
      'give the name of an existing Secret, e.g. "orders-db-patroni"', 'is not a valid Secret name');
    if (i.version.major > this.version.maxPostgresMajor) {
      errors.add('version', i.version.fullVersion, `${e} supports PostgreSQL up to ${this.version.maxPostgresMajor}`,
        `use PostgresVersion.of(${this.version.maxPostgresMajor}, <minor>) or older, or a newer Patroni (PatroniVersion.V4_1)`);
    }
    this.checkBackupProps(errors);
    const userId = this.userId;
    if (!Number.isInteger(userId) || userId < 1) {
      errors.add('engine.userId', userId, 'must be a non-root user id (PostgreSQL refuses to run as root)', 'give the uid of the image\'s postgres user, e.g. 999');
    }

    // Props this engine cannot express fail here, naming the prop and the engine.
    if (i.credentials.existingSecretName === undefined) {
      errors.add('credentials', 'AppCredentials.generated()', `${e} has no password generator (CloudNativePG generates the application Secret; Patroni only reads passwords)`,
        `create a kubernetes.io/basic-auth Secret and use AppCredentials.fromSecret('<name>', { database: '${i.credentials.database}', owner: '${i.credentials.owner}' })`);
    }
    if (cluster.tls.requireTls && this.props.tlsSecretName === undefined) {
      errors.add('tls', 'TLS required (the default)', `${e} has no certificate issuer (CloudNativePG issues its own certificates), so PostgreSQL would have no certificate to serve`,
        'give the engine tlsSecretName (a kubernetes.io/tls Secret, e.g. from cert-manager), or set tls.allowPlainTextReason');
    }
    if (this.props.tlsSecretName !== undefined) {
      checkDnsSubdomain(errors, 'engine.tlsSecretName', this.props.tlsSecretName, 'give the name of an existing kubernetes.io/tls Secret', 'is not a valid Secret name');
    }
    if (i.highlyAvailable && i.dataDurability === DataDurability.REQUIRED && !i.failoverQuorum) {
      errors.add('failoverQuorum', false, `${e} always restricts failover to standbys that hold every acknowledged commit `
        + '(quorum mode: a candidate needs the votes of the synchronous quorum; priority mode: only a listed synchronous standby is promoted, '
        + 'and synchronous_mode_strict keeps the list from emptying), and has no switch to turn that off',
      'remove failoverQuorum (it is always on with Patroni)');
    }
    if (i.primaryUpdateMethod === PrimaryUpdateMethod.RESTART) {
      errors.add('primaryUpdateMethod', 'PrimaryUpdateMethod.RESTART', `${e} cannot restart the primary in place: when the leader's pod stops, Patroni hands the leader lock to the synchronous standby`,
        'use PrimaryUpdateMethod.SWITCHOVER (the default)');
    }

    const maximumLag = this.props.maximumLagOnFailover ?? Size.mebibytes(1);
    const maximumLagMib = positiveMebibytes(errors, 'engine.maximumLagOnFailover', maximumLag, 'Size.mebibytes(1)') ?? 1;
    renderPatroniWorkload(scope, cluster, {
      version: this.version,
      dcs: this.dcs,
      timing,
      synchronousMode,
      failsafeMode: this.props.failsafeMode ?? true,
      maximumLagOnFailoverBytes: Math.round(maximumLagMib * 1024 * 1024),
      memberSlotsTtlSeconds,
      postgresBinDir: this.props.postgresBinDir ?? `/usr/lib/postgresql/${i.version.major}/bin`,
      instanceLabels: this.instanceLabels(i.name),
      image: i.imageName,
      credentialsSecretName: this.props.credentialsSecretName,
      userId,
      tlsSecretName: this.props.tlsSecretName,
      endpoints: {
        readWrite: cluster.readWriteServiceName,
        readOnly: cluster.readOnlyServiceName,
        any: cluster.anyInstanceServiceName,
        appSecret: cluster.appSecretName,
      },
    });
  }

  /**
   * archive_command and restore_command with barman-cloud in patroni.yml's local
   * parameters, the credentials as Secret references in the members' environment or as
   * the IRSA annotation (lib/engines/patroni/patroni-archive.ts).
   */
  public bindArchive(scope: Construct, archive: IArchiveIntent, _cluster: IClusterModel): void {
    renderPatroniArchive(scope, archive, { engineName: this.name, barman: this.barman });
  }

  /** A CronJob (and a one-off Job) that execs barman-cloud-backup in a member (lib/engines/patroni/patroni-backup-job.ts). */
  public bindScheduledBackup(scope: Construct, backup: IScheduledBackupIntent): void {
    renderPatroniScheduledBackup(scope, backup, {
      engineName: this.name,
      version: this.version,
      image: this.props.backupJobImage ?? DEFAULT_DRILL_IMAGE,
      instanceLabels: this.instanceLabels(backup.archive.cluster.clusterName),
    });
  }

  /**
   * Nothing to add: Patroni's custom bootstrap with barman-cloud-restore is part of
   * patroni.yml and the ConfigMap, the source's IRSA role part of the members'
   * ServiceAccount (lib/engines/patroni/patroni-recovery.ts, patroni-workload.ts).
   * Declared so that a cluster restored from an archive is accepted on this engine.
   */
  public bindRecovery(_scope: Construct, _cluster: IClusterModel): void {
    // Everything is produced lazily with the cluster's manifests.
  }

  /** A pgbouncer Deployment with its ConfigMap, Service and PDB (lib/engines/patroni/patroni-pooler.ts). */
  /** Never called: `capabilities.restoreDrill` is false (RestoreDrill reports it). */
  public bindRestoreDrill(_scope: Construct, _drill: IRestoreDrillIntent): void {
    throw new Error(`${this.name} renders no RestoreDrill (capabilities.restoreDrill is false)`);
  }

  public bindPooler(scope: Construct, pool: IPoolerIntent): PoolerEndpoint {
    return renderPatroniPooler(scope, pool, {
      engineName: this.name, image: this.props.pgbouncerImage, tlsSecretName: this.props.tlsSecretName, userId: this.userId,
    });
  }

  /**
   * Patroni's network needs: PostgreSQL on 5432; members call each other's REST API on
   * 8008, which also serves the metrics; the members use the Kubernetes API (DCS, role
   * labels); with etcd, egress to the etcd endpoints (their IP addresses, or the pods and ranges
   * named with `PatroniDcs.etcd(urls, { peers, cidrs })`); pgbouncer metrics on 9127.
   */
  public networkProfile(): IEngineNetworkProfile | undefined {
    return {
      postgresPort: L.postgresPort,
      // Members call each other's REST API in the leader race and before a switchover.
      peerPorts: [L.restApiPort],
      // Patroni serves Prometheus metrics on its REST API (GET /metrics).
      instanceMetricsPort: L.restApiPort,
      poolerMetricsPort: 9127,
      operatorPorts: [],
      // The Kubernetes DCS (leader lock in Endpoints, member state on the pods); with etcd the
      // members still label their own pods with their role.
      instancesNeedKubernetesApi: true,
      // etcd is not one of our pods: its addresses, the pods or ranges the user names.
      externalEgress: this.dcs.kind === 'etcd3' ? etcdEgress(this.dcs) : undefined,
      // The pgbouncer Deployment reads its config from a ConfigMap volume: no API calls.
      poolersNeedKubernetesApi: false,
      clusterPodLabels: (clusterName) => this.instanceLabels(clusterName),
      poolerPodLabels: (poolName) => patroniPoolerPodLabels(poolName),
    };
  }

  private checkBackupProps(errors: ConfigErrors): void {
    const version = this.props.barmanCloudVersion;
    if (version !== undefined) {
      const parsed = parseBarmanRelease(version);
      if (!parsed) {
        errors.add('engine.barmanCloudVersion', version, 'is not a release number', 'give the barman-cli-cloud release of the image, e.g. "3.12"');
      } else if (!atLeast(parsed, OLDEST_BARMAN)) {
        errors.add('engine.barmanCloudVersion', version, `is older than ${releaseLabel(OLDEST_BARMAN)}, the oldest barman-cli-cloud the engine renders for`,
          `use an image with barman-cli-cloud ${releaseLabel(OLDEST_BARMAN)} or newer`);
      }
    }
    const image = this.props.backupJobImage;
    if (image !== undefined && !isPinnedImage(image)) {
      errors.add('engine.backupJobImage', image, 'is not pinned to a tag or digest, so the backup job could change between runs',
        `pin it, e.g. "${DEFAULT_DRILL_IMAGE}"`);
    }
  }

  private checkDcs(errors: ConfigErrors): void {
    if (this.dcs.kind !== 'etcd3') return;
    const dcs = this.dcs;
    const eps = dcs.endpoints;
    if (eps.length === 0) {
      errors.add('engine.dcs', 'PatroniDcs.etcd([])', 'lists no etcd endpoint', 'give the client URLs of the etcd members, e.g. PatroniDcs.etcd([\'http://etcd-0.etcd:2379\'])');
      return;
    }
    const schemes = new Set<string>();
    for (const ep of eps) {
      let url: URL | undefined;
      try {
        url = new URL(ep);
      } catch {
        url = undefined;
      }
      if (!url || !['http:', 'https:'].includes(url.protocol) || url.hostname === '' || (url.pathname !== '/' && url.pathname !== '')) {
        errors.add('engine.dcs', ep, 'is not an etcd client URL (http or https, host and optional port, no path)', 'give e.g. "https://etcd-0.etcd:2379"');
      } else {
        schemes.add(url.protocol);
      }
    }
    dcs.etcdCidrs.forEach((cidr, i) => checkCidr(errors, `engine.dcs.cidrs[${i}]`, cidr));
    if (schemes.size > 1) {
      errors.add('engine.dcs', eps, 'mixes http and https; Patroni uses one protocol for every etcd host', 'use the same scheme for all endpoints');
    }
  }
}

/** Host and port of an etcd client URL, the host without IPv6 brackets (undefined when malformed: `checkDcs` reports it). */
function etcdAddress(endpoint: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: etcdPort(url) };
}

/**
 * The members' egress to etcd, one rule per client port: endpoints given by IP address as
 * single-address ranges, plus the pods and ranges the user named for the DCS. A port with
 * an endpoint given by host name, when nothing is named, can only be opened to any
 * address (a NetworkPolicy cannot name a host); the first rule then carries a warning that
 * says how to narrow it.
 */
function etcdEgress(dcs: PatroniDcs): ExternalEgress[] {
  const description = 'etcd (Patroni\'s DCS)';
  const property = 'engine.dcs';
  const named = dcs.etcdPeers.length > 0 || dcs.etcdCidrs.length > 0;
  const byPort = new Map<number, { addresses: string[]; hostNames: string[] }>();
  for (const endpoint of dcs.endpoints) {
    const a = etcdAddress(endpoint);
    if (!a) continue;
    const entry = byPort.get(a.port) ?? { addresses: [], hostNames: [] };
    const family = isIP(a.host);
    if (family === 0) entry.hostNames.push(endpoint);
    else entry.addresses.push(`${a.host}/${family === 4 ? 32 : 128}`);
    byPort.set(a.port, entry);
  }
  const anyAddressPorts: number[] = [];
  const hostNames: string[] = [];
  const rules: ExternalEgress[] = [...byPort.entries()].map(([port, e]) => {
    if (e.hostNames.length > 0 && !named) {
      anyAddressPorts.push(port);
      hostNames.push(...e.hostNames);
      return { description, property, ports: [port] };
    }
    return { description, property, ports: [port], cidrs: [...e.addresses, ...dcs.etcdCidrs], peers: dcs.etcdPeers };
  });
  if (anyAddressPorts.length > 0) {
    rules[0] = {
      ...rules[0],
      warning: `engine.dcs: the etcd endpoints ${hostNames.join(', ')} are host names, which a NetworkPolicy cannot name, so the members may open ` +
        `TCP ${anyAddressPorts.join(', ')} to any address. Name where etcd runs: PatroniDcs.etcd(urls, { peers: [NetworkPeer.podsWithLabels({ 'app.kubernetes.io/name': 'etcd' }, '<namespace>')] }) ` +
        'for etcd pods, { cidrs: [\'10.0.4.0/24\'] } for etcd outside the Kubernetes cluster, or endpoints given by IP address.',
    };
  }
  return rules;
}
