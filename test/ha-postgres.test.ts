import { ApiObject, Duration, JsonPatch, Size, Testing, Chart } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AppCredentials, ClusterMode, DataDurability, DisruptionBudget, HaPostgres, PostgresVersion,
  PrimaryUpdateMethod, SynthWarnings,
} from '../lib';
import { expectValidManifests } from './support/schema-validator';
import { only, synth } from './support/synth';

describe('HaPostgres defaults (CloudNativePG)', () => {
  const manifests = synth((c) => new HaPostgres(c, 'orders'));
  const cluster = only(manifests, 'Cluster');
  const pdb = only(manifests, 'PodDisruptionBudget');

  test('every object passes its schema', () => expectValidManifests(manifests));

  test('three instances, quorum ANY 1 with required durability and failover quorum', () => {
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.metadata).toMatchObject({ name: 'orders', namespace: 'db' });
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.postgresql.synchronous).toEqual({ method: 'any', number: 1, dataDurability: 'required', failoverQuorum: true });
  });

  test('one instance per zone and never two on one node', () => {
    expect(cluster.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { 'cnpg.io/cluster': 'orders', 'cnpg.io/podRole': 'instance' } },
    }]);
    expect(cluster.spec.affinity).toEqual({
      enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'required',
    });
  });

  test('ReadWriteOnce data and separate WAL volumes', () => {
    expect(cluster.spec.storage).toEqual({ size: '50Gi', pvcTemplate: { accessModes: ['ReadWriteOnce'] } });
    expect(cluster.spec.walStorage).toEqual({ size: '20Gi', pvcTemplate: { accessModes: ['ReadWriteOnce'] } });
  });

  test('one library PDB with minAvailable 2 and the operator PDBs off', () => {
    expect(cluster.spec.enablePDB).toBe(false);
    expect(pdb.metadata.name).toBe('orders-pdb');
    expect(pdb.spec).toEqual({
      minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: { 'cnpg.io/cluster': 'orders', 'cnpg.io/podRole': 'instance' } },
    });
  });

  test('HA slots on, bounded below the WAL volume; hot standby delay 30 s', () => {
    expect(cluster.spec.replicationSlots).toEqual({ highAvailability: { enabled: true }, updateInterval: 30 });
    const p = cluster.spec.postgresql.parameters;
    expect(p.max_slot_wal_keep_size).toBe('10GB');
    expect(p.max_standby_streaming_delay).toBe('30s');
    expect(p.max_standby_archive_delay).toBe('30s');
  });

  test('switchover updates, unsupervised; superuser access off; checksums on', () => {
    expect(cluster.spec.primaryUpdateMethod).toBe('switchover');
    expect(cluster.spec.primaryUpdateStrategy).toBe('unsupervised');
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'app', owner: 'app', dataChecksums: true });
  });

  test('image derived from the version; Guaranteed resources; memory-derived parameters', () => {
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-standard-trixie');
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(cluster.spec.postgresql.parameters).toMatchObject({ shared_buffers: '1GB', effective_cache_size: '3GB', max_connections: '200' });
  });

  test('parameter values are strings', () => {
    for (const v of Object.values(cluster.spec.postgresql.parameters)) expect(typeof v).toBe('string');
  });

  test('typed outputs name the services, port and secret', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const db = new HaPostgres(chart, 'orders');
    expect([db.readWriteServiceName, db.readOnlyServiceName, db.anyInstanceServiceName]).toEqual(['orders-rw', 'orders-ro', 'orders-r']);
    expect(db.port).toBe(5432);
    expect(db.appSecretName).toBe('orders-app');
    expect(db.databaseName).toBe('app');
    expect(db.maxConnections).toBe(200);
  });
});

