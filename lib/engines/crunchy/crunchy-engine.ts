import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { addSynthValidation } from '../../core/app-index';
import type { Construct } from 'constructs';
import { Cpu, k8s } from 'cdk8s-plus-28';
import type { CpuAmount } from '../../model/resources';
import * as pgo from '../../../imports/postgres-operator.crunchydata.com';
import * as prom from '../../../imports/monitoring.coreos.com';
import type { PostgresVersion } from '../../model/postgres-version';
import { ArchiveCredentialsKind, ROLE_ARN_ANNOTATION } from '../../model/archive-credentials';
import type { ArchiveDestination } from '../../model/archive-destination';
import type { ArchiveCredentials } from '../../model/archive-credentials';
import type { IEngineNetworkProfile } from '../../model/engine-network-profile';
import type {
  ArchiveSidecarProfile, ClusterEndpoints, EngineCapabilities, EngineDisruptionBudgets, EngineMonitoringProfile, EngineReadinessProfile, IArchiveIntent, IClusterEngine, IClusterModel,
  IDatabaseIntent, IDatabaseRoleIntent, IPoolerIntent, IPublicationIntent, IRestoreDrillIntent, IScheduledBackupIntent, ISchemaImportIntent, ISubscriptionIntent, PoolerEndpoint,
} from '../../model/cluster-engine';
import type { SecretKeyReference } from '../../model/subscription-values';
import { BackupSchedule, ConfigErrors, WalCompression, exactMebibytes } from './crunchy-model';
import { DEFAULT_SIDECAR_RESOURCES, resolveContainerResources } from '../../model/sidecar-resources';
import type { ResolvedSidecarResources, SidecarResources } from '../../model/sidecar-resources';
import type { CrunchyArchiveInput, CrunchyContainerResources, CrunchyPoolInput, CrunchyRecoveryInput, CrunchyRenderInput, CrunchyResources, CrunchyS3Repo } from './crunchy-inputs';
import { CRUNCHY_MANAGED_PARAMETERS, CRUNCHY_PARAMETER_DEFAULTS } from './crunchy-parameters';
import { PGO_DEFAULT_MIN_AVAILABLE, renderPostgresClusterSpec } from './crunchy-spec';
import { finalParameters } from '../../model/cluster-parameters';
import { renderCrunchyRestoreDrill } from './crunchy-restore-drill';
import { crunchyPodMonitorSpec, crunchyPrometheusRuleSpec } from './crunchy-monitoring';
import {
  EXPORTER_PORT, PATRONI_PORT, PGBACKREST_TLS_PORT, PGBOUNCER_PORT, POSTGRES_PORT, crunchyInstanceLabels, crunchyPgBouncerLabels, crunchyServiceNames, LABEL_CLUSTER,
} from './crunchy-names';

/** Options of the Crunchy Data PGO v6 engine. */
export interface CrunchyPgoEngineProps {
  /**
   * Name of the one instance set (`instances[].name`); PGO names the pods
   * `<cluster>-<set>-<suffix>-0` and the set's PodDisruptionBudget `<cluster>-set-<set>`.
   *
   * @default 'pg'
   */
  readonly instanceSetName?: string;

  /**
   * PostgreSQL image (`spec.image`). Crunchy Data's prebuilt images are distributed under
   * the Crunchy Data Developer Program terms: choose images you may run.
   *
   * @default - the operator's RELATED_IMAGE_POSTGRES_<major>
   */
  readonly postgresImage?: string;

  /**
   * pgBackRest image (`backups.pgbackrest.image`).
   *
   * @default - the operator's RELATED_IMAGE_PGBACKREST
   */
  readonly pgbackrestImage?: string;

  /**
   * PgBouncer image (`proxy.pgBouncer.image`).
   *
   * @default - the operator's RELATED_IMAGE_PGBOUNCER
   */
  readonly pgbouncerImage?: string;

  /**
   * postgres_exporter image (`monitoring.pgmonitor.exporter.image`).
   *
   * @default - the operator's RELATED_IMAGE_PGEXPORTER
   */
  readonly exporterImage?: string;

  /**
   * Run PGO's exporter sidecar and render a PodMonitor and alert rules for it.
   *
   * @default true
   */
  readonly monitoring?: boolean;

