import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { HaPostgres } from '../cluster/ha-postgres';
import { ConfigErrors } from '../core/config-error';
import { checkDnsLabel, isPinnedImage } from '../core/dns';
import { exactMilliseconds, wholeSeconds } from '../core/duration-size-checks';
import { SynthWarnings } from '../core/synth-warnings';
import { ArchiveCredentialsKind } from '../model/archive-credentials';
import { BackupSchedule } from '../model/backup-schedule';
import type { WalArchive } from './wal-archive';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { engineCannotRender } from '../model/cluster-engine';
import { boundedName, labelSlug, shortHash } from '../core/names';
import { checkUniqueObjects } from '../core/unique-objects';
import { DEFAULT_DRILL_IMAGE, TableCheck } from '../model/backup-values';
export type { TableCheck };

/** A scheduled "restore tested" drill of a cluster's archive. */
export interface RestoreDrillProps {
  /** The cluster whose archive (its WalArchive) is restored. */
  readonly cluster: HaPostgres;

  /**
   * Namespace the temporary cluster is created in; the drill's Role (its only
   * permissions) and a read-only ObjectStore are rendered there. The CronJob itself runs
   * in the chart's namespace. Keep the namespace for drills.
   */
  readonly scratchNamespace: string;

  /**
   * When the drill runs (UTC).
   *
   * @default BackupSchedule.monthly({ dayOfMonth: 1, hour: 4 })
   */
  readonly schedule?: BackupSchedule;

  /**
   * Tables whose rows are counted after the restore. The drill always checks that the
   * database answers a query.
   *
   * @default - only `SELECT 1` in the application database
   */
  readonly checks?: TableCheck[];

  /**
   * How long the restore may take to become ready (base backup download plus WAL replay).
   *
   * @default Duration.hours(2)
   */
  readonly readyTimeout?: Duration;

  /**
   * Image with bash and kubectl that runs the drill script.
   *
   * @default 'registry.k8s.io/kubectl:v1.34.1'
   */
  readonly image?: string;

  /**
   * Name of the CronJob, ServiceAccount and ConfigMap (in the cluster's namespace). The
   * objects in the scratch namespace are named `scratchName`.
   *
   * @default - `<cluster name>-restore-drill` for the cluster's first drill, `<cluster name>-restore-drill-<construct id>` for later ones
   */
  readonly name?: string;
}


/**
 * "Restore tested monthly" as a resource: a CronJob that recovers the latest backup of
 * the cluster's archive into a new, temporary cluster in a scratch namespace, waits for
 * it, runs verification queries and deletes it whatever the outcome. A successful run
 * sets the CronJob's `status.lastSuccessfulTime`
 * (`kube_cronjob_status_last_successful_time` in kube-state-metrics), which an alert can
 * compare with `period`.
 */
export class RestoreDrill extends Construct {
  /** The image the drill runs in unless `image` is given. */
  public static readonly DEFAULT_IMAGE = DEFAULT_DRILL_IMAGE;

  public readonly cluster: HaPostgres;
  public readonly scratchNamespace: string;
  public readonly schedule: BackupSchedule;
  public readonly checks: TableCheck[];
  public readonly readyTimeout: Duration;
  public readonly image: string;
  /** Name of the CronJob (and of its RBAC objects): `<cluster>-restore-drill` by default. */
  public readonly cronJobName: string;
  /** Namespace of the CronJob and its ServiceAccount: the chart's, like the cluster's. */
  public readonly namespace: string;
  /** Longest time between two scheduled runs: alert when no run succeeded for longer than this plus a margin. */
  public readonly period: Duration;
  /**
   * Name of the drill's objects in the scratch namespace (Role, RoleBinding, NetworkPolicy,
   * the source ObjectStore `<scratchName>-source`) and the value of the label on its temporary
   * clusters: `<cronJobName>-<namespace>`, so drills of same-named clusters in different
   * namespaces that share a scratch namespace never touch each other's objects or copies.
   */
  public readonly scratchName: string;
  /**
   * Prefix of the temporary clusters' names (a timestamp is appended): the cluster's name and a
   * hash of `scratchName`, unique per drill, within CloudNativePG's 50 characters.
   */
  public readonly temporaryClusterPrefix: string;

  private readonly errors = new ConfigErrors();

  public constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    libraryStateChanged(); // the app changed: validations must see this construct
    props.cluster.attachments.addRestoreDrill(this); // found by the cluster's monitoring
    this.cluster = props.cluster;
    this.scratchNamespace = props.scratchNamespace;
    this.schedule = props.schedule ?? BackupSchedule.monthly({ dayOfMonth: 1, hour: 4 });
    this.checks = props.checks ?? [];
    this.readyTimeout = props.readyTimeout ?? Duration.hours(2);
    this.image = props.image ?? DEFAULT_DRILL_IMAGE;
    this.cronJobName = props.name ?? defaultDrillName(this, props.cluster);
    const chartNamespace = Chart.of(this).namespace;
    this.namespace = chartNamespace ?? 'default';
    // 56 leaves room for the ObjectStore's "-source"; the label value may have 63.
    this.scratchName = boundedName(`${this.cronJobName}-${this.namespace}`, 56);
    // `<prefix>-<10-digit epoch>` within 50: at most 39, starting with the cluster name's letter.
    this.temporaryClusterPrefix = `${props.cluster.clusterName.slice(0, 24).replace(/-+$/, '')}-drill-${shortHash(this.scratchName)}`;
    if (chartNamespace === undefined) {
      this.errors.add('namespace', 'undefined', 'the drill\'s ServiceAccount is bound to a Role in the scratch namespace by namespace, so its own namespace must be known',
        'give the chart a namespace: new Chart(app, id, { namespace: \'...\' })');
    }
    addSynthValidation(this, () => [...this.errors.messages, ...this.archiveErrors()]);
    checkUniqueObjects(this, { property: props.name !== undefined ? 'name' : 'name (from the cluster name)', value: this.cronJobName });

