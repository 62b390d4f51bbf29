import { Chart, Testing } from 'cdk8s';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { ClusterMonitoring } from '../../lib/monitoring';
import { ALERT_NAMES } from '../../lib/monitoring/alerts/alert-rules';
import { describeWithBinaries } from '../support/binaries';
import { AlertCase, promtoolCheckRules, promtoolTestRules } from '../support/promtool';

/**
 * Every alert, run by Prometheus's own rule engine (`promtool test rules`): series just
 * over the threshold fire after `for`, series just under (or a pending alert before
 * `for` elapses) do not. Cluster `orders` in namespace `db`, defaults everywhere.
 */
const chart = new Chart(Testing.app(), 'p', { namespace: 'db', disableResourceNameHashes: true });
const db = new HaPostgres(chart, 'orders');
new ClusterMonitoring(chart, 'monitoring', { cluster: db, poolers: ['orders-pooler-rw'], topologyDiagram: false });
const rule = Testing.synth(chart).find((m) => m.kind === 'PrometheusRule');

const NS = 'namespace="db"';
const C = `${NS},cluster="orders"`;
const base = { namespace: 'db', cluster: 'orders' };
const crit = (l: Record<string, string>) => ({ ...base, severity: 'critical', ...l });
const warn = (l: Record<string, string>) => ({ ...base, severity: 'warning', ...l });
const s = (series: string, values: string) => ({ series, values });

