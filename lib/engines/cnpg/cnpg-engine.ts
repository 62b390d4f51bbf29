import { ApiObject, Duration, Lazy } from 'cdk8s';
import { DisruptionBudgetOwner } from '../../model/disruption';
import { ConfigErrors } from '../../core/config-error';
import { SynthWarnings } from '../../core/synth-warnings';
import { k8s } from 'cdk8s-plus-28';
import * as cnpg from '../../../imports/postgresql.cnpg.io';
import type { PostgresVersion } from '../../model/postgres-version';
import type { ClusterEndpoints, IClusterEngine } from '../../model/cluster-engine';
import { addSynthValidation } from '../../core/app-index';
import { cnpgClusterAdmissionErrors } from './cnpg-admission';
import { renderClusterSpec } from './cnpg-cluster-spec';
import { resolveLiveness } from './cnpg-liveness';
import { CNPG_FIXED_PARAMETERS } from './cnpg-fixed-parameters';
import { renderArchive, renderScheduledBackup } from './cnpg-archive';
import { renderRecovery } from './cnpg-recovery';
import { renderRestoreDrill } from './cnpg-restore-drill';
import { renderCnpgPooler } from './cnpg-pooler';
import type { PoolerEndpoint } from '../../model/cluster-engine';
import type { IEngineNetworkProfile } from '../../model/engine-network-profile';
import { poolerPodLabels } from './cnpg-pooler';
import type { SecretKeyReference } from '../../model/subscription-values';
import type { Construct } from 'constructs';
import type {
  EngineCapabilities, EngineDisruptionBudgets, EngineMonitoringProfile, EngineReadinessProfile, IArchiveIntent, IClusterModel, IDatabaseIntent,
  IDatabaseRoleIntent, IPoolerIntent, IPublicationIntent, IRestoreDrillIntent, IScheduledBackupIntent, ISchemaImportIntent, ISubscriptionIntent,
} from '../../model/cluster-engine';
import { renderCnpgDatabase, renderCnpgDatabaseRole } from './cnpg-databases';
import { CNPG_PARAMETER_DEFAULTS, cnpgSynchronizesLogicalSlots, renderCnpgPublication, renderCnpgSubscription } from './cnpg-logical';

/** Options of the CloudNativePG engine. */
export interface CloudNativePgEngineProps {
  /**
   * Registry and repository of the PostgreSQL operand images; the tag is derived
   * from the version (`<major>.<minor>-standard-trixie`).
   *
   * @default 'ghcr.io/cloudnative-pg/postgresql'
   */
  readonly imageRepository?: string;

  /**
   * How long an instance may fail its liveness probe before the kubelet restarts it
   * (`spec.livenessProbeTimeout`; the probe runs every 10 s with a 5 s timeout, so the
   * failure threshold is this / 10 s). Rendered explicitly, with the probe, rather than
   * left to the operator's default. Between 10 s and 5 min, whole seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly livenessProbeTimeout?: Duration;

  /**
   * The primary isolation check of the liveness probe
   * (`spec.probes.liveness.isolationCheck`): a primary that can reach neither the
   * Kubernetes API server nor any of its standbys fails liveness and is shut down, so an
   * isolated old primary does not keep serving while a standby is promoted.
   *
   * @default - enabled, 1 s request and connection timeouts
   */
  readonly isolationCheck?: IsolationCheckProps;
}

/** The primary isolation check of CloudNativePG's liveness probe. */
export interface IsolationCheckProps {
  /**
   * Turning it off leaves an isolated primary running (synth warning).
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Timeout of each request to the Kubernetes API server. With `connectionTimeout` it
   * must fit in the liveness probe's 5 s timeout.
   *
   * @default Duration.seconds(1)
   */
  readonly requestTimeout?: Duration;
  /**
   * Timeout of each connection to a standby's instance manager.
   *
   * @default Duration.seconds(1)
   */
  readonly connectionTimeout?: Duration;
}

/** Renders an HaPostgres as a CloudNativePG v1.30 `Cluster` plus its disruption budget. */
export class CloudNativePgEngine implements IClusterEngine {
  public readonly name: string = 'CloudNativePG 1.30';
  /** Everything; in-place major upgrades because CloudNativePG 1.26+ runs pg_upgrade when the declared image's major goes up. */
  public readonly capabilities: EngineCapabilities = {
    archive: true, scheduledBackups: true, recovery: true, restoreDrill: true, pooler: true, databaseRoles: true, databases: true,
    publications: true, subscriptions: true, schemaImport: true, inPlaceMajorUpgrade: true, networkPolicies: true,
  };
  /** The majors of CloudNativePG's operand images (`ghcr.io/cloudnative-pg/postgresql`). */
  public readonly supportedMajors: number[] = [14, 15, 16, 17, 18];
  /** The Barman Cloud plugin archives several segments per call. */
  public readonly defaultWalMaxParallel: number = 2;
  /** The operator owns `<cluster>` and `<cluster>-primary` when `enablePDB` is on. */
  public readonly disruptionBudgets: EngineDisruptionBudgets = { operatorManaged: true };
  private readonly imageRepository: string;
  private readonly props: CloudNativePgEngineProps;

