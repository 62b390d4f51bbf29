import { Duration } from 'cdk8s';
import type { ResolvedThresholds } from '../thresholds';
import { kubeNodeLabelName, METRICS as M } from './metric-names';
import { promDuration } from './prom-duration';

/** Severity label of an alert: `critical` pages, `warning` opens a ticket. */
export enum AlertSeverity {
  WARNING = 'warning',
  CRITICAL = 'critical',
}

/** One alerting rule, engine-neutral (rendered into a PrometheusRule group). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration the condition must hold (the rule's `for`), e.g. `5m`. */
  readonly pendingFor: string;
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly description: string;
}

/** What the alert expressions are scoped to. */
export interface AlertTarget {
  readonly namespace: string;
  readonly cluster: string;
  readonly instances: number;
  readonly synchronousStandbys: number;
  /** Zones the instances may use; undefined means any (assumed 3 for the spread alert). */
  readonly zoneCount?: number;
  readonly zoneTopologyKey: string;
  readonly separateWalVolume: boolean;
  /** Poolers of the cluster; the pooler alert exists only when there is one. */
  readonly poolers: string[];
  readonly restoreDrillCronJob: string;
  /** Namespace of the drill's CronJob. @default - the cluster's */
  readonly restoreDrillNamespace?: string;
}

/** Every alert name this library can emit (each has docs/runbooks/<name>.md). */
export const ALERT_NAMES = [
  'HaPostgresReplicationLagWarning', 'HaPostgresReplicationLagCritical',
  'HaPostgresReplicationSlotInactive', 'HaPostgresReplicationSlotWalRetained',
  'HaPostgresWalArchivingFailing', 'HaPostgresBaseBackupTooOld', 'HaPostgresRestoreDrillOverdue',
  'HaPostgresStandbysStreamingWarning', 'HaPostgresStandbysStreamingCritical',
  'HaPostgresInstanceDown', 'HaPostgresClusterOffline',
  'HaPostgresInstancesSameZone', 'HaPostgresInstancesSameNode',
  'HaPostgresConnectionsWarning', 'HaPostgresConnectionsCritical', 'HaPostgresPoolerClientsWaiting',
  'HaPostgresDataVolumeFillingWarning', 'HaPostgresDataVolumeFillingCritical',
  'HaPostgresWalVolumeFillingWarning', 'HaPostgresWalVolumeFillingCritical',
] as const;

/**
 * The alerts of one cluster. Instance metrics are selected by `namespace` and the
 * `cluster` label that the library's PodMonitor sets from the pod label `cnpg.io/cluster`;
 * kube-state-metrics and kubelet series (which have no such label) by pod and PVC names.
 */
