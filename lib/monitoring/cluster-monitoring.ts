import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as prom from '../../imports/monitoring.coreos.com';
import type { HaPostgres } from '../cluster/ha-postgres';
import { AppIndex, addSynthValidation, libraryStateChanged } from '../core/app-index';
import { PgBouncerPool } from '../pooler/pgbouncer-pool';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel } from '../core/dns';
import { wholeSeconds } from '../core/duration-size-checks';
import { checkUniqueObjects } from '../core/unique-objects';
import { isLabelKey, isLabelValue } from '../core/labels';
import { ALERT_NAMES, AlertRule, AlertTarget, buildAlertRules } from './alerts/alert-rules';
import { attachedConstructs } from './attached-constructs';
import { instancePodMonitorSpec, poolerPodMonitorSpec } from './pod-monitors';
import { MonitoringThresholds, ResolvedThresholds, resolveThresholds } from './thresholds';
import { TopologyDiagram } from './topology/topology-diagram';

/** Where the runbooks live; `<base>/<AlertName>.md`. */
const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/cdk8s-ha-postgres/cdk8s-ha-postgres/blob/main/docs/runbooks';

/** The restore drill whose success the `HaPostgresRestoreDrillOverdue` alert watches. */
export interface RestoreDrillReference {
  /**
   * Name of the drill's CronJob (in the cluster's namespace).
   *
   * @default - `<cluster>-restore-drill`
   */
  readonly cronJobName?: string;
  /**
   * How often the drill runs.
   *
   * @default Duration.days(31) (monthly)
   */
  readonly period?: Duration;
}

/** Properties of ClusterMonitoring. */
export interface ClusterMonitoringProps {
  /** The cluster to monitor. */
  readonly cluster: HaPostgres;
  /**
   * Alert thresholds.
   *
   * @default - see MonitoringThresholds
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Base URL of the runbooks; each alert links to `<base>/<AlertName>.md`.
   *
   * @default ClusterMonitoring.DEFAULT_RUNBOOK_BASE_URL (this repository's docs/runbooks)
   */
  readonly runbookBaseUrl?: string;
  /**
   * Labels on the PodMonitors and the PrometheusRule, so that your Prometheus selects
   * them (e.g. `{ release: 'kube-prometheus-stack' }` for its default selectors).
   *
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
  /**
   * How often a base backup is taken (the backup-age alert fires after this plus 2 hours).
   *
   * @default - the shortest period of the cluster's ScheduledBackups, else Duration.days(1)
   */
  readonly backupPeriod?: Duration;
  /**
   * The restore drill to watch.
   *
   * @default - the cluster's RestoreDrill (its CronJob and period), else CronJob `<cluster>-restore-drill`, monthly
   */
  readonly restoreDrill?: RestoreDrillReference;
  /**
   * Names of Poolers of the cluster not built with PgBouncerPool (e.g. hand-written): they are
   * scraped by the poolers' PodMonitor and get the pooler alert.
   *
   * @default - the cluster's PgBouncerPools only
   */
  readonly poolers?: string[];
  /**
   * Write a Mermaid topology diagram `<cluster>.topology.md` beside the manifests.
   *
   * @default true
   */
  readonly topologyDiagram?: boolean;
}

/**
 * Prometheus monitoring of one HaPostgres: PodMonitors for its instances and poolers,
 * and a PrometheusRule (the default child, id `Resource`) with alerts on replication,
 * slots, archiving, backups, restore drills, availability, placement, connections and
 * volumes. Everything goes in the cluster's namespace.
 *
 * The cluster's ScheduledBackups, RestoreDrill and PgBouncerPools are found in the app
 * at synth time: the backup-age and drill alerts follow their schedules, and each pool
 * is monitored. Explicit `backupPeriod`, `restoreDrill` and `poolers` take precedence.
 */
export class ClusterMonitoring extends Construct {
  /** Where the runbooks live: this repository's docs/runbooks; each alert links to `<base>/<AlertName>.md`. */
  public static readonly DEFAULT_RUNBOOK_BASE_URL = DEFAULT_RUNBOOK_BASE_URL;
  /** Every alert name ClusterMonitoring can emit (each has a runbook). */
  public static readonly ALERT_NAMES: string[] = [...ALERT_NAMES];

  /** Name of the PrometheusRule. */
  public readonly ruleName: string;
  /** Name of the instances' PodMonitor. */
  public readonly podMonitorName: string;
  /** Name of the poolers' PodMonitor (created when the cluster has a pool). */
  public readonly poolerPodMonitorName: string;
  private readonly errors = new ConfigErrors();
  private readonly cluster: HaPostgres;
  private readonly props: ClusterMonitoringProps;
  private readonly explicitPoolers: string[] = [];
  private readonly namespace: string;
  private readonly runbookBaseUrl: string;
  private readonly labels: { [key: string]: string };
  private poolerMonitor?: ApiObject;

