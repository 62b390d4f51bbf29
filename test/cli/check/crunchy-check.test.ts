/**
 * `ha-postgres check` and the readiness checklist on Crunchy PGO PostgresCluster manifests: the
 * crunchy example as synthesized, and mutations of it, each failing the item it breaks with a
 * message naming the field; every finding names its source file.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { CrunchyChart } from '../../../examples/crunchy/chart';
import { runCheck } from '../../../lib/cli/check/check-command';
import { evaluateReadiness, ReadinessReport } from '../../../lib/monitoring/readiness/checklist';

const example = (): any[] => JSON.parse(JSON.stringify(Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'))));

/** Writes the manifests one file per kind, as a repository of YAML would hold them, and runs `check` in process. */
function check(manifests: any[], extra: { [file: string]: any } = {}): { reports: ReadinessReport[]; out: string; error?: { message: string; code?: number }; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'crunchy-check-'));
  const byKind = new Map<string, any[]>();
  for (const m of manifests) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  for (const [kind, list] of byKind) writeFileSync(join(dir, `${kind.toLowerCase()}.yaml`), list.map((m) => stringify(m)).join('---\n'));
  for (const [file, m] of Object.entries(extra)) writeFileSync(join(dir, file), stringify(m));
  let out = '';
  let error: { message: string; code?: number } | undefined;
  try {
    runCheck([dir], { json: true }, (t) => { out += t; });
  } catch (e) {
    error = { message: (e as Error).message, code: (e as any).exitCode ?? (e as any).code };
  }
  return { reports: out ? JSON.parse(out) : [], out, error, dir };
}

const item = (r: ReadinessReport[], id: string) => r[0].items.find((i) => i.id === id)!;
const pc = (ms: any[]) => ms.find((m) => m.kind === 'PostgresCluster');

describe('check on the crunchy example (PostgresCluster)', () => {
  test('every item of the PGO checklist is evaluated and passes: exit 0', () => {
    const { reports, error } = check(example());
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ namespace: 'payments', cluster: 'orders-db', engine: 'Crunchy PGO' });
    const verdicts = Object.fromEntries(reports[0].items.map((i) => [i.id, i.passed]));
    expect(verdicts).toEqual({
      'instances-zones': true, 'sync-standby': true, 'wal-volume': true, 'wal-archiving': true, 'daily-backup': true, 'pdb': true,
      'instance-qos': true, 'pooler-qos': true,
    });
    expect(error).toBeUndefined();
    expect(item(reports, 'instances-zones').reason).toMatch(/3 instances \(spec\.instances\[0\]\.replicas is 3\), set pg: DoNotSchedule spread on topology\.kubernetes\.io\/zone in eu-west-1a, eu-west-1b, eu-west-1c/);
    expect(item(reports, 'pdb').reason).toMatch(/PDB orders-db-set-pg \[operator\] \(spec\.instances\[\]\.minAvailable 2\) keeps 2 of 3 instances available, no pod under two PDBs/);
    expect(item(reports, 'daily-backup').reason).toMatch(/differential "0 2 \* \* \*" at least daily, on a full "0 1 \* \* 0"/);
    // Every container PGO puts in the instance pods is sized by the engine, requests = limits.
    expect(item(reports, 'instance-qos').reason).toMatch(
      /Guaranteed \(postgres-startup 4 CPU\/16Gi, database 4 CPU\/16Gi, replication-cert-copy 50m CPU\/64Mi, pgbackrest 500m CPU\/512Mi, pgbackrest-config 50m CPU\/64Mi, exporter 100m CPU\/256Mi\)/);
    expect(item(reports, 'pooler-qos').reason).toMatch(/pgbouncer-config 50m CPU\/64Mi/);
  });

  test('without the sidecars\' resources the pods are Burstable, naming each field', () => {
    const ms = example();
    const spec = pc(ms).spec;
    delete spec.instances[0].sidecars;
    delete spec.backups.pgbackrest.sidecars;
    delete spec.monitoring.pgmonitor.exporter.resources;
    delete spec.proxy.pgBouncer.sidecars;
    const { reports, error } = check(ms);
    expect(reports[0].items.filter((i) => !i.passed).map((i) => i.id)).toEqual(['instance-qos', 'pooler-qos']);
    expect(item(reports, 'instance-qos').reason).toMatch(/Burstable, because containers\[replication-cert-copy\] \(resources from PostgresCluster\/orders-db spec\.instances\[0\]\.sidecars\.replicaCertCopy\.resources\)/);
    expect(item(reports, 'instance-qos').reason).toMatch(/spec\.backups\.pgbackrest\.sidecars\.pgbackrest\.resources.*spec\.backups\.pgbackrest\.sidecars\.pgbackrestConfig\.resources.*spec\.monitoring\.pgmonitor\.exporter\.resources/);
    expect(item(reports, 'pooler-qos').reason).toMatch(/spec\.proxy\.pgBouncer\.sidecars\.pgbouncerConfig\.resources/);
    expect(error?.message).toMatch(/^2 required readiness item\(s\) failed: payments\/orders-db: instance pods in the Guaranteed QoS class; payments\/orders-db: PgBouncer pods/);
  });
});

