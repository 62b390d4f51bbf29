import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppCredentials, ClusterEngine, ClusterMode, DatabaseRole, HaPostgres, LogicalPublisher, PatroniVersion, PostgresVersion, Publication, PublicationTarget,
  PublishedTable, PublisherSslMode, PublishOperation, Subscription, SubscriptionStreaming, SynthWarnings,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

const cluster = (s: Construct, name: string, major: number, props = {}) =>
  new HaPostgres(s, name, { version: PostgresVersion.of(major, major === 14 ? 23 : major === 15 ? 18 : major === 16 ? 14 : major === 17 ? 10 : 4), ...props });
const role = (c: HaPostgres) => new DatabaseRole(c, 'Replicator', { cluster: c, name: 'sub_reader', replication: true, passwordSecretName: `${c.clusterName}-replicator` });

/** A publisher, its role and publication, and a subscriber subscribed to it. */
function pair(s: Construct, opts: { pubMajor?: number; subMajor?: number; target?: PublicationTarget; pubProps?: object; subProps?: object; tables?: string[] } = {}) {
  const pub = cluster(s, 'sales', opts.pubMajor ?? 17, opts.pubProps);
  const sub = cluster(s, 'reports', opts.subMajor ?? 17, opts.subProps);
  const r = role(pub);
  const publication = new Publication(s, 'Pub', { cluster: pub, name: 'sales_pub', target: opts.target ?? PublicationTarget.allTables() });
  const subscription = new Subscription(s, 'Sub', { cluster: sub, name: 'sales_sub', publisher: LogicalPublisher.fromPublication(publication, r), tables: opts.tables });
  return { pub, sub, publication, subscription };
}

