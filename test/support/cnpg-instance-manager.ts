/**
 * What CloudNativePG 1.30's instance manager does for the resources this library renders,
 * ported from its Go source (read in ../shared/reference/upstream/cloudnative-pg-v1.30.0/,
 * and for the parts not there from the v1.30 tree: pkg/management/external, the pgpass
 * writer and pkg/management/postgres/logicalimport), so real-PostgreSQL tests can apply
 * synthesized manifests exactly as the operator would:
 *
 * - Publication: `alignPublication` (publication_controller_sql.go): CREATE when missing,
 *   else ALTER … SET objects / SET (parameters).
 * - Subscription: the connection string of `external.GetServerConnectionString`
 *   (connectionParameters, files for sslrootcert and the passfile, dbname), then
 *   `alignSubscription` (subscription_controller_sql.go).
 * - DatabaseRole: roles/postgres.go Create/Update/UpdateMembership/UpdateComment, the
 *   password SCRAM-SHA-256-encoded before it is sent (postgresutils.EnsureEncryptedPassword).
 * - Database: database_controller_sql.go create/update, extensions, schemas.
 * - `bootstrap.initdb.import` (microservice, schemaOnly): pg_dump -Fd of the pre-data and
 *   post-data sections, then pg_restore --no-owner --no-privileges --role=<owner> with the
 *   owner a superuser for the restore, then ANALYZE (logicalimport/database.go).
 *
 * The only translation is the network: a Service name (`orders-rw`) is reached through
 * `hostaddr=127.0.0.1` and the test server's port (libpq still verifies the certificate
 * against the name, and matches the passfile on it).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { findBinary } from './binaries';
import { ownForPostgres, runProgram } from './processes';

/** pgx.Identifier{…}.Sanitize(). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** pq.QuoteLiteral. */
export function literal(value: string): string {
  const escaped = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${escaped.replace(/\\/g, '\\\\')}'` : `'${escaped}'`;
}

/** toPostgresParameters: `key = 'value'` pairs, sorted by key. */
function toPostgresParameters(parameters: { [k: string]: string }): string {
  return Object.keys(parameters).sort().map((k) => `${ident(k)} = ${literal(parameters[k])}`).join(', ');
}

// ----------------------------------------------------------------------------- Publication

function tableDefinition(t: { name: string; schema?: string; columns?: string[]; only?: boolean }): string {
  let out = t.only ? 'ONLY ' : '';
  if (t.schema) out += `${ident(t.schema)}.`;
  out += ident(t.name);
  if (t.columns?.length) out += ` (${t.columns.map(ident).join(', ')})`;
  return out;
}

function targetObjects(target: any): string {
  const parts: string[] = [];
  let tables: string[] = [];
  const flush = () => { if (tables.length) { parts.push(`TABLE ${tables.join(', ')}`); tables = []; } };
  for (const o of target.objects ?? []) {
    if (o.tablesInSchema) { flush(); parts.push(`TABLES IN SCHEMA ${ident(o.tablesInSchema)}`); } else if (o.table) tables.push(tableDefinition(o.table));
  }
  flush();
  return parts.join(', ');
}

/** The statements `alignPublication` runs for `spec` (create when `exists` is false). */
export function publicationStatements(spec: any, exists: boolean): string[] {
  const name = ident(spec.name);
  if (!exists) {
    let q = `CREATE PUBLICATION ${name} ${spec.target.allTables ? 'FOR ALL TABLES' : `FOR ${targetObjects(spec.target)}`}`;
    if (spec.parameters && Object.keys(spec.parameters).length) q += ` WITH (${toPostgresParameters(spec.parameters)})`;
    return [q];
  }
  const out: string[] = [];
  if (spec.target.objects?.length) out.push(`ALTER PUBLICATION ${name} SET ${targetObjects(spec.target)}`);
  if (spec.parameters && Object.keys(spec.parameters).length) out.push(`ALTER PUBLICATION ${name} SET (${toPostgresParameters(spec.parameters)})`);
  return out;
}

