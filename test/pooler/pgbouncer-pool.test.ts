import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu, Deployment } from 'cdk8s-plus-28';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { PgBouncerPool, PoolMode, PoolType } from '../../lib/pooler';
import { podsUnderSeveralPdbs, podsWithoutPdb } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth } from '../support/synth';

const poolers = (manifests: any[]): any[] => manifests.filter((m) => m.kind === 'Pooler');
const pdbNamed = (manifests: any[], name: string): any => manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === name);

describe('PgBouncerPool defaults (CloudNativePG)', () => {
  const manifests = synth((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders') }));
  const pooler = only(manifests, 'Pooler');

  test('every object passes its schema', () => expectValidManifests(manifests));

  test('a read-write Pooler named apart from the cluster, 2 instances, transaction mode', () => {
    expect(pooler.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(pooler.metadata).toMatchObject({ name: 'orders-pooler-rw', namespace: 'db' });
    expect(pooler.spec.cluster).toEqual({ name: 'orders' });
    expect(pooler.spec.type).toBe('rw');
    expect(pooler.spec.instances).toBe(2);
    expect(pooler.spec.pgbouncer.poolMode).toBe('transaction');
  });

  test('typed settings rendered with their defaults; timeouts in seconds; prepared statements tracked', () => {
    expect(pooler.spec.pgbouncer.parameters).toEqual({
      client_tls_sslmode: 'require', max_client_conn: '1000', default_pool_size: '20', min_pool_size: '0', reserve_pool_size: '0',
      reserve_pool_timeout: '5', server_idle_timeout: '600', query_wait_timeout: '120',
      idle_transaction_timeout: '0', max_prepared_statements: '200',
    });
  });

  test('spread over zones (strict) and nodes (preferred), selecting only this pooler\'s pods', () => {
    const spec = pooler.spec.template.spec;
    expect(spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { 'cnpg.io/poolerName': 'orders-pooler-rw' } },
    }]);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
      weight: 100,
      podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'cnpg.io/poolerName': 'orders-pooler-rw' } } },
    }]);
    expect(spec.affinity.nodeAffinity).toBeUndefined();
  });

  test('Guaranteed resources on the pgbouncer container; surge-first rollouts', () => {
    expect(pooler.spec.template.spec.containers).toEqual([{
      name: 'pgbouncer', resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
    }]);
    expect(pooler.spec.deploymentStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('its own PodDisruptionBudget: minAvailable 1 over its pods only, unhealthy pods evictable', () => {
    expect(pdbNamed(manifests, 'orders-pooler-rw').spec).toEqual({
      minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: { 'cnpg.io/poolerName': 'orders-pooler-rw', 'cnpg.io/podRole': 'pooler' } },
    });
    expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
    expect(podsWithoutPdb(manifests)).toEqual([]);
  });

  test('no deprecated PodMonitor switch', () => expect(pooler.spec.monitoring).toBeUndefined());

  test('snapshot', () => expect(poolers(manifests)).toMatchSnapshot());
});

describe('PgBouncerPool outputs', () => {
  const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders');
  const rw = new PgBouncerPool(chart, 'rw', { cluster: db });
  const ro = new PgBouncerPool(chart, 'ro', { cluster: db, type: PoolType.READ_ONLY, poolMode: PoolMode.SESSION });

  test('typed Service name and port', () => {
    expect([rw.serviceName, rw.port]).toEqual(['orders-pooler-rw', 5432]);
    expect([ro.serviceName, ro.port]).toEqual(['orders-pooler-ro', 5432]);
    expect(rw.intent).toMatchObject({ clusterName: 'orders', instances: 2, disruptionBudgetMinAvailable: 1 });
  });

  test('pgbouncerParameters(): the map the Pooler carries, sorted, engine-neutral', () => {
    const params = rw.pgbouncerParameters();
    expect(Object.keys(params)).toEqual([...Object.keys(params)].sort());
    const pooler = Testing.synth(chart).find((m: any) => m.kind === 'Pooler' && m.metadata.name === 'orders-pooler-rw');
    expect(pooler.spec.pgbouncer.parameters).toEqual(params);
    for (const name of Object.keys(params)) expect(PgBouncerPool.allowedParameters()).toContain(name);
  });

  test('session mode does not set max_prepared_statements (PgBouncer only needs it for transaction pooling)', () => {
    expect(ro.pgbouncerParameters().max_prepared_statements).toBeUndefined();
  });
});