describe('Publication and Subscription on CloudNativePG', () => {
  const manifests = synth((c) => pair(c, {
    target: PublicationTarget.tables([PublishedTable.of('orders'), PublishedTable.of('billing.invoices', { columns: ['id', 'total'] })]),
  }));

  test('every object passes its schema', () => {
    expectValidManifests(manifests);
  });

  test('Publication resource: the tables, with schema and column list', () => {
    const p = only(manifests, 'Publication');
    expect(p.metadata.name).toBe('sales-pub-sales-pub');
    expect(p.spec).toEqual({
      cluster: { name: 'sales' }, dbname: 'app', name: 'sales_pub', publicationReclaimPolicy: 'retain',
      target: { objects: [{ table: { schema: 'public', name: 'orders' } }, { table: { schema: 'billing', name: 'invoices', columns: ['id', 'total'] } }] },
    });
  });

  test('Subscription resource and the publisher as an externalClusters entry: TLS verify-full with the publisher\'s CA, password by Secret', () => {
    const s = only(manifests, 'Subscription');
    expect(s.spec).toEqual({
      cluster: { name: 'reports' }, dbname: 'app', name: 'sales_sub', externalClusterName: 'pub-sales-sub', publicationName: 'sales_pub', publicationDBName: 'app',
      // 17 → 17 with standbys: the slot is a failover slot, synchronized to the publisher's standbys.
      parameters: { copy_data: 'true', failover: 'true' }, subscriptionReclaimPolicy: 'retain',
    });
    const reports = manifests.find((m) => m.kind === 'Cluster' && m.metadata.name === 'reports');
    expect(reports.spec.externalClusters).toEqual([{
      name: 'pub-sales-sub',
      connectionParameters: { host: 'sales-rw', port: '5432', user: 'sub_reader', dbname: 'app', sslmode: 'verify-full' },
      password: { name: 'sales-replicator', key: 'password' },
      sslRootCert: { name: 'sales-ca', key: 'ca.crt' },
    }]);
  });

  test('the publisher on 17 with standbys synchronizes its logical slots (hot_standby_feedback, sync_replication_slots)', () => {
    const sales = manifests.find((m) => m.kind === 'Cluster' && m.metadata.name === 'sales');
    expect(sales.spec.replicationSlots.highAvailability).toEqual({ enabled: true, synchronizeLogicalDecoding: true });
    expect(sales.spec.postgresql.parameters).toMatchObject({ hot_standby_feedback: 'on', sync_replication_slots: 'on' });
    const reports = manifests.find((m) => m.kind === 'Cluster' && m.metadata.name === 'reports');
    expect(reports.spec.replicationSlots.highAvailability.synchronizeLogicalDecoding).toBeUndefined();
  });

  test('the subscriber role may read exactly the published tables (SQL Job as the owner)', () => {
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && /^sales-sql-/.test(m.metadata.name));
    expect(cm.data['10-app.sql']).toContain('GRANT SELECT ON TABLE "public"."orders", "billing"."invoices" TO "sub_reader";');
    expect(cm.data['10-app.sql']).toContain('GRANT USAGE ON SCHEMA "billing" TO "sub_reader";');
  });

  test('NetworkPolicies: the publisher lets the subscriber\'s instances in, the subscriber may reach the publisher', () => {
    const sales = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'sales-instances');
    expect(sales.spec.ingress).toContainEqual({
      from: expect.arrayContaining([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'reports', 'cnpg.io/podRole': 'instance' } } }]),
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    const reports = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'reports-instances');
    expect(reports.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'sales', 'cnpg.io/podRole': 'instance' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  test('all tables: the role becomes a member of pg_read_all_data; on 16 no slot synchronization and a warning', () => {
    let warnings: string[] = [];
    const m = synth((c) => { const p = pair(c, { pubMajor: 16, subMajor: 17 }); warnings = SynthWarnings.collect(p.subscription); });
    const dbRole = m.find((x) => x.kind === 'DatabaseRole');
    expect(dbRole.spec.inRoles).toEqual(['pg_read_all_data']);
    const sales = m.find((x) => x.kind === 'Cluster' && x.metadata.name === 'sales');
    expect(sales.spec.replicationSlots.highAvailability.synchronizeLogicalDecoding).toBeUndefined();
    expect(only(m, 'Subscription').spec.parameters).toEqual({ copy_data: 'true' });
    expect(warnings.join('\n')).toMatch(/not a failover slot \(failover slots need PostgreSQL 17 on both sides\)/);
  });

  test('publish operations and partition root become parameters', () => {
    const m = synth((c) => new Publication(c, 'p', {
      cluster: cluster(c, 'sales', 17), name: 'inserts', target: PublicationTarget.allTables(), operations: [PublishOperation.INSERT, PublishOperation.TRUNCATE], publishViaPartitionRoot: true,
    }));
    expect(only(m, 'Publication').spec.parameters).toEqual({ publish: 'insert, truncate', publish_via_partition_root: 'true' });
  });

  test('whole schemas plus ONLY a table: objects in the resource; the subscriber role gets SELECT on the schemas\' tables, now and later', () => {
    const m = synth((c) => pair(c, { target: PublicationTarget.tablesInSchemas(['billing'], [PublishedTable.of('events', { only: true })]), tables: ['billing.invoices', 'events'] }));
    expectValidManifests(m);
    expect(only(m, 'Publication').spec.target).toEqual({ objects: [{ table: { schema: 'public', name: 'events', only: true } }, { tablesInSchema: 'billing' }] });
    const cm = m.find((x) => x.kind === 'ConfigMap' && /^sales-sql-/.test(x.metadata.name));
    expect(cm.data['10-app.sql']).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA "billing" TO "sub_reader";');
    expect(cm.data['10-app.sql']).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "app" IN SCHEMA "billing" GRANT SELECT ON TABLES TO "sub_reader";');
    expect(cm.data['10-app.sql']).toContain('GRANT SELECT ON TABLE "public"."events" TO "sub_reader";');
  });

  test('a row filter: no Publication resource (none has row filters); the SQL Job creates it as the owner', () => {
    const m = synth((c) => new Publication(c, 'p', {
      cluster: cluster(c, 'sales', 16), name: 'eu', target: PublicationTarget.tables([PublishedTable.of('orders', { rowFilter: "region = 'eu'" })]), operations: [PublishOperation.INSERT],
    }));
    expectValidManifests(m);
    expect(m.filter((x) => x.kind === 'Publication')).toEqual([]);
    const cm = m.find((x) => x.kind === 'ConfigMap' && /^sales-sql-/.test(x.metadata.name));
    expect(cm.data['10-app.sql']).toContain(`SELECT 'CREATE PUBLICATION "eu" FOR TABLE "public"."orders" WHERE (region = ''eu'') WITH (publish = ''insert'')'`);
  });

  test('an external publisher: verify-full with its CA Secret, egress to its port from the subscriber', () => {
    const m = synth((c) => new Subscription(c, 's', {
      cluster: cluster(c, 'reports', 17), name: 'legacy_sub', tables: ['orders'],
      publisher: LogicalPublisher.external({ host: 'legacy.db.example.com', port: 6432, database: 'shop', publicationName: 'legacy_pub', username: 'replicator', passwordSecretName: 'legacy-replicator', caSecretName: 'legacy-ca', postgresMajor: 13, tables: ['public.orders'] }),
    }));
    expectValidManifests(m);
    const reports = m.find((x) => x.kind === 'Cluster');
    expect(reports.spec.externalClusters[0]).toEqual({
      name: 'pub-legacy-sub', connectionParameters: { host: 'legacy.db.example.com', port: '6432', user: 'replicator', dbname: 'shop', sslmode: 'verify-full' },
      password: { name: 'legacy-replicator', key: 'password' }, sslRootCert: { name: 'legacy-ca', key: 'ca.crt' },
    });
    const policy = m.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'reports-instances');
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 6432 }] });
  });
});