  /**
   * `customTLSSecret`: tls.crt, tls.key and ca.crt of the server certificate. Needs
   * `customReplicationTlsSecretName` too.
   *
   * @default - PGO issues the certificates from its own root CA
   */
  readonly customTlsSecretName?: string;

  /**
   * `customReplicationTLSSecret`: the `_crunchyrepl` client certificate signed by the same CA.
   *
   * @default - PGO issues it
   */
  readonly customReplicationTlsSecretName?: string;

  /**
   * Key of the S3 credentials Secret (`ArchiveCredentials.fromSecret(name)`) that PGO
   * projects into pgBackRest's conf.d: a pgBackRest INI file
   * (`[global]` / `repo1-s3-key=…` / `repo1-s3-key-secret=…`).
   *
   * @default 's3.conf'
   */
  readonly s3ConfSecretKey?: string;

  /**
   * Patroni's leader lock TTL (`patroni.leaderLeaseDurationSeconds`).
   *
   * @default Duration.seconds(30)
   */
  readonly leaderLeaseDuration?: Duration;

  /**
   * Patroni's loop (`patroni.syncPeriodSeconds`).
   *
   * @default Duration.seconds(10)
   */
  readonly syncPeriod?: Duration;

  /**
   * `failsafe_mode` in the dynamic configuration.
   *
   * @default true
   */
  readonly failsafeMode?: boolean;

  /**
   * `maximum_lag_on_failover`.
   *
   * @default Size.mebibytes(1)
   */
  readonly maximumLagOnFailover?: Size;

  /**
   * A differential backup schedule of the repository (`schedules.differential`), besides the
   * ScheduledBackups (full).
   *
   * @default - none
   */
  readonly differentialBackupSchedule?: BackupSchedule;

  /**
   * An incremental backup schedule (`schedules.incremental`).
   *
   * @default - none
   */
  readonly incrementalBackupSchedule?: BackupSchedule;

  /**
   * CPU and memory of PGO's small helper containers, which PGO starts with no resources:
   * `replication-cert-copy` in each instance pod (`instances[].sidecars.replicaCertCopy`),
   * `pgbackrest-config` (`backups.pgbackrest.sidecars.pgbackrestConfig`) and the PgBouncer
   * pods' `pgbouncer-config` (`proxy.pgBouncer.sidecars.pgbouncerConfig`). They are shell
   * loops that copy certificates and reload configuration. Requests equal to limits keep the
   * pods in the Guaranteed QoS class.
   *
   * @default - 50m CPU and 64Mi memory, limits equal to requests
   */
  readonly helperContainerResources?: SidecarResources;

  /**
   * CPU and memory of the `exporter` container (`monitoring.pgmonitor.exporter.resources`).
   *
   * @default - 100m CPU and 256Mi memory, limits equal to requests
   */
  readonly exporterResources?: SidecarResources;

  /**
   * CPU and memory of the pgBackRest backup Jobs (`backups.pgbackrest.jobs.resources`) and
   * restore Jobs (`backups.pgbackrest.restore.resources`, `dataSource.*.resources`). They
   * compress or decompress with `process-max` (WalArchive `backupJobs`) processes. The
   * `pgbackrest` sidecar of the instance pods takes `WalArchive.sidecarResources`.
   *
   * @default - the WalArchive's sidecarResources (500m CPU and 512Mi memory)
   */
  readonly backupJobResources?: SidecarResources;
}

interface ResolvedDefaults { readonly cpu: CpuAmount; readonly memory: Size }
/** Defaults of `helperContainerResources`. */
const HELPER_DEFAULTS: ResolvedDefaults = { cpu: Cpu.millis(50), memory: Size.mebibytes(64) };
/** Defaults of `exporterResources`. */
const EXPORTER_DEFAULTS: ResolvedDefaults = { cpu: Cpu.millis(100), memory: Size.mebibytes(256) };
/** Least memory of a helper container (bash and coreutils). */
const MIN_CONTAINER_MIB = 16;


/**
 * Renders an HaPostgres as a Crunchy Data PGO v6 `PostgresCluster`: a thin adapter from
 * today's constructs to the pure renderers of lib/engines/crunchy (crunchy-spec.ts).
 */
