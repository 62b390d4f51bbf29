/**
 * A real PgBouncer (Debian's 1.18), configured with the parameters a PgBouncerPool
 * emits, in front of a real PostgreSQL 15: transactions pass in transaction mode,
 * clients are multiplexed over the pool, SHOW CONFIG reports every value we set, and
 * settings PgBouncer rejects are rejected by our synth-time validation first.
 *
 * PgBouncer 1.18 predates `max_prepared_statements` (1.21; CloudNativePG 1.30 runs
 * 1.25), so that one parameter is left out of the 1.18 config and checked only in
 * the manifest.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { randomBytes } from 'crypto';
import { HaPostgres } from '../../lib/cluster/ha-postgres';
import { PgBouncerPool, PgBouncerPoolProps } from '../../lib/pooler';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { PgBouncerOptions, PgBouncerServer, psql, startPgBouncer, tryPgBouncerConfig } from '../support/pgbouncer-server';
import { PgServer, startPostgres } from '../support/postgres-server';
import { runProgram } from '../support/processes';
import { synthError } from '../support/synth';

/** Parameters PgBouncer 1.18 does not know yet (added later), left out of its config. */
const NEWER_THAN_1_18 = ['max_prepared_statements'];

/** The pool's engine-neutral settings plus pool_mode and what CloudNativePG always adds. */
function poolSettings(props: Omit<PgBouncerPoolProps, 'cluster'>): Record<string, string> {
  const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
  const pool = new PgBouncerPool(chart, 'pool', { cluster: new HaPostgres(chart, 'orders'), ...props });
  Testing.synth(chart); // runs our validation: these settings are valid
  const params: Record<string, string> = { ...pool.pgbouncerParameters(), pool_mode: pool.poolMode, ignore_startup_parameters: 'extra_float_digits,options' };
  for (const name of NEWER_THAN_1_18) delete params[name];
  // This PgBouncer has no certificate; client TLS is proven in test/security/tls.real.test.ts (with a certificate).
  delete params.client_tls_sslmode;
  return params;
}

const POOL_PROPS: Omit<PgBouncerPoolProps, 'cluster'> = {
  defaultPoolSize: 4,
  minPoolSize: 1,
  reservePoolSize: 1,
  reservePoolTimeout: Duration.seconds(3),
  maxClientConnections: 50,
  serverIdleTimeout: Duration.minutes(5),
  queryWaitTimeout: Duration.seconds(30),
  idleTransactionTimeout: Duration.minutes(1),
  parameters: { server_lifetime: '1800', log_connections: '0', max_db_connections: '10', server_reset_query_always: '0' },
};

