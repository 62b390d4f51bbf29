import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { writeFakeKubectl } from '../support/fake-kubectl';
import { ArchiveCredentials, ArchiveDestination, BackupSchedule, ClusterEngine, HaPostgres, RestoreDrill, ScheduledBackup, WalArchive } from '../../lib';
import { synth } from '../support/synth';

/** The PGO restore drill's bash script, run by a real bash against a fake kubectl that records its calls. */
const manifests = synth((c) => {
  const db = new HaPostgres(c, 'orders-db', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] } });
  const archive = new WalArchive(c, 'archive', { cluster: db, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' }),
    credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-db-pgbackrest') });
  new ScheduledBackup(c, 'backup', { archive, schedule: BackupSchedule.daily({ hour: 1 }) });
  new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'restore-drills', checks: [{ table: 'orders', minRows: 100 }, { table: 'billing.invoices' }] });
});
const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-db-restore-drill');
const RESOURCE = 'postgresclusters.postgres-operator.crunchydata.com';
const NAME = /^orders-db-drill-[0-9a-f]{8}-\d{10}$/;

describe('the PGO drill script, run with a fake kubectl', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crunchy-drill-'));
    writeFileSync(join(dir, 'cluster.json'), config.data['cluster.json']);
    writeFileSync(join(dir, 'drill.sh'), (config.data['drill.sh'] as string).replace("'/etc/restore-drill/cluster.json'", `'${dir}/cluster.json'`));
    // Records argv; keeps what `create -f -` reads; the primary pod appears after FAKE_PRIMARY_AFTER lookups.
    writeFakeKubectl(dir, `n=$(( $(cat "$FAKE_DIR/lookups" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$FAKE_DIR/lookups"
      if [ "$n" -gt "\${FAKE_PRIMARY_AFTER:-0}" ]; then echo -n "\${FAKE_PRIMARY-orders-db-drill-pg-x7k2-0}"; fi`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string> = {}): { status: number | null; out: string; calls: string[] } {
    rmSync(join(dir, 'calls'), { force: true });
    rmSync(join(dir, 'lookups'), { force: true });
    const r = spawnSync('bash', [join(dir, 'drill.sh')], {
      env: { PATH: `${dir}:${process.env.PATH}`, FAKE_DIR: dir, DRILL_POLL_SECONDS: '0', ...env }, encoding: 'utf8', timeout: 20_000,
    });
    return { status: r.status, out: r.stdout + r.stderr, calls: readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') };
  }

  test('is valid bash (bash -n)', () => {
    expect(() => execFileSync('bash', ['-n', join(dir, 'drill.sh')])).not.toThrow();
  });

  test('success: cleans leftovers, creates the PostgresCluster, waits for its instance, finds the primary, verifies, deletes it, exits 0', () => {
    const { status, out, calls } = run({ FAKE_PRIMARY_AFTER: '2' });
    expect(status).toBe(0);
    const name = new RegExp(`deleting ${RESOURCE.replace(/\./g, '\\.')}/(\\S+)`).exec(out)![1];
    expect(name).toMatch(NAME);
    expect(calls[0]).toBe(`-n restore-drills delete ${RESOURCE} -l ha-postgres.io/restore-drill=orders-db-restore-drill-db --ignore-not-found --wait=false`);
    expect(calls[1]).toBe('-n restore-drills create -f -');
    expect(calls[2]).toBe(`-n restore-drills wait --for=jsonpath={.status.instances[0].readyReplicas}=1 ${RESOURCE}/${name} --timeout=7200s`);
    // The primary is looked up until Patroni has labelled it (here: the third lookup).
    const lookups = calls.filter((c) => c.includes(' get pods '));
    expect(lookups).toHaveLength(3);
    expect(lookups[0]).toBe(`-n restore-drills get pods -l postgres-operator.crunchydata.com/cluster=${name},postgres-operator.crunchydata.com/role=master -o jsonpath={.items[*].metadata.name}`);
    expect(calls).toContain('-n restore-drills exec orders-db-drill-pg-x7k2-0 -c database -- psql -XAtq -v ON_ERROR_STOP=1 -d app -c SELECT count(*) FROM orders');
    expect(calls[calls.length - 1]).toBe(`-n restore-drills delete ${RESOURCE} ${name} --ignore-not-found --wait=false`);
    const created = JSON.parse(readFileSync(join(dir, 'created.json'), 'utf8'));
    expect(created.kind).toBe('PostgresCluster');
    expect(created.metadata.name).toBe(name);
    expect(out).toMatch(/ok: orders has 150 rows \(at least 100\)/);
    expect(out).toMatch(/result=success/);
  });

  test('several pods listed: the first is taken', () => {
    const { status, calls } = run({ FAKE_PRIMARY: 'pod-a pod-b' });
    expect(status).toBe(0);
    expect(calls.some((c) => c.includes(' exec pod-a -c database '))).toBe(true);
  });

  test('too few rows: still deletes the cluster, exits non-zero', () => {
    const { status, out, calls } = run({ FAKE_ORDERS: '7' });
    expect(status).toBe(1);
    expect(out).toMatch(/FAILED: orders has 7 rows, expected at least 100/);
    expect(calls[calls.length - 1]).toMatch(new RegExp(`^-n restore-drills delete ${RESOURCE.replace(/\./g, '\\.')} orders-db-drill-`));
    expect(out).toMatch(/result=failure/);
  });

  test('a missing table: deletes the cluster, exits non-zero', () => {
    const { status, calls } = run({ FAKE_INVOICES_FAIL: '1' });
    expect(status).not.toBe(0);
    expect(calls[calls.length - 1]).toMatch(/ delete postgresclusters\.postgres-operator\.crunchydata\.com orders-db-drill-/);
  });

  test('the restore never gets ready: no queries, the cluster is deleted, exits non-zero', () => {
    const { status, calls } = run({ FAKE_WAIT_RC: '1' });
    expect(status).toBe(1);
    expect(calls.some((c) => c.includes(' exec ') || c.includes(' get pods '))).toBe(false);
    expect(calls[calls.length - 1]).toMatch(/ delete postgresclusters\.postgres-operator\.crunchydata\.com orders-db-drill-/);
  });

  test('no primary ever labelled: gives up after 60 lookups, deletes the cluster, exits non-zero', () => {
    const { status, out, calls } = run({ FAKE_PRIMARY: '' });
    expect(status).toBe(1);
    expect(calls.filter((c) => c.includes(' get pods '))).toHaveLength(60);
    expect(out).toMatch(/no primary reported for orders-db-drill-/);
    expect(calls.some((c) => c.includes(' exec '))).toBe(false);
    expect(calls[calls.length - 1]).toMatch(/ delete postgresclusters\.postgres-operator\.crunchydata\.com orders-db-drill-/);
  });
});