  public constructor(scope: Construct, id: string, props: ClusterMonitoringProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    const cluster = props.cluster;
    this.cluster = cluster;
    cluster.attachments.addMonitoring(this);
    this.props = props;
    const name = cluster.clusterName;
    this.ruleName = `${name}-alerts`;
    this.podMonitorName = `${name}-instances`;
    this.poolerPodMonitorName = `${name}-poolers`;
    // Once per synthesis: cdk8s re-validates the whole app for every chart it writes.
    addSynthValidation(this, () => [...this.errors.messages, ...this.resolve().errors.messages, ...this.poolerErrors()]);

    checkUniqueObjects(this, { property: 'cluster', value: name, fix: 'create one ClusterMonitoring per cluster (a second one renders the same PrometheusRule and PodMonitors)' });
    const ns = Chart.of(this).namespace;
    if (ns === undefined) {
      this.errors.add('namespace (of the chart)', ns, 'alerts must select the cluster\'s namespace, and the chart sets none',
        'give the chart a namespace: new Chart(app, id, { namespace: \'...\' })');
    } else if (Chart.of(cluster).namespace !== ns) {
      this.errors.add('cluster', name, `is in namespace ${JSON.stringify(Chart.of(cluster).namespace)}, but this monitoring is in ${JSON.stringify(ns)}; PodMonitors and rules belong beside the cluster`,
        'create ClusterMonitoring in the same chart (or a chart with the same namespace) as the cluster');
    }
    this.namespace = ns ?? 'default';
    const profile = cluster.engine.monitoringProfile();
    if (!profile.supported) {
      this.errors.add('cluster', name, `runs on ${cluster.engine.name}, but ${profile.reason ?? 'the PodMonitors and alerts do not fit its pod labels and metrics'}`,
        'use ClusterMonitoring with ClusterEngine.cloudNativePg() clusters');
    }

    this.runbookBaseUrl = (props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/\S+$/.test(this.runbookBaseUrl)) {
      this.errors.add('runbookBaseUrl', props.runbookBaseUrl, 'is not an http(s) URL', `use e.g. ${JSON.stringify(DEFAULT_RUNBOOK_BASE_URL)}`);
    }
    for (const [k, v] of Object.entries(props.ruleLabels ?? {})) checkLabel(this.errors, k, v);
    if (props.restoreDrill?.cronJobName !== undefined) checkDnsLabel(this.errors, 'restoreDrill.cronJobName', props.restoreDrill.cronJobName, 52);

    this.labels = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': name, ...props.ruleLabels };
    new ApiObject(this, 'Resource', {
      apiVersion: prom.PrometheusRule.GVK.apiVersion,
      kind: prom.PrometheusRule.GVK.kind,
      metadata: { name: this.ruleName, labels: this.labels },
      spec: Lazy.any({ produce: () => prom.toJson_PrometheusRuleSpec(this.ruleSpec()) }),
    });
    new ApiObject(this, 'InstancePodMonitor', {
      apiVersion: prom.PodMonitor.GVK.apiVersion,
      kind: prom.PodMonitor.GVK.kind,
      metadata: { name: this.podMonitorName, labels: this.labels },
      spec: Lazy.any({ produce: () => prom.toJson_PodMonitorSpec(instancePodMonitorSpec(name, manifestFlag(cluster, ['monitoring', 'tls', 'enabled']))) }),
    });
    for (const p of props.poolers ?? []) this.addPooler(p);
    // Pools created before the monitoring: their PodMonitor exists from the start.
    if (cluster.attachments.pools.length > 0) this.ensurePoolerMonitor();
    if (props.topologyDiagram ?? true) new TopologyDiagram(this, 'Topology', { cluster });
  }

  /** Monitors a Pooler of the cluster by name (its pods are added to the poolers' PodMonitor, and the pooler alert). */
  public addPooler(poolerName: string): void {
    libraryStateChanged();
    if (this.explicitPoolers.includes(poolerName)) return;
    checkDnsLabel(this.errors, 'poolers', poolerName);
    if (poolerName === this.cluster.clusterName) {
      this.errors.add('poolers', poolerName, 'a Pooler cannot have the name of its cluster', 'use the Pooler\'s own name, e.g. "<cluster>-pooler-rw"');
    }
    this.explicitPoolers.push(poolerName);
    this.ensurePoolerMonitor();
  }

  /** Metric families the alerts read (e.g. `cnpg_pg_replication_lag`), sorted: what the cluster's readiness checklist counts as alerted. */
  public alertedMetrics(): string[] {
    const metrics = new Set<string>();
    for (const r of this.alertRules()) for (const name of r.expr.match(/\bcnpg_[a-z_]+/g) ?? []) metrics.add(name);
    return [...metrics].sort();
  }

  /** The alerts, with every default applied (what the PrometheusRule contains). */
  public alertRules(): AlertRule[] {
    const { target, thresholds } = this.resolve();
    return buildAlertRules(target, thresholds);
  }