describe('mutations of the example fail the item they break, naming the field', () => {
  const cases: Array<[string, (ms: any[]) => { [file: string]: any } | void, string, RegExp]> = [
    ['2 replicas', (ms) => { pc(ms).spec.instances[0].replicas = 2; }, 'instances-zones', /spec\.instances\[0\]\.replicas is 2: 2 instance\(s\); production needs 3/],
    ['a ScheduleAnyway spread', (ms) => { pc(ms).spec.instances[0].topologySpreadConstraints[0].whenUnsatisfiable = 'ScheduleAnyway'; }, 'instances-zones',
      /spec\.instances\[0\]\.topologySpreadConstraints on topology\.kubernetes\.io\/zone is ScheduleAnyway/],
    ['no strict mode', (ms) => { pc(ms).spec.patroni.dynamicConfiguration.synchronous_mode_strict = false; }, 'sync-standby',
      /spec\.patroni\.dynamicConfiguration\.synchronous_mode_strict is false: .*RPO is not 0/],
    ['no synchronous mode', (ms) => { delete pc(ms).spec.patroni.dynamicConfiguration.synchronous_mode; }, 'sync-standby',
      /spec\.patroni\.dynamicConfiguration\.synchronous_mode is not set \(Patroni: off\)/],
    ['a second PDB over the instances', () => ({ 'extra-pdb.yaml': { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'orders-db-hand', namespace: 'payments' },
      spec: { minAvailable: 2, selector: { matchLabels: { 'postgres-operator.crunchydata.com/cluster': 'orders-db', 'postgres-operator.crunchydata.com/data': 'postgres' } } } } }),
    'pdb', /pods under several PDBs, so evictions fail \(HTTP 500\) and drains hang: orders-db-pg-1 \(orders-db-hand, orders-db-set-pg \[operator\]\); orders-db-pg-2/],
    ['minAvailable 1', (ms) => { pc(ms).spec.instances[0].minAvailable = 1; }, 'pdb', /orders-db-set-pg \[operator\] \(spec\.instances\[\]\.minAvailable 1\) keeps only 1 of 3 instances available/],
    ['Burstable resources', (ms) => { pc(ms).spec.instances[0].resources.requests.cpu = '2'; }, 'instance-qos',
      /containers\[database\] \(resources from PostgresCluster\/orders-db spec\.instances\[0\]\.resources\): CPU request 2 differs from its limit 4/],
    ['no WAL volume', (ms) => { delete pc(ms).spec.instances[0].walVolumeClaimSpec; }, 'wal-volume', /spec\.instances\[0\]\.walVolumeClaimSpec not set/],
    ['no schedules', (ms) => { delete pc(ms).spec.backups.pgbackrest.repos[0].schedules; }, 'daily-backup', /spec\.backups\.pgbackrest\.repos\[0\]\.schedules\.full is not set/],
    ['weekly only', (ms) => { delete pc(ms).spec.backups.pgbackrest.repos[0].schedules.differential; }, 'daily-backup', /full "0 1 \* \* 0" every 168 h: no backup at least daily/],
    ['no repository', (ms) => { delete pc(ms).spec.backups; }, 'wal-archiving', /spec\.backups\.pgbackrest\.repos is empty or missing: PGO sets archive_command to `true`/],
  ];
  test.each(cases)('%s', (_what, mutate, id, reason) => {
    const ms = example();
    const extra = mutate(ms) ?? {};
    const { reports } = check(ms, extra);
    const failed = reports[0].items.filter((i) => !i.passed).map((i) => i.id);
    expect(failed).toContain(id);
    // Only that item fails, and what follows from it:
    // no repository means no backups; 2 replicas under minAvailable 2 allow no eviction.
    const follows: { [id: string]: string[] } = { 'wal-archiving': ['daily-backup'] };
    if (_what === '2 replicas') follows[id] = ['pdb'];
    expect(failed.filter((f) => f !== id)).toEqual(follows[id] ?? []);
    expect(item(reports, id).reason).toMatch(reason);
  });
});

test('corpus: every finding on a PostgresCluster names the file it comes from', () => {
  const ms = example();
  pc(ms).spec.instances[0].replicas = 2;
  const extra = { 'hand-pdb.yaml': { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'orders-db-hand', namespace: 'payments' },
    spec: { minAvailable: 1, selector: { matchLabels: { 'postgres-operator.crunchydata.com/cluster': 'orders-db' } } } } };
  const { reports, dir } = check(ms, extra);
  expect(reports[0].source).toBe(join(dir, 'postgrescluster.yaml'));
  for (const i of reports[0].items) expect(i.sources).toContain(join(dir, 'postgrescluster.yaml'));
  expect(item(reports, 'pdb').sources).toContain(join(dir, 'hand-pdb.yaml'));
  // The in-memory checklist agrees with the files' one.
  expect(evaluateReadiness(ms).map((r) => r.items.map((i) => i.passed))).toEqual(reports.map((r) => r.items.map((i) => i.passed)));
});
