import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import { ClusterMode } from '../../lib/model/cluster-mode';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { ClusterMonitoring } from '../../lib/monitoring';
import { ALERT_NAMES } from '../../lib/monitoring/alerts/alert-rules';

const DEFAULT_RUNBOOK_BASE_URL = ClusterMonitoring.DEFAULT_RUNBOOK_BASE_URL;
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

const rulesOf = (ms: any[]) => only(ms, 'PrometheusRule').spec.groups[0].rules as any[];
const ruleNamed = (ms: any[], alert: string) => rulesOf(ms).find((r) => r.alert === alert);

describe('ClusterMonitoring defaults', () => {
  const ms = synth((c) => new ClusterMonitoring(c, 'monitoring', { cluster: new HaPostgres(c, 'orders'), topologyDiagram: false }));
  const podMonitor = only(ms, 'PodMonitor');
  const rule = only(ms, 'PrometheusRule');

  test('every object passes its schema (PodMonitor and PrometheusRule CRDs included)', () => expectValidManifests(ms));

  test('instance PodMonitor: cluster instances, port metrics, cluster label from the pod label, plain HTTP', () => {
    expect(podMonitor.metadata).toMatchObject({ name: 'orders-instances', namespace: 'db' });
    expect(podMonitor.spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/cluster': 'orders', 'cnpg.io/podRole': 'instance' } },
      podMetricsEndpoints: [{
        port: 'metrics',
        relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_cnpg_io_cluster'], targetLabel: 'cluster' }],
      }],
    });
  });

  test('the deprecated operator PodMonitor stays off', () => {
    expect(only(ms, 'Cluster').spec.monitoring?.enablePodMonitor).toBeUndefined();
  });

  test('one PrometheusRule in the cluster namespace with the 19 alerts of a cluster without pooler', () => {
    expect(rule.metadata).toMatchObject({ name: 'orders-alerts', namespace: 'db' });
    expect(rulesOf(ms).map((r) => r.alert)).toEqual(ALERT_NAMES.filter((a) => a !== 'HaPostgresPoolerClientsWaiting'));
  });

  test('each alert has severity, for, namespace/cluster labels, summary, a description naming the cluster, and a runbook in this repo', () => {
    for (const r of rulesOf(ms)) {
      expect(r.labels).toEqual({ severity: expect.stringMatching(/^(warning|critical)$/), namespace: 'db', cluster: 'orders' });
      expect(r.for).toMatch(/^\d+[smhd]$/);
      expect(r.annotations.summary).toMatch(/orders/);
      expect(r.annotations.description).toMatch(/cluster orders/);
      expect(r.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}/${r.alert}.md`);
      const runbook = join(__dirname, '..', '..', 'docs', 'runbooks', `${r.alert}.md`);
      expect({ runbook, exists: existsSync(runbook) }).toEqual({ runbook, exists: true });
      expect(readFileSync(runbook, 'utf8')).toMatch(new RegExp(`^# ${r.alert}`));
    }
  });

  test('default thresholds: lag 30 s / 5 min, slot WAL 80 % of max_slot_wal_keep_size, backup 26 h, drill 34 d, 80/95 %, 70/90 %', () => {
    expect(ruleNamed(ms, 'HaPostgresReplicationLagWarning').expr).toMatch(/> 30$/);
    expect(ruleNamed(ms, 'HaPostgresReplicationLagCritical').expr).toMatch(/> 300$/);
    expect(ruleNamed(ms, 'HaPostgresReplicationSlotWalRetained').expr).toMatch(new RegExp(`> ${Math.round(10 * 1024 ** 3 * 0.8)}$`));
    expect(ruleNamed(ms, 'HaPostgresBaseBackupTooOld').expr).toMatch(/> 93600$/);
    expect(ruleNamed(ms, 'HaPostgresRestoreDrillOverdue').expr).toMatch(/cronjob="orders-restore-drill".*> 2937600$/);
    expect(ruleNamed(ms, 'HaPostgresConnectionsWarning').expr).toMatch(/> 80$/);
    expect(ruleNamed(ms, 'HaPostgresConnectionsCritical').expr).toMatch(/> 95$/);
    expect(ruleNamed(ms, 'HaPostgresDataVolumeFillingWarning').expr).toMatch(/persistentvolumeclaim=~"orders-\[0-9\]\+".*> 70$/);
    expect(ruleNamed(ms, 'HaPostgresWalVolumeFillingCritical').expr).toMatch(/persistentvolumeclaim=~"orders-\[0-9\]\+-wal".*> 90$/);
    expect(ruleNamed(ms, 'HaPostgresStandbysStreamingWarning').expr).toMatch(/< 2$/);
    expect(ruleNamed(ms, 'HaPostgresStandbysStreamingCritical').expr).toMatch(/< 1$/);
  });

  test('instance metrics are selected by namespace and cluster label; kube-state-metrics by pod name', () => {
    expect(ruleNamed(ms, 'HaPostgresReplicationLagWarning').expr).toContain('cnpg_pg_replication_lag{namespace="db",cluster="orders"}');
    expect(ruleNamed(ms, 'HaPostgresInstancesSameNode').expr).toContain('kube_pod_info{namespace="db",pod=~"orders-[0-9]+"}');
  });
});