export class CrunchyPgoEngine implements IClusterEngine {
  public readonly name = 'Crunchy PGO 6.0';
  /**
   * The cluster, its archive, scheduled backups, recovery, restore drills, one PgBouncer proxy
   * and NetworkPolicies; no declarative roles or databases, logical replication
   * or in-place major upgrade yet (the constructs report it at synth time).
   */
  public readonly capabilities: EngineCapabilities = {
    archive: true, scheduledBackups: true, recovery: true, restoreDrill: true, pooler: true, databaseRoles: false, databases: false,
    publications: false, subscriptions: false, schemaImport: false, inPlaceMajorUpgrade: false, networkPolicies: true,
  };
  /** The majors of the library that PGO v6's CRD accepts (`postgresVersion` 11–18). */
  public readonly supportedMajors: number[] = [14, 15, 16, 17, 18];
  /**
   * PGO owns the instances' budget either way (`<cluster>-set-<set>`; the library renders no PDB
   * of its own): `DisruptionBudget.minAvailable(n)` sets `instances[].minAvailable`,
   * `operatorManaged()` leaves PGO's default (minAvailable 1).
   */
  /**
   * pgBackRest (C) in the `pgbackrest` sidecar: a few buffers per process (`buffer-size`, 1 MiB
   * by default, times `process-max`) and the compressor's window, so 128 MiB leaves a wide margin.
   */
  public readonly archiveSidecar?: ArchiveSidecarProfile = { program: 'pgBackRest', minimumMemoryMiB: 128 };
  public readonly disruptionBudgets: EngineDisruptionBudgets = { operatorManaged: true };
  /** pgBackRest has one process-max for archive-push and backups: WalArchive.backupJobs's default. */
  public readonly defaultWalMaxParallel = 2;
  private readonly props: CrunchyPgoEngineProps;

  public constructor(props: CrunchyPgoEngineProps = {}) {
    this.props = props;
  }

  public managedParameters(): { [name: string]: string } {
    return CRUNCHY_MANAGED_PARAMETERS;
  }

  public parameterDefaults(): { [name: string]: string } {
    return CRUNCHY_PARAMETER_DEFAULTS;
  }

  public imageFor(version: PostgresVersion): string {
    return this.props.postgresImage ?? `(PGO's RELATED_IMAGE_POSTGRES_${version.major})`;
  }

  /** PGO's Services; the application Secret is `<cluster>-pguser-<owner>` (set by the spec's users[]). */
  public endpointsFor(clusterName: string, appSecretName?: string): ClusterEndpoints {
    const n = crunchyServiceNames(clusterName);
    return {
      readWriteServiceName: n.primary,
      readOnlyServiceName: n.replicas,
      anyInstanceServiceName: n.pods,
      port: POSTGRES_PORT,
      appSecretName: appSecretName ?? n.userSecret('app'),
    };
  }

  public instanceLabels(clusterName: string): { [key: string]: string } {
    return crunchyInstanceLabels(clusterName);
  }

  public propertyOwnedPaths(): { [path: string]: string } {
    return {
      'spec.instances': 'mode / storage / walStorage / placement / resources / disruptionBudget',
      'spec.postgresVersion': 'version',
      'spec.image': 'engine postgresImage',
      'spec.patroni': 'synchronousStandbys / dataDurability / parameters',
      'spec.disableDefaultPodScheduling': 'placement',
      'spec.authentication': 'tls / addHbaRule()',
      'spec.backups': 'WalArchive / ScheduledBackup',
      'spec.dataSource': 'bootstrap',
      'spec.proxy': 'PgBouncerPool',
      'spec.users': 'credentials',
      'spec.customTLSSecret': 'engine customTlsSecretName',
      'spec.customReplicationTLSSecret': 'engine customReplicationTlsSecretName',
      'spec.monitoring': 'engine monitoring',
    };
  }

  /** ClusterMonitoring's PodMonitors and alerts use CloudNativePG's labels and metrics; this engine renders PGO's own (engine prop `monitoring`). */
  public monitoringProfile(): EngineMonitoringProfile {
    return { supported: false, reason: 'the PodMonitors and alerts use CloudNativePG\'s pod labels and metrics; this engine renders PGO\'s exporter PodMonitor and alerts itself (CrunchyPgoEngineProps.monitoring)' };
  }

