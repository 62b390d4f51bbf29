/**
 * Partial replication with a row filter and a column list (PostgreSQL 15+), on real
 * servers: a CloudNativePG publisher on 16, a subscriber on 17. CloudNativePG's
 * Publication resource has no row filters, so the publisher's SQL Job creates the
 * publication (as the database owner, TLS verify-full against the cluster's CA) and grants
 * the subscriber role SELECT on the table; the Subscription resource and the subscriber's
 * externalClusters entry are applied as the instance manager does. Only the rows that match
 * arrive, only the listed columns, and rows that stop (or start) matching are deleted
 * (inserted) on the subscriber.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Client } from 'pg';
import { DatabaseRole, HaPostgres, LogicalPublisher, PostgresVersion, Publication, PublicationTarget, PublishedTable, Subscription } from '../../lib';
import { CNPG_PARAMETER_DEFAULTS } from '../../lib/engines/cnpg/cnpg-logical';
import { describeWithBinaries } from '../support/binaries';
import { applyDatabaseRole, applySubscription, Secrets } from '../support/cnpg-instance-manager';
import { PgServer, startPostgres } from '../support/postgres-server';
import { ownForPostgres, sleep } from '../support/processes';
import { expectValidManifests } from '../support/schema-validator';
import { runSqlJob } from '../support/sql-job-runner';
import { issueServerCertificate } from '../support/tls-certs';

describeWithBinaries(['psql', 'openssl'], 'partial logical replication: row filter and column list, PostgreSQL 16 → 17', () => {
  let publisher: PgServer | undefined;
  let subscriber: PgServer | undefined;
  const opened: Client[] = [];
  let workDir = '';

  afterAll(async () => {
    for (const c of opened) await c.end().catch(() => undefined);
    await subscriber?.stop();
    await publisher?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('only matching rows and listed columns arrive; rows leaving or entering the filter follow', async () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
    const sales = new HaPostgres(chart, 'sales', { version: PostgresVersion.of(16, 14) });
    const reports = new HaPostgres(chart, 'eu-reports', { version: PostgresVersion.of(17, 10) });
    const role = new DatabaseRole(chart, 'Replicator', { cluster: sales, name: 'eu_replicator', replication: true, passwordSecretName: 'sales-eu-replicator' });
    const publication = new Publication(chart, 'EuOrders', {
      cluster: sales, name: 'eu_orders',
      target: PublicationTarget.tables([PublishedTable.of('orders', { rowFilter: "region = 'eu'", columns: ['region', 'id', 'amount'] })]),
    });
    new Subscription(chart, 'EuOrdersSub', { cluster: reports, name: 'eu_orders_sub', publisher: LogicalPublisher.fromPublication(publication, role), tables: ['orders'] });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    // No Publication resource: CloudNativePG's has no row filters, the SQL Job creates it.
    expect(manifests.filter((m) => m.kind === 'Publication')).toEqual([]);

    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'row-filter-'));
    ownForPostgres(workDir);
    const cert = issueServerCertificate(path.join(workDir, 'tls'), ['sales-rw']);
    const secrets: Secrets = {
      'sales-eu-replicator': { username: 'eu_replicator', password: 'eu-secret-42' },
      'sales-app': { username: 'app', password: 'app-secret' },
      'sales-ca': { 'ca.crt': cert.caPem },
    };
    const params = (cluster: any, extra: Record<string, string> = {}) => ({ ...CNPG_PARAMETER_DEFAULTS, ...cluster.spec.postgresql.parameters, shared_buffers: '128MB', ...extra });
    const cluster = (name: string) => manifests.find((m) => m.kind === 'Cluster' && m.metadata.name === name);
    [publisher, subscriber] = await Promise.all([
      startPostgres({ major: 16, parameters: params(cluster('sales'), { ssl: 'on', ssl_cert_file: cert.certFile, ssl_key_file: cert.keyFile }),
        hba: ['hostssl all eu_replicator 127.0.0.1/32 scram-sha-256', 'host all eu_replicator 127.0.0.1/32 reject'] }),
      startPostgres({ major: 17, parameters: params(cluster('eu-reports')) }),
    ]);
    const externalDir = path.join(workDir, 'controller', 'external');
    fs.mkdirSync(externalDir, { recursive: true });
    ownForPostgres(path.join(workDir, 'controller'));

    // initdb of both clusters, and the application's schema on each (logical replication carries no DDL).
    for (const s of [publisher, subscriber]) {
      await s.query('CREATE ROLE app LOGIN');
      await s.query('CREATE DATABASE app OWNER app');
    }
    const pub = new Client({ host: '127.0.0.1', port: publisher.port, user: 'app', database: 'app' });
    const sub = new Client({ host: '127.0.0.1', port: subscriber.port, user: 'postgres', database: 'app' });
    await pub.connect();
    await sub.connect();
    opened.push(pub, sub);
    await pub.query('CREATE TABLE orders (region text NOT NULL, id bigint NOT NULL, amount numeric NOT NULL, note text, PRIMARY KEY (region, id))');
    await pub.query("INSERT INTO orders VALUES ('eu', 1, 10, 'a'), ('us', 2, 20, 'b'), ('eu', 3, 30, 'c')");
    await sub.query('CREATE TABLE orders (region text NOT NULL, id bigint NOT NULL, amount numeric NOT NULL, PRIMARY KEY (region, id))');
    await sub.query('ALTER TABLE orders OWNER TO app');

    // The publisher: the role (instance manager), then the SQL Job as it is (publication and grant, as the owner app).
    const admin = new Client({ host: '127.0.0.1', port: publisher.port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    opened.push(admin);
    await applyDatabaseRole(admin, manifests.find((m) => m.kind === 'DatabaseRole'), secrets);
    const caFile = path.join(workDir, 'sales-ca.crt');
    fs.writeFileSync(caFile, cert.caPem);
    const run = await runSqlJob(manifests, 'sales', secrets, { PGHOST: 'sales-rw', PGHOSTADDR: '127.0.0.1', PGPORT: String(publisher.port), PGSSLROOTCERT: caFile }, workDir);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const def = await pub.query("SELECT pg_get_publication_tables('eu_orders') IS NOT NULL AS ok, (SELECT rowfilter FROM pg_publication_tables WHERE pubname = 'eu_orders') AS filter, (SELECT attnames FROM pg_publication_tables WHERE pubname = 'eu_orders')::text AS cols");
    expect(def.rows[0].filter).toBe("(region = 'eu'::text)");
    expect(def.rows[0].cols).toBe('{region,id,amount}');

    // The subscriber: the Subscription resource through its externalClusters entry.
    await applySubscription(sub, manifests.find((m) => m.kind === 'Subscription'), cluster('eu-reports'), secrets, externalDir,
      { 'sales-rw': { hostaddr: '127.0.0.1', port: publisher.port } });

    // Changes: an update inside the filter, a row leaving it, a row entering it, a delete.
    await pub.query("INSERT INTO orders VALUES ('eu', 4, 40, 'd'), ('us', 5, 50, 'e')");
    await pub.query("UPDATE orders SET amount = 11 WHERE region = 'eu' AND id = 1");
    await pub.query("UPDATE orders SET region = 'us' WHERE region = 'eu' AND id = 3");
    await pub.query("UPDATE orders SET region = 'eu' WHERE region = 'us' AND id = 2");
    await pub.query("DELETE FROM orders WHERE region = 'eu' AND id = 4");

    const expected = (await pub.query("SELECT region, id::int, amount::text FROM orders WHERE region = 'eu' ORDER BY id")).rows;
    expect(expected).toEqual([{ region: 'eu', id: 1, amount: '11' }, { region: 'eu', id: 2, amount: '20' }]);
    let got: any[] = [];
    for (let i = 0; i < 200; i++) {
      got = (await sub.query('SELECT region, id::int, amount::text FROM orders ORDER BY id')).rows;
      if (JSON.stringify(got) === JSON.stringify(expected)) break;
      await sleep(100);
    }
    expect(got).toEqual(expected);
  });
});
