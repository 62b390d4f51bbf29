import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterMode } from '../../lib/model/cluster-mode';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import type { IClusterEngine } from '../../lib/model/cluster-engine';
import { CloudNativePgEngine } from '../../lib/engines/cnpg/cnpg-engine';
import { PgBouncerPool, PgBouncerPoolProps, PoolMode, PoolType } from '../../lib/pooler';
import { synth, synthError } from '../support/synth';

/** The synth error of one pool on a default cluster `orders`. */
function poolError(props: Omit<PgBouncerPoolProps, 'cluster'>, build?: (c: Construct, db: HaPostgres) => void): string {
  return synthError((c) => {
    const db = new HaPostgres(c, 'orders');
    new PgBouncerPool(c, 'pool', { cluster: db, ...props });
    build?.(c, db);
  });
}

describe('PgBouncerPool bad input: one error per rule, each with the value and a fix', () => {
  test('statement mode is refused with the reason', () => {
    const msg = poolError({ poolMode: PoolMode.STATEMENT });
    expect(msg).toContain('poolMode = "statement"');
    expect(msg).toMatch(/not supported by CloudNativePG's Pooler.*multi-statement transaction/);
    expect(msg).toMatch(/Fix: use PoolMode.TRANSACTION/);
  });

  test('a parameter outside CloudNativePG\'s allow-list is named, with the nearest allowed name', () => {
    const msg = poolError({ parameters: { server_lifetme: '3600' } });
    expect(msg).toContain('parameters.server_lifetme = "3600"');
    expect(msg).toMatch(/not a PgBouncer parameter that CloudNativePG lets pools set/);
    expect(msg).toContain('Fix: did you mean "server_lifetime"?');
  });

  test('a parameter a typed property owns points at the property', () => {
    const msg = poolError({ parameters: { default_pool_size: '50', pool_mode: 'session' } });
    expect(msg).toMatch(/parameters.default_pool_size = "50": is set by the defaultPoolSize property.*Fix: set defaultPoolSize instead/);
    expect(msg).toMatch(/parameters.pool_mode = "session": is set by the poolMode property/);
  });

  test('parameter values PgBouncer would reject or misread', () => {
    const msg = poolError({
      parameters: { max_db_connections: '-5', server_lifetime: '1h', log_connections: 'yes', server_tls_sslmode: 'bogus', server_check_query: 'select 1\nselect 2' },
    });
    expect(msg).toMatch(/parameters.max_db_connections = "-5": must be a non-negative integer/);
    expect(msg).toMatch(/parameters.server_lifetime = "1h": must be a non-negative number of seconds/);
    expect(msg).toMatch(/parameters.log_connections = "yes": must be "0" or "1"/);
    expect(msg).toMatch(/parameters.server_tls_sslmode = "bogus": is not a TLS mode/);
    expect(msg).toMatch(/parameters.server_check_query = .*contains a line break/);
  });

  test('auth_type that lets clients in without a password is refused', () => {
    expect(poolError({ parameters: { auth_type: 'trust' } })).toMatch(/parameters.auth_type = "trust": lets clients in without checking their password.*Fix: leave auth_type unset/);
  });

  test('oversubscribed pools: the error shows the arithmetic and the fix', () => {
    const msg = poolError({ instances: 4, defaultPoolSize: 40, reservePoolSize: 5 }, (c, db) => {
      new PgBouncerPool(c, 'batch', { cluster: db, name: 'orders-batch', defaultPoolSize: 10 });
    });
    expect(msg).toContain('pool sizing (2 read-write pools of cluster "orders") = 200');
    expect(msg).toContain('orders-pooler-rw: 4 instances × (defaultPoolSize 40 + reservePoolSize 5) + orders-batch: 2 instances × (defaultPoolSize 10 + reservePoolSize 0) = 200 server connections');
    expect(msg).toContain('> max_connections 200 − superuser_reserved_connections 3 − reserved_connections 0 − headroom 10 = 187');
    expect(msg).toMatch(/Fix: lower defaultPoolSize or reservePoolSize, run fewer pooler instances, or raise the cluster's max_connections to at least 213/);
    // reported once, by the cluster's first pool
    expect(msg.match(/pool sizing/g)).toHaveLength(1);
  });

  test('sizing reads max_connections and superuser_reserved_connections at validation time', () => {
    const props = { instances: 4, defaultPoolSize: 40, reservePoolSize: 5 };
    // 180 fits 187 …
    expect(() => synth((c) => new PgBouncerPool(c, 'p', { cluster: new HaPostgres(c, 'orders'), ...props }))).not.toThrow();
    // … not once superuser_reserved_connections takes 10 more (added after the pool was created)
    const msg = poolError(props, (_c, db) => db.addParameters({ superuser_reserved_connections: 13 }));
    expect(msg).toContain('max_connections 200 − superuser_reserved_connections 13 − reserved_connections 0 − headroom 10 = 177');
    // and raising max_connections afterwards fixes it
    expect(() => synth((c) => {
      const db = new HaPostgres(c, 'orders');
      new PgBouncerPool(c, 'p', { cluster: db, instances: 8, defaultPoolSize: 40 });
      db.addParameters({ max_connections: 400 });
    })).not.toThrow();
  });

  test('read-only pools are sized against one standby, separately from the read-write pools', () => {
    const ok = (): void => {
      synth((c) => {
        const db = new HaPostgres(c, 'orders');
        new PgBouncerPool(c, 'rw', { cluster: db, instances: 4, defaultPoolSize: 40 });
        new PgBouncerPool(c, 'ro', { cluster: db, type: PoolType.READ_ONLY, instances: 4, defaultPoolSize: 40 });
      });
    };
    expect(ok).not.toThrow();
    const msg = poolError({ type: PoolType.READ_ONLY, instances: 5, defaultPoolSize: 40 });
    expect(msg).toMatch(/pool sizing \(1 read-only pool of cluster "orders"\) = 200: .* that one standby can give to pools/);
  });

  test('pools of different clusters are sized separately', () => {
    expect(() => synth((c) => {
      new PgBouncerPool(c, 'a', { cluster: new HaPostgres(c, 'a-db'), instances: 4, defaultPoolSize: 40 });
      new PgBouncerPool(c, 'b', { cluster: new HaPostgres(c, 'b-db'), instances: 4, defaultPoolSize: 40 });
    })).not.toThrow();
  });

  test('pool name equal to the cluster name', () => {
    const msg = poolError({ name: 'orders' });
    expect(msg).toMatch(/name = "orders": equals the cluster's name; CloudNativePG requires Pooler names to differ.*Fix: use e.g. "orders-pooler-rw"/);
  });

  test('pool name equal to another cluster\'s name in the namespace', () => {
    const msg = poolError({ name: 'billing' }, (c) => new HaPostgres(c, 'billing'));
    expect(msg).toMatch(/name = "billing": equals the name of cluster test\/billing.*Fix: give the pool another name/);
  });

  test('two pools with one name in a namespace', () => {
    const msg = poolError({}, (c, db) => new PgBouncerPool(c, 'again', { cluster: db }));
    expect(msg).toMatch(/name \(default, from cluster "orders"\) = "orders-pooler-rw": test\/pool and test\/again both apply Pooler "db\/orders-pooler-rw".*Fix: give test\/pool or test\/again another name/);
  });

  test('names that are not DNS labels, or start with a digit (Service names)', () => {
    expect(poolError({ name: 'Orders_Pool' })).toMatch(/name = "Orders_Pool": is not a DNS label.*Fix: use a name such as "orders-pool"/);
    expect(poolError({ name: '1pool' })).toMatch(/name = "1pool": must start with a letter/);
  });

  test('fewer than 2 instances without the explicit opt-out', () => {
    const msg = poolError({ instances: 1 });
    expect(msg).toMatch(/instances = 1: one pooler pod is a single point of failure.*Fix: use 2 or more instances, or set allowSingleInstance: true/);
    expect(poolError({ instances: 0, allowSingleInstance: true })).toMatch(/instances = 0: must be a whole number of at least 1/);
  });

  test('negative or fractional sizes (PgBouncer itself accepts default_pool_size = -5)', () => {
    const msg = poolError({ defaultPoolSize: -5, reservePoolSize: 1.5, maxClientConnections: 0, maxPreparedStatements: -1 });
    expect(msg).toMatch(/defaultPoolSize = -5: must be a whole number of at least 1/);
    expect(msg).toMatch(/reservePoolSize = 1.5: must be a whole number of at least 0/);
    expect(msg).toMatch(/maxClientConnections = 0: must be a whole number of at least 1/);
    expect(msg).toMatch(/maxPreparedStatements = -1: must be a whole number of at least 0/);
  });

  test('min_pool_size above default_pool_size', () => {
    expect(poolError({ defaultPoolSize: 10, minPoolSize: 15 })).toMatch(/minPoolSize = 15: is above defaultPoolSize \(10\).*Fix: set minPoolSize to at most 10/);
  });

  test('a reserve pool that is never used (reservePoolTimeout 0)', () => {
    expect(poolError({ reservePoolSize: 5, reservePoolTimeout: Duration.seconds(0) }))
      .toMatch(/reservePoolTimeout = 0 seconds: is 0 while reservePoolSize is 5: PgBouncer would never use the reserve pool/);
  });

  test('durations that are not whole milliseconds', () => {
    expect(poolError({ queryWaitTimeout: Duration.millis(0.5) })).toMatch(/queryWaitTimeout = .*: must be a whole number of milliseconds/);
  });

  test('a pool in another namespace than its cluster', () => {
    const app = Testing.app();
    const db = new HaPostgres(new Chart(app, 'data', { namespace: 'data' }), 'orders');
    const apps = new Chart(app, 'apps', { namespace: 'apps' });
    new PgBouncerPool(apps, 'pool', { cluster: db });
    expect(() => Testing.synth(apps)).toThrow(/cluster = "orders": is in namespace "data" but the pool is in "apps"; a Pooler only serves a cluster of its own namespace/);
  });

  test('a read-only pool on a standalone cluster', () => {
    const msg = synthError((c) => {
      const db = new HaPostgres(c, 'dev', { mode: ClusterMode.standalone() });
      new PgBouncerPool(c, 'ro', { cluster: db, type: PoolType.READ_ONLY });
    });
    expect(msg).toMatch(/type = "read-only": the cluster is standalone: it has no standby to read from/);
  });

  test('resources: limits below requests, too little memory', () => {
    const msg = poolError({ resources: { cpuRequest: Cpu.units(1), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(32) } });
    expect(msg).toMatch(/resources.cpuLimit = "500m": is below cpuRequest \(1\)/);
    expect(msg).toMatch(/resources.memoryRequest = 32Mi: is below 64Mi/);
  });

  test('an engine that cannot render pools: the error names PgBouncerPool and the engine', () => {
    // An engine without the pooler capability: its bindPooler is never called.
    class BareEngine extends CloudNativePgEngine {
      public readonly name = 'Bare engine 0.1';
      public readonly capabilities = { ...new CloudNativePgEngine().capabilities, pooler: false };
      public bindPooler(): never {
        throw new Error('bindPooler called although capabilities.pooler is false');
      }
    }
    const bare: IClusterEngine = new BareEngine();
    const msg = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', { engine: bare }) }));
    expect(msg).toMatch(/PgBouncerPool = "Bare engine 0.1": the cluster's engine \(Bare engine 0.1\) cannot render connection pools.*Fix: /);
  });

  test('all errors of a pool at once, nothing written', () => {
    const msg = poolError({ poolMode: PoolMode.STATEMENT, instances: 1, parameters: { nope: '1' } });
    expect(msg).toMatch(/poolMode[\s\S]*instances[\s\S]*parameters.nope/);
    for (const line of msg.split('\n').filter((l) => l.includes('[test/pool]'))) expect(line).toContain('Fix: ');
  });
});

test('a pool named like the cluster\'s NetworkPolicy', () => {
  const message = synthError((c) => {
    const db = new HaPostgres(c, 'orders-db');
    new PgBouncerPool(c, 'pool', { cluster: db, name: 'orders-db-instances' });
  });
  expect(message).toMatch(/name = "orders-db-instances": test\/orders-db and test\/pool both apply NetworkPolicy "db\/orders-db-instances".*Fix: give test\/orders-db or test\/pool another name/);
});