    checkDnsLabel(this.errors, 'scratchNamespace', this.scratchNamespace, 63);
    if (this.scratchNamespace === this.namespace) {
      this.errors.add('scratchNamespace', this.scratchNamespace, 'is the namespace of the cluster itself: the drill may delete clusters in its scratch namespace, so it could delete this one',
        'use a namespace kept for drills, e.g. "restore-drills"');
    }
    // CronJob names leave 11 characters for the Job suffix.
    checkDnsLabel(this.errors, props.name !== undefined ? 'name' : 'name (from the cluster name)', this.cronJobName, 52);
    const scheduleOk = this.schedule._check(this.errors, 'schedule');
    this.period = scheduleOk ? this.schedule.period : Duration.days(31);
    if (scheduleOk && this.period.toMilliseconds() < 86_400_000) {
      this.errors.add('schedule', this.schedule.expression, 'runs more than once a day; each run downloads a full base backup and replays WAL',
        'use BackupSchedule.monthly() (the default) or BackupSchedule.weekly()');
    }
    // Rendered as whole seconds (kubectl wait --timeout, activeDeadlineSeconds).
    const timeoutMs = exactMilliseconds(this.readyTimeout);
    if (!(timeoutMs >= 300_000 && timeoutMs <= 86_400_000)) {
      this.errors.add('readyTimeout', this.readyTimeout, 'must be between 5 minutes and 24 hours', 'use e.g. Duration.hours(2), time for a base backup download and WAL replay');
    } else {
      wholeSeconds(this.errors, 'readyTimeout', this.readyTimeout);
    }
    this.checks.forEach((c, i) => {
      if (!/^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/.test(c.table)) {
        this.errors.add(`checks[${i}].table`, c.table, 'must be a lower-case table name, optionally schema-qualified (schema.table)', 'use e.g. "orders" or "billing.invoices"');
      }
      if (c.minRows !== undefined && (!Number.isInteger(c.minRows) || c.minRows < 0)) {
        this.errors.add(`checks[${i}].minRows`, c.minRows, 'must be a whole number, 0 or more', 'use e.g. 1');
      }
    });
    if (!isPinnedImage(this.image)) {
      this.errors.add('image', this.image, 'is not pinned to a tag or digest, so the drill could change between runs', `pin it, e.g. "${DEFAULT_DRILL_IMAGE}"`);
    }

    const engine = this.cluster.engine;
    if (engine.capabilities.restoreDrill) engine.bindRestoreDrill(this, this);
    else engineCannotRender(this.errors, this.cluster, engine, 'RestoreDrill', 'use ClusterEngine.cloudNativePg(), or remove the RestoreDrill until the engine supports it');
  }

  /** The archive restored from (the cluster's WalArchive); undefined until one is attached. */
  public get archive(): WalArchive | undefined {
    // Only a WalArchive attaches itself to a cluster (ClusterAttachments.attachArchive).
    return this.cluster.walArchive as WalArchive | undefined;
  }

  private archiveErrors(): string[] {
    const e = new ConfigErrors();
    const archive = this.archive;
    if (!archive) {
      e.add('cluster', this.cluster.clusterName, 'has no WalArchive, so there is nothing to restore',
        'add new WalArchive(scope, id, { cluster, destination, credentials }) and a ScheduledBackup for the cluster');
    } else if (archive.credentials.kind === ArchiveCredentialsKind.SECRET) {
      SynthWarnings.add(this, `the restored cluster reads the archive with Secret "${archive.credentials.secretName}", which must also exist in ` +
        `namespace "${this.scratchNamespace}" (e.g. synced by an external secret store); the drill fails without it.`);
    }
    return e.messages;
  }
}

/**
 * `<cluster>-restore-drill` for a cluster's first drill, `<cluster>-restore-drill-<construct id>`
 * for later ones (a hash of the construct path when the id gives nothing usable or an earlier
 * drill has the name), at most 52 characters (CronJob names).
 */
function defaultDrillName(drill: RestoreDrill, cluster: HaPostgres): string {
  const base = `${cluster.clusterName}-restore-drill`;
  const earlier = cluster.attachments.restoreDrills.filter((d) => d !== drill);
  if (earlier.length === 0) return boundedName(base, 52);
  const slug = labelSlug(drill.node.id);
  let name = boundedName(slug ? `${base}-${slug}` : `${base}-${shortHash(drill.node.path)}`, 52);
  if (earlier.some((d) => d.cronJobName === name)) name = boundedName(`${base}-${shortHash(drill.node.path)}`, 52);
  return name;
}