/** Reconciles a Publication resource on the publisher's primary (`db` connected to spec.dbname as postgres). */
export async function applyPublication(db: Client, manifest: any): Promise<string[]> {
  const spec = manifest.spec;
  const r = await db.query('SELECT count(*)::int AS n FROM pg_catalog.pg_publication WHERE pubname = $1', [spec.name]);
  const statements = publicationStatements(spec, r.rows[0].n > 0);
  for (const s of statements) await db.query(s);
  return statements;
}

// ----------------------------------------------------------------------------- External clusters

/** How a test reaches a Service: the host libpq connects to, and the port. */
export interface ServiceAddress {
  readonly hostaddr: string;
  readonly port: number;
}

/** Secret data by Secret name, then key. */
export type Secrets = { [name: string]: { [key: string]: string } };

/** A connection string value as CloudNativePG writes it (`'…'` with `\` and `'` escaped). */
function conninfoValue(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** pgpass field escaping (`\` and `:`). */
function pgpassField(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/**
 * `ConfigureConnectionToServer`: the external cluster's connection string with its secrets
 * written to files under `externalDir/<name>/` (0600, owned by postgres, which reads them
 * when it is a subscriber), the Service reached at `services[host]`, and `dbname` set.
 */
export function externalConnectionString(server: any, secrets: Secrets, externalDir: string,
  services: { [host: string]: ServiceAddress }, database?: string): string {
  const params: { [k: string]: string } = { ...server.connectionParameters };
  const address = services[params.host];
  if (address) {
    params.hostaddr = address.hostaddr;
    params.port = String(address.port);
  }
  const dir = path.join(externalDir, server.name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dump = (ref: { name: string; key: string }) => {
    const file = path.join(dir, `${ref.name}_${ref.key}`);
    fs.writeFileSync(file, secrets[ref.name][ref.key], { mode: 0o600 });
    return file;
  };
  if (server.sslCert) params.sslcert = dump(server.sslCert);
  if (server.sslKey) params.sslkey = dump(server.sslKey);
  if (server.sslRootCert) params.sslrootcert = dump(server.sslRootCert);
  if (server.password) {
    const password = secrets[server.password.name][server.password.key];
    const line = [params.host ?? '*', params.port ?? '*', '*', params.user ?? '*', password].map(pgpassField).join(':');
    const file = path.join(dir, 'pgpass');
    fs.writeFileSync(file, line, { mode: 0o600 });
    params.passfile = file;
  }
  if (database) params.dbname = database;
  ownForPostgres(externalDir);
  return Object.keys(params).sort().map((k) => `${k}=${conninfoValue(params[k])}`).join(' ');
}

// ----------------------------------------------------------------------------- Subscription

const SUBSCRIPTION_UPDATABLE = ['slot_name', 'synchronous_commit', 'binary', 'streaming', 'disable_on_error', 'password_required', 'run_as_owner', 'origin', 'failover'];

/** The statements `alignSubscription` runs. */
export function subscriptionStatements(spec: any, connString: string, exists: boolean, major: number): string[] {
  const name = ident(spec.name);
  if (!exists) {
    let q = `CREATE SUBSCRIPTION ${name} CONNECTION ${literal(connString)} PUBLICATION ${ident(spec.publicationName)}`;
    if (spec.parameters && Object.keys(spec.parameters).length) q += ` WITH (${toPostgresParameters(spec.parameters)})`;
    return [q];
  }
  const out = [`ALTER SUBSCRIPTION ${name} SET PUBLICATION ${ident(spec.publicationName)}`, `ALTER SUBSCRIPTION ${name} CONNECTION ${literal(connString)}`];
  if (spec.parameters && Object.keys(spec.parameters).length) {
    const allowed = major >= 18 ? [...SUBSCRIPTION_UPDATABLE, 'two_phase'] : SUBSCRIPTION_UPDATABLE;
    const filtered = Object.fromEntries(Object.entries(spec.parameters as { [k: string]: string }).filter(([k]) => allowed.includes(k)));
    out.push(`ALTER SUBSCRIPTION ${name} SET (${toPostgresParameters(filtered)})`);
  }
  return out;
}

/** Reconciles a Subscription resource on the subscriber's primary (`db` connected to spec.dbname as postgres). */
export async function applySubscription(db: Client, manifest: any, subscriberCluster: any, secrets: Secrets, externalDir: string,
  services: { [host: string]: ServiceAddress }): Promise<string[]> {
  const spec = manifest.spec;
  const server = (subscriberCluster.spec.externalClusters ?? []).find((e: any) => e.name === spec.externalClusterName);
  if (!server) throw new Error(`externalCluster '${spec.externalClusterName}' not declared in cluster ${subscriberCluster.metadata.name}`);
  const connString = externalConnectionString(server, secrets, externalDir, services, spec.publicationDBName);
  const major = Number((await db.query('SHOW server_version_num')).rows[0].server_version_num) / 10000 | 0;
  const r = await db.query('SELECT count(*)::int AS n FROM pg_catalog.pg_subscription WHERE subname = $1', [spec.name]);
  const statements = subscriptionStatements(spec, connString, r.rows[0].n > 0, major);
  for (const s of statements) await db.query(s);
  return statements;
}

// ----------------------------------------------------------------------------- Roles

/** postgresutils.EnsureEncryptedPassword: SCRAM-SHA-256 with a 16-byte salt and 4096 iterations. */
export function scramSha256(password: string): string {
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, 4096, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest();
  const storedKey = crypto.createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

function roleOptions(spec: any): string {
  return [
    spec.bypassrls ? ' BYPASSRLS' : ' NOBYPASSRLS',
    spec.createdb ? ' CREATEDB' : ' NOCREATEDB',
    spec.createrole ? ' CREATEROLE' : ' NOCREATEROLE',
    (spec.inherit ?? true) ? ' INHERIT' : ' NOINHERIT',
    spec.login ? ' LOGIN' : ' NOLOGIN',
    spec.replication ? ' REPLICATION' : ' NOREPLICATION',
    spec.superuser ? ' SUPERUSER' : ' NOSUPERUSER',
    ` CONNECTION LIMIT ${spec.connectionLimit ?? -1}`,
  ].join('');
}

function passwordOption(spec: any, secrets: Secrets): string {
  let out = '';
  if (spec.disablePassword) out += ' PASSWORD NULL';
  else if (spec.passwordSecret) out += ` PASSWORD ${literal(scramSha256(secrets[spec.passwordSecret.name].password))}`;
  if (spec.validUntil) out += ` VALID UNTIL ${literal(spec.validUntil)}`;
  return out;
}

/** Reconciles a DatabaseRole resource (`db` connected as postgres). */
export async function applyDatabaseRole(db: Client, manifest: any, secrets: Secrets): Promise<void> {
  const spec = manifest.spec;
  const name = ident(spec.name);
  const existing = await db.query(
    `SELECT mem.inroles FROM pg_catalog.pg_authid AS auth LEFT JOIN (
       SELECT pg_catalog.array_agg(pg_catalog.pg_get_userbyid(roleid))::text[] AS inroles, member FROM pg_catalog.pg_auth_members GROUP BY member
     ) mem ON member = oid WHERE rolname = $1`, [spec.name]);
  if (existing.rowCount === 0) {
    const inRoles = spec.inRoles?.length ? ` IN ROLE ${spec.inRoles.map(ident).join(',')}` : '';
    await db.query(`CREATE ROLE ${name}${roleOptions(spec)}${inRoles}${passwordOption(spec, secrets)}`);
    if (spec.comment) await db.query(`COMMENT ON ROLE ${name} IS ${literal(spec.comment)}`);
    return;
  }
  await db.query(`ALTER ROLE ${name}${roleOptions(spec)}${passwordOption(spec, secrets)}`);
  const current: string[] = existing.rows[0].inroles ?? [];
  const wanted: string[] = spec.inRoles ?? [];
  const statements = [
    ...wanted.filter((r) => !current.includes(r)).map((r) => `GRANT ${ident(r)} TO ${name}`),
    ...current.filter((r) => !wanted.includes(r)).map((r) => `REVOKE ${ident(r)} FROM ${name}`),
  ];
  if (statements.length) {
    await db.query('BEGIN');
    try {
      for (const s of statements) await db.query(s);
      await db.query('COMMIT');
    } catch (e) {
      await db.query('ROLLBACK');
      throw e;
    }
  }
  const comment = await db.query("SELECT pg_catalog.shobj_description(oid, 'pg_authid') AS c FROM pg_catalog.pg_authid WHERE rolname = $1", [spec.name]);
  if ((comment.rows[0].c ?? '') !== (spec.comment ?? '')) await db.query(`COMMENT ON ROLE ${name} IS ${literal(spec.comment ?? '')}`);
}

// ----------------------------------------------------------------------------- Databases

/** Reconciles a Database resource: `postgres` connected to the postgres database, `connectTo(db)` opens one to another. */
export async function applyDatabase(postgres: Client, manifest: any, connectTo: (database: string) => Promise<Client>): Promise<void> {
  const spec = manifest.spec;
  const name = ident(spec.name);
  const exists = (await postgres.query('SELECT count(*)::int AS n FROM pg_catalog.pg_database WHERE datname = $1', [spec.name])).rows[0].n > 0;
  if (!exists) {
    let q = `CREATE DATABASE ${name} `;
    if (spec.owner) q += ` OWNER ${ident(spec.owner)}`;
    if (spec.template) q += ` TEMPLATE ${ident(spec.template)}`;
    if (spec.tablespace) q += ` TABLESPACE ${ident(spec.tablespace)}`;
    if (spec.allowConnections !== undefined) q += ` ALLOW_CONNECTIONS ${spec.allowConnections}`;
    if (spec.connectionLimit !== undefined) q += ` CONNECTION LIMIT ${spec.connectionLimit}`;
    if (spec.isTemplate !== undefined) q += ` IS_TEMPLATE ${spec.isTemplate}`;
    if (spec.encoding) q += ` ENCODING ${ident(spec.encoding)}`;
    if (spec.locale) q += ` LOCALE ${ident(spec.locale)}`;
    await postgres.query(q);
  } else {
    if (spec.allowConnections !== undefined) await postgres.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${spec.allowConnections}`);
    if (spec.connectionLimit !== undefined) await postgres.query(`ALTER DATABASE ${name} WITH CONNECTION LIMIT ${spec.connectionLimit}`);
    if (spec.isTemplate !== undefined) await postgres.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE ${spec.isTemplate}`);
    if (spec.owner) await postgres.query(`ALTER DATABASE ${name} OWNER TO ${ident(spec.owner)}`);
  }
  if (!(spec.schemas?.length || spec.extensions?.length)) return;
  // reconcileDatabaseObjects: schemas, then extensions; each object on its own (a failure is
  // recorded in its status and fails the reconciliation after the others were tried).
  const db = await connectTo(spec.name);
  const failures: string[] = [];
  const each = async (what: string, fn: () => Promise<void>) => {
    try { await fn(); } catch (e) { failures.push(`${what}: ${(e as Error).message}`); }
  };
  try {
    for (const schema of spec.schemas ?? []) {
      await each(`schema ${schema.name}`, async () => {
        const info = await db.query(
          'SELECT n.nspname, a.rolname FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_authid a ON n.nspowner = a.oid WHERE n.nspname = $1', [schema.name]);
        if ((schema.ensure ?? 'present') === 'absent') {
          if (info.rowCount) await db.query(`DROP SCHEMA IF EXISTS ${ident(schema.name)}`);
          return;
        }
        if (!info.rowCount) await db.query(`CREATE SCHEMA ${ident(schema.name)} ${schema.owner ? ` AUTHORIZATION ${ident(schema.owner)}` : ''}`);
        else if (schema.owner && schema.owner !== info.rows[0].rolname) await db.query(`ALTER SCHEMA ${ident(schema.name)} OWNER TO ${ident(schema.owner)}`);
      });
    }
    for (const ext of spec.extensions ?? []) {
      await each(`extension ${ext.name}`, async () => {
        const info = await db.query(
          'SELECT e.extname, e.extversion, n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON e.extnamespace = n.oid WHERE e.extname = $1', [ext.name]);
        if ((ext.ensure ?? 'present') === 'absent') {
          if (info.rowCount) await db.query(`DROP EXTENSION IF EXISTS ${ident(ext.name)}`);
          return;
        }
        if (!info.rowCount) {
          let q = `CREATE EXTENSION ${ident(ext.name)} `;
          if (ext.version) q += ` VERSION ${ident(ext.version)}`;
          if (ext.schema) q += ` SCHEMA ${ident(ext.schema)}`;
          await db.query('SET search_path TO "$user", public');
          try { await db.query(q); } finally { await db.query('RESET search_path'); }
        } else {
          if (ext.schema && ext.schema !== info.rows[0].nspname) await db.query(`ALTER EXTENSION ${ident(ext.name)} SET SCHEMA ${ident(ext.schema)}`);
          if (ext.version && ext.version !== info.rows[0].extversion) await db.query(`ALTER EXTENSION ${ident(ext.name)} UPDATE TO ${ident(ext.version)}`);
        }
      });
    }
  } finally {
    await db.end();
  }
  if (failures.length) throw new Error(`database object reconciliation failed: ${failures.join('; ')}`);
}

// ----------------------------------------------------------------------------- Import

/**
 * `bootstrap.initdb.import` of type microservice with schemaOnly, into the target's
 * application database `database` owned by `owner` (already created by initdb).
 */
export async function importMicroserviceSchema(cluster: any, target: { port: number }, secrets: Secrets, externalDir: string,
  services: { [host: string]: ServiceAddress }, workDir: string): Promise<void> {
  const initdb = cluster.spec.bootstrap.initdb;
  const imp = initdb.import;
  if (imp.type !== 'microservice' || imp.databases.length !== 1) throw new Error('only microservice imports of one database are ported');
  const server = cluster.spec.externalClusters.find((e: any) => e.name === imp.source.externalCluster);
  const sections = imp.schemaOnly ? ['pre-data', 'post-data'] : ['pre-data', 'data', 'post-data'];
  const pgDump = findBinary('pg_dump');
  const pgRestore = findBinary('pg_restore');
  if (!pgDump || !pgRestore) throw new Error('pg_dump and pg_restore are needed; run `bash scripts/ensure-test-deps.sh`');
  const dumpDir = path.join(workDir, `dump-${imp.databases[0]}`);
  const dsn = externalConnectionString(server, secrets, externalDir, services, imp.databases[0]);
  const dump = await runProgram(pgDump, ['-Fd', '-f', dumpDir, '-d', dsn, '-v', ...sections.map((s) => `--section=${s}`)]);
  if (dump.code !== 0) throw new Error(`pg_dump failed: ${dump.stderr}`);
  const targetDsn = `host=127.0.0.1 port=${target.port} dbname=${initdb.database}`;
  const db = new Client({ host: '127.0.0.1', port: target.port, user: 'postgres', database: initdb.database });
  await db.connect();
  try {
    const exts = await db.query('SELECT extname FROM pg_catalog.pg_extension WHERE oid >= 16384');
    for (const e of exts.rows) await db.query(`DROP EXTENSION ${ident(e.extname)}`).catch(() => undefined);
    await db.query(`ALTER USER ${ident(initdb.owner)} SUPERUSER`);
    for (const section of sections) {
      const r = await runProgram(pgRestore, ['-U', 'postgres', '--no-owner', '--no-privileges', `--role=${initdb.owner}`, '-d', targetDsn, '--section', section, dumpDir]);
      if (r.code !== 0) throw new Error(`pg_restore --section ${section} failed: ${r.stderr}`);
    }
    await db.query(`ALTER USER ${ident(initdb.owner)} NOSUPERUSER`);
    await db.query('ANALYZE VERBOSE');
  } finally {
    await db.end();
  }
}
