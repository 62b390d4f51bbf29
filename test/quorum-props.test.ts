import { Duration, Size, Testing, Chart } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  ClusterEngine, ClusterMode, DataDurability, HaPostgres, HaPostgresProps, PgBouncerPool, RestoreDrill, SynthWarnings, TaintEffect, TolerationOperator,
} from '../lib';
import { archivedCluster, ofKind } from './backup/fixtures';
import { patroniProps } from './patroni/patroni-fixtures';
import { expectValidManifests } from './support/schema-validator';
import { only, synth, synthError } from './support/synth';

const cluster = (props: HaPostgresProps = {}) => only(synth((c) => new HaPostgres(c, 'db1', props)), 'Cluster');
const warningsOf = (build: (c: Chart) => void): string[] => {
  const chart = new Chart(Testing.app(), 'w', { namespace: 'db' });
  build(chart);
  Testing.synth(chart);
  return SynthWarnings.collect(chart);
};
const errorFor = (build: (c: any) => void) => {
  const message = synthError(build);
  expect(message).toMatch(/Fix: /);
  return message;
};

describe('failover quorum', () => {
  test('on by default with dataDurability REQUIRED; off by default with PREFERRED; explicit values are rendered', () => {
    expect(cluster().spec.postgresql.synchronous.failoverQuorum).toBe(true);
    expect(cluster({ dataDurability: DataDurability.PREFERRED }).spec.postgresql.synchronous.failoverQuorum).toBe(false);
    expect(cluster({ dataDurability: DataDurability.PREFERRED, failoverQuorum: true }).spec.postgresql.synchronous.failoverQuorum).toBe(true);
    expect(cluster({ failoverQuorum: false }).spec.postgresql.synchronous.failoverQuorum).toBe(false);
    expect(cluster({ mode: ClusterMode.standalone() }).spec.postgresql.synchronous).toBeUndefined();
  });

  test('turning it off warns, naming what is lost', () => {
    const w = warningsOf((c) => new HaPostgres(c, 'db1', { failoverQuorum: false })).join('\n');
    expect(w).toMatch(/failoverQuorum = false: a failover no longer checks that the promoted standby holds every acknowledged commit\. RPO 0 then holds only while one instance fails at a time: .*those commits are lost/);
    expect(warningsOf((c) => new HaPostgres(c, 'db1')).join('\n')).not.toMatch(/failoverQuorum/);
  });

  test('a standalone cluster refuses it', () => {
    expect(errorFor((c) => new HaPostgres(c, 'db1', { mode: ClusterMode.standalone(), failoverQuorum: true })))
      .toMatch(/failoverQuorum = true: a standalone cluster has no standby to fail over to\. Fix: remove failoverQuorum/);
  });

  test('Patroni always restricts failover, so false is refused there; the default renders strict synchronous mode', () => {
    expect(errorFor((c) => new HaPostgres(c, 'orders', patroniProps({}, { failoverQuorum: false }))))
      .toMatch(/failoverQuorum = false: Patroni .* always restricts failover to standbys that hold every acknowledged commit.*Fix: remove failoverQuorum/);
    const ms = synth((c) => new HaPostgres(c, 'orders', patroniProps()));
    expect(ms.find((m) => m.kind === 'ConfigMap').data['patroni.yml']).toMatch(/synchronous_mode_strict: true/);
  });

  test('the synchronous block stays owned by its props (addOverride refuses it, naming failoverQuorum)', () => {
    expect(errorFor((c) => new HaPostgres(c, 'db1').addOverride('spec.postgresql.synchronous.failoverQuorum', false)))
      .toMatch(/failoverQuorum/);
  });
});

