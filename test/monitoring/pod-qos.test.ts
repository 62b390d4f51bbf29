import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { ProductionChart } from '../../examples/production/chart';
import { PatroniChart } from '../../examples/patroni/chart';
import { ArchiveSource, ClusterBootstrap, HaPostgres, PgBouncerPool, ReadinessChecklist } from '../../lib';
import { runCheck } from '../../lib/cli/check/check-command';
import { PATRONI_CHECKLIST } from '../../lib/monitoring/readiness/checklist';
import { ModelPodResources, modelPodResources, podQos } from '../support/pod-model';
import { archivedCluster } from '../backup/fixtures';
import { synth } from '../support/synth';
import { patroniProps } from '../patroni/patroni-fixtures';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const item = (manifests: any[], id: string, cluster = 'orders-db') =>
  ReadinessChecklist.evaluate(manifests).find((r) => r.cluster === cluster)!.items.find((i) => i.id === id)!;

/** A pod of one container with these resources. */
function pod(...containers: Array<{ requests?: any; limits?: any; role?: 'init' | 'sidecar' | 'container' }>): ModelPodResources {
  return {
    namespace: 'n', owner: 'Pod/p', kind: 'Pod', name: 'p', labels: {},
    containers: containers.map((c, i) => ({ name: `c${i}`, role: c.role ?? 'container', resources: { requests: c.requests, limits: c.limits }, source: 'test' })),
  };
}

