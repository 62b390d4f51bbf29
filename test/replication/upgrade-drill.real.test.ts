/**
 * The online major upgrade drill, PostgreSQL 14 → 17, on real servers.
 *
 * The manifests of a BlueGreenUpgrade (source `orders` on 14, target `orders-v17` on 17)
 * are synthesized, validated against the CRDs, and applied the way CloudNativePG 1.30's
 * instance manager applies them (test/support/cnpg-instance-manager.ts, ported from its
 * source): the replication DatabaseRole and the Publication on the source, the schema-only
 * `bootstrap.initdb.import` and the Subscription on the target, through the target's
 * `externalClusters` entry (TLS verify-full against the source's CA, SCRAM password from a
 * passfile). The source runs with the parameters of its rendered Cluster.
 *
 * While an application writes continuously to the source (one order, one order item and
 * one invoice number per transaction), the subscription copies and follows; then
 * `ha-postgres upgrade cutover`'s code pauses writes, waits for the subscriber, verifies
 * the row counts, synchronizes the sequences, fences the source, switches the
 * application to the target and resumes. Proven: every committed row is on the target,
 * the sequences are ahead of every value used, the source takes no more writes. The write
 * pause (cutover report, and the longest gap between two commits the application saw) is
 * printed (docs/guides/upgrades.md has the latest run).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Chart, Testing } from 'cdk8s';
import { Client } from 'pg';
import { BlueGreenUpgrade, HaPostgres, PostgresVersion } from '../../lib';
import { cutover, CutoverReport } from '../../lib/cli/upgrade/cutover';
import { collectStatus, statusText, UpgradeStatus } from '../../lib/cli/upgrade/upgrade-status';
import { CNPG_PARAMETER_DEFAULTS } from '../../lib/engines/cnpg/cnpg-logical';
import { describeWithBinaries } from '../support/binaries';
import { applyDatabaseRole, applyPublication, applySubscription, importMicroserviceSchema, Secrets } from '../support/cnpg-instance-manager';
import { PgServer, startPostgres } from '../support/postgres-server';
import { ownForPostgres, sleep } from '../support/processes';
import { expectValidManifests } from '../support/schema-validator';
import { issueServerCertificate } from '../support/tls-certs';

/** The parameters a rendered Cluster runs with (CloudNativePG's defaults, then the spec's), with a test-sized shared_buffers. */
function clusterParameters(cluster: any, extra: Record<string, string>): Record<string, string> {
  const p: Record<string, string> = { ...CNPG_PARAMETER_DEFAULTS, ...cluster.spec.postgresql.parameters, ...extra };
  p.shared_buffers = '128MB';
  p.effective_cache_size = '512MB';
  return p;
}

/** An application that writes as fast as it can through whichever server "the pool" points at. */
class Writer {
  public target: 'blue' | 'green' = 'blue';
  public readonly acks: Array<{ id: number; invoice: number; at: number; on: string }> = [];
  public readonly errors: string[] = [];
  private readonly clients = new Map<string, Client>();
  private running = true;
  private loop?: Promise<void>;

  public constructor(private readonly ports: { blue: number; green: number }) {}

  public start(): void {
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const c of this.clients.values()) await c.end().catch(() => undefined);
  }

  private async client(on: 'blue' | 'green'): Promise<Client> {
    let c = this.clients.get(on);
    if (!c) {
      c = new Client({ host: '127.0.0.1', port: this.ports[on], user: 'app', database: 'app', application_name: 'shop' });
      c.on('error', () => undefined);
      await c.connect();
      this.clients.set(on, c);
    }
    return c;
  }

  private async run(): Promise<void> {
    let n = 0;
    while (this.running) {
      const on = this.target;
      try {
        const c = await this.client(on);
        const r = await c.query(
          `WITH o AS (INSERT INTO orders (customer, amount) VALUES ($1, $2) RETURNING id),
                i AS (INSERT INTO order_items (order_id, sku) SELECT id, $3 FROM o RETURNING order_id)
           SELECT (SELECT id FROM o) AS id, nextval('invoice_no') AS invoice`, [`customer-${n % 97}`, (n % 500) + 0.5, `sku-${n % 13}`]);
        this.acks.push({ id: Number(r.rows[0].id), invoice: Number(r.rows[0].invoice), at: Date.now(), on });
        n++;
      } catch (e) {
        this.errors.push(`${on}: ${(e as Error).message}`);
        const c = this.clients.get(on);
        this.clients.delete(on);
        await c?.end().catch(() => undefined);
        await sleep(5);
      }
      await sleep(1);
    }
  }

  /** The longest time between two consecutive commits. */
  public longestGap(): { ms: number; from: string; to: string } {
    let best = { ms: 0, from: '', to: '' };
    for (let i = 1; i < this.acks.length; i++) {
      const ms = this.acks[i].at - this.acks[i - 1].at;
      if (ms > best.ms) best = { ms, from: this.acks[i - 1].on, to: this.acks[i].on };
    }
    return best;
  }
}

