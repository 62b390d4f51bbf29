import { Testing } from 'cdk8s';
import { CrunchyChart } from '../../examples/crunchy/chart';
import { CRUNCHY_ALERT_METRICS } from '../../lib/engines/crunchy/crunchy-monitoring';
import { describeWithBinaries } from '../support/binaries';
import { AlertCase, promtoolCheckRules, promtoolTestRules } from '../support/promtool';

/**
 * The PGO engine's alerts (lib/engines/crunchy/crunchy-monitoring.ts), run by Prometheus's own
 * rule engine (`promtool test rules`) on synthetic series named as PGO's exporter names them:
 * postgres_exporter's `pg_up` and pgMonitor's `ccp_*` (CrunchyData/pgmonitor
 * postgres_exporter/common/queries_global.yml and queries_backrest.yml, cited in the module).
 * The labels are what the engine's PodMonitor gives: `cluster` from PGO's cluster label,
 * `namespace` and `pod` from prometheus-operator. Just over each threshold fires after `for`;
 * just under (or before `for` elapses) does not. The rules are the crunchy example's.
 */
const ms = Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'));
const rule = ms.find((m) => m.kind === 'PrometheusRule');

const C = 'namespace="payments",cluster="orders-db"';
const base = { cluster: 'orders-db' };
const crit = (l: Record<string, string> = {}) => ({ ...base, severity: 'critical', ...l });
const warn = (l: Record<string, string> = {}) => ({ ...base, severity: 'warning', ...l });
const s = (series: string, values: string) => ({ series, values });
const POD = (n: number) => `orders-db-pg-x7k2-${n}`;
const up = (n: number, v: number) => s(`pg_up{${C},pod="${POD(n)}"}`, `${v}x20`);
const inPod = (n: number) => ({ namespace: 'payments', pod: POD(n) });

/** The weekly full (Sunday 01:00) allows 7 days plus half of it: 907200 s. */
const FULL_MAX_AGE = 7 * 24 * 3600 * 1.5;

const cases: AlertCase[] = [
  // The exporter cannot reach PostgreSQL (pg_up 0) for 1m.
  { alert: 'PostgresExporterDown', series: [up(1, 1), up(2, 0)], evals: [{ at: '30s' }, { at: '2m', labels: crit(inPod(2)) }] },
  { alert: 'PostgresExporterDown', series: [up(1, 1), up(2, 1)], evals: [{ at: '5m' }] },
  // Fewer than two instances answer for 5m (a synchronous standby is missing), or no series at all.
  { alert: 'PostgresInstancesMissing', series: [up(1, 1), up(2, 0), up(3, 0)], evals: [{ at: '4m' }, { at: '6m', labels: crit() }] },
  { alert: 'PostgresInstancesMissing', series: [up(1, 1), up(2, 1), up(3, 0)], evals: [{ at: '10m' }] },
  { alert: 'PostgresInstancesMissing', series: [s('pg_up{namespace="payments",cluster="other",pod="other-pg-1"}', '1x20')], evals: [{ at: '6m', labels: crit() }] },
  // Connections over 90 % of max_connections (300) for 5m: 271 fires, 270 does not.
  { alert: 'PostgresConnectionsHigh', series: connections(271), evals: [{ at: '4m' }, { at: '6m', labels: warn(inPod(1)) }] },
  { alert: 'PostgresConnectionsHigh', series: connections(270), evals: [{ at: '10m' }] },
  // archive_command failing: the last failure 301 s newer than the last success, for 1m.
  { alert: 'PostgresWalArchivingFailing', series: [s(`ccp_archive_command_status_seconds_since_last_fail{${C},pod="${POD(1)}"}`, '301x10')],
    evals: [{ at: '30s' }, { at: '2m', labels: crit(inPod(1)) }] },
  { alert: 'PostgresWalArchivingFailing', series: [s(`ccp_archive_command_status_seconds_since_last_fail{${C},pod="${POD(1)}"}`, '300x10')], evals: [{ at: '5m' }] },
  // Over half way to wraparound for 5m.
  { alert: 'PostgresXidWraparound', series: [s(`ccp_transaction_wraparound_percent_towards_wraparound{${C},pod="${POD(1)}"}`, '51x10')],
    evals: [{ at: '4m' }, { at: '6m', labels: warn(inPod(1)) }] },
  { alert: 'PostgresXidWraparound', series: [s(`ccp_transaction_wraparound_percent_towards_wraparound{${C},pod="${POD(1)}"}`, '50x10')], evals: [{ at: '6m' }] },
  // The last full backup older than the weekly schedule allows (or the metric missing) for 10m.
  { alert: 'PostgresFullBackupTooOld', series: [s(`ccp_backrest_last_full_backup_time_since_completion_seconds{${C},pod="${POD(1)}",stanza="db"}`, `${FULL_MAX_AGE + 1}x20`)],
    evals: [{ at: '9m' }, { at: '11m', labels: crit() }] },
  { alert: 'PostgresFullBackupTooOld', series: [s(`ccp_backrest_last_full_backup_time_since_completion_seconds{${C},pod="${POD(1)}",stanza="db"}`, `${FULL_MAX_AGE}x20`)],
    evals: [{ at: '15m' }] },
  { alert: 'PostgresFullBackupTooOld', series: [up(1, 1)], evals: [{ at: '11m', labels: crit() }] },
];

function connections(total: number) {
  return [
    s(`ccp_connection_stats_total{${C},pod="${POD(1)}"}`, `${total}x10`),
    s(`ccp_connection_stats_max_connections{${C},pod="${POD(1)}"}`, '300x10'),
  ];
}

test('every alert of the example has a firing and a quiet case here, on the exporter\'s metric names only', () => {
  const alerts = rule.spec.groups[0].rules.map((r: any) => r.alert).sort();
  expect(alerts).toEqual(['PostgresConnectionsHigh', 'PostgresExporterDown', 'PostgresFullBackupTooOld', 'PostgresInstancesMissing', 'PostgresWalArchivingFailing', 'PostgresXidWraparound']);
  for (const a of alerts) {
    const mine = cases.filter((c) => c.alert === a);
    expect({ a, fires: mine.some((c) => c.evals.some((e) => e.labels)), quiet: mine.some((c) => c.evals.some((e) => !e.labels)) }).toEqual({ a, fires: true, quiet: true });
  }
  const used = new Set(cases.flatMap((c) => c.series.map((x) => x.series.replace(/\{.*$/, ''))));
  expect([...used].every((n) => CRUNCHY_ALERT_METRICS.includes(n))).toBe(true);
  expect(rule.spec.groups[0].rules.find((r: any) => r.alert === 'PostgresFullBackupTooOld').expr).toContain(`> ${FULL_MAX_AGE} `);
});

describeWithBinaries(['promtool'], 'PGO alerts under promtool', () => {
  test('promtool check rules accepts them', () => {
    const result = promtoolCheckRules(rule.spec);
    expect(result.output).toMatch(/SUCCESS: 6 rules found/);
    expect(result.ok).toBe(true);
  });

  test('promtool test rules: just over the threshold fires after `for`; just under does not', () => {
    const result = promtoolTestRules(rule.spec, cases);
    if (!result.ok) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output).toMatch(/SUCCESS/);
  });

  test('a wrong expectation is reported (the harness can fail)', () => {
    const result = promtoolTestRules(rule.spec, [{ alert: 'PostgresXidWraparound',
      series: [s(`ccp_transaction_wraparound_percent_towards_wraparound{${C},pod="${POD(1)}"}`, '50x10')], evals: [{ at: '6m', labels: warn(inPod(1)) }] }]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/PostgresXidWraparound/);
  });
});
