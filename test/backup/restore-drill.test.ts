import { Chart, Duration, Testing } from 'cdk8s';
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ArchiveCredentials, BackupSchedule, ClusterEngine, HaPostgres, ManifestChecks, RestoreDrill, SynthWarnings } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { archivedCluster, backupSet, ofKind } from './fixtures';

const manifests = synth((c) => backupSet(c, { checks: [{ table: 'orders', minRows: 100 }, { table: 'billing.invoices' }] }));
const drillObjects = manifests.filter((m) => m.metadata?.namespace === 'restore-drills');
const cronJob = only(manifests, 'CronJob');
const config = only(manifests, 'ConfigMap');

describe('RestoreDrill resources', () => {
  test('every object passes the strict schemas; no pod under two PDBs; no literal credentials', () => {
    expectValidManifests(manifests);
    expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
    expect(ManifestChecks.literalCredentials(manifests)).toEqual([]);
  });

  test('permissions, the read-only store and the default-deny policy in the scratch namespace; the CronJob next to the cluster', () => {
    expect(drillObjects.map((m) => m.kind).sort()).toEqual(['NetworkPolicy', 'ObjectStore', 'Role', 'RoleBinding']);
    for (const kind of ['CronJob', 'ServiceAccount', 'ConfigMap']) expect(only(manifests, kind).metadata.namespace).toBe('db');
  });

  test('a monthly CronJob named <cluster>-restore-drill, no overlap, no retries, bounded, history kept', () => {
    expect(cronJob.metadata.name).toBe('orders-db-restore-drill');
    expect(cronJob.spec).toMatchObject({
      schedule: '0 4 1 * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200 + 1800);
  });

  test('the period is a typed attribute for the monitoring alert (period plus margin)', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const { db } = archivedCluster(chart);
    const monthly = new RestoreDrill(chart, 'm', { cluster: db, scratchNamespace: 'scratch' });
    const weekly = new RestoreDrill(chart, 'w', { cluster: db, scratchNamespace: 'scratch', name: 'weekly-drill', schedule: BackupSchedule.weekly() });
    expect(monthly.period.toMilliseconds()).toBe(Duration.days(31).toMilliseconds());
    expect(weekly.period.toMilliseconds()).toBe(Duration.days(7).toMilliseconds());
    expect(monthly.cronJobName).toBe('orders-db-restore-drill');
  });

  test('the pod passes the Pod Security Standard "restricted", with a read-only root and /tmp on an emptyDir', () => {
    expect(ManifestChecks.podSecurityRestricted(manifests)).toEqual([]);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.image).toBe('registry.k8s.io/kubectl:v1.34.1');
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.serviceAccountName).toBe('orders-db-restore-drill');
  });

  test('least RBAC: a namespaced Role with exactly the verbs the script uses, bound to the drill only', () => {
    expect(ofKind(manifests, 'ClusterRole')).toEqual([]);
    expect(ofKind(manifests, 'ClusterRoleBinding')).toEqual([]);
    expect(only(manifests, 'Role').rules).toEqual([
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ]);
    expect(only(manifests, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-db-restore-drill', namespace: 'db' }]);
    expect(only(manifests, 'RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-restore-drill' });
  });

  test('the temporary cluster recovers from a read-only ObjectStore in the scratch namespace, serverName = the source', () => {
    const store = drillObjects.find((m) => m.kind === 'ObjectStore');
    expect(store.spec.configuration.destinationPath).toBe('s3://acme-pg-archive/prod');
    expect(store.spec.retentionPolicy).toBeUndefined();
    const template = JSON.parse(config.data['cluster.json']);
    expect(template.spec.instances).toBe(1);
    expect(template.spec.bootstrap.recovery.source).toBe('origin');
    expect(template.spec.externalClusters[0].plugin.parameters).toEqual({ barmanObjectName: store.metadata.name, serverName: 'orders-db' });
    expect(template.spec.plugins).toBeUndefined(); // the drill never archives
    expect(template.spec.postgresql.parameters.max_connections).toBe('200'); // replay needs at least the source's value
    expect(template.metadata.labels['ha-postgres.io/restore-drill']).toBe('orders-db-restore-drill');
    // the template, with a name filled in, is a valid Cluster
    expectValidManifests([{ ...template, metadata: { ...template.metadata, name: 'orders-db-drill-1767225600', namespace: 'restore-drills' } }]);
  });

  test('a Secret-credential archive warns that the Secret must exist in the scratch namespace', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const { db } = archivedCluster(chart, { credentials: ArchiveCredentials.fromSecret('orders-db-s3') });
    new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'scratch' });
    Testing.synth(chart);
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/Secret "orders-db-s3", which must also exist in namespace "scratch"/);
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  test('a restore drill of a cluster without an archive', () => {
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: new HaPostgres(c, 'orders-db'), scratchNamespace: 'scratch' })))
      .toMatch(/\[test\/drill\] cluster = "orders-db": has no WalArchive, so there is nothing to restore.*Fix: add new WalArchive/);
  });

  test('schedule, namespace, timeout, tables and image', () => {
    const message = synthError((c) => new RestoreDrill(c, 'drill', {
      cluster: archivedCluster(c).db, scratchNamespace: 'Scratch_NS', schedule: BackupSchedule.cron('0 * * * *'), readyTimeout: Duration.minutes(1),
      checks: [{ table: 'Orders; DROP TABLE x' }, { table: 'ok', minRows: -1 }], image: 'registry.k8s.io/kubectl',
    }));
    expect(message).toMatch(/scratchNamespace = "Scratch_NS": is not a DNS label/);
    expect(message).toMatch(/schedule = "0 \* \* \* \*": runs more than once a day/);
    expect(message).toMatch(/readyTimeout = 1 minute: must be between 5 minutes and 24 hours/);
    expect(message).toMatch(/checks\[0\]\.table = "Orders; DROP TABLE x": must be a lower-case table name/);
    expect(message).toMatch(/checks\[1\]\.minRows = -1/);
    expect(message).toMatch(/image = "registry\.k8s\.io\/kubectl": is not pinned/);
  });

  test('an invalid cron schedule shows the expression', () => {
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c).db, scratchNamespace: 's', schedule: BackupSchedule.cron('0 4 32 * *') })))
      .toMatch(/schedule = "0 4 32 \* \*": is not a valid cron expression/);
  });

  test('an engine without restore drills names the construct and the engine', () => {
    const engine = Object.create(ClusterEngine.cloudNativePg(), { name: { value: 'Test engine 0.1' }, renderRestoreDrill: { value: undefined } });
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c, {}, { engine }).db, scratchNamespace: 's' })))
      .toMatch(/\[test\/drill\] cluster = "orders-db": the engine Test engine 0\.1 cannot render a RestoreDrill yet/);
  });
});