  /**
   * A PostgresCluster: the items of `ha-postgres check`'s PGO checklist, in its order; the pods'
   * containers as PGO builds them (internal/postgres/reconcile.go, internal/pgbackrest,
   * internal/pgmonitor, internal/pgbouncer) with the resources this engine gives PGO's sidecars;
   * the differential and incremental schedules of the repository; PGO's own instance-set budget
   * (minAvailable 1 when `instances[].minAvailable` is not set).
   */
  public readinessProfile(): EngineReadinessProfile {
    const r = this.containerResources(undefined, new ConfigErrors());
    const container = (name: string, c: CrunchyResources) => ({ name, cpuRequest: c.requests.cpu, cpuLimit: c.limits.cpu, memoryRequest: c.requests.memory, memoryLimit: c.limits.memory });
    const p = this.props;
    return {
      mainManifestKind: 'postgres-operator.crunchydata.com/v1 PostgresCluster',
      operatorChecklist: false,
      injectedContainersKeepQos: false,
      checklistItems: ['instances-zones', 'sync-standby', 'wal-volume', 'wal-archiving', 'daily-backup', 'pdb', 'instance-qos', 'pooler-qos'],
      instanceContainers: ['postgres-startup', 'database'],
      engineInstanceContainers: [container('replication-cert-copy', r.helpers), ...(p.monitoring ?? true ? [container('exporter', r.exporter)] : [])],
      archiveSidecarContainer: 'pgbackrest',
      engineArchiveContainers: [container('pgbackrest-config', r.helpers)],
      poolerContainers: ['pgbouncer'],
      enginePoolerContainers: [container('pgbouncer-config', r.helpers)],
      engineBackups: [
        ...(p.differentialBackupSchedule ? [{ name: 'differential', schedule: p.differentialBackupSchedule.toCronWithSeconds(), full: false }] : []),
        ...(p.incrementalBackupSchedule ? [{ name: 'incremental', schedule: p.incrementalBackupSchedule.toCronWithSeconds(), full: false }] : []),
      ],
      operatorBudgetMinAvailable: PGO_DEFAULT_MIN_AVAILABLE,
    };
  }

  /** Subscriptions are not rendered on this engine. */
  public serverCertificateAuthority(_clusterName: string): SecretKeyReference | undefined {
    return undefined;
  }

  /** Logical replication is not rendered on this engine. */
  public synchronizesLogicalSlots(_cluster: IClusterModel): boolean {
    return false;
  }

  public bindToCluster(scope: Construct, cluster: IClusterModel): void {
    const errors = new ConfigErrors();
    const name = cluster.intent.name;
    const labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': name };
    // Rendered once, when the app is validated (every attachment is known by then), so the
    // renderer's errors are reported before any manifest is written.
    let memo: ReturnType<typeof renderPostgresClusterSpec> | undefined;
    const rendered = () => memo ??= renderPostgresClusterSpec(errors, this.input(cluster, errors));
    addSynthValidation(scope, () => { rendered(); return errors.messages; });

    new ApiObject(scope, 'Resource', {
      apiVersion: pgo.PostgresCluster.GVK.apiVersion,
      kind: pgo.PostgresCluster.GVK.kind,
      metadata: { name, labels },
      spec: Lazy.any({ produce: () => cluster._applyOverrides({ spec: pgo.toJson_PostgresClusterSpec(rendered().spec) }).spec }),
    });

    if (this.props.monitoring ?? true) {
      new prom.PodMonitor(scope, 'PodMonitor', { metadata: { name, labels }, spec: crunchyPodMonitorSpec(name) });
      new ApiObject(scope, 'Alerts', {
        apiVersion: prom.PrometheusRule.GVK.apiVersion,
        kind: prom.PrometheusRule.GVK.kind,
        metadata: { name: `${name}-alerts`, labels },
        spec: Lazy.any({ produce: () => prom.toJson_PrometheusRuleSpec(crunchyPrometheusRuleSpec({
          clusterName: name,
          fullBackupMaxAgeSeconds: this.fullBackupMaxAge(cluster),
        })) }),
      });
    }
  }

  private fullBackupMaxAge(cluster: IClusterModel): number | undefined {
    const full = cluster.attachments.scheduledBackups[0]?.schedule;
    if (!full || full.problem()) return undefined;
    // The longest gap between two runs, plus half of it for a backup that runs long.
    return Math.round(full.period.toSeconds() * 1.5);
  }