/** A case per alert and situation; `fires` / `quiet` evaluations. */
const cases: AlertCase[] = [
  // Replication lag: 30 s / 5 min, for 1m.
  { alert: 'HaPostgresReplicationLagWarning', series: [s(`cnpg_pg_replication_lag{${C},pod="orders-2"}`, '31x10')],
    evals: [{ at: '30s' }, { at: '2m', labels: warn({ pod: 'orders-2' }) }] },
  { alert: 'HaPostgresReplicationLagWarning', series: [s(`cnpg_pg_replication_lag{${C},pod="orders-2"}`, '29x10')], evals: [{ at: '5m' }] },
  { alert: 'HaPostgresReplicationLagCritical', series: [s(`cnpg_pg_replication_lag{${C},pod="orders-3"}`, '301x10')],
    evals: [{ at: '2m', labels: crit({ pod: 'orders-3' }) }] },
  { alert: 'HaPostgresReplicationLagCritical', series: [s(`cnpg_pg_replication_lag{${C},pod="orders-3"}`, '299x10')], evals: [{ at: '5m' }] },
  // Inactive slot on the primary for 10m; the standbys' copies do not count.
  { alert: 'HaPostgresReplicationSlotInactive', series: [
    s(`cnpg_pg_replication_slots_active{${C},pod="orders-1",slot_name="_cnpg_orders_2",slot_type="physical"}`, '0x20'),
    s(`cnpg_pg_replication_in_recovery{${C},pod="orders-1"}`, '0x20')],
  evals: [{ at: '9m' }, { at: '11m', labels: warn({ pod: 'orders-1', slot_name: '_cnpg_orders_2', slot_type: 'physical' }) }] },
  { alert: 'HaPostgresReplicationSlotInactive', series: [
    s(`cnpg_pg_replication_slots_active{${C},pod="orders-2",slot_name="_cnpg_orders_3",slot_type="physical"}`, '0x20'),
    s(`cnpg_pg_replication_in_recovery{${C},pod="orders-2"}`, '1x20'),
    s(`cnpg_pg_replication_slots_active{${C},pod="orders-1",slot_name="_cnpg_orders_2",slot_type="physical"}`, '1x20'),
    s(`cnpg_pg_replication_in_recovery{${C},pod="orders-1"}`, '0x20')], evals: [{ at: '15m' }] },
  // WAL retained by a slot: 80 % of max_slot_wal_keep_size (10Gi) = 8Gi.
  { alert: 'HaPostgresReplicationSlotWalRetained', series: [s(`cnpg_pg_replication_slots_pg_wal_lsn_diff{${C},pod="orders-1",slot_name="_cnpg_orders_2"}`, `${8 * 1024 ** 3 + 1}x10`)],
    evals: [{ at: '6m', labels: warn({ pod: 'orders-1', slot_name: '_cnpg_orders_2' }) }] },
  { alert: 'HaPostgresReplicationSlotWalRetained', series: [s(`cnpg_pg_replication_slots_pg_wal_lsn_diff{${C},pod="orders-1",slot_name="_cnpg_orders_2"}`, `${8 * 1024 ** 3 - 1}x10`)],
    evals: [{ at: '6m' }] },
  // Archiving: the last failure is newer than the last success.
  { alert: 'HaPostgresWalArchivingFailing', series: [
    s(`cnpg_pg_stat_archiver_last_failed_time{${C},pod="orders-1"}`, '1000x10'),
    s(`cnpg_pg_stat_archiver_last_archived_time{${C},pod="orders-1"}`, '998x10')],
  evals: [{ at: '4m' }, { at: '6m', labels: crit({ pod: 'orders-1' }) }] },
  { alert: 'HaPostgresWalArchivingFailing', series: [
    s(`cnpg_pg_stat_archiver_last_failed_time{${C},pod="orders-1"}`, '1000x10'),
    s(`cnpg_pg_stat_archiver_last_archived_time{${C},pod="orders-1"}`, '1001x10')], evals: [{ at: '6m' }] },
  // Newest backup taken at t=0: older than 26 h after 26h, firing 10m later (rules evaluated every 10m here).
  { alert: 'HaPostgresBaseBackupTooOld', interval: '5m', evaluationInterval: '10m',
    series: [s(`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${C},pod="orders-1"}`, '0x330')],
    evals: [{ at: '25h50m' }, { at: '26h10m' }, { at: '26h30m', labels: warn({}) }] },
  // Restore drill: last success at t=0 (or, never succeeded, created at t=0): overdue after 34 days (816h), for 1h.
  // (rules evaluated every 30m here: 34 days at 1m would take promtool minutes)
  { alert: 'HaPostgresRestoreDrillOverdue', interval: '30m', evaluationInterval: '30m',
    series: [s(`kube_cronjob_status_last_successful_time{${NS},cronjob="orders-restore-drill"}`, '0x1700')],
    evals: [{ at: '815h30m' }, { at: '816h30m' }, { at: '818h', labels: warn({ cronjob: 'orders-restore-drill' }) }] },
  { alert: 'HaPostgresRestoreDrillOverdue', interval: '30m', evaluationInterval: '30m',
    series: [s(`kube_cronjob_created{${NS},cronjob="orders-restore-drill"}`, '0x1700')],
    evals: [{ at: '818h', labels: warn({ cronjob: 'orders-restore-drill' }) }] },
  // Streaming standbys seen from the primary (the standbys report -1: 0 replicas, receiver up).
  ...streamingCases(),
  // Instances up.
  { alert: 'HaPostgresInstanceDown', series: [up('orders-1', 1), up('orders-2', 1), up('orders-3', 0)],
    evals: [{ at: '4m' }, { at: '6m', labels: warn({}) }] },
  { alert: 'HaPostgresInstanceDown', series: [up('orders-1', 1), up('orders-2', 1), up('orders-3', 1)], evals: [{ at: '6m' }] },
  { alert: 'HaPostgresClusterOffline', series: [up('orders-1', 0), up('orders-2', 0), up('orders-3', 0)],
    evals: [{ at: '6m', labels: crit({}) }] },
  { alert: 'HaPostgresClusterOffline', series: [s(`cnpg_collector_up{namespace="db",cluster="other",pod="other-1"}`, '1x10')],
    evals: [{ at: '6m', labels: crit({}) }] },
  { alert: 'HaPostgresClusterOffline', series: [up('orders-1', 0), up('orders-2', 1), up('orders-3', 0)], evals: [{ at: '6m' }] },
  // Placement, from kube-state-metrics.
  { alert: 'HaPostgresInstancesSameZone', series: [...pods(['n1', 'n2', 'n3']), ...zones({ n1: 'a', n2: 'a', n3: 'b' })],
    evals: [{ at: '14m' }, { at: '16m', labels: { namespace: 'db', cluster: 'orders', severity: 'warning', label_topology_kubernetes_io_zone: 'a' } }] },
  { alert: 'HaPostgresInstancesSameZone', series: [...pods(['n1', 'n2', 'n3']), ...zones({ n1: 'a', n2: 'b', n3: 'c' })], evals: [{ at: '16m' }] },
  { alert: 'HaPostgresInstancesSameNode', series: pods(['n1', 'n1', 'n3']),
    evals: [{ at: '6m', labels: { namespace: 'db', cluster: 'orders', severity: 'warning', node: 'n1' } }] },
  { alert: 'HaPostgresInstancesSameNode', series: pods(['n1', 'n2', 'n3']), evals: [{ at: '6m' }] },
  // Connections: 80 % / 95 % of max_connections 200.
  ...connectionCases('HaPostgresConnectionsWarning', 161, 159, warn),
  ...connectionCases('HaPostgresConnectionsCritical', 191, 189, crit),
  // Pooler clients waiting for 2m.
  { alert: 'HaPostgresPoolerClientsWaiting', series: [s(`cnpg_pgbouncer_pools_cl_waiting{${C},pod="orders-pooler-rw-7d9f-x2",database="app",user="app"}`, '1x10')],
    evals: [{ at: '1m' }, { at: '3m', labels: warn({ pod: 'orders-pooler-rw-7d9f-x2' }) }] },
  { alert: 'HaPostgresPoolerClientsWaiting', series: [s(`cnpg_pgbouncer_pools_cl_waiting{${C},pod="orders-pooler-rw-7d9f-x2",database="app",user="app"}`, '0x10')],
    evals: [{ at: '3m' }] },
  // Volumes: 70 % / 90 %; the data alert ignores the WAL volume and the other way round.
  ...volumeCases('HaPostgresDataVolumeFillingWarning', 'orders-1', 71, 69, warn),
  ...volumeCases('HaPostgresDataVolumeFillingCritical', 'orders-2', 91, 89, crit),
  ...volumeCases('HaPostgresWalVolumeFillingWarning', 'orders-1-wal', 71, 69, warn),
  ...volumeCases('HaPostgresWalVolumeFillingCritical', 'orders-3-wal', 91, 89, crit),
  { alert: 'HaPostgresDataVolumeFillingCritical', series: volume('orders-1-wal', 99), evals: [{ at: '6m' }] },
  { alert: 'HaPostgresWalVolumeFillingCritical', series: volume('orders-1', 99), evals: [{ at: '6m' }] },
];