describe('QoS class as Kubernetes computes it (GetPodQOS)', () => {
  test.each([
    ['requests equal limits, in different units', [{ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2000m', memory: '4096Mi' } }], 'Guaranteed'],
    ['limits only (requests default to limits)', [{ limits: { cpu: '500m', memory: '512Mi' } }], 'Guaranteed'],
    ['fractions and exponents', [{ requests: { cpu: '0.5', memory: '1e9' }, limits: { cpu: '500m', memory: '1G' } }], 'Guaranteed'],
    ['a CPU limit above the request', [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }], 'Burstable'],
    ['no memory limit', [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1' } }], 'Burstable'],
    ['nothing at all', [{}], 'BestEffort'],
    ['a Guaranteed container beside a sidecar without resources', [{ limits: { cpu: '1', memory: '1Gi' } }, { role: 'sidecar' as const }], 'Burstable'],
    ['a Guaranteed container after an init container without resources', [{ role: 'init' as const }, { limits: { cpu: '1', memory: '1Gi' } }], 'Burstable'],
  ])('%s → %s', (_name, containers, expected) => {
    expect(podQos(pod(...containers)).qosClass).toBe(expected);
  });

  test('pod-level resources decide when set (PodLevelResources)', () => {
    const p = { ...pod({}, { role: 'init' }), podResources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } };
    expect(podQos(p).qosClass).toBe('Guaranteed');
  });

  test('each container that keeps the pod from Guaranteed is named, with what is missing', () => {
    const q = podQos(pod({ requests: { cpu: '1' }, limits: { cpu: '2', memory: '1Gi' } }));
    expect(q.problems).toEqual(['containers[c0] (resources from test): CPU request 1 differs from its limit 2']);
  });
});

describe('production example: failover quorum and Guaranteed pods', () => {
  const manifests = Testing.synth(new ProductionChart(Testing.app(), 'production'));
  const pods = modelPodResources(manifests);

  test('renders failover quorum with synchronous ANY 1, dataDurability required', () => {
    const cluster = manifests.find((m) => m.kind === 'Cluster');
    expect(cluster.spec.postgresql.synchronous).toEqual({ method: 'any', number: 1, dataDurability: 'required', failoverQuorum: true });
  });

  test('the instance pod as the operator and the plugin build it: three containers, all requests = limits', () => {
    const instance = pods.find((p) => p.owner === 'Cluster/orders-db')!;
    expect(instance.containers.map((c) => [c.role, c.name, c.resources.requests, c.resources.limits])).toEqual([
      ['init', 'bootstrap-controller', { cpu: '4', memory: '16Gi' }, { cpu: '4', memory: '16Gi' }],
      ['container', 'postgres', { cpu: '4', memory: '16Gi' }, { cpu: '4', memory: '16Gi' }],
      ['sidecar', 'plugin-barman-cloud', { cpu: '500m', memory: '512Mi' }, { cpu: '500m', memory: '512Mi' }],
    ]);
    expect(podQos(instance)).toEqual({ qosClass: 'Guaranteed', problems: [] });
  });

  test('PgBouncer pods (with the operator\'s bootstrap-controller) are Guaranteed', () => {
    const poolers = pods.filter((p) => p.kind === 'Pooler');
    expect(poolers.map((p) => p.name)).toEqual(['orders-db-pooler-rw', 'orders-db-pooler-ro']);
    for (const p of poolers) {
      expect(p.containers.map((c) => c.name)).toEqual(['bootstrap-controller', 'pgbouncer']);
      expect(podQos(p).qosClass).toBe('Guaranteed');
    }
  });

  test('every checklist item passes', () => {
    const [report] = ReadinessChecklist.evaluate(manifests);
    expect(report.engine).toBe('CloudNativePG');
    expect(report.items.filter((i) => !i.passed)).toEqual([]);
  });

  test('without the sidecar resources (what the plugin gets when the ObjectStore states none) the instance pods are Burstable', () => {
    const edited = clone(manifests);
    delete edited.find((m: any) => m.kind === 'ObjectStore').spec.instanceSidecarConfiguration.resources;
    const qos = item(edited, 'instance-qos');
    expect(qos).toMatchObject({ passed: false, required: true });
    expect(qos.reason).toMatch(/^instance pods of Cluster orders-db: Burstable, because initContainers\[plugin-barman-cloud\] \(resources from ObjectStore orders-db-archive spec\.instanceSidecarConfiguration\.resources\): no CPU limit, no memory limit; under node memory pressure/);
  });

  test('without failover quorum the synchronous-standby item fails and says why', () => {
    const edited = clone(manifests);
    delete edited.find((m: any) => m.kind === 'Cluster').spec.postgresql.synchronous.failoverQuorum;
    const sync = item(edited, 'sync-standby');
    expect(sync).toMatchObject({ passed: false, required: true });
    expect(sync.reason).toMatch(/failover quorum is off.*may promote the asynchronous standby and those commits are lost\. Set spec\.postgresql\.synchronous\.failoverQuorum: true/);
    // The alpha annotation CloudNativePG still accepts counts too.
    edited.find((m: any) => m.kind === 'Cluster').metadata.annotations = { 'alpha.cnpg.io/failoverQuorum': 'true' };
    expect(item(edited, 'sync-standby').passed).toBe(true);
  });

  test('a Pooler whose bootstrap-controller gets no resources is Burstable (the operator gives it the template\'s pod-level resources)', () => {
    const edited = clone(manifests);
    delete edited.find((m: any) => m.kind === 'Pooler').spec.template.spec.initContainers;
    const qos = item(edited, 'pooler-qos');
    expect(qos.passed).toBe(false);
    expect(qos.reason).toMatch(/Pooler orders-db-pooler-rw: Burstable, because initContainers\[bootstrap-controller\] \(resources from Pooler\/orders-db-pooler-rw template spec\.resources/);
  });

  test('ha-postgres check passes on the example and fails (exit 1) on a cluster without failover quorum or sidecar resources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-check-'));
    const write = (name: string, objects: any[]) => {
      const file = join(dir, name);
      writeFileSync(file, objects.map((o) => stringify(o, { version: '1.1' })).join('---\n'));
      return file;
    };
    const out: string[] = [];
    runCheck([write('ok.yaml', manifests)], {}, (t) => out.push(t));
    expect(out.join('')).toMatch(/PASS \[payments\/orders-db\] instance pods in the Guaranteed QoS class: instance pods of Cluster orders-db: Guaranteed/);

    const weak = clone(manifests);
    delete weak.find((m: any) => m.kind === 'Cluster').spec.postgresql.synchronous.failoverQuorum;
    delete weak.find((m: any) => m.kind === 'ObjectStore').spec.instanceSidecarConfiguration.resources;
    const lines: string[] = [];
    expect(() => runCheck([write('weak.yaml', weak)], {}, (t) => lines.push(t)))
      .toThrow(/2 required readiness item\(s\) failed: payments\/orders-db: a synchronous standby with RPO 0; payments\/orders-db: instance pods in the Guaranteed QoS class/);
    expect(lines.join('')).toMatch(/FAIL \[payments\/orders-db\] instance pods in the Guaranteed QoS class: .*Burstable/);
  });
});

describe('what the model cannot see is not Guaranteed', () => {
  const cluster = (spec: any) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'n' },
    spec: { instances: 3, resources: { limits: { cpu: '1', memory: '2Gi' } }, ...spec } });

  test('an ObjectStore that is not among the manifests leaves the QoS class unknown, and the item fails saying so', () => {
    const qos = item([cluster({ plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'elsewhere' } }] })], 'instance-qos', 'pg');
    expect(qos).toMatchObject({ passed: false });
    expect(qos.reason).toMatch(/QoS class unknown: ObjectStore elsewhere is not among the manifests/);
  });

  test('another plugin may inject containers: unknown', () => {
    expect(item([cluster({ plugins: [{ name: 'other.example.com' }] })], 'instance-qos', 'pg').reason).toMatch(/plugin other\.example\.com may inject containers/);
  });

  test('a cluster without plugins and with equal requests and limits is Guaranteed', () => {
    expect(item([cluster({})], 'instance-qos', 'pg')).toMatchObject({ passed: true, reason: expect.stringMatching(/Guaranteed \(bootstrap-controller 1 CPU\/2Gi, postgres 1 CPU\/2Gi\)/) });
  });

  test('a cluster restored from an archive without a WalArchive of its own: the bootstrap sidecar has no resources', () => {
    const ms = synth((c) => {
      const { archive } = archivedCluster(c);
      new HaPostgres(c, 'restored', { bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archive)) });
    });
    const qos = item(ms, 'instance-qos', 'restored');
    expect(qos.passed).toBe(false);
    expect(qos.reason).toMatch(/initContainers\[plugin-barman-cloud\] \(resources from the Barman Cloud plugin.*while the cluster is bootstrapped from the archive\)/);
    // Its recovery ObjectStore sizes the recovery job's sidecar: the library's defaults.
    expect(ms.find((m) => m.kind === 'ObjectStore' && m.metadata.name === 'restored-source').spec.instanceSidecarConfiguration.resources)
      .toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });
});