describe('ClusterMonitoring options', () => {
  test('typed thresholds, runbook base URL and Prometheus selection labels', () => {
    const ms = synth((c) => new ClusterMonitoring(c, 'm', {
      cluster: new HaPostgres(c, 'orders', { walStorage: { size: Size.gibibytes(100) }, maxSlotWalKeepSize: Size.gibibytes(40) }),
      topologyDiagram: false,
      runbookBaseUrl: 'https://runbooks.example.com/pg/',
      ruleLabels: { release: 'kube-prometheus-stack' },
      backupPeriod: Duration.hours(6),
      restoreDrill: { cronJobName: 'orders-drill', period: Duration.days(7) },
      thresholds: {
        replicationLagWarning: Duration.seconds(10), replicationLagCritical: Duration.minutes(2), slotWalRetained: Size.gibibytes(20),
        connectionsWarningPercent: 70, connectionsCriticalPercent: 90, volumeWarningPercent: 60, volumeCriticalPercent: 85,
        slotInactiveFor: Duration.minutes(30),
      },
    }));
    expectValidManifests(ms);
    expect(ruleNamed(ms, 'HaPostgresReplicationLagWarning').expr).toMatch(/> 10$/);
    expect(ruleNamed(ms, 'HaPostgresReplicationLagCritical').expr).toMatch(/> 120$/);
    expect(ruleNamed(ms, 'HaPostgresReplicationSlotWalRetained').expr).toMatch(new RegExp(`> ${20 * 1024 ** 3}$`));
    expect(ruleNamed(ms, 'HaPostgresReplicationSlotInactive').for).toBe('30m');
    expect(ruleNamed(ms, 'HaPostgresBaseBackupTooOld').expr).toMatch(/> 28800$/);
    expect(ruleNamed(ms, 'HaPostgresRestoreDrillOverdue').expr).toMatch(/cronjob="orders-drill".*> 864000$/);
    expect(ruleNamed(ms, 'HaPostgresConnectionsCritical').expr).toMatch(/> 90$/);
    expect(ruleNamed(ms, 'HaPostgresDataVolumeFillingWarning').expr).toMatch(/> 60$/);
    expect(ruleNamed(ms, 'HaPostgresReplicationLagWarning').annotations.runbook_url).toBe('https://runbooks.example.com/pg/HaPostgresReplicationLagWarning.md');
    for (const kind of ['PrometheusRule', 'PodMonitor']) expect(only(ms, kind).metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('metrics TLS read from the Cluster: https, the cluster CA and the -rw server name', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'orders');
      new ClusterMonitoring(c, 'm', { cluster: db, topologyDiagram: false });
      db.addOverride('spec.monitoring.tls.enabled', true); // after the monitoring: read lazily
    });
    expectValidManifests(ms);
    expect(only(ms, 'PodMonitor').spec.podMetricsEndpoints[0]).toMatchObject({
      port: 'metrics', scheme: 'https', tlsConfig: { ca: { secret: { name: 'orders-ca', key: 'ca.crt' } }, serverName: 'orders-rw' },
    });
  });

  test('named poolers: one poolers PodMonitor (cluster label set), the waiting-clients alert, also when added later', () => {
    const ms = synth((c) => {
      const m = new ClusterMonitoring(c, 'm', { cluster: new HaPostgres(c, 'orders'), poolers: ['orders-pooler-rw'], topologyDiagram: false });
      m.addPooler('orders-pooler-ro');
    });
    expectValidManifests(ms);
    const monitors = ms.filter((m) => m.kind === 'PodMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['orders-instances', 'orders-poolers']);
    expect(monitors.find((m) => m.metadata.name === 'orders-poolers').spec).toEqual({
      selector: {
        matchLabels: { 'cnpg.io/podRole': 'pooler' },
        matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['orders-pooler-ro', 'orders-pooler-rw'] }],
      },
      podMetricsEndpoints: [{ port: 'metrics', relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'orders' }] }],
    });
    expect(ruleNamed(ms, 'HaPostgresPoolerClientsWaiting').expr).toBe('sum by (namespace, cluster, pod) (cnpg_pgbouncer_pools_cl_waiting{namespace="db",cluster="orders"}) > 0');
  });

  test('without a WAL volume there are no WAL volume alerts; 5 instances in 3 zones allow 2 per zone', () => {
    const ms = synth((c) => new ClusterMonitoring(c, 'm', {
      cluster: new HaPostgres(c, 'orders', { separateWalVolume: false, mode: ClusterMode.highAvailability(5) }),
      topologyDiagram: false,
    }));
    expect(rulesOf(ms).some((r) => r.alert.startsWith('HaPostgresWalVolume'))).toBe(false);
    expect(ruleNamed(ms, 'HaPostgresInstancesSameZone').expr).toMatch(/> 2$/);
    expect(ruleNamed(ms, 'HaPostgresStandbysStreamingWarning').expr).toMatch(/< 4$/);
    expect(ruleNamed(ms, 'HaPostgresInstanceDown').expr).toMatch(/< 5$/);
  });
});