  /** The pure renderer's input, from the constructs (read at synth time). */
  private input(cluster: IClusterModel, errors: ConfigErrors): CrunchyRenderInput {
    const i = cluster.intent;
    const archive = cluster.walArchive;
    const p = this.props;
    if (!archive) {
      // The schedules are repos[].schedules of the pgBackRest repository, which a WalArchive renders.
      for (const [prop, schedule] of [['differentialBackupSchedule', p.differentialBackupSchedule], ['incrementalBackupSchedule', p.incrementalBackupSchedule]] as const) {
        if (!schedule) continue;
        errors.add(`engine.${prop}`, schedule.toCron(), `${this.name} schedules backups into the pgBackRest repository of the cluster's WalArchive, and cluster "${cluster.clusterName}" has none, so the schedule would be dropped`,
          `attach a WalArchive to the cluster, or remove ${prop}`);
      }
    }
    const roles = roleArns(cluster);
    if (roles.archive !== undefined && roles.source !== undefined && roles.archive !== roles.source) {
      errors.add('bootstrap.source.credentials', `ArchiveCredentials.fromIamRole('${roles.source}')`,
        `${this.name} puts one IAM role on PGO's ServiceAccounts ${cluster.clusterName}-instance and ${cluster.clusterName}-pgbackrest, `
        + `and the WalArchive's credentials are ArchiveCredentials.fromIamRole('${roles.archive}')`,
        'give the recovery source and the WalArchive the same IAM role (one that reads the source\'s bucket and writes the archive\'s), '
        + 'or give one of them ArchiveCredentials.fromSecret(name)');
    }
    return {
      intent: i,
      engineName: this.name,
      parameters: finalParameters(cluster, { tlsMinimum: true }).parameters,
      parameterProperty: (n) => cluster.parameterProperty(n),
      hbaRules: cluster.hbaRules(),
      tls: {
        requireTls: cluster.tls.requireTls,
        serverSecretName: p.customTlsSecretName,
        replicationSecretName: p.customReplicationTlsSecretName,
      },
      patroni: {
        leaderLeaseSeconds: seconds(p.leaderLeaseDuration, 30),
        syncPeriodSeconds: seconds(p.syncPeriod, 10),
        failsafeMode: p.failsafeMode ?? true,
        maximumLagOnFailoverBytes: Math.round(exactMebibytes(p.maximumLagOnFailover ?? Size.mebibytes(1)) * 1024 * 1024),
      },
      instanceSetName: p.instanceSetName ?? 'pg',
      archive: archive ? this.archiveInput(archive, cluster.attachments.scheduledBackups, errors) : undefined,
      pool: this.poolInput(cluster.attachments.pools, errors),
      recovery: this.recoveryInput(cluster),
      monitoring: p.monitoring ?? true,
      exporterImage: p.exporterImage,
      postgresImage: p.postgresImage,
      containerResources: this.containerResources(archive?.sidecarResources, errors),
    };
  }

  /** Requests and limits of PGO's sidecars and Jobs, from the engine props and the WalArchive. */
  private containerResources(archiveSidecar: ResolvedSidecarResources | undefined, errors: ConfigErrors): CrunchyContainerResources {
    const p = this.props;
    const pgbackrest = archiveSidecar ?? DEFAULT_SIDECAR_RESOURCES;
    return {
      helpers: this.resolve(errors, 'engine.helperContainerResources', p.helperContainerResources, HELPER_DEFAULTS),
      exporter: this.resolve(errors, 'engine.exporterResources', p.exporterResources, EXPORTER_DEFAULTS),
      pgbackrest: asCrunchyResources(pgbackrest),
      jobs: p.backupJobResources ? this.resolve(errors, 'engine.backupJobResources', p.backupJobResources, { cpu: pgbackrest.cpuRequest, memory: pgbackrest.memoryRequest })
        : asCrunchyResources(pgbackrest),
    };
  }

  private resolve(errors: ConfigErrors, property: string, r: SidecarResources | undefined, defaults: ResolvedDefaults): CrunchyResources {
    return asCrunchyResources(resolveContainerResources(errors, property, r, {
      defaults,
      minimumMemoryMiB: MIN_CONTAINER_MIB,
      tooLittleMemory: 'the container is killed for lack of memory',
      memoryFix: 'give at least Size.mebibytes(64)',
      cpuFix: 'give e.g. Cpu.millis(50)',
    }));
  }

