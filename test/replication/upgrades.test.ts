import { Construct } from 'constructs';
import {
  AppCredentials, ArchiveSource, BlueGreenUpgrade, ClusterBootstrap, ClusterEngine, Database, HaPostgres, InPlaceMajorUpgrade, PatroniVersion, PostgresVersion,
  NetworkPeer, PgBouncerPool, PoolSwitch, PoolSwitchSide, PoolType, Publication, PublicationTarget, SynthWarnings,
} from '../../lib';
import { archivedCluster } from '../backup/fixtures';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

const v = (major: number) => PostgresVersion.of(major, { 14: 23, 15: 18, 16: 14, 17: 10, 18: 4 }[major] as number);
const patroni = () => ClusterEngine.patroni({ version: PatroniVersion.V4_1, image: 'registry.example.com/patroni:4.1.4-pg17', credentialsSecretName: 'p-patroni', tlsSecretName: 'p-tls' });

describe('BlueGreenUpgrade on CloudNativePG', () => {
  let warnings: string[] = [];
  const manifests = synth((c) => {
    const source = new HaPostgres(c, 'orders', { version: v(14) });
    const target = new HaPostgres(c, 'orders-v17', { version: v(17) });
    const upgrade = new BlueGreenUpgrade(c, 'upgrade', { source, target, replicationSecretName: 'orders-upgrade' });
    warnings = SynthWarnings.collect(upgrade);
  });

  test('passes the schemas', () => {
    expectValidManifests(manifests);
  });

  test('the target imports the source database\'s schema at bootstrap, through the subscription\'s external cluster', () => {
    const target = manifests.find((m) => m.kind === 'Cluster' && m.metadata.name === 'orders-v17');
    expect(target.spec.bootstrap.initdb).toMatchObject({
      database: 'app', owner: 'app', dataChecksums: true,
      import: { type: 'microservice', databases: ['app'], schemaOnly: true, source: { externalCluster: 'pub-upgrade-sub' } },
    });
    expect(target.spec.externalClusters.map((e: any) => e.name)).toEqual(['pub-upgrade-sub']);
  });

  test('role, publication of all tables, subscription', () => {
    const role = only(manifests, 'DatabaseRole');
    expect(role.spec).toMatchObject({ name: 'upgrade_replicator', login: true, replication: true, inRoles: ['pg_read_all_data'], passwordSecret: { name: 'orders-upgrade' } });
    expect(only(manifests, 'Publication').spec).toMatchObject({ cluster: { name: 'orders' }, name: 'upgrade_pub', target: { allTables: true } });
    expect(only(manifests, 'Subscription').spec).toMatchObject({ cluster: { name: 'orders-v17' }, name: 'upgrade_sub', publicationName: 'upgrade_pub' });
  });

  test('the source lets the target\'s pods in (instances and the import job)', () => {
    const policy = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'orders-instances');
    const peers = JSON.stringify(policy.spec.ingress);
    expect(peers).toContain('{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"db"}},"podSelector":{"matchLabels":{"cnpg.io/cluster":"orders-v17"}}}');
  });

  test('warns that DDL, sequences and large objects are not replicated', () => {
    expect(warnings.join('\n')).toMatch(/carries rows only: no DDL, no sequence values, no large objects/);
  });

  test('a table list publishes those tables', () => {
    const m = synth((c) => new BlueGreenUpgrade(c, 'u', {
      source: new HaPostgres(c, 'a', { version: v(15) }), target: new HaPostgres(c, 'b', { version: v(18) }), replicationSecretName: 's', tables: ['orders', 'billing.invoices'],
    }));
    expect(only(m, 'Publication').spec.target.objects).toEqual([{ table: { schema: 'public', name: 'orders' } }, { table: { schema: 'billing', name: 'invoices' } }]);
  });
});

describe('BlueGreenUpgrade between Patroni clusters', () => {
  test('the target\'s SQL Job imports the schema and subscribes; it may reach the source, which lets it in', () => {
    const m = synth((c) => new BlueGreenUpgrade(c, 'u', {
      source: new HaPostgres(c, 'orders', { engine: patroni(), version: v(15), credentials: AppCredentials.fromSecret('orders-app') }),
      target: new HaPostgres(c, 'orders-v17', { engine: patroni(), version: v(17), credentials: AppCredentials.fromSecret('orders-v17-app') }),
      replicationSecretName: 'orders-upgrade',
    }));
    expectValidManifests(m);
    const cm = m.find((x) => x.kind === 'ConfigMap' && /^orders-v17-sql-/.test(x.metadata.name));
    expect(cm.data['apply.sh']).toMatch(/pg_dump -F c --schema-only -d 'app'/);
    expect(cm.data['apply.sh']).toMatch(/import_schema \|\| return 1\n  log 'subscription upgrade_sub'/);
    const jobPolicy = m.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'orders-v17-sql');
    expect(jobPolicy.spec.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/instance': 'orders' }) } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    const sourcePolicy = m.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'orders-instances');
    expect(JSON.stringify(sourcePolicy.spec.ingress)).toContain('"ha-postgres.io/sql-job":"orders-v17"');
  });
});