export function buildAlertRules(t: AlertTarget, th: ResolvedThresholds): AlertRule[] {
  const c = t.cluster;
  const inst = `namespace="${t.namespace}",cluster="${c}"`;
  const pods = `namespace="${t.namespace}",pod=~"${c}-[0-9]+"`;
  const by = 'namespace, cluster';
  const rules: AlertRule[] = [];
  const add = (alert: string, severity: AlertSeverity, forDuration: Duration | string, expr: string, summary: string, description: string) =>
    rules.push({ alert, severity, pendingFor: typeof forDuration === 'string' ? forDuration : promDuration(forDuration), expr, summary, description });

  const lag = (s: number) => `max by (${by}, pod) (${M.replicationLag}{${inst}}) > ${s}`;
  add('HaPostgresReplicationLagWarning', AlertSeverity.WARNING, '1m', lag(th.lagWarningSeconds),
    `Standby of ${c} is ${human(th.lagWarningSeconds)} behind`,
    `Standby {{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) lags the primary by {{ $value | humanizeDuration }} (threshold ${human(th.lagWarningSeconds)}). Reads from it are stale and a failover to it takes longer.`);
  add('HaPostgresReplicationLagCritical', AlertSeverity.CRITICAL, '1m', lag(th.lagCriticalSeconds),
    `Standby of ${c} is ${human(th.lagCriticalSeconds)} behind`,
    `Standby {{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) lags the primary by {{ $value | humanizeDuration }} (threshold ${human(th.lagCriticalSeconds)}).`);

  // Standbys keep copies of the HA slots that are inactive by design: only the primary's count.
  add('HaPostgresReplicationSlotInactive', AlertSeverity.WARNING, th.slotInactiveFor,
    `${M.slotActive}{${inst}} == 0 unless on (namespace, pod) ${M.inRecovery}{${inst}} == 1`,
    `Replication slot inactive on ${c}`,
    `Slot {{ $labels.slot_name }} ({{ $labels.slot_type }}) on primary {{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) has no consumer; it retains WAL until max_slot_wal_keep_size invalidates it.`);
  add('HaPostgresReplicationSlotWalRetained', AlertSeverity.WARNING, '5m',
    `max by (${by}, pod, slot_name) (${M.slotWalRetainedBytes}{${inst}}) > ${th.slotWalRetainedBytes}`,
    `Replication slot of ${c} retains too much WAL`,
    `Slot {{ $labels.slot_name }} on {{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) retains {{ $value | humanize1024 }}B of WAL (threshold ${bytes(th.slotWalRetainedBytes)}).`);

  add('HaPostgresWalArchivingFailing', AlertSeverity.CRITICAL, '5m',
    `${M.archiverLastFailedTime}{${inst}} - ${M.archiverLastArchivedTime}{${inst}} > 1`,
    `WAL archiving of ${c} is failing`,
    `The last WAL archiving attempt on {{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) failed and none succeeded since: point-in-time recovery stops at the last archived segment and WAL piles up on the primary.`);
  add('HaPostgresBaseBackupTooOld', AlertSeverity.WARNING, '10m',
    `time() - max by (${by}) (${M.lastAvailableBackup}{${inst}}) > ${th.backupMaxAgeSeconds}`,
    `Newest base backup of ${c} is too old`,
    `The newest base backup of cluster ${c} (namespace ${t.namespace}) is {{ $value | humanizeDuration }} old (threshold ${human(th.backupMaxAgeSeconds)}): scheduled backups are failing or suspended, and recovery must replay ever more WAL.`);
  // A drill that never succeeded counts from the CronJob's creation.
  const drill = `namespace="${t.restoreDrillNamespace ?? t.namespace}",cronjob="${t.restoreDrillCronJob}"`;
  add('HaPostgresRestoreDrillOverdue', AlertSeverity.WARNING, '1h',
    `time() - max by (namespace, cronjob) (${M.cronJobLastSuccess}{${drill}} or ${M.cronJobCreated}{${drill}}) > ${th.restoreDrillMaxAgeSeconds}`,
    `No successful restore drill of ${c} recently`,
    `CronJob ${t.restoreDrillCronJob} has not restored cluster ${c} (namespace ${t.namespace}) successfully for {{ $value | humanizeDuration }} (threshold ${human(th.restoreDrillMaxAgeSeconds)}): the backups are not proven restorable.`);

  // On the primary, streaming_replicas counts standbys and the WAL receiver is down (0).
  const streaming = `max by (${by}) (${M.streamingReplicas}{${inst}} - ${M.walReceiverUp}{${inst}})`;
  const wanted = t.instances - 1;
  add('HaPostgresStandbysStreamingWarning', AlertSeverity.WARNING, '5m', `${streaming} < ${wanted}`,
    `Fewer than ${wanted} standbys streaming from ${c}`,
    `Only {{ $value }} standbys of cluster ${c} (namespace ${t.namespace}) stream from the primary (${wanted} expected): one more loss leaves ${t.synchronousStandbys > 0 ? 'no spare for the synchronous quorum' : 'no standby'}.`);
  add('HaPostgresStandbysStreamingCritical', AlertSeverity.CRITICAL, '5m', `${streaming} < ${Math.max(1, t.synchronousStandbys)}`,
    `Too few standbys streaming from ${c}`,
    `Only {{ $value }} standbys of cluster ${c} (namespace ${t.namespace}) stream from the primary: with required durability writes block, and a primary failure cannot fail over.`);
  add('HaPostgresInstanceDown', AlertSeverity.WARNING, '5m', `count by (${by}) (${M.collectorUp}{${inst}} == 1) < ${t.instances}`,
    `An instance of ${c} is down`,
    `Only {{ $value }} of ${t.instances} instances of cluster ${c} (namespace ${t.namespace}) run PostgreSQL.`);
  add('HaPostgresClusterOffline', AlertSeverity.CRITICAL, '5m', `(count(${M.collectorUp}{${inst}} == 1) or on () vector(0)) == 0`,
    `Cluster ${c} is offline`,
    `No instance of cluster ${c} (namespace ${t.namespace}) reports PostgreSQL up, or Prometheus no longer scrapes them.`);

  const zone = kubeNodeLabelName(t.zoneTopologyKey);
  const perZone = Math.ceil(t.instances / Math.max(1, t.zoneCount ?? 3));
  add('HaPostgresInstancesSameZone', AlertSeverity.WARNING, '15m',
    `count by (namespace, ${zone}) (max by (namespace, pod, ${zone}) (${M.podInfo}{${pods}} * on (node) group_left (${zone}) max by (node, ${zone}) (${M.nodeLabels}))) > ${perZone}`,
    `Instances of ${c} share a zone`,
    `{{ $value }} instances of cluster ${c} (namespace ${t.namespace}) run in zone {{ $labels.${zone} }}: losing that zone takes them together.`);
  add('HaPostgresInstancesSameNode', AlertSeverity.WARNING, '5m',
    `count by (namespace, node) (max by (namespace, node, pod) (${M.podInfo}{${pods}})) > 1`,
    `Instances of ${c} share a node`,
    `{{ $value }} instances of cluster ${c} (namespace ${t.namespace}) run on node {{ $labels.node }}: losing it takes them together.`);

  const conn = `100 * sum by (${by}, pod) (${M.backendsTotal}{${inst}}) / max by (${by}, pod) (${M.settings}{${inst},name="max_connections"})`;
  add('HaPostgresConnectionsWarning', AlertSeverity.WARNING, '5m', `${conn} > ${th.connectionsWarningPercent}`,
    `Connections of ${c} above ${th.connectionsWarningPercent} %`,
    `{{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) uses {{ $value | humanize }} % of max_connections.`);
  add('HaPostgresConnectionsCritical', AlertSeverity.CRITICAL, '5m', `${conn} > ${th.connectionsCriticalPercent}`,
    `Connections of ${c} above ${th.connectionsCriticalPercent} %`,
    `{{ $labels.pod }} of cluster ${c} (namespace ${t.namespace}) uses {{ $value | humanize }} % of max_connections: new connections will soon be refused.`);
  if (t.poolers.length > 0) {
    add('HaPostgresPoolerClientsWaiting', AlertSeverity.WARNING, th.poolerClientsWaitingFor,
      `sum by (${by}, pod) (${M.poolerClientsWaiting}{${inst}}) > 0`,
      `Pooler clients of ${c} are waiting`,
      `Clients of pooler pod {{ $labels.pod }} (cluster ${c}, namespace ${t.namespace}) wait for a server connection: the pool is too small or the database too slow.`);
  }

  const volume = (pvc: string) => `100 * max by (namespace, persistentvolumeclaim) (${M.volumeUsedBytes}{namespace="${t.namespace}",persistentvolumeclaim=~"${pvc}"} / ${M.volumeCapacityBytes}{namespace="${t.namespace}",persistentvolumeclaim=~"${pvc}"})`;
  const volumes: Array<[string, string, string]> = [['Data', 'data', `${c}-[0-9]+`]];
  if (t.separateWalVolume) volumes.push(['Wal', 'WAL', `${c}-[0-9]+-wal`]);
  for (const [name, what, pvc] of volumes) {
    add(`HaPostgres${name}VolumeFillingWarning`, AlertSeverity.WARNING, '5m', `${volume(pvc)} > ${th.volumeWarningPercent}`,
      `${what} volume of ${c} above ${th.volumeWarningPercent} %`,
      `${what} volume {{ $labels.persistentvolumeclaim }} of cluster ${c} (namespace ${t.namespace}) is {{ $value | humanize }} % full.`);
    add(`HaPostgres${name}VolumeFillingCritical`, AlertSeverity.CRITICAL, '5m', `${volume(pvc)} > ${th.volumeCriticalPercent}`,
      `${what} volume of ${c} above ${th.volumeCriticalPercent} %`,
      `${what} volume {{ $labels.persistentvolumeclaim }} of cluster ${c} (namespace ${t.namespace}) is {{ $value | humanize }} % full: PostgreSQL stops when it is full.`);
  }
  return rules;
}

function human(seconds: number): string {
  return Duration.seconds(seconds).toHumanString();
}

function bytes(n: number): string {
  const gib = n / 1024 ** 3;
  return gib >= 1 ? `${Math.round(gib * 100) / 100}GiB` : `${Math.round(n / 1024 ** 2)}MiB`;
}
