import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { HaPostgres } from '../../../lib/cluster/ha-postgres';
import { ClusterMonitoring } from '../../../lib/monitoring';
import { runCli } from '../../support/cli';

const fixtures = join(__dirname, 'fixtures');

const line = (out: string, title: string) => out.split('\n').find((l) => l.includes(`] ${title}`)) ?? `<no line for ${title}>`;

describe('check on hand-written CloudNativePG YAML', () => {
  test('a production-ready cluster (in-tree archiving, own PDB, 6-field schedule, List JSON) passes every item: exit 0', async () => {
    const { code, stdout: out, stderr: err } = await runCli(['check', join(fixtures, 'production')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(14);
    for (const l of lines) expect(l).toMatch(/^PASS \[shop\/pg-main\] /);
    expect(line(out, '3 instances across 3 zones')).toMatch(/3 instances, spread over topology\.kubernetes\.io\/zone by a DoNotSchedule topology spread/);
    expect(line(out, 'continuous WAL archiving')).toMatch(/in-tree to s3:\/\/acme-pg-backups\/shop .*deprecated and removed in CloudNativePG 1\.31/);
    expect(line(out, 'a daily base backup')).toMatch(/pg-main-nightly "0 30 2 \* \* \*"/);
    expect(line(out, 'PDB minAvailable 2 with no overlap')).toMatch(/PDB pg-main-instances keeps 2 of 3 instances available/);
    expect(line(out, 'PgBouncer in transaction mode')).toMatch(/pg-main-pooler in transaction mode/);
    expect(line(out, 'replication lag alerts')).toMatch(/PostgresReplicationLag in PrometheusRule postgres/);
    expect(line(out, 'a restore test')).toMatch(/pg-main-restore-test/);
    expect(line(out, 'a synchronous standby with RPO 0')).toMatch(/failover quorum on/);
    expect(line(out, 'instance pods in the Guaranteed QoS class')).toMatch(/Guaranteed \(bootstrap-controller 2 CPU\/8Gi, postgres 2 CPU\/8Gi\)/);
    expect(line(out, 'PgBouncer pods in the Guaranteed QoS class')).toMatch(/Pooler pg-main-pooler: Guaranteed \(bootstrap-controller 500m CPU\/256Mi, pgbouncer 500m CPU\/256Mi\)/);
  });

  test('a broken cluster fails the required items with reasons: exit 1', async () => {
    const { code, stdout: out, stderr: err } = await runCli(['check', join(fixtures, 'broken', 'cluster.yml')]);
    expect(code).toBe(1);
    expect(line(out, '3 instances across 3 zones')).toMatch(/^FAIL \[crm\/legacy\] .*spec\.instances is 1/);
    expect(line(out, 'a synchronous standby with RPO 0')).toMatch(/^FAIL .*no synchronous replication/);
    expect(line(out, 'replication slots bounded')).toMatch(/^FAIL .*max_slot_wal_keep_size is unset/);
    expect(line(out, 'continuous WAL archiving')).toMatch(/^FAIL .*no WAL archive/);
    expect(line(out, 'a daily base backup')).toMatch(/^FAIL .*"0 3 \* \* \*" has 5 fields; CloudNativePG \(robfig\/cron\) reads them as second, minute, hour, day of month and month.*second 0, minute 3, every hour.*at least every 1 h .*e\.g\. "0 0 3 \* \* \*"/);
    expect(line(out, 'PDB minAvailable 2 with no overlap')).toMatch(/^FAIL .*legacy-1 \(legacy-primary \[operator\], legacy-all\)/);
    expect(line(out, 'switchover on updates')).toMatch(/^FAIL .*primaryUpdateMethod is restart \(the operator default\)/);
    expect(line(out, 'PgBouncer in transaction mode')).toMatch(/^FAIL .*\(advisory\): no Pooler/);
    expect(line(out, 'instance pods in the Guaranteed QoS class')).toMatch(/^FAIL .*BestEffort, because initContainers\[bootstrap-controller\].*no CPU limit, no memory limit/);
    expect(err).toMatch(/^error: 8 required readiness item\(s\) failed: crm\/legacy: 3 instances across 3 zones; /);
  });

  test('required items pass but advisory ones fail (operator PDBs, plugin archiving, @daily): exit 0', async () => {
    const { code, stdout: out } = await runCli(['check', join(fixtures, 'minimal')]);
    expect(code).toBe(0);
    expect(line(out, 'PDB minAvailable 2 with no overlap')).toMatch(/^PASS .*operator PDBs \(primary minAvailable 1 \+ replicas minAvailable 1\) keep 2 of 3/);
    expect(line(out, 'continuous WAL archiving')).toMatch(/^PASS .*Barman Cloud plugin to s3:\/\/stock-backups\/inventory \(ObjectStore inventory-store\)/);
    expect(line(out, 'a synchronous standby with RPO 0')).toMatch(/^PASS .*ANY 1, dataDurability required, failover quorum on/);
    expect(line(out, 'instance pods in the Guaranteed QoS class')).toMatch(/^PASS .*Guaranteed \(bootstrap-controller 1 CPU\/2Gi, postgres 1 CPU\/2Gi, plugin-barman-cloud 250m CPU\/256Mi\)/);
    expect(line(out, '3 instances across 3 zones')).toMatch(/^PASS .*required anti-affinity/);
    expect(line(out, 'a restore test')).toMatch(/^FAIL .*\(advisory\)/);
    expect(line(out, 'replication lag alerts')).toMatch(/^FAIL .*\(advisory\): no PrometheusRule alert on cnpg_pg_replication_lag/);
  });

  test('several directories at once; --json gives the same verdicts', async () => {
    const { code, stdout: out } = await runCli(['check', '--json', join(fixtures, 'production'), join(fixtures, 'minimal')]);
    expect(code).toBe(0);
    const reports = JSON.parse(out);
    expect(reports.map((r: any) => `${r.namespace}/${r.cluster}`).sort()).toEqual(['shop/pg-main', 'stock/inventory']);
    expect(reports.find((r: any) => r.cluster === 'pg-main').items.every((i: any) => i.passed)).toBe(true);
  });

  test('no cluster, a missing path or invalid YAML: a one-line error and a non-zero exit (1, 2, 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-'));
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect(await runCli(['check', dir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no CloudNativePG Cluster .* nor Patroni StatefulSet in 1 file\(s\)/) });
    expect(await runCli(['check', join(dir, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/nope: no such file or directory/) });
    writeFileSync(join(dir, 'bad.yaml'), 'kind: [unclosed\n');
    expect(await runCli(['check', join(dir, 'bad.yaml')])).toMatchObject({ code: 3, stderr: expect.stringMatching(/bad\.yaml:\d+: is not valid YAML: /) });
  });
});

describe('check on manifests synthesized by this library', () => {
  test('a bare HA cluster with monitoring: the missing archive, backup, pooler and drill fail; exit 1', async () => {
    const chart = new Chart(Testing.app(), 'lib', { namespace: 'db', disableResourceNameHashes: true });
    new ClusterMonitoring(chart, 'm', { cluster: new HaPostgres(chart, 'orders'), topologyDiagram: false });
    const dir = mkdtempSync(join(tmpdir(), 'check-lib-'));
    writeFileSync(join(dir, 'lib.k8s.yaml'), Testing.synth(chart).map((m) => stringify(m)).join('---\n'));
    const { code, stdout: out } = await runCli(['check', dir]);
    expect(code).toBe(1);
    const failed = out.split('\n').filter((l) => l.startsWith('FAIL')).map((l) => l.replace(/^FAIL \[db\/orders\] ([^:]+):.*$/, '$1'));
    expect(failed).toEqual(['PgBouncer in transaction mode (advisory)', 'continuous WAL archiving', 'a daily base backup', 'a restore test (advisory)']);
    expect(line(out, 'replication lag alerts')).toMatch(/^PASS .*HaPostgresReplicationLagWarning in PrometheusRule orders-alerts/);
  });
});