function up(pod: string, v: number) {
  return s(`cnpg_collector_up{${C},pod="${pod}"}`, `${v}x10`);
}
function pods(nodes: string[]) {
  return nodes.map((n, i) => s(`kube_pod_info{${NS},pod="orders-${i + 1}",node="${n}",instance="ksm:8080"}`, '1x20'));
}
function zones(z: Record<string, string>) {
  return Object.entries(z).map(([node, zone]) => s(`kube_node_labels{node="${node}",label_topology_kubernetes_io_zone="${zone}",instance="ksm:8080"}`, '1x20'));
}
function streamingCases(): AlertCase[] {
  const series = (primaryReplicas: number) => [
    s(`cnpg_pg_replication_streaming_replicas{${C},pod="orders-1"}`, `${primaryReplicas}x10`),
    s(`cnpg_pg_replication_is_wal_receiver_up{${C},pod="orders-1"}`, '0x10'),
    s(`cnpg_pg_replication_streaming_replicas{${C},pod="orders-2"}`, '0x10'),
    s(`cnpg_pg_replication_is_wal_receiver_up{${C},pod="orders-2"}`, '1x10'),
  ];
  return [
    { alert: 'HaPostgresStandbysStreamingWarning', series: series(1), evals: [{ at: '4m' }, { at: '6m', labels: warn({}) }] },
    { alert: 'HaPostgresStandbysStreamingWarning', series: series(2), evals: [{ at: '6m' }] },
    { alert: 'HaPostgresStandbysStreamingCritical', series: series(0), evals: [{ at: '6m', labels: crit({}) }] },
    { alert: 'HaPostgresStandbysStreamingCritical', series: series(1), evals: [{ at: '6m' }] },
  ];
}
function connectionCases(alert: string, over: number, under: number, sev: typeof warn): AlertCase[] {
  const series = (n: number) => [
    s(`cnpg_backends_total{${C},pod="orders-1",datname="app",usename="app",state="active"}`, `${n - 10}x10`),
    s(`cnpg_backends_total{${C},pod="orders-1",datname="app",usename="app",state="idle"}`, '10x10'),
    s(`cnpg_pg_settings_setting{${C},pod="orders-1",name="max_connections"}`, '200x10'),
    s(`cnpg_pg_settings_setting{${C},pod="orders-1",name="work_mem"}`, '4096x10'),
  ];
  return [
    { alert, series: series(over), evals: [{ at: '4m' }, { at: '6m', labels: sev({ pod: 'orders-1' }) }] },
    { alert, series: series(under), evals: [{ at: '6m' }] },
  ];
}
function volume(pvc: string, percent: number) {
  return [
    s(`kubelet_volume_stats_used_bytes{${NS},persistentvolumeclaim="${pvc}",node="n1"}`, `${percent}x10`),
    s(`kubelet_volume_stats_capacity_bytes{${NS},persistentvolumeclaim="${pvc}",node="n1"}`, '100x10'),
  ];
}
function volumeCases(alert: string, pvc: string, over: number, under: number, sev: typeof warn): AlertCase[] {
  return [
    { alert, series: volume(pvc, over), evals: [{ at: '4m' }, { at: '6m', labels: sev({ persistentvolumeclaim: pvc }) }] },
    { alert, series: volume(pvc, under), evals: [{ at: '6m' }] },
  ];
}

