import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppCredentials, ClusterEngine, Database, DatabaseRole, Grant, HaPostgres, PatroniVersion, PostgresVersion, ReclaimPolicy, SchemaPrivilege, TablePrivilege, SynthWarnings,
} from '../../lib';
import { podTemplates, restrictedViolations, writableRootFilesystems } from '../../lib/testing/pod-security';
import { rbacFindings } from '../../lib/testing/rbac-check';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';

const cnpg = (s: Construct, props = {}) => new HaPostgres(s, 'shop', { version: PostgresVersion.of(17, 10), ...props });
const patroni = (s: Construct) => new HaPostgres(s, 'shop', {
  engine: ClusterEngine.patroni({ version: PatroniVersion.V4_1, image: 'registry.example.com/patroni:4.1.4-pg17', credentialsSecretName: 'shop-patroni', tlsSecretName: 'shop-tls' }),
  version: PostgresVersion.of(17, 10), credentials: AppCredentials.fromSecret('shop-app'),
});

describe('DatabaseRole and Database on CloudNativePG', () => {
  const manifests = synth((c) => {
    const cluster = cnpg(c);
    new DatabaseRole(c, 'Reporting', { cluster, name: 'reporting', passwordSecretName: 'shop-reporting', memberOf: ['pg_monitor'], connectionLimit: 5, comment: 'BI', validUntil: '2027-01-01T00:00:00Z' });
    new DatabaseRole(c, 'Readers', { cluster, name: 'readers', login: false });
    new Database(c, 'Analytics', {
      cluster, name: 'analytics', owner: 'reporting', extensions: [{ name: 'pg_trgm' }, { name: 'vector', version: '0.8.0' }], schemas: [{ name: 'marts' }],
      grants: [Grant.onAllTablesInSchema('marts', 'readers', [TablePrivilege.SELECT])], reclaimPolicy: ReclaimPolicy.DELETE,
    });
  });

  test('every object passes its schema (CRDs, core kinds)', () => {
    expectValidManifests(manifests);
  });

  test('DatabaseRole: attributes, memberships, password by Secret reference, never superuser', () => {
    const role = manifests.find((m) => m.kind === 'DatabaseRole' && m.spec.name === 'reporting');
    expect(role.metadata.name).toBe('shop-role-reporting');
    expect(role.spec).toEqual({
      cluster: { name: 'shop' }, name: 'reporting', ensure: 'present', login: true, superuser: false, createdb: false, createrole: false, inherit: true,
      replication: false, bypassrls: false, connectionLimit: 5, inRoles: ['pg_monitor'], passwordSecret: { name: 'shop-reporting' }, comment: 'BI',
      validUntil: '2027-01-01T00:00:00.000Z', databaseRoleReclaimPolicy: 'retain',
    });
    const group = manifests.find((m) => m.kind === 'DatabaseRole' && m.spec.name === 'readers');
    expect(group.spec.login).toBe(false);
    expect(group.spec.passwordSecret).toBeUndefined();
  });

  test('Database: owner, extensions and schemas in the resource, reclaim policy', () => {
    const db = only(manifests, 'Database');
    expect(db.metadata.name).toBe('shop-db-analytics');
    expect(db.spec).toMatchObject({
      cluster: { name: 'shop' }, name: 'analytics', owner: 'reporting', ensure: 'present', encoding: 'UTF8', databaseReclaimPolicy: 'delete',
      extensions: [{ name: 'pg_trgm', ensure: 'present' }, { name: 'vector', version: '0.8.0', ensure: 'present' }],
      schemas: [{ name: 'marts', owner: 'reporting', ensure: 'present' }],
    });
  });

  test('grants go to a SQL Job that logs in as the database owner (its DatabaseRole Secret), under Pod Security restricted, without RBAC', () => {
    const job = only(manifests, 'Job');
    expect(job.metadata.name).toMatch(/^shop-sql-[0-9a-f]{8}$/);
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({
      PGHOST: 'shop-rw', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/ha-postgres-sql-ca/ca.crt',
      OWNER_0_USER: 'reporting', OWNER_0_PASSWORD: { name: 'shop-reporting', key: 'password' },
    });
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'ca').secret.secretName).toBe('shop-ca');
    expect(job.spec.template.spec.containers[0].image).toBe('ghcr.io/cloudnative-pg/postgresql:17.10-standard-trixie');
    for (const t of podTemplates(manifests)) {
      expect(restrictedViolations(t.spec)).toEqual([]);
      expect(writableRootFilesystems(t.spec)).toEqual([]);
    }
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(manifests.filter((m) => ['Role', 'RoleBinding', 'ClusterRole'].includes(m.kind))).toEqual([]);
    expect(rbacFindings(manifests)).toEqual([]);
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === job.metadata.name);
    expect(cm.data['10-analytics.sql']).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "reporting" IN SCHEMA "marts" GRANT SELECT ON TABLES TO "readers";');
  });

  test('the Job reaches only DNS and the cluster\'s instances; the instances let it in', () => {
    const policy = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'shop-sql');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop', 'cnpg.io/podRole': 'instance' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    const instances = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'shop-instances');
    expect(JSON.stringify(instances.spec.ingress)).toContain('"ha-postgres.io/sql-job":"shop"');
  });

  test('no grants, no Job', () => {
    const m = synth((c) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'reporting', passwordSecretName: 'x' }));
    expect(m.filter((x) => x.kind === 'Job')).toEqual([]);
  });

  test('a grant added after the Database still creates the Job, with a new name when the SQL changes', () => {
    const names = [false, true].map((second) => only(synth((c) => {
      const db = new Database(c, 'App', { cluster: cnpg(c), name: 'app', owner: 'app' });
      db.addGrant(Grant.onSchema('public', 'app', [SchemaPrivilege.USAGE]));
      if (second) db.addGrant(Grant.onTables(['orders'], 'app', [TablePrivilege.SELECT]));
    }), 'Job').metadata.name);
    expect(names[0]).not.toBe(names[1]);
  });
});