describe('the drill script, run with a fake kubectl that records its calls', () => {
  let dir: string;
  const script = config.data['drill.sh'] as string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'restore-drill-'));
    writeFileSync(join(dir, 'cluster.json'), config.data['cluster.json']);
    writeFileSync(join(dir, 'drill.sh'), script.replace("'/etc/restore-drill/cluster.json'", `'${dir}/cluster.json'`));
    // The fake kubectl: records argv, keeps what `create -f -` reads, answers queries from env.
    writeFileSync(join(dir, 'kubectl'), `#!/bin/bash
echo "$*" >> "$FAKE_DIR/calls"
for a in "$@"; do
  case "$a" in
    create) cat > "$FAKE_DIR/created.json"; exit 0 ;;
    wait) exit "\${FAKE_WAIT_RC:-0}" ;;
    get) echo "\${FAKE_PRIMARY-orders-db-drill-1}"; exit 0 ;;
    delete) exit 0 ;;
    exec)
      sql="\${@: -1}"
      case "$sql" in
        "SELECT 1") echo 1 ;;
        *orders*) echo "\${FAKE_ORDERS:-150}" ;;
        *invoices*) [ -n "\${FAKE_INVOICES_FAIL:-}" ] && { echo 'ERROR: relation does not exist' >&2; exit 1; }; echo 3 ;;
      esac
      exit 0 ;;
  esac
done
exit 0
`);
    chmodSync(join(dir, 'kubectl'), 0o755);
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
    const name = /deleting clusters\.postgresql\.cnpg\.io\/(orders-db-drill-\d+)/.exec(out)![1];
    expect(name).toMatch(/^orders-db-drill-\d{10}$/);
    expect(calls[0]).toBe('-n restore-drills delete clusters.postgresql.cnpg.io -l ha-postgres.io/restore-drill=orders-db-restore-drill --ignore-not-found --wait=false');
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
    expect(calls[calls.length - 1]).toMatch(/^-n restore-drills delete clusters\.postgresql\.cnpg\.io orders-db-drill-\d+ /);
    expect(out).toMatch(/result=failure/);
  });

  test('a failing query (missing table): deletes the cluster, exits non-zero', () => {
    const { status, calls } = run({ FAKE_INVOICES_FAIL: '1' });
    expect(status).not.toBe(0);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-\d+/);
  });

  test('the restore never gets ready: no queries run, the cluster is deleted, exits non-zero', () => {
    const { status, calls } = run({ FAKE_WAIT_RC: '1' });
    expect(status).toBe(1);
    expect(calls.some((c) => c.includes(' exec '))).toBe(false);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-\d+/);
  });

  test('no primary reported: deletes the cluster, exits non-zero', () => {
    const { status, calls } = run({ FAKE_PRIMARY: '' });
    expect(status).toBe(1);
    expect(calls[calls.length - 1]).toMatch(/delete clusters\.postgresql\.cnpg\.io orders-db-drill-\d+/);
  });
});

test('a drill in a chart without a namespace is an error (the RoleBinding must name the ServiceAccount\'s namespace)', () => {
  const chart = new Chart(Testing.app(), 'no-ns');
  const { db } = archivedCluster(chart);
  new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'scratch' });
  expect(() => Testing.synth(chart)).toThrow(/namespace = "undefined": the drill's ServiceAccount is bound .*Fix: give the chart a namespace/);
});

test('the scratch namespace must not be the cluster\'s own (the drill may delete clusters there)', () => {
  expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c).db, scratchNamespace: 'db' })))
    .toMatch(/scratchNamespace = "db": is the namespace of the cluster itself.*Fix: use a namespace kept for drills/);
});
