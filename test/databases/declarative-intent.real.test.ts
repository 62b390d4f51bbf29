/**
 * Declarative roles, databases, extensions, schemas and grants applied to a real
 * PostgreSQL (Debian 15), twice, without error, ending in the declared state:
 * - CloudNativePG: the DatabaseRole and Database resources as its instance manager applies
 *   them (test/support/cnpg-instance-manager.ts), then the cluster's SQL Job (the grants,
 *   which the Database resource has no field for) run as it is, logging in as the database
 *   owners;
 * - Patroni: the cluster's SQL Job run as it is (everything, as the superuser).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Client } from 'pg';
import {
  AppCredentials, ClusterEngine, Database, DatabaseRole, Grant, HaPostgres, PatroniVersion, PostgresVersion, SchemaPrivilege, SequencePrivilege, TablePrivilege,
} from '../../lib';
import { describeWithBinaries } from '../support/binaries';
import { applyDatabase, applyDatabaseRole, Secrets } from '../support/cnpg-instance-manager';
import { PgServer, startPostgres } from '../support/postgres-server';
import { expectValidManifests } from '../support/schema-validator';
import { runSqlJob } from '../support/sql-job-runner';

const secrets: Secrets = {
  'shop-app': { username: 'app', password: 'app-secret-1' },
  'shop-reporting': { username: 'reporting', password: 'reporting-secret-1' },
  'shop-etl': { username: 'etl', password: 'etl-secret-1' },
  'shop-patroni': { 'superuser-password': 'unused-with-trust' },
};

/** The same intent on either engine. */
function declare(cluster: HaPostgres, chart: Chart): void {
  new DatabaseRole(chart, 'Reporting', {
    cluster, name: 'reporting', passwordSecretName: 'shop-reporting', memberOf: ['pg_monitor'], connectionLimit: 5, comment: 'BI dashboards',
  });
  new DatabaseRole(chart, 'Etl', { cluster, name: 'etl', passwordSecretName: 'shop-etl', createDatabases: true });
  new DatabaseRole(chart, 'Readers', { cluster, name: 'readers', login: false });
  new Database(chart, 'Analytics', {
    cluster, name: 'analytics', owner: 'etl',
    extensions: [{ name: 'pg_trgm' }, { name: 'citext', schema: 'marts' }],
    schemas: [{ name: 'marts' }, { name: 'staging', owner: 'etl' }],
    grants: [
      Grant.onSchema('marts', 'reporting', [SchemaPrivilege.USAGE]),
      Grant.onAllTablesInSchema('marts', 'reporting', [TablePrivilege.SELECT]),
      Grant.onAllSequencesInSchema('marts', 'reporting', [SequencePrivilege.SELECT]),
    ],
    connectionLimit: 50,
  });
  new Database(chart, 'App', {
    cluster, name: 'app', owner: 'app',
    grants: [Grant.onTables(['orders'], 'reporting', [TablePrivilege.SELECT])],
  });
}

/** What the server ends up with, to compare against the declaration. */
async function observed(port: number): Promise<any> {
  const q = async (database: string, sql: string) => {
    const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database });
    await c.connect();
    try { return (await c.query(sql)).rows; } finally { await c.end(); }
  };
  return {
    roles: await q('postgres', `SELECT rolname, rolcanlogin, rolcreatedb, rolconnlimit, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram,
        shobj_description(oid, 'pg_authid') AS comment,
        ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = a.oid ORDER BY 1) AS member_of
      FROM pg_authid a WHERE rolname IN ('reporting', 'etl', 'readers') ORDER BY 1`),
    databases: await q('postgres', "SELECT datname, pg_get_userbyid(datdba) AS owner, datconnlimit FROM pg_database WHERE datname IN ('analytics', 'app') ORDER BY 1"),
    extensions: await q('analytics', 'SELECT extname, extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname <> \'plpgsql\' ORDER BY 1'),
    schemas: await q('analytics', "SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname IN ('marts', 'staging') ORDER BY 1"),
    grants: (await q('analytics', `SELECT has_schema_privilege('reporting', 'marts', 'USAGE') AS usage,
        has_table_privilege('reporting', 'marts.facts', 'SELECT') AS facts,
        has_table_privilege('reporting', 'marts.facts', 'INSERT') AS facts_insert,
        has_sequence_privilege('reporting', 'marts.facts_id_seq', 'SELECT') AS seq`))[0],
    appGrant: (await q('app', "SELECT has_table_privilege('reporting', 'orders', 'SELECT') AS orders"))[0],
  };
}