describe('BlueGreenUpgrade bad input', () => {
  test.each([
    ['a downgrade', (c: Construct) => new BlueGreenUpgrade(c, 'u', { source: new HaPostgres(c, 'a', { version: v(17) }), target: new HaPostgres(c, 'b', { version: v(16) }), replicationSecretName: 's' }),
      /target = "b \(PostgreSQL 16\.14\)": runs an older major than the source \(PostgreSQL 17\.10\): that is a downgrade/],
    ['a target restored from an archive', (c: Construct) => {
      const { db, archive } = archivedCluster(c, {}, { version: v(14) });
      new BlueGreenUpgrade(c, 'u', { source: db, target: new HaPostgres(c, 'b', { version: v(17), bootstrap: ClusterBootstrap.fromArchive(ArchiveSource.fromWalArchive(archive)) }), replicationSecretName: 's' });
    }, /target = "b": is bootstrapped from an archive/],
    ['the same cluster', (c: Construct) => { const a = new HaPostgres(c, 'a', { version: v(17) }); new BlueGreenUpgrade(c, 'u', { source: a, target: a, replicationSecretName: 's' }); },
      /target = "a": is the source cluster itself/],
    ['a target of two upgrades', (c: Construct) => {
      const t = new HaPostgres(c, 't', { version: v(17) });
      new BlueGreenUpgrade(c, 'u1', { source: new HaPostgres(c, 'a', { version: v(15) }), target: t, replicationSecretName: 's' });
      new BlueGreenUpgrade(c, 'u2', { source: new HaPostgres(c, 'b', { version: v(15) }), target: t, replicationSecretName: 's', publicationName: 'p2', subscriptionName: 's2', roleName: 'r2' });
    }, /target = "t": already imports its schema for another BlueGreenUpgrade/],
    ['a secret name that cannot exist', (c: Construct) => new BlueGreenUpgrade(c, 'u', { source: new HaPostgres(c, 'a', { version: v(15) }), target: new HaPostgres(c, 'b', { version: v(17) }), replicationSecretName: 'Orders_Secret' }),
      /replicationSecretName = "Orders_Secret": is not a valid Kubernetes object name/],
  ])('%s', (_what, build, pattern) => {
    expect(synthError(build as (c: Construct) => void)).toMatch(pattern);
  });
});

describe('InPlaceMajorUpgrade preflight (CloudNativePG)', () => {
  test('a clean 16 → 17 upgrade passes and warns about downtime, re-cloned standbys and the backup', () => {
    let u: InPlaceMajorUpgrade | undefined;
    synth((c) => {
      const { db } = archivedCluster(c, { serverName: 'orders-db-pg17' }, { version: v(17) });
      u = new InPlaceMajorUpgrade(c, 'u', { cluster: db, fromVersion: v(16), previousArchiveServerName: 'orders-db', extensions: ['pg_stat_statements', 'vector'] });
    });
    const text = SynthWarnings.collect(u!).join('\n');
    expect(text).toMatch(/every instance stops while pg_upgrade runs/);
    expect(text).toMatch(/standbys are then deleted and re-cloned/);
    expect(text).toMatch(/take a base backup right after the upgrade/);
  });

  test.each([
    ['Patroni has no in-place upgrade', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', {
      cluster: new HaPostgres(c, 'a', { engine: patroni(), version: v(17), credentials: AppCredentials.fromSecret('x') }), fromVersion: v(16) }),
      /cluster = "a": the engine Patroni 4\.1 has no in-place major upgrade.*Fix: use BlueGreenUpgrade/],
    ['a downgrade', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: v(16) }), fromVersion: v(17) }),
      /cluster\.version = "16\.14": is older than the running PostgreSQL 17\.10: pg_upgrade cannot downgrade/],
    ['the same major', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: PostgresVersion.of(17, 10) }), fromVersion: PostgresVersion.of(17, 6) }),
      /cluster\.version = "17\.10": has the same major as the running PostgreSQL 17\.6: that is a minor update/],
    ['a target below 16', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: v(15) }), fromVersion: v(14) }),
      /cluster\.version = "15\.18": CloudNativePG 1\.30 upgrades in place only to PostgreSQL 16 or later/],
    ['another Linux distribution', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: v(17) }), fromVersion: v(16), fromImage: 'ghcr.io/cloudnative-pg/postgresql:16.14-standard-bookworm' }),
      /cluster\.imageName = "ghcr\.io\/cloudnative-pg\/postgresql:17\.10-standard-trixie": is built on Debian trixie but the running image on bookworm/],
    ['an extension the target image lacks', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: v(17) }), fromVersion: v(16), extensions: ['postgis'] }),
      /extensions = "postgis": is not in the standard image of PostgreSQL 17/],
    ['an extension removed in the target major', (c: Construct) => new InPlaceMajorUpgrade(c, 'u', { cluster: new HaPostgres(c, 'a', { version: v(17) }), fromVersion: v(16), extensions: ['adminpack'] }),
      /extensions = "adminpack": was removed from PostgreSQL after 16, so pg_upgrade fails.*Fix: DROP EXTENSION adminpack in every database before the upgrade/],
    ['an extension of a Database construct removed in the target major', (c: Construct) => {
      const db = new HaPostgres(c, 'a', { version: v(17) });
      new InPlaceMajorUpgrade(c, 'u', { cluster: db, fromVersion: v(16) });
      new Database(c, 'd', { cluster: db, name: 'ops', owner: 'app', extensions: [{ name: 'old_snapshot' }] });
    }, /extensions = "old_snapshot": was removed from PostgreSQL after 16/],
    ['the archive path not separated (serverName unchanged)', (c: Construct) => {
      const { db } = archivedCluster(c, {}, { version: v(17) });
      new InPlaceMajorUpgrade(c, 'u', { cluster: db, fromVersion: v(16), previousArchiveServerName: 'orders-db' });
    }, /WalArchive serverName = "orders-db": is the serverName the running major archives to.*Fix: set the WalArchive's serverName to a new one, e.g\. "orders-db-pg17"/],
    ['the archive path of the running major not given', (c: Construct) => {
      const { db } = archivedCluster(c, { serverName: 'orders-db-pg17' }, { version: v(17) });
      new InPlaceMajorUpgrade(c, 'u', { cluster: db, fromVersion: v(16) });
    }, /previousArchiveServerName = "undefined": cluster orders-db archives to serverName "orders-db-pg17", and the upgraded system/],
  ])('%s', (_what, build, pattern) => {
    expect(synthError(build as (c: Construct) => void)).toMatch(pattern);
  });

  test('a publishing cluster from 16: subscribers lose their slots (warning); no checksums: kept off (warning)', () => {
    let u: InPlaceMajorUpgrade | undefined;
    synth((c) => {
      const db = new HaPostgres(c, 'a', { version: v(17) });
      new Publication(c, 'p', { cluster: db, name: 'p', target: PublicationTarget.allTables() });
      u = new InPlaceMajorUpgrade(c, 'u', { cluster: db, fromVersion: v(16), dataChecksums: false });
    });
    const text = SynthWarnings.collect(u!).join('\n');
    expect(text).toMatch(/pg_upgrade from PostgreSQL 16 drops logical replication slots/);
    expect(text).toMatch(/the running cluster has no data checksums: pg_upgrade keeps that/);
  });
});

