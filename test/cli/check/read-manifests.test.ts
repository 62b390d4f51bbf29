import { copyFileSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { manifestFiles, readManifests } from '../../../lib/cli/check/read-manifests';
import { ReadinessChecklist } from '../../../lib/monitoring';
import { checkFiles, clusterYaml, writeTree } from '../../support/check-manifests';
import { runCli } from '../../support/cli';

const cluster = (over: string) => `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: orders-db
  namespace: shop
spec:
  instances: 3
  storage:
    size: 10Gi
${over}`;

describe('YAML as kubectl reads it (YAML 1.1)', () => {
  const spec = (read: ReturnType<typeof checkFiles>) => read.read.objects.find((o) => o.kind === 'Cluster').spec;

  test.each<[string, string, (s: any) => unknown, unknown]>([
    ['enablePDB: no', '  enablePDB: no\n', (s) => s.enablePDB, false],
    ['enablePDB: off', '  enablePDB: off\n', (s) => s.enablePDB, false],
    ['enablePDB: N', '  enablePDB: N\n', (s) => s.enablePDB, false],
    ['enablePDB: yes', '  enablePDB: yes\n', (s) => s.enablePDB, true],
    ['inProgress: on', '  nodeMaintenanceWindow:\n    inProgress: on\n', (s) => s.nodeMaintenanceWindow.inProgress, true],
    ['enablePodAntiAffinity: Y', '  affinity:\n    enablePodAntiAffinity: Y\n', (s) => s.affinity.enablePodAntiAffinity, true],
    ['a timestamp stays a string', '  bootstrap:\n    recovery:\n      source: x\n      recoveryTarget:\n        targetTime: 2023-08-11 11:14:21\n  externalClusters:\n    - name: x\n      connectionParameters:\n        host: x\n',
      (s) => s.bootstrap.recovery.recoveryTarget.targetTime, '2023-08-11 11:14:21'],
  ])('%s', (_name, over, get, expected) => {
    const r = checkFiles({ 'c.yaml': cluster(over) });
    expect(r.read.problems).toEqual([]);
    expect(get(spec(r))).toBe(expected);
  });

  test('suspend: yes suspends the ScheduledBackup (YAML 1.1), so the daily backup item fails', () => {
    const r = checkFiles({ 'c.yaml': clusterYaml({ backup: 'apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata: {name: nightly, namespace: shop}\nspec:\n  schedule: "0 0 3 * * *"\n  suspend: yes\n  method: plugin\n  pluginConfiguration: {name: barman-cloud.cloudnative-pg.io}\n  cluster: {name: pg}\n' }) });
    expect(r.read.problems).toEqual([]);
    expect(r.reports[0].items.find((i) => i.id === 'daily-backup')).toMatchObject({ passed: false, reason: 'nightly is suspended' });
  });

  test('merge keys (<<) are applied: walStorage merges the storage block and overrides its size', () => {
    const yaml = `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
  namespace: shop
spec:
  instances: 3
  postgresql:
    parameters:
      max_slot_wal_keep_size: "40GB"
  storage: &volume
    size: 100Gi
    storageClass: gp3
  walStorage:
    <<: *volume
    size: 30Gi
`;
    const r = checkFiles({ 'c.yaml': yaml });
    expect(r.read.problems).toEqual([]);
    expect(spec(r).walStorage).toEqual({ size: '30Gi', storageClass: 'gp3' });
    // judged against the merged WAL volume (30Gi), not the data volume
    expect(r.reports[0].items.find((i) => i.id === 'slots-bounded')!.reason).toMatch(/not below the WAL volume \(spec\.walStorage\.size = 30Gi\)/);
  });

  test.each<[string, string, RegExp]>([
    ['a label value yes (a boolean)', 'metadata:\n  name: orders-db\n  namespace: shop\n  labels:\n    backup: yes\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n', /metadata\.labels\.backup: must be a string, got the boolean true \(YAML 1\.1, which kubectl reads, makes unquoted yes\/no\/on\/off\/y\/n booleans: quote the value\)/],
    ['fsync: off (a boolean where PostgreSQL parameters are strings)', 'metadata:\n  name: orders-db\n  namespace: shop\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n  postgresql:\n    parameters:\n      fsync: off\n', /spec\.postgresql\.parameters\.fsync: must be a string, got the boolean false \(YAML 1\.1/],
    ['a parameter as a number', 'metadata:\n  name: orders-db\n  namespace: shop\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n  postgresql:\n    parameters:\n      max_connections: 300\n', /spec\.postgresql\.parameters\.max_connections: must be a string, got the number 300 \(quote it/],
  ])('%s is schema-invalid, with a hint', (_name, body, message) => {
    const r = checkFiles({ 'c.yaml': `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\n${body}` });
    expect(r.reports).toEqual([]);
    expect(r.read.problems.map((p) => `${p.object}: ${p.message}`)).toEqual([expect.stringMatching(message)]);
  });
});

describe('objects keyed by group, kind, namespace and name', () => {
  const pdb = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: orders-db-pdb\n  namespace: shop\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      cnpg.io/cluster: orders-db\n      cnpg.io/podRole: instance\n';
  const manifests = cluster('  enablePDB: false\n') + '---\n' + pdb;

  test('the same file given twice is read once: no invented PDB overlap', async () => {
    const dir = writeTree({ 'db.yaml': manifests });
    const file = join(dir, 'db.yaml');
    const r = readManifests([file, file]);
    expect(r.objects).toHaveLength(2);
    expect(r.duplicates).toBe(2);
    const { stdout: out } = await runCli(['check', file, file, dir]);
    expect(out).toMatch(/PASS \[shop\/orders-db\] PDB minAvailable 2 with no overlap: PDB orders-db-pdb keeps 2 of 3/);
    expect(out).not.toMatch(/orders-db-pdb, orders-db-pdb/);
    expect(out.split('\n').filter((l) => l.includes('] PDB minAvailable'))).toHaveLength(1);
  });

  test('overlapping directories and copies of a file: one object each, one report per cluster; a note on stderr', async () => {
    const dir = writeTree({ 'a/db.yaml': manifests, 'b/copy-of-db.yaml': manifests, 'b/other.yaml': cluster('').replace(/orders-db/g, 'billing-db') });
    const { stdout: out, stderr: err } = await runCli(['check', dir, join(dir, 'a'), join(dir, 'b', 'other.yaml')]);
    const clusters = out.split('\n').filter((l) => l.includes('] 3 instances across')).map((l) => l.replace(/^\w+ \[([^\]]+)\].*$/, '$1'));
    expect(clusters).toEqual(['shop/orders-db', 'shop/billing-db']);
    expect(err).toMatch(/^note: 2 object\(s\) given more than once with identical content were read once$/m);
    expect(out).not.toMatch(/orders-db-pdb, orders-db-pdb/);
  });

  test('a directory of many files prints each cluster\'s report once, each for its own cluster', async () => {
    const files: { [f: string]: string } = {};
    for (const n of ['a', 'b', 'c', 'd']) files[`${n}.yaml`] = cluster('').replace(/orders-db/g, `db-${n}`);
    const { stdout: out } = await runCli(['check', writeTree(files)]);
    expect(out.split('\n').filter((l) => l.includes('] 3 instances across')).map((l) => /\[shop\/(db-\w)\]/.exec(l)![1])).toEqual(['db-a', 'db-b', 'db-c', 'db-d']);
    expect(out).toMatch(/\[shop\/db-c\].*\(in .*c\.yaml\)/);
  });

  test('an object defined twice with different content is reported (exit 3); the later definition is used', async () => {
    const dir = writeTree({ '1.yaml': cluster(''), '2.yaml': cluster('').replace('instances: 3', 'instances: 5') });
    const r = readManifests(manifestFiles([dir]));
    expect(r.objects.filter((o) => o.kind === 'Cluster').map((o) => o.spec.instances)).toEqual([5]);
    expect(r.problems).toEqual([expect.objectContaining({ file: join(dir, '2.yaml'), line: 1, object: 'Cluster shop/orders-db', message: expect.stringMatching(/defined twice with different content \(also in .*1\.yaml:1\); this later definition is used/) })]);
    const { code, stdout: out, stderr: err } = await runCli(['check', dir]);
    expect(code).toBe(3);
    expect(out).toMatch(/\[shop\/orders-db\] 3 instances across 3 zones/);
    expect(err).toMatch(/2\.yaml:1: Cluster shop\/orders-db: is defined twice/);
  });

  test('the namespace is part of the key: default when unset (or -n), and two namespaces hold two objects', async () => {
    const noNs = cluster('').replace('  namespace: shop\n', '');
    const r = checkFiles({ 'a.yaml': noNs, 'b.yaml': cluster('') });
    expect(r.reports.map((x) => `${x.namespace}/${x.cluster}`)).toEqual(['default/orders-db', 'shop/orders-db']);
    expect(r.read.problems).toEqual([]);
    const dir = writeTree({ 'a.yaml': noNs });
    expect((await runCli(['check', '--json', '-n', 'shop', dir])).stdout).toMatch(/"namespace": "shop"/);
  });

  test('the API group is part of the key: a Cluster API Cluster is not a CloudNativePG one', () => {
    const capi = 'apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata:\n  name: orders-db\n  namespace: shop\nspec: {}\n';
    const r = checkFiles({ 'a.yaml': cluster(''), 'b.yaml': capi });
    expect(r.read.objects).toHaveLength(2);
    expect(r.read.problems).toEqual([]);
    expect(r.reports).toHaveLength(1);
  });
});

describe('what kubectl rejects: a clear message naming the file and object, exit 3, never a TypeError', () => {
  test.each<[string, string, RegExp]>([
    ['missing metadata', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nspec:\n  instances: 3\n', /^bad\.yaml:1: Cluster <no name>: metadata: is required/],
    ['plugins as an object', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n  plugins:\n    name: barman-cloud.cloudnative-pg.io\n    isWALArchiver: true\n',
      /^bad\.yaml:8: Cluster shop\/pg: spec\.plugins: must be a list, got a map$/],
    ['a list given as a map (tablespaces, as CloudNativePG\'s own sample writes it)', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n  tablespaces:\n    first:\n      storage: {size: 1Gi}\n',
      /^bad\.yaml:8: Cluster shop\/pg: spec\.tablespaces: must be a list, got a map$/],
    ['a misspelt field', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec:\n  instaces: 3\n  storage: {size: 1Gi}\n',
      /^bad\.yaml:5: Cluster shop\/pg: spec\.instaces: unknown field \(kubectl rejects it\); did you mean instances\?$/],
    ['instances as a string', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec:\n  instances: "3"\n  storage: {size: 1Gi}\n',
      /^bad\.yaml:5: Cluster shop\/pg: spec\.instances: must be an integer, got the string "3"$/],
    ['an enum value', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: shop}\nspec:\n  instances: 3\n  storage: {size: 1Gi}\n  primaryUpdateMethod: failover\n',
      /spec\.primaryUpdateMethod: must be one of "switchover", "restart", got the string "failover"/],
    ['a PDB with both bounds', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop}\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector: {matchLabels: {a: b}}\n',
      /PodDisruptionBudget shop\/p: spec: minAvailable and maxUnavailable cannot both be set/],
    ['a selector operator', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop}\nspec:\n  minAvailable: 1\n  selector:\n    matchExpressions:\n      - {key: a, operator: Equals, values: [b]}\n',
      /spec\.selector\.matchExpressions\[0\]\.operator: must be one of "In", "NotIn", "Exists", "DoesNotExist"/],
    ['a document without apiVersion and kind (Helm values)', 'replicaCount: 3\nimage: postgres\n', /^bad\.yaml:1: a document has no apiVersion and kind: it is not a Kubernetes object/],
    ['a list document', '- a\n- b\n', /^bad\.yaml:1: a document is a list, not a Kubernetes object/],
    ['a scalar document', 'just some text\n', /^bad\.yaml:1: a document is a string, not a Kubernetes object/],
    ['not YAML', 'kind: Cluster\n  metadata: : :\n\t- x\n', /^bad\.yaml:\d+: is not valid YAML: /],
    ['duplicate keys', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: x}\n', /^bad\.yaml:\d+: is not valid YAML: Map keys must be unique/],
    ['broken JSON', '{"apiVersion": "v1", "kind": ', /^bad\.yaml: is not valid JSON: /],
    ['a binary file', 'PK\u0003\u0004\u0000\u0000garbage', /^bad\.yaml: is not a text file$/],
    ['an unrendered Helm template', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: {{ .Values.name }}\nspec:\n  instances: {{ .Values.instances }}\n',
      /^bad\.yaml:4: is an unrendered template \(\{\{ … \}\}\): render it first \(helm template/],
    ['a template with control lines', '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{{- end }}\n', /^bad\.yaml:1: is an unrendered template/],
  ])('%s', async (_name, text, message) => {
    const dir = writeTree({ 'good.yaml': clusterYaml(), 'bad.yaml': text });
    const { code, stdout: out, stderr: err } = await runCli(['check', dir]);
    expect(code).toBe(3);
    const lines = err.trim().split('\n').map((l) => l.replace(/^error: /, '').replace(dir + '/', ''));
    expect(lines).toContainEqual(expect.stringMatching(message));
    expect(lines[lines.length - 1]).toMatch(/input problem\(s\) in 1 file\(s\) \(listed above\); the checklist covers only the objects that could be read$/);
    expect(err).not.toMatch(/TypeError|undefined|\[object Object\]/);
    // the other file is still checked
    expect(out).toMatch(/^PASS \[shop\/pg\] 3 instances across 3 zones: .*\(in .*good\.yaml\)$/m);
  });

  test('an item of a List (kubectl get -o yaml) is located by its own line', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n  - apiVersion: postgresql.cnpg.io/v1\n    kind: Cluster\n    metadata:\n      name: pg\n      namespace: shop\n    spec:\n      instances: 3\n      storage:\n        size: 1Gi\n      plugins:\n        name: x\n';
    const r = checkFiles({ 'list.yaml': list });
    expect(r.read.problems).toEqual([expect.objectContaining({ line: 18, object: 'Cluster shop/pg', message: 'spec.plugins: must be a list, got a map' })]);
    expect(r.read.objects.map((o) => o.kind)).toEqual(['ConfigMap']);
  });

  test('braces in strings and block scalars (alert annotations) are not templates', () => {
    const rule = 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r, namespace: shop}\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Lag\n          expr: cnpg_pg_replication_lag > 1\n          annotations:\n            summary: Pod {{ $labels.pod }} lags\n            description: |\n              {{ $labels.pod }} is behind\n            quoted: "{{ $value }}"\n';
    expect(checkFiles({ 'r.yaml': rule, 'c.yaml': clusterYaml() }).read.problems).toEqual([]);
  });

  test('only the bad object of a file is left out; its good neighbours are checked', () => {
    const r = checkFiles({ 'all.yaml': `${clusterYaml()}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop}\nspec: {minAvailable: "two"}\n` });
    expect(r.reports).toHaveLength(1);
    expect(r.read.problems).toEqual([expect.objectContaining({ object: 'PodDisruptionBudget shop/p', message: 'spec.minAvailable: "two" must be an integer or a percentage such as "50%"' })]);
  });

  test('a file given by name is read whatever its extension; a directory holds only .yaml/.yml/.json', async () => {
    const dir = writeTree({ 'notes.txt': 'not a manifest', 'db.yml': clusterYaml() });
    expect(manifestFiles([dir]).map((f) => f.slice(dir.length + 1))).toEqual(['db.yml']);
    const { code, stderr: err } = await runCli(['check', join(dir, 'notes.txt')]);
    expect(code).toBe(3);
    expect(err).toMatch(/notes\.txt:1: a document is a string, not a Kubernetes object/);
  });

  test('schema-invalid objects passed to the API still give verdicts, never an exception', () => {
    const bad = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'x' },
      spec: { instances: 3, plugins: { name: 'x' }, topologySpreadConstraints: 'zone', affinity: [], postgresql: { parameters: 'fsync=off', synchronous: { number: 'one' } }, storage: 7 } };
    const [report] = ReadinessChecklist.evaluate([bad, { kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'x' }, spec: { selector: 'all' } }]);
    expect(report.items).toHaveLength(14);
    for (const i of report.items) expect(typeof i.reason).toBe('string');
  });
});