  public constructor(props: CloudNativePgEngineProps = {}) {
    this.props = props;
    this.imageRepository = props.imageRepository ?? 'ghcr.io/cloudnative-pg/postgresql';
  }

  public managedParameters(): { [name: string]: string } {
    return CNPG_FIXED_PARAMETERS;
  }

  public parameterDefaults(): { [name: string]: string } {
    return CNPG_PARAMETER_DEFAULTS;
  }

  /** The operator's CA (`<cluster>-ca`, key `ca.crt`) signs the server certificates. */
  public serverCertificateAuthority(clusterName: string): SecretKeyReference | undefined {
    return { name: `${clusterName}-ca`, key: 'ca.crt' };
  }

  /** ClusterMonitoring's PodMonitors and alerts are written for CloudNativePG's labels and metrics. */
  public monitoringProfile(): EngineMonitoringProfile {
    return { supported: true, topologyDiagram: true };
  }

  /** The operator's Cluster: every checklist item applies; the Barman Cloud plugin's sidecar gets the resources the WalArchive sets. */
  public readinessProfile(): EngineReadinessProfile {
    return {
      mainManifestKind: 'postgresql.cnpg.io/v1 Cluster',
      operatorChecklist: true,
      injectedContainersKeepQos: true,
      instanceContainers: ['bootstrap-controller', 'postgres'],
      archiveSidecarContainer: 'plugin-barman-cloud',
      poolerContainers: ['bootstrap-controller', 'pgbouncer'],
    };
  }

  public synchronizesLogicalSlots(cluster: IClusterModel): boolean {
    return cnpgSynchronizesLogicalSlots(cluster);
  }

  /** A `DatabaseRole` resource (lib/engines/cnpg/cnpg-databases.ts). */
  public bindDatabaseRole(scope: Construct, role: IDatabaseRoleIntent): void {
    renderCnpgDatabaseRole(scope, role);
  }

  /** A `Database` resource; its grants through the cluster's SQL Job. */
  public bindDatabase(scope: Construct, database: IDatabaseIntent): void {
    renderCnpgDatabase(scope, database);
  }

  /** A `Publication` resource (row-filtered ones through the SQL Job), lib/engines/cnpg/cnpg-logical.ts. */
  public bindPublication(scope: Construct, publication: IPublicationIntent): void {
    renderCnpgPublication(scope, publication);
  }

  /** A `Subscription` resource; the publisher goes into the subscriber's `externalClusters`. */
  public bindSubscription(scope: Construct, subscription: ISubscriptionIntent): void {
    renderCnpgSubscription(scope, subscription);
  }

  /** Nothing to add: `bootstrap.initdb.import` is part of the target's Cluster spec. */
  public bindSchemaImport(_scope: Construct, _upgrade: ISchemaImportIntent): void {
    // Rendered with the Cluster spec (cnpg-cluster-spec.ts reads the registry).
  }

  /** The `standard` image flavour: extensions included, no in-tree Barman (backups go through the plugin). */
  public imageFor(version: PostgresVersion): string {
    return `${this.imageRepository}:${version.fullVersion}-standard-trixie`;
  }

  public endpointsFor(clusterName: string, appSecretName?: string): ClusterEndpoints {
    return {
      readWriteServiceName: `${clusterName}-rw`,
      readOnlyServiceName: `${clusterName}-ro`,
      anyInstanceServiceName: `${clusterName}-r`,
      port: 5432,
      appSecretName: appSecretName ?? `${clusterName}-app`,
    };
  }

  public instanceLabels(clusterName: string): { [key: string]: string } {
    return { 'cnpg.io/cluster': clusterName, 'cnpg.io/podRole': 'instance' };
  }

