/**
 * Metric names the alerts use, each with the file that exports it. Checked against
 * CloudNativePG v1.30 and the Barman Cloud plugin v0.14.0 (see docs/guides/monitoring.md).
 */
export const METRICS = {
  // cloudnative-pg config/manager/default-monitoring.yaml, query `pg_replication`
  replicationLag: 'cnpg_pg_replication_lag',
  inRecovery: 'cnpg_pg_replication_in_recovery',
  walReceiverUp: 'cnpg_pg_replication_is_wal_receiver_up',
  streamingReplicas: 'cnpg_pg_replication_streaming_replicas',
  // default-monitoring.yaml, query `pg_replication_slots` (labels slot_name, slot_type, database)
  slotActive: 'cnpg_pg_replication_slots_active',
  slotWalRetainedBytes: 'cnpg_pg_replication_slots_pg_wal_lsn_diff',
  // default-monitoring.yaml, query `pg_stat_archiver` (primary only, by its predicate_query)
  archiverLastFailedTime: 'cnpg_pg_stat_archiver_last_failed_time',
  archiverLastArchivedTime: 'cnpg_pg_stat_archiver_last_archived_time',
  // default-monitoring.yaml, queries `backends` and `pg_settings`
  backendsTotal: 'cnpg_backends_total',
  settings: 'cnpg_pg_settings_setting',
  // instance manager's built-in collector (pkg/management/postgres/webserver/metricserver)
  collectorUp: 'cnpg_collector_up',
  // Barman Cloud plugin sidecar, served on the instance's metrics port (plugin docs observability.md)
  lastAvailableBackup: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
  // pkg/management/pgbouncer/metricsserver/pools.go (namespace cnpg, subsystem pgbouncer_pools)
  poolerClientsWaiting: 'cnpg_pgbouncer_pools_cl_waiting',
  // kube-state-metrics
  podInfo: 'kube_pod_info',
  nodeLabels: 'kube_node_labels',
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  cronJobCreated: 'kube_cronjob_created',
  // kubelet
  volumeUsedBytes: 'kubelet_volume_stats_used_bytes',
  volumeCapacityBytes: 'kubelet_volume_stats_capacity_bytes',
} as const;

/** The Prometheus label kube-state-metrics gives a node label (`topology.kubernetes.io/zone` → `label_topology_kubernetes_io_zone`). */
export function kubeNodeLabelName(labelKey: string): string {
  return `label_${labelKey.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}