describe('Publication and Subscription on Patroni', () => {
  const engine = () => ClusterEngine.patroni({ version: PatroniVersion.V4_1, image: 'registry.example.com/patroni:4.1.4-pg17', credentialsSecretName: 'p-patroni', tlsSecretName: 'p-tls' });

  test('wal_level logical is set on the publisher; the subscriber\'s Job builds the connection from its environment', () => {
    const m = synth((c) => pair(c, {
      pubProps: { engine: engine(), credentials: AppCredentials.fromSecret('sales-app') },
      subProps: { engine: engine(), credentials: AppCredentials.fromSecret('reports-app') },
    }));
    expectValidManifests(m);
    const patroniConfig = m.find((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('sales') && x.data?.['patroni.yml']);
    expect(patroniConfig.data['patroni.yml']).toMatch(/wal_level: logical/);
    const job = m.find((x) => x.kind === 'Job' && x.metadata.name.startsWith('reports-sql-'));
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({ SUB_HOST_0: 'sales-rw', SUB_PORT_0: '5432', SUB_PASSWORD_0: { name: 'sales-replicator', key: 'password' } });
    const cm = m.find((x) => x.kind === 'ConfigMap' && x.metadata.name === job.metadata.name);
    expect(cm.data['40-subscription-0.sql']).toMatch(/sslmode=''require''/);
  });

  test('a Patroni subscriber cannot verify an external publisher\'s certificate', () => {
    expect(synthError((c) => new Subscription(c, 's', {
      cluster: cluster(c, 'reports', 17, { engine: engine(), credentials: AppCredentials.fromSecret('reports-app') }), name: 'legacy_sub',
      publisher: LogicalPublisher.external({ host: 'legacy.example.com', database: 'shop', publicationName: 'p', username: 'r', passwordSecretName: 's', caSecretName: 'ca', postgresMajor: 15 }),
    }))).toMatch(/publisher\.sslMode = "verify-full": a Patroni 4\.1 subscriber cannot verify the publisher's certificate.*Fix: use PublisherSslMode\.REQUIRE/);
  });
});

describe('synth-time checks', () => {
  test('a subscriber role of another cluster is one error, from the publication', () => {
    const message = synthError((c) => {
      const sales = cluster(c, 'sales', 17);
      const reports = cluster(c, 'reports', 17);
      const publication = new Publication(c, 'Pub', { cluster: sales, name: 'sales_pub', target: PublicationTarget.allTables() });
      new Subscription(c, 'Sub', { cluster: reports, name: 'sales_sub', publisher: LogicalPublisher.fromPublication(publication, role(reports)) });
    });
    expect(message.match(/grantSubscribe\(sub_reader\) = "reports": the role belongs to cluster reports, the publication to sales/g)).toHaveLength(1);
    expect(message).not.toMatch(/the role is declared on cluster/);
  });

  test('a user-set wal_level or slot synchronization parameter is reported once per publisher, however many publications it has', () => {
    const message = synthError((c) => {
      const sales = cluster(c, 'sales', 17, { parameters: { wal_level: 'replica', hot_standby_feedback: 'off' } });
      new Publication(c, 'p1', { cluster: sales, name: 'p1', target: PublicationTarget.allTables() });
      new Publication(c, 'p2', { cluster: sales, name: 'p2', target: PublicationTarget.allTables() });
    });
    expect(message.match(/wal_level = "replica": cluster sales publishes for logical replication/g)).toHaveLength(1);
    expect(message.match(/parameters\.hot_standby_feedback = "off": cluster sales publishes and has standbys/g)).toHaveLength(1);
  });

  test.each([
    ['publication name not an identifier', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 17), name: 'Sales-Pub', target: PublicationTarget.allTables() }),
      /name = "Sales-Pub": is not a valid publication name.*Fix: use "sales_pub"/],
    ['subscription name not an identifier', (c: Construct) => new Subscription(c, 's', { cluster: cluster(c, 'reports', 17), name: '1sub',
      publisher: LogicalPublisher.external({ host: 'h', database: 'd', publicationName: 'p', username: 'u', passwordSecretName: 'x', sslMode: PublisherSslMode.REQUIRE, postgresMajor: 16 }) }),
      /name = "1sub": is not a valid subscription name.*Fix: use "_1sub"/],
    ['wal_level set to replica on a publisher', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 17, { parameters: { wal_level: 'replica' } }), name: 'p', target: PublicationTarget.allTables() }),
      /cluster\.parameters\.wal_level = "replica": cluster sales publishes for logical replication, which needs wal_level = logical/],
    ['a standalone publisher without a slot bound', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 17, { mode: ClusterMode.standalone() }), name: 'p', target: PublicationTarget.allTables() }),
      /maxSlotWalKeepSize = "undefined": cluster sales publishes for logical replication, and without a bound.*Fix: set maxSlotWalKeepSize/],
    ['too few WAL senders on the publisher', (c: Construct) => pair(c, { pubProps: { parameters: { max_wal_senders: 2 } } }),
      /parameters\.max_wal_senders = "2": cluster sales needs at least 3 \(2 for the standbys, 1 for a standby being re-cloned and 1 subscription\(s\), 3 with their table-sync workers \(sales_sub of cluster reports\)\); it is set to 2.*Fix: set parameters\.max_wal_senders to 6 or more/],
    ['too few replication slots on the publisher', (c: Construct) => pair(c, { pubProps: { parameters: { max_replication_slots: 2 } } }),
      /parameters\.max_replication_slots = "2": cluster sales needs at least 3 .*Fix: set parameters\.max_replication_slots to 5 or more/],
    ['no logical replication worker on the subscriber', (c: Construct) => pair(c, { subProps: { parameters: { max_logical_replication_workers: 0 } } }),
      /parameters\.max_logical_replication_workers = "0": cluster reports needs at least 1 .*Fix: set parameters\.max_logical_replication_workers to 3 or more/],
    ['no replication origin on an 18 subscriber', (c: Construct) => pair(c, { subMajor: 18, subProps: { parameters: { max_active_replication_origins: 0 } } }),
      /parameters\.max_active_replication_origins = "0": cluster reports needs at least 1/],
    ['a subscription to tables the publication does not publish', (c: Construct) => pair(c, { target: PublicationTarget.tables([PublishedTable.of('orders')]), tables: ['orders', 'refunds'] }),
      /tables\[1\] = "refunds": is not published by publication sales_pub, which publishes public\.orders.*Fix: add public\.refunds to the publication's tables/],
    ['a row filter on 14', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 14), name: 'p', target: PublicationTarget.tables([PublishedTable.of('orders', { rowFilter: "region = 'eu'" })]) }),
      /target\.tables\[0\]\.rowFilter = "region = 'eu'": row filters need PostgreSQL 15 or later; the publisher runs 14/],
    ['a column list on 14', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 14), name: 'p', target: PublicationTarget.tables([PublishedTable.of('orders', { columns: ['id'] })]) }),
      /target\.tables\[0\]\.columns = \["id"\]: column lists need PostgreSQL 15 or later/],
    ['tables in schema on 14', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 14), name: 'p', target: PublicationTarget.tablesInSchemas(['billing']) }),
      /target\.schemas\[0\] = "billing": FOR TABLES IN SCHEMA needs PostgreSQL 15 or later/],
    ['a row filter with a semicolon', (c: Construct) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 16), name: 'p', target: PublicationTarget.tables([PublishedTable.of('orders', { rowFilter: 'true; DROP TABLE orders' })]) }),
      /rowFilter = "true; DROP TABLE orders": is not a single SQL expression/],
    ['parallel apply on a 15 subscriber', (c: Construct) => new Subscription(c, 's', { cluster: cluster(c, 'reports', 15), name: 's', streaming: SubscriptionStreaming.PARALLEL,
      publisher: LogicalPublisher.external({ host: 'h', database: 'd', publicationName: 'p', username: 'u', passwordSecretName: 'x', sslMode: PublisherSslMode.REQUIRE, postgresMajor: 15 }) }),
      /streaming = "parallel": parallel apply needs a PostgreSQL 16 or later subscriber/],
    ['failover slots before 17', (c: Construct) => new Subscription(c, 's', { cluster: cluster(c, 'reports', 17), name: 's', failover: true,
      publisher: LogicalPublisher.external({ host: 'h', database: 'd', publicationName: 'p', username: 'u', passwordSecretName: 'x', sslMode: PublisherSslMode.REQUIRE, postgresMajor: 16 }) }),
      /failover = true: failover slots need PostgreSQL 17 or later on both sides/],
    ['a subscription to its own cluster', (c: Construct) => {
      const db = cluster(c, 'sales', 17);
      const p = new Publication(c, 'p', { cluster: db, name: 'p', target: PublicationTarget.allTables() });
      new Subscription(c, 's', { cluster: db, name: 's', publisher: LogicalPublisher.fromPublication(p, role(db)) });
    }, /publisher = "publication p": is on the subscriber cluster itself/],
    ['a subscriber role without replication', (c: Construct) => {
      const pub = cluster(c, 'sales', 17);
      const p = new Publication(c, 'p', { cluster: pub, name: 'p', target: PublicationTarget.allTables() });
      new Subscription(c, 's', { cluster: cluster(c, 'reports', 17), name: 's', publisher: LogicalPublisher.fromPublication(p, new DatabaseRole(c, 'r', { cluster: pub, name: 'reader', passwordSecretName: 'x' })) });
    }, /grantSubscribe\(reader\) = "reader": a subscriber connects with a replication connection, which needs a role with LOGIN and REPLICATION/],
    ['an external publisher verified without a CA', (c: Construct) => new Subscription(c, 's', { cluster: cluster(c, 'reports', 17), name: 's',
      publisher: LogicalPublisher.external({ host: 'h.example.com', database: 'd', publicationName: 'p', username: 'u', passwordSecretName: 'x', postgresMajor: 16 }) }),
      /publisher\.caSecretName = "undefined": sslMode verify-full verifies the publisher's certificate, which needs its CA/],
  ])('%s', (_what, build, pattern) => {
    expect(synthError(build as (c: Construct) => void)).toMatch(pattern);
  });

  test('a standalone publisher with maxSlotWalKeepSize is accepted and bounded', () => {
    const m = synth((c) => new Publication(c, 'p', { cluster: cluster(c, 'sales', 17, { mode: ClusterMode.standalone(), maxSlotWalKeepSize: Size.gibibytes(5) }), name: 'p', target: PublicationTarget.allTables() }));
    expect(only(m, 'Cluster').spec.postgresql.parameters.max_slot_wal_keep_size).toBe('5GB');
  });

  test('below the full count (table-sync and parallel apply workers included) a warning, not an error', () => {
    // 2 subscriptions × (1 + 4 table-sync workers) + 2 standbys + 1 re-clone = 13 senders > 10; the apply workers alone need 4.
    let pub: HaPostgres | undefined;
    synth((c) => {
      pub = cluster(c, 'sales', 17);
      const r = role(pub);
      const p = new Publication(c, 'p', { cluster: pub, name: 'p', target: PublicationTarget.allTables() });
      for (const n of ['a', 'b']) {
        new Subscription(c, `s${n}`, { cluster: cluster(c, `r${n}`, 18, { parameters: { max_sync_workers_per_subscription: 4 } }), name: `s_${n}`, publisher: LogicalPublisher.fromPublication(p, r) });
      }
    });
    expect(SynthWarnings.collect(pub!).join('\n')).toMatch(/parameters\.max_wal_senders = 10: 13 recommended \(2 for the standbys, 1 for a standby being re-cloned and 2 subscription\(s\), 10 with their table-sync workers/);
  });

  test('an 18 subscriber with defaults synthesizes (parallel apply counts as recommended only)', () => {
    expect(() => synth((c) => pair(c, { subMajor: 18 }))).not.toThrow();
  });
});