describe('PoolSwitch', () => {
  const build = (serve: PoolSwitchSide) => synth((c) => {
    const source = new HaPostgres(c, 'orders', { version: v(14) });
    const target = new HaPostgres(c, 'orders-v17', { version: v(17) });
    new BlueGreenUpgrade(c, 'u', { source, target, replicationSecretName: 'x' });
    const app = NetworkPeer.podsWithLabels({ app: 'shop' });
    const blue = new PgBouncerPool(c, 'bp', { cluster: source });
    const green = new PgBouncerPool(c, 'gp', { cluster: target });
    blue.connections.allowFrom(app);
    green.connections.allowFrom(app);
    new PoolSwitch(c, 'switch', { serviceName: 'orders-db', source: blue, target: green, serve });
  });

  test('one Service, the applications\' host, selecting the pooler pods of the side it serves', () => {
    const before = build(PoolSwitchSide.SOURCE);
    const after = build(PoolSwitchSide.TARGET);
    expectValidManifests(after);
    const svc = (m: any[]) => m.find((x) => x.kind === 'Service' && x.metadata.name === 'orders-db');
    expect(svc(before).spec.selector).toEqual({ 'cnpg.io/poolerName': 'orders-pooler-rw', 'cnpg.io/podRole': 'pooler' });
    expect(svc(after).spec.selector).toEqual({ 'cnpg.io/poolerName': 'orders-v17-pooler-rw', 'cnpg.io/podRole': 'pooler' });
    expect(svc(after).spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'pgbouncer', protocol: 'TCP' }]);
    // Only the Service differs: applying the switched manifests changes nothing else.
    const rest = (m: any[]) => JSON.stringify(m.filter((x) => !(x.kind === 'Service' && x.metadata.name === 'orders-db')));
    expect(rest(after)).toBe(rest(before));
  });

  test('bad input: the name of a pool\'s own Service, pools of different types', () => {
    expect(synthError((c) => {
      const a = new PgBouncerPool(c, 'a', { cluster: new HaPostgres(c, 'orders', { version: v(14) }) });
      const b = new PgBouncerPool(c, 'b', { cluster: new HaPostgres(c, 'orders-v17', { version: v(17) }), type: PoolType.READ_ONLY });
      new PoolSwitch(c, 's', { serviceName: 'orders-pooler-rw', source: a, target: b });
    })).toMatch(/serviceName = "orders-pooler-rw": is the Service of one of the pools[\s\S]*target = "orders-v17-pooler-ro": is a read-only pool but the source pool is read-write/);
  });
});
