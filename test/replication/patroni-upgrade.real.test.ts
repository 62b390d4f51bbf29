/**
 * A blue/green upgrade between two Patroni clusters, 14 → 17, with the SQL Jobs run as they
 * are emitted: the source's Job creates the replication role (password from its Secret,
 * member of pg_read_all_data) and the publication; the target's Job imports the schema
 * (pg_dump --schema-only over TLS as that role, pg_restore as the owner) and creates the
 * subscription (the target server connects with sslmode require and SCRAM). Rows copied and
 * streamed, the cutover's checks pass, and both Jobs run again afterwards without error
 * (the disabled subscription stays disabled).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Client } from 'pg';
import { AppCredentials, BlueGreenUpgrade, ClusterEngine, HaPostgres, PatroniVersion, PostgresVersion } from '../../lib';
import { cutover } from '../../lib/cli/upgrade/cutover';
import { collectStatus, statusText } from '../../lib/cli/upgrade/upgrade-status';
import { describeWithBinaries } from '../support/binaries';
import { Secrets } from '../support/cnpg-instance-manager';
import { PgServer, startPostgres } from '../support/postgres-server';
import { ownForPostgres, sleep } from '../support/processes';
import { expectValidManifests } from '../support/schema-validator';
import { runSqlJob } from '../support/sql-job-runner';
import { issueServerCertificate } from '../support/tls-certs';

describeWithBinaries(['psql', 'pg_dump', 'pg_restore', 'openssl'], 'blue/green upgrade between Patroni clusters, 14 → 17, SQL Jobs as emitted', () => {
  let source: PgServer | undefined;
  let target: PgServer | undefined;
  const opened: Client[] = [];
  let workDir = '';

  afterAll(async () => {
    for (const c of opened) await c.end().catch(() => undefined);
    await target?.stop();
    await source?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('schema import, initial copy, streaming and cutover; the Jobs are idempotent', async () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
    const engine = ClusterEngine.patroni({ version: PatroniVersion.V4_1, image: 'registry.example.com/patroni:4.1.4-pg17', credentialsSecretName: 'shop-patroni', tlsSecretName: 'shop-tls' });
    const blue = new HaPostgres(chart, 'orders', { engine, version: PostgresVersion.of(14, 23), credentials: AppCredentials.fromSecret('orders-app') });
    const green = new HaPostgres(chart, 'orders-v17', { engine, version: PostgresVersion.of(17, 10), credentials: AppCredentials.fromSecret('orders-v17-app') });
    new BlueGreenUpgrade(chart, 'upgrade', { source: blue, target: green, replicationSecretName: 'orders-replicator' });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-upgrade-'));
    ownForPostgres(workDir);
    const cert = issueServerCertificate(path.join(workDir, 'tls'), ['orders-rw']);
    const secrets: Secrets = {
      'orders-replicator': { username: 'upgrade_replicator', password: 'r3plic@tor pass' },
      'shop-patroni': { 'superuser-password': 'trust-locally' },
    };
    [source, target] = await Promise.all([
      startPostgres({
        major: 14,
        // What the Publication sets on a Patroni publisher, plus the certificate Patroni serves.
        parameters: { wal_level: 'logical', max_slot_wal_keep_size: '10GB', ssl: 'on', ssl_cert_file: cert.certFile, ssl_key_file: cert.keyFile },
        hba: ['hostssl all upgrade_replicator 127.0.0.1/32 scram-sha-256', 'host all upgrade_replicator 127.0.0.1/32 reject'],
      }),
      startPostgres({ major: 17 }),
    ]);
    const local = (server: PgServer) => ({ PGHOST: '127.0.0.1', PGPORT: String(server.port), PGSSLMODE: 'disable' });
    const reach = { SOURCE_HOST: '127.0.0.1', SOURCE_PORT: String(source.port), SUB_HOST_0: '127.0.0.1', SUB_PORT_0: String(source.port) };

    // Patroni's post_bootstrap on both (owner app, database app), the application on the source.
    for (const s of [source, target]) {
      await s.query('CREATE ROLE app LOGIN');
      await s.query('CREATE DATABASE app OWNER app');
    }
    const blueApp = new Client({ host: '127.0.0.1', port: source.port, user: 'app', database: 'app' });
    blueApp.on('error', () => undefined);
    await blueApp.connect();
    opened.push(blueApp);
    await blueApp.query(`CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
      CREATE TABLE payments (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, cents bigint NOT NULL CHECK (cents > 0));
      INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 200) g;
      INSERT INTO payments (customer_id, cents) SELECT 1 + g % 200, g FROM generate_series(1, 3000) g;`);

    const runJob = async (cluster: string, server: PgServer) => {
      const r = await runSqlJob(manifests, cluster, secrets, { ...local(server), ...reach }, workDir);
      expect({ cluster, code: r.code, stderr: r.stderr }).toEqual({ cluster, code: 0, stderr: '' });
      return r.stdout;
    };
    await runJob('orders', source);
    expect(await runJob('orders-v17', target)).toMatch(/schema import from 127\.0\.0\.1:\d+\/app/);

    const sourceAdmin = new Client({ host: '127.0.0.1', port: source.port, user: 'postgres', database: 'app' });
    const sourceLock = new Client({ host: '127.0.0.1', port: source.port, user: 'postgres', database: 'app' });
    const targetAdmin = new Client({ host: '127.0.0.1', port: target.port, user: 'postgres', database: 'app' });
    for (const c of [sourceAdmin, sourceLock, targetAdmin]) { await c.connect(); opened.push(c); }
    // The imported schema: tables, constraints, sequences; no rows from the import itself.
    const constraints = (await targetAdmin.query("SELECT conname FROM pg_constraint WHERE conrelid = 'payments'::regclass ORDER BY 1")).rows.map((r) => r.conname);
    expect(constraints).toEqual(['payments_cents_check', 'payments_customer_id_fkey', 'payments_pkey']);
    expect((await targetAdmin.query("SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relname = 'payments'")).rows[0].o).toBe('app');

    await blueApp.query("INSERT INTO payments (customer_id, cents) VALUES (7, 999), (8, 1000)");
    const opts = { publication: 'upgrade_pub', subscription: 'upgrade_sub', maxLagBytes: 16 * 1024 * 1024, countRows: true };
    let status = await collectStatus(sourceAdmin, targetAdmin, opts);
    for (let i = 0; i < 300 && status.problems.length > 0; i++) {
      await sleep(200);
      status = await collectStatus(sourceAdmin, targetAdmin, opts);
    }
    expect(status.problems).toEqual([]);
    expect(statusText(status)).toMatch(/ready for cutover/);

    const report = await cutover({ source: sourceAdmin, sourceLock, target: targetAdmin, connect: async () => { throw new Error('unused'); } },
      { publication: 'upgrade_pub', subscription: 'upgrade_sub', maxLagBytes: 16 * 1024 * 1024, lockTimeoutMs: 5000, catchUpTimeoutMs: 30_000,
        verifyCounts: true, sequenceGap: 0, terminateSourceSessions: true, dropSubscription: false },
      { log: () => undefined });
    expect(report.rowCounts).toEqual([{ table: 'public.customers', rows: 200 }, { table: 'public.payments', rows: 3002 }]);
    expect(report.sequences.map((s) => s.sequence).sort()).toEqual(['public.customers_id_seq', 'public.payments_id_seq']);
    // The target takes the next payment above every id used on the source.
    const next = await targetAdmin.query("INSERT INTO payments (customer_id, cents) VALUES (9, 5) RETURNING id");
    expect(Number(next.rows[0].id)).toBe(3003);

    // Both Jobs again (e.g. a re-applied manifest after the cutover): no error, the subscription stays disabled.
    await runJob('orders', source);
    await runJob('orders-v17', target);
    expect((await targetAdmin.query("SELECT subenabled FROM pg_subscription WHERE subname = 'upgrade_sub'")).rows[0].subenabled).toBe(false);
  });
});