async function connect(port: number, database: string, user = 'postgres'): Promise<Client> {
  const c = new Client({ host: '127.0.0.1', port, user, database });
  // The cutover terminates the source's other sessions: such a client errors, expectedly.
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function waitForStatus(source: Client, target: Client, what: string, timeoutMs: number): Promise<UpgradeStatus> {
  const started = Date.now();
  for (;;) {
    const s = await collectStatus(source, target, { publication: 'upgrade_pub', subscription: 'upgrade_sub', maxLagBytes: 16 * 1024 * 1024, countRows: true });
    if (s.problems.length === 0) return s;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not reached in ${timeoutMs} ms:\n${statusText(s)}`);
    await sleep(200);
  }
}

describeWithBinaries(['psql', 'pg_dump', 'pg_restore', 'openssl'], 'online major upgrade 14 → 17 (BlueGreenUpgrade on CloudNativePG resources, real servers)', () => {
  let blue: PgServer | undefined;
  let green: PgServer | undefined;
  let workDir = '';
  const opened: Client[] = [];
  let writer: Writer | undefined;

  afterAll(async () => {
    await writer?.stop();
    for (const c of opened) await c.end().catch(() => undefined);
    await green?.stop();
    await blue?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('no committed row missing, sequences ahead, source fenced; the write pause is measured', async () => {
    // --- the manifests
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
    const source = new HaPostgres(chart, 'orders', { version: PostgresVersion.of(14, 23) });
    const target = new HaPostgres(chart, 'orders-v17', { version: PostgresVersion.of(17, 10) });
    new BlueGreenUpgrade(chart, 'upgrade', { source, target, replicationSecretName: 'orders-upgrade-replicator' });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    const find = (kind: string, name: string) => {
      const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
      if (!m) throw new Error(`no ${kind} ${name} in ${manifests.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
      return m;
    };
    const blueCluster = find('Cluster', 'orders');
    const greenCluster = find('Cluster', 'orders-v17');
    const role = find('DatabaseRole', 'orders-role-upgrade-replicator');
    const publication = find('Publication', 'orders-pub-upgrade-pub');
    const subscription = find('Subscription', 'orders-v17-sub-upgrade-sub');
    expect(greenCluster.spec.bootstrap.initdb.import).toEqual({ type: 'microservice', databases: ['app'], schemaOnly: true, source: { externalCluster: 'pub-upgrade-sub' } });

    // --- the servers: the source with TLS (a certificate for orders-rw, as the operator issues)
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-drill-'));
    ownForPostgres(workDir);
    const cert = issueServerCertificate(path.join(workDir, 'tls'), ['orders-rw', 'orders-rw.shop', 'orders-rw.shop.svc']);
    const password = randomBytes(16).toString('base64url');
    const secrets: Secrets = {
      'orders-upgrade-replicator': { username: 'upgrade_replicator', password },
      'orders-ca': { 'ca.crt': cert.caPem },
    };
    [blue, green] = await Promise.all([
      startPostgres({
        major: 14,
        parameters: clusterParameters(blueCluster, { ssl: 'on', ssl_cert_file: cert.certFile, ssl_key_file: cert.keyFile }),
        // The replication role: TLS and SCRAM only (the library's pg_hba refuses plain text).
        hba: ['hostssl all upgrade_replicator 127.0.0.1/32 scram-sha-256', 'host all upgrade_replicator 127.0.0.1/32 reject'],
      }),
      startPostgres({ major: 17, parameters: clusterParameters(greenCluster, {}) }),
    ]);
    const services = { 'orders-rw': { hostaddr: '127.0.0.1', port: blue.port } };
    const externalDir = path.join(workDir, 'controller', 'external');
    fs.mkdirSync(externalDir, { recursive: true });
    ownForPostgres(path.join(workDir, 'controller'));

    // --- the source: CloudNativePG's initdb (owner app, database app), then the application's schema and data
    await blue.query("CREATE ROLE app LOGIN");
    await blue.query("CREATE DATABASE app OWNER app");
    const blueApp = await connect(blue.port, 'app', 'app');
    opened.push(blueApp);
    await blueApp.query(`
      CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), sku text NOT NULL, qty integer NOT NULL DEFAULT 1);
      CREATE INDEX order_items_order ON order_items (order_id);
      CREATE SEQUENCE invoice_no START 100000;
      INSERT INTO orders (customer, amount) SELECT 'seed-' || g, g FROM generate_series(1, 5000) g;
      INSERT INTO order_items (order_id, sku) SELECT id, 'seed' FROM orders;
      SELECT setval('invoice_no', 104999);`);

    // --- the instance manager of the source: the DatabaseRole, then the Publication
    const bluePostgres = await connect(blue.port, 'postgres');
    opened.push(bluePostgres);
    await applyDatabaseRole(bluePostgres, role, secrets);
    const blueAdmin = await connect(blue.port, 'app');
    opened.push(blueAdmin);
    const pubSql = await applyPublication(blueAdmin, publication);
    expect(pubSql).toEqual(['CREATE PUBLICATION "upgrade_pub" FOR ALL TABLES']);

    // --- the target: initdb, then the schema-only import from the source through the external cluster
    await green.query("CREATE ROLE app LOGIN");
    await green.query("CREATE DATABASE app OWNER app");
    await importMicroserviceSchema(greenCluster, green, secrets, externalDir, services, workDir);
    const greenAdmin = await connect(green.port, 'app');
    opened.push(greenAdmin);
    expect((await greenAdmin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(0);

    // --- the application writes; the target subscribes (initial copy, then streaming)
    const app = new Writer({ blue: blue.port, green: green.port });
    writer = app;
    app.start();
    const subSql = await applySubscription(greenAdmin, subscription, greenCluster, secrets, externalDir, services);
    expect(subSql[0]).toMatch(/^CREATE SUBSCRIPTION "upgrade_sub" CONNECTION .*sslmode=''verify-full''.* PUBLICATION "upgrade_pub" WITH \("copy_data" = 'true'\)$/);
    expect(subSql[0]).not.toContain(password);
    const ready = await waitForStatus(blueAdmin, greenAdmin, 'the initial copy', 60_000);
    expect(ready.tables.map((t) => t.table)).toEqual(['public.order_items', 'public.orders']);
    await sleep(1000); // streaming under continuous writes

    // --- the cutover
    const blueLock = await connect(blue.port, 'app');
    opened.push(blueLock);
    const writesBefore = app.acks.length;
    const report: CutoverReport = await cutover(
      { source: blueAdmin, sourceLock: blueLock, target: greenAdmin, connect: async (url) => { const c = new Client({ connectionString: url }); await c.connect(); return c; } },
      { publication: 'upgrade_pub', subscription: 'upgrade_sub', maxLagBytes: 16 * 1024 * 1024, lockTimeoutMs: 5000, catchUpTimeoutMs: 30_000,
        verifyCounts: true, sequenceGap: 0, terminateSourceSessions: true, dropSubscription: false,
        through: `postgres://postgres@127.0.0.1:${green.port}/app` },
      { switchPools: async () => { app.target = 'green'; }, log: () => undefined },
    );
    await sleep(1000); // the application goes on, on the target
    await app.stop();

    // --- proofs
    expect(writesBefore).toBeGreaterThan(0);
    expect(app.acks.filter((a) => a.on === 'green').length).toBeGreaterThan(0);
    expect(report.throughReachesTarget).toBe(true);
    expect(report.subscriptionDisabled).toBe(true);
    // Every committed order (on the source before the cutover, on the target after) is on the target.
    const onTarget = new Set((await greenAdmin.query('SELECT id FROM orders')).rows.map((r) => Number(r.id)));
    const missing = app.acks.filter((a) => !onTarget.has(a.id));
    expect(missing).toEqual([]);
    const counts = (await greenAdmin.query('SELECT (SELECT count(*) FROM orders)::int AS o, (SELECT count(*) FROM order_items)::int AS i')).rows[0];
    expect(counts.o).toBe(5000 + app.acks.length);
    expect(counts.i).toBe(counts.o);
    // Sequences: the target continued above every value used on the source, without a duplicate key.
    const sourceAcks = app.acks.filter((a) => a.on === 'blue');
    const targetAcks = app.acks.filter((a) => a.on === 'green');
    expect(Math.min(...targetAcks.map((a) => a.id))).toBeGreaterThan(Math.max(...sourceAcks.map((a) => a.id)));
    expect(Math.min(...targetAcks.map((a) => a.invoice))).toBeGreaterThan(Math.max(...sourceAcks.map((a) => a.invoice)));
    expect(app.errors.filter((e) => /duplicate key/.test(e))).toEqual([]);
    const seqs = (await greenAdmin.query("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")).rows;
    expect(seqs.map((s) => s.sequencename)).toEqual(['invoice_no', 'order_items_id_seq', 'orders_id_seq']);
    // The source is fenced: a new session is read-only, and nothing was written there after the switch.
    const late = await connect(blue.port, 'app', 'app');
    opened.push(late);
    expect((await late.query('SHOW default_transaction_read_only')).rows[0].default_transaction_read_only).toBe('on');
    await expect(late.query("INSERT INTO orders (customer, amount) VALUES ('late', 1)")).rejects.toThrow(/read-only transaction/);
    const blueMax = Number((await blueAdmin.query('SELECT max(id) AS m FROM orders')).rows[0].m);
    expect(blueMax).toBe(Math.max(...sourceAcks.map((a) => a.id)));

    const gap = app.longestGap();
    const figures = {
      date: new Date().toISOString().slice(0, 10),
      source: (await blueAdmin.query('SHOW server_version')).rows[0].server_version,
      target: (await greenAdmin.query('SHOW server_version')).rows[0].server_version,
      commitsOnSource: sourceAcks.length,
      commitsOnTarget: targetAcks.length,
      writePauseMs: report.writePauseMs,
      lockWaitMs: report.lockWaitMs,
      catchUpMs: report.catchUpMs,
      rowCountCheckMs: report.verifyMs,
      sequencesMs: report.sequencesMs,
      longestCommitGapSeenByTheApplicationMs: gap.ms,
      applicationErrorsDuringSwitch: app.errors.length,
    };
    // eslint-disable-next-line no-console
    console.log(`upgrade drill 14 → 17: ${JSON.stringify(figures)}`);
  });
});