describe('Patroni: the same checks on the pods the engine renders itself', () => {
  const manifests = Testing.synth(new PatroniChart(Testing.app(), 'patroni'));

  test('the Patroni cluster gets a report with the QoS items, and they pass', () => {
    const report = ReadinessChecklist.evaluate(manifests).find((r) => r.engine === 'Patroni')!;
    expect(report.items.map((i) => i.id)).toEqual(PATRONI_CHECKLIST.map((i) => i.id));
    expect(ReadinessChecklist.patroniItems().map((i) => i.id)).toEqual(['instance-qos', 'pooler-qos']);
    expect(report.items.map((i) => [i.id, i.passed])).toEqual([['instance-qos', true], ['pooler-qos', true]]);
    expect(report.items[0].reason).toMatch(/^Patroni pods of StatefulSet orders-db: Guaranteed \(patroni /);
    expect(report.items[1].reason).toMatch(/no PgBouncer Deployment for this cluster/);
  });

  test('ha-postgres check reports the Patroni cluster (exit 0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorum-check-patroni-'));
    writeFileSync(join(dir, 'patroni.yaml'), manifests.map((o) => stringify(o, { version: '1.1' })).join('---\n'));
    const out: string[] = [];
    runCheck([dir], {}, (t) => out.push(t));
    expect(out.join('').trim().split('\n')).toEqual([
      expect.stringMatching(/^PASS \[[a-z-]+\/orders-db\] instance pods in the Guaranteed QoS class: Patroni pods of StatefulSet orders-db: Guaranteed/),
      expect.stringMatching(/^PASS \[[a-z-]+\/orders-db\] PgBouncer pods in the Guaranteed QoS class: /),
    ]);
  });

  test('a Burstable Patroni pod fails its item', () => {
    const edited = clone(manifests);
    edited.find((m: any) => m.kind === 'StatefulSet').spec.template.spec.containers.push({ name: 'exporter', image: 'x' });
    const report = ReadinessChecklist.evaluate(edited).find((r) => r.engine === 'Patroni')!;
    expect(report.items[0]).toMatchObject({ passed: false, reason: expect.stringMatching(/Burstable, because containers\[exporter\].*no CPU limit, no memory limit/) });
  });

  test('a Patroni pool renders pgbouncer with requests equal to limits; a CPU limit above the request fails the item', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps({ pgbouncerImage: 'registry.example.com/pgbouncer:1.25.1' }));
      new PgBouncerPool(c, 'pool', { cluster: db });
    });
    expect(item(ms, 'pooler-qos', 'orders')).toMatchObject({ passed: true, reason: expect.stringMatching(/^PgBouncer Deployment .*: Guaranteed/) });
    const edited = clone(ms);
    edited.find((m: any) => m.kind === 'Deployment').spec.template.spec.containers[0].resources.limits.cpu = '4';
    expect(item(edited, 'pooler-qos', 'orders')).toMatchObject({ passed: false,
      reason: expect.stringMatching(/PgBouncer Deployment .*: Burstable, because containers\[pgbouncer\].*CPU request .* differs from its limit 4/) });
  });
});