describe('every finding names its source file', () => {
  test('each line ends with the files of the objects it rests on', async () => {
    const dir = writeTree({
      'cluster.yaml': clusterYaml({ backup: null }),
      'backups/nightly.yaml': 'apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata: {name: nightly, namespace: shop}\nspec:\n  schedule: "0 0 0 * * 0"\n  method: plugin\n  pluginConfiguration: {name: barman-cloud.cloudnative-pg.io}\n  cluster: {name: pg}\n',
    });
    const { stdout: out } = await runCli(['check', dir]);
    for (const l of out.trim().split('\n')) expect(l).toMatch(/ \(in [^)]*cluster\.yaml[^)]*\)$/);
    expect(out).toMatch(/FAIL \[shop\/pg\] a daily base backup: nightly: schedule "0 0 0 \* \* 0" runs only every 168 h \(in .*cluster\.yaml, .*backups\/nightly\.yaml\)$/m);
    const json = JSON.parse((await runCli(['check', '--json', dir])).stdout);
    expect(json[0].source).toBe(join(dir, 'cluster.yaml'));
    expect(json[0].items.find((i: any) => i.id === 'daily-backup').sources).toEqual([join(dir, 'cluster.yaml'), join(dir, 'backups/nightly.yaml')]);
  });

  test('JSON files and List kinds keep their file', () => {
    const dir = writeTree({});
    mkdirSync(join(dir, 'j'));
    writeFileSync(join(dir, 'j', 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'shop' }, spec: { instances: 3, storage: { size: '1Gi' } } }] }));
    copyFileSync(join(dir, 'j', 'list.json'), join(dir, 'j', 'same.json'));
    const r = readManifests(manifestFiles([dir]));
    expect(r.problems).toEqual([]);
    expect(r.sourceOf(r.objects[0])).toEqual({ file: join(dir, 'j', 'list.json'), line: undefined });
  });
});