  private repo(destination: ArchiveDestination, credentials: ArchiveCredentials, serverName: string, property: string): CrunchyS3Repo {
    const endpoint = destination.endpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
    const region = destination.region ?? 'us-east-1';
    const aws = endpoint === undefined || /(^|\.)amazonaws\.com(\.cn)?(:\d+)?$/.test(endpoint);
    const prefix = destination.path.replace(/^\/+|\/+$/g, '');
    return {
      bucket: destination.bucket,
      endpoint: endpoint ?? `s3.${region}.amazonaws.com`,
      region,
      path: `/${prefix ? `${prefix}/` : ''}${serverName}`,
      uriStyle: aws ? 'host' : 'path',
      credentials: credentials.kind === ArchiveCredentialsKind.IAM_ROLE ? { roleArn: credentials.roleArn }
        : { secretName: credentials.secretName, secretKey: this.props.s3ConfSecretKey ?? 's3.conf' },
      property,
    };
  }

  private archiveInput(archive: IArchiveIntent, backups: IScheduledBackupIntent[], errors: ConfigErrors): CrunchyArchiveInput {
    const e = this.name;
    const wal = COMPRESS[archive.walCompression];
    const base = COMPRESS[archive.backupCompression];
    if (wal === undefined) {
      errors.add('walCompression', archive.walCompression, `pgBackRest (${e}) compresses with gz, bz2, lz4 or zst only`, 'use WalCompression.GZIP (the default), LZ4 or ZSTD');
    }
    if (base === undefined) {
      errors.add('backupCompression', archive.backupCompression, `pgBackRest (${e}) compresses with gz, bz2, lz4 or zst only`, 'use BackupCompression.GZIP (the default) or LZ4');
    } else if (wal !== undefined && wal !== base) {
      errors.add('backupCompression', archive.backupCompression, `pgBackRest (${e}) has one compress-type for WAL and backups, and walCompression is ${archive.walCompression}`,
        'give walCompression and backupCompression the same algorithm');
    }
    if (archive.walMaxParallel !== archive.backupJobs) {
      errors.add('walMaxParallel', archive.walMaxParallel, `pgBackRest (${e}) has one process-max for archive-push and backups (backupJobs = ${archive.backupJobs})`,
        'give walMaxParallel and backupJobs the same value, or leave both at 2');
    }
    if (backups.length > 1) {
      errors.add('ScheduledBackup', backups.map((b) => b.node.path).join(', '),
        `${e} has one full backup schedule per repository (repos[].schedules.full)`, 'keep one ScheduledBackup; use the engine\'s differentialBackupSchedule / incrementalBackupSchedule for more');
    }
    // `immediate` needs nothing: PGO takes a full backup of repo1 once the stanza exists (its replica-create backup).
    return {
      repo: this.repo(archive.destination, archive.credentials, archive.serverName, 'destination'),
      retentionDays: archive.retention.toDays(),
      compressType: wal ?? 'gz',
      processMax: archive.backupJobs,
      kmsKeyId: archive.encryption.kmsKeyId,
      image: this.props.pgbackrestImage,
      schedules: {
        full: backups.find((b) => !b.suspend)?.schedule,
        differential: this.props.differentialBackupSchedule,
        incremental: this.props.incrementalBackupSchedule,
      },
    };
  }

  private poolInput(pools: IPoolerIntent[], errors: ConfigErrors): CrunchyPoolInput | undefined {
    if (pools.length === 0) return undefined;
    if (pools.length > 1) {
      errors.add('PgBouncerPool', pools.map((p) => p.intent.name).join(', '), `${this.name} runs one PgBouncer proxy per cluster (spec.proxy.pgBouncer)`, 'keep one PgBouncerPool for the cluster');
    }
    const p = pools[0];
    const i = p.intent;
    return {
      name: i.name,
      type: i.type,
      poolMode: i.poolMode,
      replicas: i.instances,
      minAvailable: i.disruptionBudgetMinAvailable,
      zones: i.zones,
      zoneTopologyKey: i.zoneTopologyKey,
      nodeTopologyKey: i.nodeTopologyKey,
      cpuRequest: i.cpuRequest.amount,
      cpuLimit: i.cpuLimit.amount,
      memoryRequest: i.memoryRequest.asString(),
      memoryLimit: i.memoryLimit.asString(),
      settings: p.pgbouncerParameters(),
      image: this.props.pgbouncerImage,
    };
  }