test('every alert the library emits has a firing and a quiet case here', () => {
  const ruleAlerts = rule.spec.groups[0].rules.map((r: any) => r.alert).sort();
  expect(ruleAlerts).toEqual([...ALERT_NAMES].sort());
  for (const a of ALERT_NAMES) {
    const mine = cases.filter((c) => c.alert === a);
    expect({ a, fires: mine.some((c) => c.evals.some((e) => e.labels)) }).toEqual({ a, fires: true });
    expect({ a, quiet: mine.some((c) => c.evals.some((e) => !e.labels)) }).toEqual({ a, quiet: true });
  }
});

describeWithBinaries(['promtool'], 'alerts under promtool test rules', () => {
  test('just over the threshold fires after `for`; just under does not', () => {
    const result = promtoolTestRules(rule.spec, cases);
    if (!result.ok) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ms).toBeLessThan(30_000);
  });

  test('promtool check rules accepts the full rules, annotation templates included', () => {
    const result = promtoolCheckRules(rule.spec);
    expect(result.output).toMatch(/SUCCESS: 20 rules found/);
    expect(result.ok).toBe(true);
  });

  test('a broken expectation is reported (the harness can fail)', () => {
    const result = promtoolTestRules(rule.spec, [{ alert: 'HaPostgresReplicationLagWarning',
      series: [s(`cnpg_pg_replication_lag{${C},pod="orders-2"}`, '29x10')], evals: [{ at: '5m', labels: warn({ pod: 'orders-2' }) }] }]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/HaPostgresReplicationLagWarning/);
  });
});
