/**
 * Monitoring of a PGO cluster: the exporter sidecar (`monitoring.pgmonitor.exporter`,
 * postgres_exporter with pgMonitor's queries) on port `exporter` (9187) of the instance
 * pods that carry `postgres-operator.crunchydata.com/crunchy-postgres-exporter: "true"`,
 * a PodMonitor over them, and alert rules on the metric names that exporter really
 * exposes. They are not CloudNativePG's (`cnpg_*`): pgMonitor's are `ccp_*` plus
 * postgres_exporter's `pg_up`. Source of the names and the thresholds' shape:
 * CrunchyData/pgmonitor prometheus/containers/alert-rules.d/crunchy-alert-rules-pg.yml.containers.example
 * (commit 047b9a699bfa0669a575815818fde6d23abee19f): PGIsUp (pg_up), PGConnPerc
 * (ccp_connection_stats_total / ccp_connection_stats_max_connections), PGArchiveCommandStatus
 * (ccp_archive_command_status_seconds_since_last_fail), PGXIDWraparound
 * (ccp_transaction_wraparound_percent_towards_wraparound), PGBackRestLastCompletedFull
 * (ccp_backrest_last_full_backup_time_since_completion_seconds).
 *
 * @internal
 */
import * as prom from '../../../imports/monitoring.coreos.com';
import { EXPORTER_PORT_NAME, LABEL_CLUSTER, LABEL_EXPORTER } from './crunchy-names';

/**
 * The metric names the alerts use, all exposed by PGO's `exporter` sidecar (postgres_exporter
 * run with pgMonitor's query files; a pgMonitor query `<name>` with column `<col>` becomes
 * the metric `<name>_<col>`). Proven on Prometheus's rule engine with series of these names:
 * test/crunchy/crunchy-alerts-promtool.real.test.ts.
 */
export const CRUNCHY_ALERT_METRICS = [
  // postgres_exporter itself: 1 when its last scrape reached PostgreSQL.
  'pg_up',
  // CrunchyData/pgmonitor postgres_exporter/common/queries_global.yml (9a40539): query
  // `ccp_connection_stats`, columns `total` (count of pg_stat_activity) and `max_connections`.
  'ccp_connection_stats_total',
  'ccp_connection_stats_max_connections',
  // Same file: query `ccp_archive_command_status`, column `seconds_since_last_fail`
  // (last_failed_time - last_archived_time from pg_stat_archiver, 0 when the last archive succeeded).
  'ccp_archive_command_status_seconds_since_last_fail',
  // Same file: query `ccp_transaction_wraparound`, column `percent_towards_wraparound`.
  'ccp_transaction_wraparound_percent_towards_wraparound',
  // CrunchyData/pgmonitor postgres_exporter/linux/queries_backrest.yml (7099448), documented in
  // pgmonitor's exporter docs ("Time since completion of last pgBackRest FULL backup"); PGO's
  // exporter runs the same query.
  'ccp_backrest_last_full_backup_time_since_completion_seconds',
];

export function crunchyPodMonitorSpec(clusterName: string): prom.PodMonitorSpec {
  return {
    selector: { matchLabels: { [LABEL_CLUSTER]: clusterName, [LABEL_EXPORTER]: 'true' } },
    podMetricsEndpoints: [{
      port: EXPORTER_PORT_NAME,
      relabelings: [{
        action: prom.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
        sourceLabels: ['__meta_kubernetes_pod_label_postgres_operator_crunchydata_com_cluster'],
        targetLabel: 'cluster',
      }],
    }],
  };
}

/** Input of the alert rules. */
export interface CrunchyAlertInput {
  readonly clusterName: string;
  readonly namespace?: string;
  /** Seconds a full backup may be old before the alert (the longest gap of the full schedule plus a margin). */
  readonly fullBackupMaxAgeSeconds?: number;
}

export function crunchyPrometheusRuleSpec(a: CrunchyAlertInput): prom.PrometheusRuleSpec {
  const sel = `cluster="${a.clusterName}"${a.namespace ? `,namespace="${a.namespace}"` : ''}`;
  const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string): prom.PrometheusRuleSpecGroupsRules => ({
    alert, expr: prom.PrometheusRuleSpecGroupsRulesExpr.fromString(expr), for: forDuration,
    labels: { severity, cluster: a.clusterName }, annotations: { summary },
  });
  const rules = [
    rule('PostgresExporterDown', `pg_up{${sel}} < 1`, '1m', 'critical', `The exporter of an instance of ${a.clusterName} cannot reach PostgreSQL.`),
    rule('PostgresInstancesMissing', `count(pg_up{${sel}} == 1) < 2 or absent(pg_up{${sel}})`, '5m', 'critical',
      `Fewer than two instances of ${a.clusterName} answer: a synchronous standby is missing and writes may block.`),
    rule('PostgresConnectionsHigh', `100 * ccp_connection_stats_total{${sel}} / ccp_connection_stats_max_connections{${sel}} > 90`, '5m', 'warning',
      `An instance of ${a.clusterName} uses over 90% of max_connections.`),
    rule('PostgresWalArchivingFailing', `ccp_archive_command_status_seconds_since_last_fail{${sel}} > 300`, '1m', 'critical',
      `archive_command (pgBackRest archive-push) of ${a.clusterName} fails: WAL piles up on the volume and point-in-time recovery stops advancing.`),
    rule('PostgresXidWraparound', `ccp_transaction_wraparound_percent_towards_wraparound{${sel}} > 50`, '5m', 'warning',
      `${a.clusterName} is over half way to transaction id wraparound.`),
  ];
  if (a.fullBackupMaxAgeSeconds !== undefined) {
    rules.push(rule('PostgresFullBackupTooOld',
      `max(ccp_backrest_last_full_backup_time_since_completion_seconds{${sel}}) > ${a.fullBackupMaxAgeSeconds} or absent(ccp_backrest_last_full_backup_time_since_completion_seconds{${sel}})`,
      '10m', 'critical', `The last full pgBackRest backup of ${a.clusterName} is older than its schedule allows, or its metric is missing.`));
  }
  return { groups: [{ name: `${a.clusterName}-postgres`, rules }] };
}