  private recoveryInput(cluster: IClusterModel): CrunchyRecoveryInput | undefined {
    const b = cluster.bootstrap;
    if (!b.isRecovery || !b.source) return undefined;
    return {
      repo: this.repo(b.source.destination, b.source.credentials, b.source.serverName, 'bootstrap.source'),
      targetKind: b.target.kind,
      targetValue: b.target.value,
    };
  }

  /**
   * Rendered into the PostgresCluster (backups.pgbackrest, read lazily); with an IAM role,
   * PGO's ServiceAccounts carry it (the instances archive, the backup Jobs back up).
   */
  public bindArchive(scope: Construct, archive: IArchiveIntent, cluster: IClusterModel): void {
    // A cluster recovered from an archive with an IAM role has the accounts already (bindRecovery).
    if (archive.credentials.kind === ArchiveCredentialsKind.IAM_ROLE && !recoversWithRole(cluster)) roleServiceAccounts(scope, cluster);
  }

  /** Its schedule becomes repos[0].schedules.full (read from the cluster's attachments). */
  public bindScheduledBackup(_scope: Construct, _backup: IScheduledBackupIntent): void {
  }

  /** Rendered into the PostgresCluster (dataSource.pgbackrest with restore options); an IAM role of the source goes on PGO's ServiceAccounts. */
  public bindRecovery(scope: Construct, cluster: IClusterModel): void {
    if (recoversWithRole(cluster)) roleServiceAccounts(scope, cluster);
  }

  /** proxy.pgBouncer of the PostgresCluster; PGO's Service `<cluster>-pgbouncer`. */
  public bindPooler(_scope: Construct, pool: IPoolerIntent): PoolerEndpoint {
    return { serviceName: crunchyServiceNames(pool.cluster.clusterName).pgbouncer, port: PGBOUNCER_PORT };
  }

  /**
   * PGO's network needs: PostgreSQL 5432; Patroni's REST API 8008 between members; the
   * pgBackRest TLS server 8432 in each instance pod (backup Jobs and the repo host call
   * it); the exporter on 9187; PgBouncer on 5432. The operator (`postgres-operator.crunchydata.com/control-plane`
   * pods) execs into pods through the API server, so it needs no port of ours; Patroni
   * uses the Kubernetes API (Endpoints DCS).
   */
  /**
   * A CronJob that restores the archive's pgBackRest repository into a temporary
   * PostgresCluster in the scratch namespace, checks it and deletes it (crunchy-restore-drill.ts).
   */
  public bindRestoreDrill(scope: Construct, drill: IRestoreDrillIntent): void {
    renderCrunchyRestoreDrill(scope, drill, () => {
      const archive = drill.archive;
      // Errors of these inputs are the source cluster's, reported by its own validation.
      const resources = this.containerResources(archive?.sidecarResources, new ConfigErrors());
      return {
        repo: archive ? this.repo(archive.destination, archive.credentials, archive.serverName, 'destination') : undefined,
        postgresImage: this.props.postgresImage,
        jobs: resources.jobs,
        helpers: resources.helpers,
      };
    });
  }

  /** Never called: `capabilities.databaseRoles` is false. */
  public bindDatabaseRole(_scope: Construct, _role: IDatabaseRoleIntent): void {
    throw new Error(`${this.name} renders no DatabaseRole (capabilities.databaseRoles is false)`);
  }

  /** Never called: `capabilities.databases` is false. */
  public bindDatabase(_scope: Construct, _database: IDatabaseIntent): void {
    throw new Error(`${this.name} renders no Database (capabilities.databases is false)`);
  }

  /** Never called: `capabilities.publications` is false. */
  public bindPublication(_scope: Construct, _publication: IPublicationIntent): void {
    throw new Error(`${this.name} renders no Publication (capabilities.publications is false)`);
  }

  /** Never called: `capabilities.subscriptions` is false. */
  public bindSubscription(_scope: Construct, _subscription: ISubscriptionIntent): void {
    throw new Error(`${this.name} renders no Subscription (capabilities.subscriptions is false)`);
  }