describe('PgBouncerPool typed settings and parameters', () => {
  const manifests = synth((c) => {
    const db = new HaPostgres(c, 'orders', { placement: { zones: ['a', 'b', 'c'], zoneTopologyKey: 'example.com/zone', nodeTopologyKey: 'example.com/node' } });
    const pool = new PgBouncerPool(c, 'pool', {
      cluster: db, name: 'orders-bouncer', instances: 3, poolMode: PoolMode.SESSION,
      maxClientConnections: 2000, defaultPoolSize: 25, minPoolSize: 5, reservePoolSize: 5, reservePoolTimeout: Duration.millis(2500),
      maxPreparedStatements: 50, serverIdleTimeout: Duration.minutes(5), queryWaitTimeout: Duration.seconds(30),
      idleTransactionTimeout: Duration.minutes(1), parameters: { server_lifetime: '1800', log_connections: '0' },
      resources: { cpuRequest: Cpu.millis(250), cpuLimit: Cpu.units(1), memoryRequest: Size.mebibytes(128) },
    });
    pool.addParameters({ max_db_connections: '30' });
  });
  const pooler = only(manifests, 'Pooler');

  test('schema-valid', () => expectValidManifests(manifests));

  test('every typed prop and parameter lands in the manifest, durations in seconds', () => {
    expect(pooler.spec.pgbouncer).toEqual({
      poolMode: 'session',
      parameters: {
        client_tls_sslmode: 'require', max_client_conn: '2000', default_pool_size: '25', min_pool_size: '5', reserve_pool_size: '5', reserve_pool_timeout: '2.5',
        max_prepared_statements: '50', server_idle_timeout: '300', query_wait_timeout: '30', idle_transaction_timeout: '60',
        server_lifetime: '1800', log_connections: '0', max_db_connections: '30',
      },
    });
  });

  test('the pool follows the cluster\'s placement: zones, topology keys', () => {
    const spec = pooler.spec.template.spec;
    expect(spec.topologySpreadConstraints[0].topologyKey).toBe('example.com/zone');
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('example.com/node');
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'example.com/zone', operator: 'In', values: ['a', 'b', 'c'] }] }]);
  });

  test('3 instances: minAvailable 2 (one pod down at a time); resources as given, limits default to requests', () => {
    expect(pooler.spec.instances).toBe(3);
    expect(pdbNamed(manifests, 'orders-bouncer').spec.minAvailable).toBe(2);
    expect(pooler.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '128Mi' },
    });
  });
});

describe('several pools and clusters: no pod under two budgets', () => {
  const manifests = synth((c) => {
    const orders = new HaPostgres(c, 'orders');
    const billing = new HaPostgres(c, 'billing', { mode: undefined });
    new PgBouncerPool(c, 'orders-rw', { cluster: orders });
    new PgBouncerPool(c, 'orders-ro', { cluster: orders, type: PoolType.READ_ONLY });
    new PgBouncerPool(c, 'orders-reports', { cluster: orders, name: 'orders-reports', type: PoolType.READ_ONLY, instances: 3, defaultPoolSize: 10 });
    new PgBouncerPool(c, 'billing-rw', { cluster: billing, instances: 4, defaultPoolSize: 10 });
    new PgBouncerPool(c, 'billing-ro', { cluster: billing, type: PoolType.READ_ONLY });
  });

  test('schema-valid', () => expectValidManifests(manifests));
  test('five Poolers with distinct names, none equal to a cluster', () => {
    const names = poolers(manifests).map((p) => p.metadata.name);
    expect(names).toEqual(['orders-pooler-rw', 'orders-pooler-ro', 'orders-reports', 'billing-pooler-rw', 'billing-pooler-ro']);
  });
  test('every pod (instances and poolers) is under exactly one PDB', () => {
    expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
    expect(podsWithoutPdb(manifests)).toEqual([]);
  });
});

describe('single pooler pod, explicitly allowed', () => {
  const chart = new Chart(Testing.app(), 'dev', { namespace: 'dev' });
  const pool = new PgBouncerPool(chart, 'pool', { cluster: new HaPostgres(chart, 'dev-db'), instances: 1, allowSingleInstance: true });
  const manifests = Testing.synth(chart);

  test('no budget (it would block every drain) and a warning', () => {
    expect(only(manifests, 'Pooler').spec.instances).toBe(1);
    expect(manifests.filter((m: any) => m.kind === 'PodDisruptionBudget').map((m: any) => m.metadata.name)).toEqual(['dev-db-pdb']);
    expect(SynthWarnings.collect(pool).join()).toMatch(/single pooler pod/);
  });
});

describe('connection environment for applications', () => {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'db' });
  const pool = new PgBouncerPool(chart, 'pool', { cluster: new HaPostgres(chart, 'orders') });
  const deployment = new Deployment(chart, 'api', { containers: [{ image: 'example.com/api:1.0', portNumber: 8080 }] });
  pool.addConnectionEnv(deployment.containers[0]);
  const manifests = Testing.synth(chart);
  const dep = manifests.find((m: any) => m.kind === 'Deployment');
  const env = dep.spec.template.spec.containers[0].env as any[];
  const byName = Object.fromEntries(env.map((e) => [e.name, e]));

  test('host, port, database and TLS as values; user and password from the app Secret by reference', () => {
    expect(byName.PGHOST).toEqual({ name: 'PGHOST', value: 'orders-pooler-rw' });
    expect(byName.PGPORT).toEqual({ name: 'PGPORT', value: '5432' });
    expect(byName.PGDATABASE).toEqual({ name: 'PGDATABASE', value: 'app' });
    expect(byName.PGSSLMODE).toEqual({ name: 'PGSSLMODE', value: 'require' });
    expect(byName.PGUSER).toEqual({ name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'orders-app', key: 'username' } } });
    expect(byName.PGPASSWORD).toEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'orders-app', key: 'password' } } });
  });

  test('no literal password anywhere in the manifests', () => {
    expect(byName.PGPASSWORD.value).toBeUndefined();
    expect(JSON.stringify(manifests)).not.toMatch(/"kind":"Secret"/);
  });

  test('the Deployment (and everything else) passes the schema', () => expectValidManifests(manifests));

  test('connectionEnv() can be called more than once', () => {
    expect(Object.keys(pool.connectionEnv())).toEqual(['PGHOST', 'PGPORT', 'PGDATABASE', 'PGSSLMODE', 'PGUSER', 'PGPASSWORD']);
  });
});