describe('Barman Cloud sidecar resources (WalArchive.sidecarResources)', () => {
  const store = (ms: any[], name = 'orders-db-archive') => ofKind(ms, 'ObjectStore').find((s) => s.metadata.name === name);

  test('default: 500m CPU and 512Mi, requests equal to limits, in the ObjectStore the plugin reads', () => {
    const ms = synth((c) => archivedCluster(c));
    expectValidManifests(ms);
    expect(store(ms).spec.instanceSidecarConfiguration).toEqual({
      env: [{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }],
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    });
  });

  test('given values (limits default to requests) go to the archive, its restore drill and a cluster restored from it', () => {
    const ms = synth((c) => {
      const { db } = archivedCluster(c, { sidecarResources: { cpuRequest: Cpu.units(1), memoryRequest: Size.gibibytes(1) } });
      new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'drills' });
    });
    expectValidManifests(ms);
    const expected = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(ofKind(ms, 'ObjectStore').map((s) => [s.metadata.name, s.spec.instanceSidecarConfiguration.resources]))
      .toEqual([['orders-db-archive', expected], ['orders-db-restore-drill-db-source', expected]]);
  });

  test('bad sizes are errors with a fix', () => {
    expect(errorFor((c) => archivedCluster(c, { sidecarResources: { cpuRequest: Cpu.millis(0) } }))).toMatch(/sidecarResources\.cpuRequest = "0m": must be above zero/);
    expect(errorFor((c) => archivedCluster(c, { sidecarResources: { memoryRequest: Size.mebibytes(128) } })))
      .toMatch(/sidecarResources\.memoryRequest = 128Mi: is below 256Mi: barman-cloud .* WAL archiving stops\. Fix: give at least Size\.mebibytes\(256\)/);
    expect(errorFor((c) => archivedCluster(c, { sidecarResources: { cpuRequest: Cpu.units(1), cpuLimit: Cpu.millis(500) } })))
      .toMatch(/sidecarResources\.cpuLimit = "500m": is below cpuRequest \(1\)/);
    expect(errorFor((c) => archivedCluster(c, { sidecarResources: { memoryLimit: Size.mebibytes(300) } })))
      .toMatch(/sidecarResources\.memoryLimit = 300Mi: is below memoryRequest \(512Mi\)/);
  });

  test('a limit above the request warns that the instance pods are no longer Guaranteed', () => {
    const w = warningsOf((c) => { archivedCluster(c, { sidecarResources: { cpuLimit: Cpu.units(2) } }); }).join('\n');
    expect(w).toMatch(/sidecarResources: the sidecar's CPU limit is above its request, so every instance pod is Burstable instead of Guaranteed/);
    expect(w).toMatch(/readiness: instance pods in the Guaranteed QoS class: .*Burstable/);
  });

  test('Patroni has no sidecar: the prop is refused', () => {
    expect(errorFor((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps());
      archivedCluster(c, { cluster: db, sidecarResources: { cpuRequest: Cpu.units(1) } } as any);
    })).toMatch(/sidecarResources = "set": Patroni .* runs barman-cloud-wal-archive and barman-cloud-backup inside the PostgreSQL container/);
  });
});

describe('PgBouncer pods: the operator\'s bootstrap-controller gets the pool\'s resources', () => {
  test('an init container with requests equal to limits, in a schema-valid Pooler', () => {
    const ms = synth((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'db1') }));
    expectValidManifests(ms);
    const spec = only(ms, 'Pooler').spec.template.spec;
    expect(spec.initContainers).toEqual([{
      name: 'bootstrap-controller',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
      resources: spec.containers[0].resources,
    }]);
    expect(spec.containers[0].resources.requests).toEqual(spec.containers[0].resources.limits);
  });
});

describe('dedicated PostgreSQL nodes (placement.nodeSelector and tolerations)', () => {
  const dedicated: HaPostgresProps = {
    placement: {
      nodeSelector: { 'node-role.kubernetes.io/postgres': '' },
      tolerations: [
        { key: 'node-role.kubernetes.io/postgres', operator: TolerationOperator.EXISTS, effect: TaintEffect.NO_SCHEDULE },
        { key: 'node.kubernetes.io/unreachable', operator: TolerationOperator.EXISTS, effect: TaintEffect.NO_EXECUTE, tolerationSeconds: Duration.seconds(30) },
      ],
    },
  };

  test('CloudNativePG: in spec.affinity, where the operator copies them into the pods', () => {
    const ms = synth((c) => new HaPostgres(c, 'db1', dedicated));
    expectValidManifests(ms);
    expect(only(ms, 'Cluster').spec.affinity).toMatchObject({
      nodeSelector: { 'node-role.kubernetes.io/postgres': '' },
      tolerations: [
        { key: 'node-role.kubernetes.io/postgres', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
    });
    expect(cluster().spec.affinity.nodeSelector).toBeUndefined();
  });

  test('Patroni: in the StatefulSet\'s pod template, owned by the props', () => {
    const ms = synth((c) => new HaPostgres(c, 'orders', patroniProps({}, dedicated)));
    expectValidManifests(ms);
    const spec = only(ms, 'StatefulSet').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'node-role.kubernetes.io/postgres': '' });
    expect(spec.tolerations).toHaveLength(2);
    expect(errorFor((c) => new HaPostgres(c, 'orders', patroniProps()).addOverride('spec.template.spec.tolerations', [])))
      .toMatch(/placement\.tolerations/);
  });

  test.each([
    [{ nodeSelector: { 'topology.kubernetes.io/zone': 'eu-west-1a' } }, /placement\.nodeSelector\.topology\.kubernetes\.io\/zone = "eu-west-1a": pins every instance to one zone.*Fix: remove it from nodeSelector and list the zones in placement\.zones/],
    [{ nodeSelector: { 'bad key!': 'x' } }, /placement\.nodeSelector = "bad key!": is not a valid node label key/],
    [{ nodeSelector: { pool: 'not valid!' } }, /placement\.nodeSelector\.pool = "not valid!": is not a valid label value/],
    [{ tolerations: [{ operator: TolerationOperator.EQUAL, value: 'x' }] }, /placement\.tolerations\[0\]\.operator = "Equal": a toleration without a key matches every taint only with operator Exists/],
    [{ tolerations: [{ key: 'k', operator: TolerationOperator.EXISTS, value: 'v' }] }, /placement\.tolerations\[0\]\.value = "v": must be empty with operator Exists/],
    [{ tolerations: [{ key: 'k', effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: Duration.seconds(5) }] }, /placement\.tolerations\[0\]\.tolerationSeconds = .*: applies only to NoExecute taints/],
    [{ tolerations: [{ key: 'k', effect: TaintEffect.NO_EXECUTE, tolerationSeconds: Duration.millis(1500.5) }] }, /placement\.tolerations\[0\]\.tolerationSeconds = "?1500\.5 ms"?: must be a whole number of seconds/],
    [{ tolerations: [{ key: 'not a key' }] }, /placement\.tolerations\[0\]\.key = "not a key": is not a valid taint key/],
    [{ tolerations: [{ key: 'k', effect: 'Sometimes' as TaintEffect }] }, /placement\.tolerations\[0\]\.effect = "Sometimes": is not a taint effect/],
  ])('%j is refused', (placement, message) => {
    expect(errorFor((c) => new HaPostgres(c, 'db1', { placement }))).toMatch(message);
  });
});