  /** Never called: `capabilities.schemaImport` is false. */
  public bindSchemaImport(_scope: Construct, _upgrade: ISchemaImportIntent): void {
    throw new Error(`${this.name} renders no schema import (capabilities.schemaImport is false)`);
  }

  public networkProfile(): IEngineNetworkProfile | undefined {
    return {
      postgresPort: POSTGRES_PORT,
      peerPorts: [PATRONI_PORT, PGBACKREST_TLS_PORT],
      instanceMetricsPort: EXPORTER_PORT,
      poolerMetricsPort: EXPORTER_PORT,
      operatorPorts: [],
      instancesNeedKubernetesApi: true,
      poolersNeedKubernetesApi: false,
      clusterPodLabels: (clusterName) => ({ [LABEL_CLUSTER]: clusterName }),
      poolerPodLabels: () => ({ 'postgres-operator.crunchydata.com/role': 'pgbouncer' }),
    };
  }
}

const COMPRESS: { [k: string]: string | undefined } = {
  // WalCompression and BackupCompression share these values (none, gzip, bzip2, lz4).
  [WalCompression.NONE]: 'none', [WalCompression.GZIP]: 'gz', [WalCompression.BZIP2]: 'bz2', [WalCompression.LZ4]: 'lz4', [WalCompression.ZSTD]: 'zst',
};

/**
 * PGO's ServiceAccounts `<cluster>-instance` and `<cluster>-pgbackrest` with the IRSA role
 * annotation. PGO creates them with server-side apply and keeps fields it does not own, so
 * the annotation stays (PGO's documented IRSA setup annotates the same two accounts).
 */
function renderRoleServiceAccounts(scope: Construct, clusterName: string, roleArn: string): void {
  const n = crunchyServiceNames(clusterName);
  for (const sa of [n.instanceServiceAccount, n.pgbackrestServiceAccount]) {
    new k8s.KubeServiceAccount(scope, `ServiceAccount-${sa}`, {
      metadata: { name: sa, labels: { [LABEL_CLUSTER]: clusterName }, annotations: { [ROLE_ARN_ANNOTATION]: roleArn } },
    });
  }
}

/**
 * PGO's ServiceAccounts `<cluster>-instance` and `<cluster>-pgbackrest` with the IRSA role
 * annotation, rendered once per cluster whether the role comes from the WalArchive, the
 * recovery source or both (`input()` reports two different roles): by bindRecovery when the
 * recovery source has a role, else by bindArchive. The role is read at synth time: the
 * WalArchive may be attached after the recovery is bound.
 */
function roleServiceAccounts(scope: Construct, cluster: IClusterModel): void {
  renderRoleServiceAccounts(scope, cluster.clusterName, Lazy.any({ produce: () => roleArns(cluster).archive ?? roleArns(cluster).source }) as unknown as string);
}

/** True when the cluster is recovered from an archive reached with an IAM role. */
function recoversWithRole(cluster: IClusterModel): boolean {
  return cluster.bootstrap.isRecovery && cluster.bootstrap.source?.credentials.kind === ArchiveCredentialsKind.IAM_ROLE;
}

/** The IAM roles of the cluster's WalArchive and recovery source (IRSA), when they use one. */
function roleArns(cluster: IClusterModel): { archive?: string; source?: string } {
  const role = (c: ArchiveCredentials | undefined) => (c?.kind === ArchiveCredentialsKind.IAM_ROLE ? c.roleArn : undefined);
  return { archive: role(cluster.walArchive?.credentials), source: role(cluster.bootstrap.isRecovery ? cluster.bootstrap.source?.credentials : undefined) };
}

function seconds(d: Duration | undefined, fallback: number): number {
  return d === undefined ? fallback : d.toSeconds();
}

/** Resolved requests and limits as a container spec takes them. */
function asCrunchyResources(r: ResolvedSidecarResources): CrunchyResources {
  return {
    requests: { cpu: r.cpuRequest.amount, memory: r.memoryRequest.asString() },
    limits: { cpu: r.cpuLimit.amount, memory: r.memoryLimit.asString() },
  };
}

/** Labels of the PgBouncer pods of cluster `name` (for callers outside the engine). */
export const crunchyPoolerLabels = crunchyPgBouncerLabels;