describe('DatabaseRole and Database on Patroni', () => {
  const manifests = synth((c) => {
    const cluster = patroni(c);
    new DatabaseRole(c, 'Reporting', { cluster, name: 'reporting', passwordSecretName: 'shop-reporting' });
    new Database(c, 'Analytics', { cluster, name: 'analytics', owner: 'reporting', extensions: [{ name: 'pg_trgm' }] });
  });

  test('one SQL Job applies everything as the superuser; passwords from Secrets; restricted; no RBAC', () => {
    expectValidManifests(manifests);
    const job = only(manifests, 'Job');
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({
      PGHOST: 'shop-rw', PGSSLMODE: 'require', SUPERUSER_USER: 'postgres', SUPERUSER_PASSWORD: { name: 'shop-patroni', key: 'superuser-password' },
      ROLE_PASSWORD_0: { name: 'shop-reporting', key: 'password' },
    });
    expect(job.spec.template.spec.securityContext.runAsUser).toBe(999);
    expect(job.spec.template.spec.containers[0].image).toBe('registry.example.com/patroni:4.1.4-pg17');
    for (const t of podTemplates([job])) expect(restrictedViolations(t.spec)).toEqual([]);
    const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === job.metadata.name);
    expect(Object.keys(cm.data).sort()).toEqual(['10-roles.sql', '20-databases.sql', '30-analytics.sql', 'apply.sh']);
    // The password reaches psql from the environment, never the script.
    expect(cm.data['10-roles.sql']).toContain('\\set role_password_0 `printf \'%s\' "$ROLE_PASSWORD_0"`');
    expect(JSON.stringify(cm.data)).not.toMatch(/shop-reporting/);
  });

  test('reclaimPolicy DELETE: no operator to drop anything', () => {
    expect(synthError((c) => new DatabaseRole(c, 'r', { cluster: patroni(c), name: 'reporting', passwordSecretName: 'x', reclaimPolicy: ReclaimPolicy.DELETE })))
      .toMatch(/reclaimPolicy = "delete": Patroni 4\.1 has no operator that drops the role.*Fix: use ReclaimPolicy\.RETAIN/);
  });
});

