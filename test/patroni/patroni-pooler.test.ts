import { HaPostgres, PgBouncerPool, PoolType } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { synth, synthError } from '../support/synth';
import { patroniProps } from './patroni-fixtures';

const IMAGE = 'registry.example.com/pgbouncer:1.24.1';

function poolManifests(type?: PoolType): any[] {
  return synth((c) => {
    const db = new HaPostgres(c, 'orders', patroniProps({ pgbouncerImage: IMAGE }));
    new PgBouncerPool(c, 'pool', { cluster: db, type });
  });
}

describe('PgBouncerPool on Patroni', () => {
  const ms = poolManifests();
  const dep = ms.find((m) => m.kind === 'Deployment');
  const pod = dep.spec.template.spec;
  const ini: string = ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-pooler-rw-pgbouncer').data['pgbouncer.ini'];

  test('every object passes its schema; no pod under two PDBs', () => {
    expectValidManifests(ms);
    expect(podsUnderSeveralPdbs(ms)).toEqual([]);
  });

  test('a pgbouncer Deployment spread over zones, with its own PDB and Service', () => {
    expect(dep.metadata.name).toBe('orders-pooler-rw');
    expect(dep.spec.replicas).toBe(2);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const pdb = ms.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'orders-pooler-rw');
    expect(pdb.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': 'orders-pooler-rw' });
    const svc = ms.find((m) => m.kind === 'Service' && m.metadata.name === 'orders-pooler-rw');
    expect(svc.spec.selector).toEqual(pdb.spec.selector.matchLabels);
  });

  test('configuration from a ConfigMap: every database to the read-write Service, TLS both ways', () => {
    expect(ini).toMatch(/^\[databases\]\n\* = host=orders-rw port=5432\n/);
    expect(ini).toMatch(/\nauth_type = scram-sha-256\n/);
    expect(ini).toMatch(/\nserver_tls_sslmode = require\n/);
    expect(ini).toMatch(/\nclient_tls_sslmode = require\n/);
    expect(ini).toMatch(/\nclient_tls_cert_file = \/etc\/pgbouncer\/tls\/tls\.crt\n/);
    expect(ini).toMatch(/\npool_mode = transaction\n/);
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'orders-pooler-rw-pgbouncer', defaultMode: 0o444 } });
  });

  test('credentials only by Secret reference; no password in any manifest', () => {
    const c = pod.containers[0];
    expect(c.env).toEqual([
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'orders-app', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'orders-app', key: 'password' } } },
    ]);
    expect(c.command.join(' ')).toMatch(/userlist\.txt && exec pgbouncer \/etc\/pgbouncer\/pgbouncer\.ini/);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('a read-only pool points at the read-only Service', () => {
    const roIni = poolManifests(PoolType.READ_ONLY).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-pooler-ro-pgbouncer').data['pgbouncer.ini'];
    expect(roIni).toMatch(/\* = host=orders-ro port=5432/);
  });

  test('without a pgbouncer image the pool fails, naming PgBouncerPool and the engine', () => {
    const msg = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', patroniProps()) }));
    expect(msg).toMatch(/PgBouncerPool = "engine Patroni 4\.1": Patroni 4\.1 has no operator to supply a PgBouncer image.*Fix: give the cluster's engine pgbouncerImage/);
  });
});
