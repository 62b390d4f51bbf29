import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { writeFakeKubectl } from '../support/fake-kubectl';
import { only, synth } from '../support/synth';
import { backupSet } from './fixtures';

/** The restore drill's bash script, run by a real bash against a fake kubectl. */
const manifests = synth((c) => backupSet(c, { checks: [{ table: 'orders', minRows: 100 }, { table: 'billing.invoices' }] }));
const config = only(manifests, 'ConfigMap');

describe('the drill script, run with a fake kubectl that records its calls', () => {
  let dir: string;
  const script = config.data['drill.sh'] as string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'restore-drill-'));
    writeFileSync(join(dir, 'cluster.json'), config.data['cluster.json']);
    writeFileSync(join(dir, 'drill.sh'), script.replace("'/etc/restore-drill/cluster.json'", `'${dir}/cluster.json'`));
    // The fake kubectl: records argv, keeps what `create -f -` reads, answers queries from env.
    writeFakeKubectl(dir, `echo "\${FAKE_PRIMARY-orders-db-drill-1}"`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string> = {}): { status: number | null; out: string; calls: string[] } {
    rmSync(join(dir, 'calls'), { force: true });
    const r = spawnSync('bash', [join(dir, 'drill.sh')], {
      env: { PATH: `${dir}:${process.env.PATH}`, FAKE_DIR: dir, ...env }, encoding: 'utf8', timeout: 20_000,
    });
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    return { status: r.status, out: r.stdout + r.stderr, calls };
  }

  test('is valid bash (bash -n)', () => {
    expect(() => execFileSync('bash', ['-n', join(dir, 'drill.sh')])).not.toThrow();
  });

  test('success: cleans leftovers, creates, waits, verifies, deletes the cluster and exits 0', () => {
    const { status, out, calls } = run();
    expect(status).toBe(0);
    const name = /deleting clusters\.postgresql\.cnpg\.io\/(orders-db-drill-[0-9a-f]{8}-\d+)/.exec(out)![1];
    // the cluster's name, a hash of the drill's scratch name (unique per drill), the epoch: at most 50 characters
    expect(name).toMatch(/^orders-db-drill-[0-9a-f]{8}-\d{10}$/);
    expect(calls[0]).toBe('-n restore-drills delete clusters.postgresql.cnpg.io -l ha-postgres.io/restore-drill=orders-db-restore-drill-db --ignore-not-found --wait=false');
    expect(calls[1]).toBe('-n restore-drills create -f -');
    expect(calls[2]).toBe(`-n restore-drills wait --for=condition=Ready clusters.postgresql.cnpg.io/${name} --timeout=7200s`);
    expect(calls).toContain('-n restore-drills exec orders-db-drill-1 -c postgres -- psql -XAtq -v ON_ERROR_STOP=1 -d app -c SELECT count(*) FROM orders');
    expect(calls[calls.length - 1]).toBe(`-n restore-drills delete clusters.postgresql.cnpg.io ${name} --ignore-not-found --wait=false`);
    expect(JSON.parse(readFileSync(join(dir, 'created.json'), 'utf8')).metadata.name).toBe(name);
    expect(out).toMatch(/ok: orders has 150 rows \(at least 100\)/);
    expect(out).toMatch(/result=success/);
  });

  test('too few rows: still deletes the cluster, exits non-zero', () => {
    const { status, out, calls } = run({ FAKE_ORDERS: '7' });
    expect(status).toBe(1);
    expect(out).toMatch(/FAILED: orders has 7 rows, expected at least 100/);
    expect(calls[calls.length - 1]).toMatch(/^-n restore-drills delete clusters\.postgresql\.cnpg\.io orders-db-drill-[0-9a-f]{8}-\d+ /);
    expect(out).toMatch(/result=failure/);
  });

  test('a failing query (missing table): deletes the cluster, exits non-zero', () => {
    const { status, calls } = run({ FAKE_INVOICES_FAIL: '1' });
    expect(status).not.toBe(0);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-[0-9a-f]{8}-\d+/);
  });

  test('the restore never gets ready: no queries run, the cluster is deleted, exits non-zero', () => {
    const { status, calls } = run({ FAKE_WAIT_RC: '1' });
    expect(status).toBe(1);
    expect(calls.some((c) => c.includes(' exec '))).toBe(false);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-[0-9a-f]{8}-\d+/);
  });

  test('no primary reported: deletes the cluster, exits non-zero', () => {
    const { status, calls } = run({ FAKE_PRIMARY: '' });
    expect(status).toBe(1);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-[0-9a-f]{8}-\d+/);
  });
});