describeWithBinaries(['postgres', 'initdb', 'pg_ctl', 'psql', 'pgbench', 'pgbouncer'], 'PgBouncerPool settings in a real PgBouncer 1.18', () => {
  const appPassword = randomBytes(12).toString('hex');
  const adminPassword = randomBytes(12).toString('hex');
  const settings = poolSettings(POOL_PROPS);
  let server: PgServer;
  let bouncer: PgBouncerServer;
  let options: PgBouncerOptions;

  beforeAll(async () => {
    server = await startPostgres({
      parameters: { password_encryption: 'scram-sha-256', max_connections: '40' },
      hba: ['host all app 127.0.0.1/32 scram-sha-256', 'host all bouncer_admin 127.0.0.1/32 scram-sha-256'],
    });
    await server.query(`CREATE ROLE app LOGIN PASSWORD '${appPassword}'`);
    await server.query(`CREATE ROLE bouncer_admin LOGIN PASSWORD '${adminPassword}'`);
    await server.query('CREATE DATABASE app OWNER app');
    // userlist.txt gets the SCRAM secrets PostgreSQL stores, never a plaintext password.
    const secret = async (role: string): Promise<string> => server.query(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role}'`);
    options = {
      parameters: settings, backendPort: server.port, database: 'app', adminUser: 'bouncer_admin',
      users: { app: await secret('app'), bouncer_admin: await secret('bouncer_admin') },
    };
    const init = await runProgram(findBinary('pgbench') as string, ['-i', '-s', '1', '-q', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'app', 'app'],
      { env: { PGPASSWORD: appPassword } });
    if (init.code !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
    bouncer = await startPgBouncer(options, adminPassword);
  });

  afterAll(async () => {
    await bouncer?.stop();
    await server?.stop();
  });

  test('transactions pass through it in transaction mode (commit kept, rollback discarded)', async () => {
    const q = (sql: string): Promise<Array<Record<string, string>>> => psql(bouncer.port, 'app', appPassword, 'app', sql);
    await q('CREATE TABLE IF NOT EXISTS ledger (id int PRIMARY KEY)');
    await q('BEGIN; INSERT INTO ledger VALUES (1); ROLLBACK;');
    await q('BEGIN; INSERT INTO ledger VALUES (2); INSERT INTO ledger VALUES (3); COMMIT;');
    expect((await q('SELECT id FROM ledger ORDER BY id')).map((r) => r.id)).toEqual(['2', '3']);
    const pools = await bouncer.admin('SHOW POOLS', adminPassword);
    expect(pools.find((p) => p.database === 'app' && p.user === 'app')?.pool_mode).toBe('transaction');
  });

  test('10 concurrent clients are multiplexed over default_pool_size 4 (+1 reserve) server connections', async () => {
    const bench = await runProgram(findBinary('pgbench') as string,
      ['-n', '-c', '10', '-j', '2', '-T', '2', '-h', '127.0.0.1', '-p', String(bouncer.port), '-U', 'app', 'app'],
      { env: { PGPASSWORD: appPassword }, timeoutMs: 30_000 });
    expect(bench.stderr).not.toMatch(/error|abort/i);
    expect(bench.code).toBe(0);
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(bench.stdout)?.[1]);
    expect(processed).toBeGreaterThan(0);
    expect(bench.stdout).toMatch(/number of clients: 10/);

    const pool = (await bouncer.admin('SHOW POOLS', adminPassword)).find((p) => p.database === 'app' && p.user === 'app') as Record<string, string>;
    const serverConns = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce((n, k) => n + Number(pool[k]), 0);
    expect(serverConns).toBeGreaterThanOrEqual(1);
    expect(serverConns).toBeLessThanOrEqual(5);
    const backends = Number(await server.query("SELECT count(*) FROM pg_stat_activity WHERE usename = 'app' AND backend_type = 'client backend'"));
    expect(backends).toBeLessThanOrEqual(5);
    const stats = (await bouncer.admin('SHOW STATS', adminPassword)).find((s) => s.database === 'app') as Record<string, string>;
    expect(Number(stats.total_xact_count)).toBeGreaterThanOrEqual(processed);
  });

  test('SHOW CONFIG reports every value the pool sets', async () => {
    const config = await bouncer.showConfig(adminPassword);
    for (const [name, value] of Object.entries(settings)) {
      expect([name, config[name]]).toEqual([name, value]);
    }
    // the typed defaults and props really are what PgBouncer runs with
    expect(config).toMatchObject({ default_pool_size: '4', reserve_pool_timeout: '3', server_idle_timeout: '300', query_wait_timeout: '30', pool_mode: 'transaction' });
  });

  describe('settings PgBouncer rejects are caught by our validation first', () => {
    const cases: Array<[string, Record<string, string>, RegExp, RegExp]> = [
      ['an unknown parameter', { no_such_setting: '1' }, /not a PgBouncer parameter/, /unknown parameter/],
      ['a non-numeric size', { max_db_connections: 'lots' }, /must be a non-negative integer/, /invalid value "lots"/],
      ['an unknown TLS mode', { server_tls_sslmode: 'bogus' }, /is not a TLS mode/, /invalid value "bogus"/],
    ];
    for (const [what, bad, ours, theirs] of cases) {
      test(what, async () => {
        const msg = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders'), parameters: bad }));
        expect(msg).toMatch(ours);
        const result = await tryPgBouncerConfig({ ...options, parameters: { ...settings, ...bad } });
        expect(result.ok).toBe(false);
        expect(result.errors.join('\n')).toMatch(theirs);
      });
    }

    test('an invalid pool_mode: our poolMode is typed, and pool_mode cannot be set as a parameter', async () => {
      const msg = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders'), parameters: { pool_mode: 'transactional' } }));
      expect(msg).toMatch(/parameters.pool_mode = "transactional": is set by the poolMode property/);
      const result = await tryPgBouncerConfig({ ...options, parameters: { ...settings, pool_mode: 'transactional' } });
      expect(result.errors.join('\n')).toMatch(/invalid value "transactional" for parameter pool_mode/);
    });

    test('PgBouncer accepts default_pool_size = -5, our validation does not', async () => {
      expect(synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders'), defaultPoolSize: -5 })))
        .toMatch(/defaultPoolSize = -5: must be a whole number of at least 1/);
      expect((await tryPgBouncerConfig({ ...options, parameters: { ...settings, default_pool_size: '-5' } })).ok).toBe(true);
    });

    test('the construct\'s own settings are accepted', async () => {
      expect(await tryPgBouncerConfig(options)).toEqual({ ok: true, errors: [] });
    });
  });
});