const EXPECTED = {
  roles: [
    { rolname: 'etl', rolcanlogin: true, rolcreatedb: true, rolconnlimit: -1, scram: true, comment: null, member_of: [] },
    { rolname: 'readers', rolcanlogin: false, rolcreatedb: false, rolconnlimit: -1, scram: null, comment: null, member_of: [] },
    { rolname: 'reporting', rolcanlogin: true, rolcreatedb: false, rolconnlimit: 5, scram: true, comment: 'BI dashboards', member_of: ['pg_monitor'] },
  ],
  databases: [{ datname: 'analytics', owner: 'etl', datconnlimit: 50 }, { datname: 'app', owner: 'app', datconnlimit: -1 }],
  extensions: [{ extname: 'citext', schema: 'marts' }, { extname: 'pg_trgm', schema: 'public' }],
  schemas: [{ nspname: 'marts', owner: 'etl' }, { nspname: 'staging', owner: 'etl' }],
  grants: { usage: true, facts: true, facts_insert: false, seq: true },
  appGrant: { orders: true },
};

/** CloudNativePG's initdb (owner app, database app) and the application's migrations. */
async function bootstrap(server: PgServer): Promise<void> {
  await server.query('CREATE ROLE app LOGIN');
  await server.query('CREATE DATABASE app OWNER app');
  const c = new Client({ host: '127.0.0.1', port: server.port, user: 'app', database: 'app' });
  await c.connect();
  await c.query('CREATE TABLE orders (id bigserial PRIMARY KEY, amount numeric)');
  await c.end();
}

/**
 * A table the database owner creates after the first run: reporting may read it at once,
 * by the default privileges (before any second run).
 */
async function createLaterTable(port: number): Promise<boolean> {
  const c = new Client({ host: '127.0.0.1', port, user: 'etl', database: 'analytics' });
  await c.connect();
  try {
    await c.query('CREATE TABLE marts.facts (id bigserial PRIMARY KEY, v text)');
    return (await c.query("SELECT has_table_privilege('reporting', 'marts.facts', 'SELECT') AS ok")).rows[0].ok;
  } finally {
    await c.end();
  }
}

describeWithBinaries(['psql'], 'declarative databases and roles on a real PostgreSQL 15, applied twice', () => {
  let server: PgServer | undefined;
  let workDir = '';

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'declarative-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  /** The manifests of the cluster `build` makes, with the intent declared; then a fresh PostgreSQL 15, bootstrapped. */
  async function synthAndStart(build: (chart: Chart) => HaPostgres): Promise<{ manifests: any[]; port: number }> {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
    declare(build(chart), chart);
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    server = await startPostgres();
    await bootstrap(server);
    return { manifests, port: server.port };
  }

  /** Runs the SQL Job as emitted: it succeeds; after the first round, a table created later is readable by reporting. */
  async function runJob(manifests: any[], port: number, round: number): Promise<void> {
    const run = await runSqlJob(manifests, 'shop', secrets, { PGHOST: '127.0.0.1', PGPORT: String(port), PGSSLMODE: 'disable' }, workDir);
    expect({ round, code: run.code, stderr: run.stderr }).toEqual({ round, code: 0, stderr: '' });
    expect(run.stdout).toMatch(/sql: done/);
    if (round === 1) expect(await createLaterTable(port)).toBe(true);
  }

  test('CloudNativePG: DatabaseRole and Database resources (instance manager SQL), then the grants Job', async () => {
    const { manifests, port } = await synthAndStart((chart) => new HaPostgres(chart, 'shop', { version: PostgresVersion.of(15, 18) }));
    const postgres = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await postgres.connect();
    const connectTo = async (database: string) => { const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database }); await c.connect(); return c; };
    try {
      for (let round = 1; round <= 2; round++) {
        for (const m of manifests.filter((x) => x.kind === 'DatabaseRole')) await applyDatabaseRole(postgres, m, secrets);
        for (const m of manifests.filter((x) => x.kind === 'Database')) await applyDatabase(postgres, m, connectTo);
        await runJob(manifests, port, round);
      }
    } finally {
      await postgres.end();
    }
    expect(await observed(port)).toEqual(EXPECTED);
  });

  test('Patroni: the SQL Job applies everything as the superuser', async () => {
    const engine = ClusterEngine.patroni({ version: PatroniVersion.V4_1, image: 'registry.example.com/patroni:4.1.4-pg15', credentialsSecretName: 'shop-patroni', tlsSecretName: 'shop-tls' });
    const { manifests, port } = await synthAndStart((chart) => new HaPostgres(chart, 'shop', { engine, version: PostgresVersion.of(15, 18), credentials: AppCredentials.fromSecret('shop-app') }));
    for (let round = 1; round <= 2; round++) await runJob(manifests, port, round);
    expect(await observed(port)).toEqual(EXPECTED);
  });
});