describe('HaPostgres options', () => {
  test('named zones restrict placement by node affinity; custom topology keys', () => {
    const cluster = only(synth((c) => new HaPostgres(c, 'db1', {
      placement: { zones: ['a', 'b', 'c'], zoneTopologyKey: 'example.com/zone', nodeTopologyKey: 'example.com/node' },
    })), 'Cluster');
    expect(cluster.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'example.com/zone', operator: 'In', values: ['a', 'b', 'c'] }] }]);
    expect(cluster.spec.affinity.topologyKey).toBe('example.com/node');
    expect(cluster.spec.topologySpreadConstraints[0].topologyKey).toBe('example.com/zone');
  });

  test('preferred durability, more instances and sync standbys', () => {
    const ms = synth((c) => new HaPostgres(c, 'db1', {
      mode: ClusterMode.highAvailability(5), synchronousStandbys: 2, dataDurability: DataDurability.PREFERRED,
    }));
    expectValidManifests(ms);
    const cluster = only(ms, 'Cluster');
    expect(cluster.spec.instances).toBe(5);
    expect(cluster.spec.postgresql.synchronous).toEqual({ method: 'any', number: 2, dataDurability: 'preferred', failoverQuorum: false });
  });

  test('typed storage, slot bound, delays, update method, resources', () => {
    const ms = synth((c) => new HaPostgres(c, 'db1', {
      storage: { size: Size.gibibytes(100), storageClass: 'fast' },
      walStorage: { size: Size.gibibytes(40), storageClass: 'fast-wal' },
      maxSlotWalKeepSize: Size.gibibytes(12),
      maxStandbyStreamingDelay: Duration.minutes(2),
      primaryUpdateMethod: PrimaryUpdateMethod.RESTART,
      resources: { cpuRequest: Cpu.millis(1500), cpuLimit: Cpu.units(4), memoryRequest: Size.gibibytes(8), memoryLimit: Size.gibibytes(8) },
    }));
    expectValidManifests(ms);
    const cluster = only(ms, 'Cluster');
    expect(cluster.spec.storage).toEqual({ size: '100Gi', storageClass: 'fast', pvcTemplate: { accessModes: ['ReadWriteOnce'] } });
    expect(cluster.spec.walStorage.storageClass).toBe('fast-wal');
    expect(cluster.spec.postgresql.parameters.max_slot_wal_keep_size).toBe('12GB');
    expect(cluster.spec.postgresql.parameters.max_standby_streaming_delay).toBe('2min');
    expect(cluster.spec.primaryUpdateMethod).toBe('restart');
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '1500m', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } });
  });

  test('WAL on the data volume when asked; slot bound then sized from the data volume', () => {
    const cluster = only(synth((c) => new HaPostgres(c, 'db1', { separateWalVolume: false })), 'Cluster');
    expect(cluster.spec.walStorage).toBeUndefined();
    expect(cluster.spec.postgresql.parameters.max_slot_wal_keep_size).toBe('25GB');
  });

  test('version and image override', () => {
    const cluster = only(synth((c) => new HaPostgres(c, 'db1', {
      version: PostgresVersion.V16, imageName: 'registry.example.com/pg:16.14-custom',
    })), 'Cluster');
    expect(cluster.spec.imageName).toBe('registry.example.com/pg:16.14-custom');
    expect(only(synth((c) => new HaPostgres(c, 'db2', { version: PostgresVersion.of(17, 6) })), 'Cluster').spec.imageName)
      .toBe('ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie');
  });

  test('credentials from an existing secret', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const db = new HaPostgres(chart, 'db1', { credentials: AppCredentials.fromSecret('orders-owner', { database: 'orders', owner: 'orders' }) });
    expect(db.appSecretName).toBe('orders-owner');
    const cluster = only(Testing.synth(chart), 'Cluster');
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'orders', owner: 'orders', dataChecksums: true, secret: { name: 'orders-owner' } });
  });

  test('operator-managed disruption budgets: no library PDB, enablePDB on', () => {
    const ms = synth((c) => new HaPostgres(c, 'db1', { disruptionBudget: DisruptionBudget.operatorManaged() }));
    expect(ms.filter((m) => m.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(only(ms, 'Cluster').spec.enablePDB).toBe(true);
  });

  test('parameters added after construction land in the manifest', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db1', { parameters: { work_mem: '8MB' } });
      db.addParameters({ work_mem: '32MB', jit: false, random_page_cost: 1.1 });
    });
    expect(only(ms, 'Cluster').spec.postgresql.parameters).toMatchObject({ work_mem: '32MB', jit: 'off', random_page_cost: '1.1' });
  });

  test('fromClusterAttributes gives the engine\'s names for an existing cluster', () => {
    const ref = HaPostgres.fromClusterAttributes({ clusterName: 'legacy', databaseName: 'shop' });
    expect(ref).toEqual({
      clusterName: 'legacy', readWriteServiceName: 'legacy-rw', readOnlyServiceName: 'legacy-ro', anyInstanceServiceName: 'legacy-r',
      port: 5432, appSecretName: 'legacy-app', databaseName: 'shop',
    });
  });
});