  /** Explicit props, then the constructs attached to the cluster, then the defaults. */
  private resolve(): { target: AlertTarget; thresholds: ResolvedThresholds; errors: ConfigErrors } {
    const i = this.cluster.intent;
    const attached = attachedConstructs(this.cluster);
    const drill = this.props.restoreDrill ?? {};
    const errors = new ConfigErrors();
    // Periods given as props are compared in whole seconds.
    const period = (property: string, given: Duration | undefined, otherwise: Duration): Duration =>
      given !== undefined && wholeSeconds(errors, property, given, { min: 60 }) !== undefined ? given : otherwise;
    const thresholds = resolveThresholds(errors, 'thresholds', this.props.thresholds ?? {}, {
      maxSlotWalKeepSize: i.maxSlotWalKeepSize,
      backupPeriod: period('backupPeriod', this.props.backupPeriod, attached.backupPeriod ?? Duration.days(1)),
      restoreDrillPeriod: period('restoreDrill.period', drill.period, attached.drill?.period ?? Duration.days(31)),
    });
    const target: AlertTarget = {
      namespace: this.namespace,
      cluster: this.cluster.clusterName,
      instances: i.instances,
      synchronousStandbys: i.synchronousStandbys,
      zoneCount: i.zones?.length,
      zoneTopologyKey: i.zoneTopologyKey,
      separateWalVolume: i.walStorage !== undefined,
      poolers: this.poolerNames(attached),
      restoreDrillCronJob: drill.cronJobName ?? attached.drill?.cronJobName ?? `${this.cluster.clusterName}-restore-drill`,
      restoreDrillNamespace: drill.cronJobName === undefined ? attached.drill?.namespace : undefined,
    };
    return { target, thresholds, errors };
  }

  private poolerNames(attached = attachedConstructs(this.cluster)): string[] {
    return [...new Set([...this.explicitPoolers, ...attached.poolers])].sort();
  }

  private ensurePoolerMonitor(): void {
    if (this.poolerMonitor) return;
    this.poolerMonitor = new ApiObject(this, 'PoolerPodMonitor', {
      apiVersion: prom.PodMonitor.GVK.apiVersion,
      kind: prom.PodMonitor.GVK.kind,
      metadata: { name: this.poolerPodMonitorName, labels: this.labels },
      spec: Lazy.any({ produce: () => prom.toJson_PodMonitorSpec(poolerPodMonitorSpec(this.poolerNames(), this.cluster.clusterName)) }),
    });
  }

  /** Pools created after the monitoring would go unmonitored; pooler metrics over TLS are not scraped. */
  private poolerErrors(): string[] {
    const errors = new ConfigErrors();
    const names = this.poolerNames();
    if (names.length > 0 && !this.poolerMonitor) {
      errors.add('poolers', names, 'these pools of the cluster were created after ClusterMonitoring, so no PodMonitor scrapes them',
        'create the PgBouncerPool before ClusterMonitoring, or call monitoring.addPooler(pool.poolName)');
    }
    const index = AppIndex.of(this);
    // Pooler manifests not rendered by a PgBouncerPool (those never serve metrics over TLS).
    const poolers = index.memo(index, 'foreign-pooler-objects', () => index.constructs()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Pooler' && !(c.node.scope instanceof PgBouncerPool)));
    for (const c of poolers) {
      if (names.includes(c.name) && c.toJson().spec?.monitoring?.tls?.enabled === true) {
        errors.add(`Pooler ${c.name}`, 'monitoring.tls.enabled', 'serves its metrics over TLS, which the poolers\' PodMonitor does not configure (it scrapes HTTP)',
          'keep Pooler metrics on HTTP inside the cluster network, or monitor that pooler with your own PodMonitor');
      }
    }
    return errors.messages;
  }

  private ruleSpec(): prom.PrometheusRuleSpec {
    const name = this.cluster.clusterName;
    return {
      groups: [{
        name: `ha-postgres.${this.namespace}.${name}`,
        rules: this.alertRules().map((r) => ({
          alert: r.alert,
          expr: prom.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
          for: r.pendingFor,
          labels: { severity: r.severity, namespace: this.namespace, cluster: name },
          annotations: { summary: r.summary, description: r.description, runbook_url: `${this.runbookBaseUrl}/${r.alert}.md` },
        })),
      }],
    };
  }
}

/** A boolean field of the cluster's rendered main manifest (`spec.<path>`), false when unset. */
function manifestFlag(cluster: HaPostgres, path: string[]): boolean {
  let node: any = ApiObject.of(cluster).toJson().spec;
  for (const key of path) node = node?.[key];
  return node === true;
}

function checkLabel(errors: ConfigErrors, key: string, value: string): void {
  if (!isLabelKey(key)) {
    errors.add(`ruleLabels.${key}`, value, 'the key is not a valid label key', 'use a key such as "release"');
  }
  if (!isLabelValue(value)) {
    errors.add(`ruleLabels.${key}`, value, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' or \'.\'');
  }
}