describe('ClusterMonitoring errors', () => {
  test('bad thresholds: each names the property, the value and the fix, all at once', () => {
    const msg = synthError((c) => new ClusterMonitoring(c, 'm', {
      cluster: new HaPostgres(c, 'orders'), topologyDiagram: false,
      runbookBaseUrl: 'runbooks',
      ruleLabels: { release: 'not valid!' },
      thresholds: {
        replicationLagWarning: Duration.minutes(10), replicationLagCritical: Duration.minutes(5),
        slotWalRetained: Size.gibibytes(10), connectionsWarningPercent: 96, volumeCriticalPercent: 120,
        backupMaxAge: Duration.hours(12),
      },
    }));
    expect(msg).toMatch(/thresholds\.replicationLagCritical = 5 minutes: must be above replicationLagWarning \(10 minutes\).*Fix:/);
    expect(msg).toMatch(/thresholds\.slotWalRetained = 10Gi: is not below the cluster's maxSlotWalKeepSize \(\w+\): PostgreSQL invalidates the slot.*Fix: use at most 80 %/);
    expect(msg).toMatch(/thresholds\.connectionsCriticalPercent = 95: must be above connectionsWarningPercent \(96\)/);
    expect(msg).toMatch(/thresholds\.volumeCriticalPercent = 120: must be a percentage above 0 and below 100\. Fix:/);
    expect(msg).toMatch(/thresholds\.backupMaxAge = 12 hours: must be above the backup period \(1 day\)/);
    expect(msg).toMatch(/runbookBaseUrl = "runbooks": is not an http\(s\) URL/);
    expect(msg).toMatch(/ruleLabels\.release = "not valid!": is not a valid label value/);
  });

  test('a chart without namespace is refused (alerts must select one)', () => {
    const chart = new Chart(Testing.app(), 'nons');
    new ClusterMonitoring(chart, 'm', { cluster: new HaPostgres(chart, 'orders'), topologyDiagram: false });
    expect(() => Testing.synth(chart)).toThrow(/namespace \(of the chart\) = undefined: alerts must select the cluster's namespace.*Fix: give the chart a namespace/);
  });

  test('monitoring in another namespace than the cluster is refused', () => {
    const app = Testing.app();
    const db = new HaPostgres(new Chart(app, 'a', { namespace: 'db' }), 'orders');
    const other = new Chart(app, 'b', { namespace: 'monitoring' });
    new ClusterMonitoring(other, 'm', { cluster: db, topologyDiagram: false });
    expect(() => Testing.synth(other)).toThrow(/cluster = "orders": is in namespace "db", but this monitoring is in "monitoring"/);
  });

  test('a pooler named like its cluster is refused', () => {
    expect(synthError((c) => new ClusterMonitoring(c, 'm', { cluster: new HaPostgres(c, 'orders'), poolers: ['orders'], topologyDiagram: false })))
      .toMatch(/poolers = "orders": a Pooler cannot have the name of its cluster/);
  });
});

describe('ClusterMonitoring and what it cannot scrape', () => {
  test('a Pooler serving metrics over TLS is an error (the poolers\' PodMonitor scrapes HTTP)', () => {
    expect(synthError((c) => {
      new ClusterMonitoring(c, 'm', { cluster: new HaPostgres(c, 'orders'), poolers: ['orders-pooler'], topologyDiagram: false });
      new ApiObject(c, 'pooler', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'orders-pooler' },
        spec: { cluster: { name: 'orders' }, pgbouncer: { poolMode: 'transaction' }, monitoring: { tls: { enabled: true } } } });
    })).toMatch(/Pooler orders-pooler = "monitoring\.tls\.enabled": serves its metrics over TLS.*Fix:/);
  });
});

test('alertRules() returns what the PrometheusRule contains', () => {
  let monitoring!: ClusterMonitoring;
  const ms = synth((c) => { monitoring = new ClusterMonitoring(c, 'm', { cluster: new HaPostgres(c, 'orders'), topologyDiagram: false }); });
  expect(monitoring.alertRules().map((r) => ({ alert: r.alert, expr: r.expr, for: r.pendingFor, severity: r.severity })))
    .toEqual(rulesOf(ms).map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, severity: r.labels.severity })));
  expect(ClusterMonitoring.ALERT_NAMES).toHaveLength(20);
});