  public propertyOwnedPaths(): { [path: string]: string } {
    return {
      'spec.instances': 'mode',
      'spec.imageName': 'version / imageName',
      'spec.postgresql.parameters': 'parameters',
      'spec.postgresql.synchronous': 'synchronousStandbys / dataDurability / failoverQuorum',
      'spec.storage': 'storage',
      'spec.walStorage': 'walStorage / separateWalVolume',
      'spec.affinity': 'placement',
      'spec.topologySpreadConstraints': 'placement',
      'spec.enablePDB': 'disruptionBudget',
      'spec.primaryUpdateMethod': 'primaryUpdateMethod',
      'spec.primaryUpdateStrategy': 'primaryUpdateMethod',
      'spec.resources': 'resources',
      'spec.bootstrap': 'credentials / bootstrap',
      'spec.externalClusters': 'bootstrap',
      'spec.plugins': 'WalArchive',
      'spec.serviceAccountTemplate': 'WalArchive credentials',
      'spec.enableSuperuserAccess': 'credentials',
      'spec.replicationSlots.highAvailability': 'maxSlotWalKeepSize',
      'spec.livenessProbeTimeout': 'engine livenessProbeTimeout',
      'spec.probes.liveness': 'engine livenessProbeTimeout / isolationCheck',
      'spec.postgresql.pg_hba': 'tls / addHbaRule()',
    };
  }

  /**
   * CloudNativePG's network needs: the operator (pods `app.kubernetes.io/name: cloudnative-pg`)
   * calls each instance manager on 8000 and PostgreSQL on 5432; instances replicate on
   * 5432 and call each other's status port 8000; the instance manager updates the Cluster
   * status through the Kubernetes API; metrics on 9187 (instances) and 9127 (poolers).
   */
  public networkProfile(): IEngineNetworkProfile | undefined {
    return {
      postgresPort: 5432,
      peerPorts: [8000],
      instanceMetricsPort: 9187,
      poolerMetricsPort: 9127,
      operatorPodLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
      operatorPorts: [5432, 8000],
      instancesNeedKubernetesApi: true,
      clusterPodLabels: (clusterName) => ({ 'cnpg.io/cluster': clusterName }),
      poolerPodLabels: (poolName) => poolerPodLabels(poolName),
    };
  }

  /** Renders a pool as a `Pooler` plus its PodDisruptionBudget (lib/engines/cnpg/cnpg-pooler.ts). */
  public bindPooler(scope: Construct, pool: IPoolerIntent): PoolerEndpoint {
    return renderCnpgPooler(scope, pool);
  }

  /** The Barman Cloud plugin ObjectStore; the Cluster's plugins entry is part of its spec. */
  public bindArchive(scope: Construct, archive: IArchiveIntent, cluster: IClusterModel): void {
    renderArchive(scope, archive, cluster);
  }

  public bindScheduledBackup(scope: Construct, backup: IScheduledBackupIntent): void {
    renderScheduledBackup(scope, backup);
  }

  /** The read-only ObjectStore over the source archive; bootstrap.recovery is part of the spec. */
  public bindRecovery(scope: Construct, cluster: IClusterModel): void {
    renderRecovery(scope, cluster);
  }

  public bindRestoreDrill(scope: Construct, drill: IRestoreDrillIntent): void {
    renderRestoreDrill(scope, drill);
  }

  public bindToCluster(scope: Construct, cluster: IClusterModel): void {
    const intent = cluster.intent;
    const errors = new ConfigErrors();
    addSynthValidation(scope, () => errors.messages);
    const warnings: string[] = [];
    const liveness = resolveLiveness(this.props, errors, warnings);
    if (errors.isEmpty) for (const w of warnings) SynthWarnings.add(scope, w);
    // The rules of CloudNativePG's webhook only this engine has, at synth time (parameters and
    // the archive may be added after construction); once per synthesis.
    addSynthValidation(scope, () => cnpgClusterAdmissionErrors(cluster, this));
    const labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': intent.name };

    // A raw ApiObject rather than the generated L1: the L1's toJson() drops fields it
    // does not know, which would silently discard user overrides and JSON patches.
    new ApiObject(scope, 'Resource', {
      apiVersion: cnpg.Cluster.GVK.apiVersion,
      kind: cnpg.Cluster.GVK.kind,
      metadata: { name: intent.name, labels },
      spec: Lazy.any({
        produce: () => cluster._applyOverrides({ spec: cnpg.toJson_ClusterSpec(renderClusterSpec(cluster, this, liveness)) }).spec,
      }),
    });

    const budget = intent.disruptionBudget;
    if (budget?.owner === DisruptionBudgetOwner.LIBRARY) {
      // Named `<cluster>-pdb`: with enablePDB false the operator deletes PDBs named
      // `<cluster>` and `<cluster>-primary`, so those names are avoided.
      new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
        metadata: { name: `${intent.name}-pdb`, labels },
        spec: {
          minAvailable: k8s.IntOrString.fromNumber(budget.minAvailableCount as number),
          selector: { matchLabels: this.instanceLabels(intent.name) },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
  }
}