describe('standalone mode', () => {
  const chart = new Chart(Testing.app(), 't', { namespace: 'dev' });
  const db = new HaPostgres(chart, 'dev', { mode: ClusterMode.standalone() });
  const ms = Testing.synth(chart);
  const cluster = only(ms, 'Cluster');

  test('one instance, no synchronous replication, no PDB of any kind', () => {
    expectValidManifests(ms);
    expect(cluster.spec.instances).toBe(1);
    expect(cluster.spec.postgresql.synchronous).toBeUndefined();
    expect(cluster.spec.replicationSlots).toBeUndefined();
    expect(ms.filter((m) => m.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(cluster.spec.enablePDB).toBe(false);
  });

  test('a warning is recorded and printed at synth', () => {
    expect(SynthWarnings.collect(db).join('\n')).toMatch(/standalone cluster: one instance/);
    const writes: string[] = [];
    const silence = process.env.HA_POSTGRES_SILENCE_WARNINGS;
    delete process.env.HA_POSTGRES_SILENCE_WARNINGS;
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { writes.push(String(s)); return true; });
    try {
      const app = Testing.app();
      new HaPostgres(new Chart(app, 'x', { namespace: 'dev2' }), 'dev2', { mode: ClusterMode.standalone() });
      app.synth();
    } finally { spy.mockRestore(); process.env.HA_POSTGRES_SILENCE_WARNINGS = silence; }
    expect(writes.join('')).toMatch(/\[WARNING\] \[x\/dev2\] standalone cluster/);
  });

  test('no warning for the HA default', () => {
    const c = new Chart(Testing.app(), 't2', { namespace: 'db' });
    const ha = new HaPostgres(c, 'db1');
    expect(SynthWarnings.collect(ha)).toEqual([]);
  });
});

describe('escape hatch', () => {
  test('addOverride sets fields the props do not cover, and they survive synth and the schema', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db1');
      db.addOverride('spec.nodeMaintenanceWindow', { inProgress: false, reusePVC: true });
      db.addOverride('spec.postgresql.pg_ident', ['certmap app-cn app']);
      db.addOverride('spec.monitoring.tls.enabled', true);
      db.addOverride('spec.switchoverDelay', 120);
    });
    expectValidManifests(ms);
    const spec = only(ms, 'Cluster').spec;
    expect(spec.nodeMaintenanceWindow).toEqual({ inProgress: false, reusePVC: true });
    expect(spec.postgresql.pg_ident).toEqual(['certmap app-cn app']);
    expect(spec.postgresql.parameters.max_connections).toBe('200');
    expect(spec.monitoring).toEqual({ tls: { enabled: true } });
    expect(spec.switchoverDelay).toBe(120);
  });

  test('a JSON patch on ApiObject.of(cluster) survives synth, including snake_case fields', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db1');
      ApiObject.of(db).addJsonPatch(JsonPatch.add('/spec/postgresql/pg_ident', ['map1 alice app']));
      ApiObject.of(db).addJsonPatch(JsonPatch.add('/spec/logLevel', 'debug'));
    });
    expectValidManifests(ms);
    const spec = only(ms, 'Cluster').spec;
    expect(spec.postgresql.pg_ident).toEqual(['map1 alice app']);
    expect(spec.logLevel).toBe('debug');
  });

  test('paths a property owns are refused, naming the property', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const db = new HaPostgres(chart, 'db1');
    expect(() => db.addOverride('spec.instances', 1)).toThrow(/spec\.instances is set from the mode property.*Fix: set mode instead/);
    expect(() => db.addOverride('spec.postgresql.parameters.fsync', 'off')).toThrow(/parameters property/);
    expect(() => db.addOverride('spec.postgresql', {})).toThrow(/spec\.postgresql\.parameters/);
    expect(() => db.addOverride('spec.enablePDB', true)).toThrow(/disruptionBudget/);
    expect(() => db.addOverride('metadata.name', 'x')).toThrow(/must be a dotted path under spec/);
  });
});