describe('bad input', () => {
  test.each([
    ['reserved role name', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'postgres', passwordSecretName: 'x' }), /name = "postgres": is not a valid role name|name = "postgres": is reserved/],
    ['pg_ prefix', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'pg_reader', passwordSecretName: 'x' }), /name = "pg_reader": is reserved/],
    ['upper case role', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'Reporting', passwordSecretName: 'x' }), /name = "Reporting": is not a valid role name.*Fix: use "reporting"/],
    ['login without password', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'reporting' }), /passwordSecretName = "undefined": a login role without a password cannot authenticate/],
    ['host-access predefined role', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'etl', passwordSecretName: 'x', memberOf: ['pg_execute_server_program'] }), /memberOf\[0\] = "pg_execute_server_program": gives access to the server's files or programs/],
    ['unknown predefined role', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'etl', passwordSecretName: 'x', memberOf: ['pg_read_everything'] }), /memberOf\[0\] = "pg_read_everything": is not a predefined PostgreSQL role/],
    ['predefined role of a later major', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c, { version: PostgresVersion.of(16, 14) }), name: 'etl', passwordSecretName: 'x', memberOf: ['pg_maintain'] }), /memberOf\[0\] = "pg_maintain": exists from PostgreSQL 17 on; the cluster runs 16/],
    ['connection limit', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'etl', passwordSecretName: 'x', connectionLimit: -5 }), /connectionLimit = -5: must be a whole number, -1/],
    ['valid until without zone', (c: Construct) => new DatabaseRole(c, 'r', { cluster: cnpg(c), name: 'etl', passwordSecretName: 'x', validUntil: '2027-01-01 00:00' }), /validUntil = "2027-01-01 00:00": is not an RFC 3339 timestamp/],
    ['system database', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'template1', owner: 'app' }), /name = "template1": is a system database/],
    ['extension not in the image', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'gis', owner: 'app', extensions: [{ name: 'postgis' }] }), /extensions\[0\]\.name = "postgis": is not in the standard image of PostgreSQL 17/],
    ['extension removed in the major', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'ops', owner: 'app', extensions: [{ name: 'adminpack' }] }), /extensions\[0\]\.name = "adminpack": is part of PostgreSQL 14-16 only, not 17/],
    ['schema listed twice', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'ops', owner: 'app', schemas: [{ name: 'a' }, { name: 'a' }] }), /schemas = \["a","a"\]: lists "a" more than once/],
    ['grant of a table privilege on a schema', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'ops', owner: 'app', grants: [Grant.onSchema('public', 'app', ['SELECT' as SchemaPrivilege])] }), /grants\[0\]\.privileges = "SELECT": is not a privilege on schemas/],
    ['grant on a malformed table', (c: Construct) => new Database(c, 'd', { cluster: cnpg(c), name: 'ops', owner: 'app', grants: [Grant.onTables(['Orders'], 'app', [TablePrivilege.SELECT])] }), /grants\[0\]\.tables\[0\] = "Orders": is not a lower-case table name/],
    ['CloudNativePG grants in a database whose owner has no Secret', (c: Construct) => {
      const cluster = cnpg(c);
      new DatabaseRole(c, 'o', { cluster, name: 'owner_role', login: false });
      new Database(c, 'd', { cluster, name: 'ops', owner: 'owner_role', grants: [Grant.onSchema('public', 'app', [SchemaPrivilege.USAGE])] });
    }, /Database = "ops \(owner owner_role\)": CloudNativePG applies grants and row-filtered publications with a Job that logs in as the database owner.*Fix: declare the owner/],
  ])('%s', (_what, build, pattern) => {
    expect(synthError(build)).toMatch(pattern);
  });
});

test('a database owner that is not declared is warned once, however often the app is validated', () => {
  const chart = Testing.chart();
  const shop = cnpg(chart);
  const db = new Database(chart, 'Orders', { cluster: shop, name: 'orders', owner: 'ghost' });
  Testing.synth(chart);
  Testing.synth(chart);
  expect(SynthWarnings.collect(db).filter((w) => w.includes('owner "ghost" is neither'))).toHaveLength(1);
});