describe('liveness probe and primary isolation check (CloudNativePG engine props)', () => {
  test('rendered explicitly by default: 30 s (3 × 10 s) and the isolation check with 1 s timeouts', () => {
    const spec = cluster().spec;
    expect(spec.livenessProbeTimeout).toBe(30);
    expect(spec.probes).toEqual({ liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
      isolationCheck: { enabled: true, requestTimeout: 1000, connectionTimeout: 1000 } } });
  });

  test('given values; the failure threshold follows the timeout as the operator derives it', () => {
    const ms = synth((c) => new HaPostgres(c, 'db1', { engine: ClusterEngine.cloudNativePg({
      livenessProbeTimeout: Duration.seconds(45), isolationCheck: { requestTimeout: Duration.millis(1500), connectionTimeout: Duration.millis(800) } }) }));
    expectValidManifests(ms);
    const spec = only(ms, 'Cluster').spec;
    expect(spec.livenessProbeTimeout).toBe(45);
    expect(spec.probes.liveness).toMatchObject({ failureThreshold: 5, isolationCheck: { enabled: true, requestTimeout: 1500, connectionTimeout: 800 } });
  });

  test('bad values are errors; turning the isolation check off warns', () => {
    const engine = (props: any) => (c: any) => new HaPostgres(c, 'db1', { engine: ClusterEngine.cloudNativePg(props) });
    expect(errorFor(engine({ livenessProbeTimeout: Duration.seconds(5) }))).toMatch(/engine\.livenessProbeTimeout = .*: must be whole seconds from 10 s to 5 min/);
    expect(errorFor(engine({ livenessProbeTimeout: Duration.millis(30500) }))).toMatch(/engine\.livenessProbeTimeout/);
    expect(errorFor(engine({ isolationCheck: { requestTimeout: Duration.seconds(3), connectionTimeout: Duration.seconds(3) } })))
      .toMatch(/engine\.isolationCheck = "requestTimeout 3000 ms \+ connectionTimeout 3000 ms": must stay below the liveness probe's 5 s timeout/);
    // Fractions are errors naming the prop, not cdk8s's unnamed "whole number" throw.
    expect(errorFor(engine({ livenessProbeTimeout: Duration.millis(30000.5) }))).toMatch(/engine\.livenessProbeTimeout = "?30000\.5 ms"?: must be a whole number of seconds/);
    expect(errorFor(engine({ isolationCheck: { requestTimeout: Duration.millis(200.5) } }))).toMatch(/engine\.isolationCheck\.requestTimeout = "?200\.5 ms"?: must be a whole number of milliseconds/);
    expect(errorFor(engine({ isolationCheck: { connectionTimeout: Duration.millis(50) } }))).toMatch(/engine\.isolationCheck\.connectionTimeout = .*: must be a whole number of milliseconds, at least 100 ms/);
    const w = warningsOf((c) => new HaPostgres(c, 'db1', { engine: ClusterEngine.cloudNativePg({ isolationCheck: { enabled: false } }) })).join('\n');
    expect(w).toMatch(/engine\.isolationCheck\.enabled = false: a primary cut off from the Kubernetes API server and from its standbys keeps running/);
  });

  test('overrides of the probe fields are refused, naming the engine props', () => {
    expect(errorFor((c) => new HaPostgres(c, 'db1').addOverride('spec.livenessProbeTimeout', 10))).toMatch(/engine livenessProbeTimeout/);
  });
});
