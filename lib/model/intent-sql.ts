

import type { IDatabaseIntent, IDatabaseRoleIntent } from './cluster-engine';
import type { Grant } from './grant';
import { quoteIdent, quoteLiteral } from './sql-identifier';

/**
 * The idempotent SQL (psql scripts) of declared roles, databases, grants, publications and
 * subscriptions, for the engines that apply them with a Job (Patroni for everything,
 * CloudNativePG for what its resources cannot express). Every script can run any number of
 * times: objects are created when missing (`\gexec` over a query that returns the statement
 * only then), then altered to the declared state. Secrets never appear in the scripts: a
 * password is read from an environment variable by a psql backtick command.
 */

/** A psql variable set from an environment variable, without the value on any command line. */
function psqlEnvVariable(variable: string, env: string): string {
  return `\\set ${variable} \`printf '%s' "$${env}"\``;
}

/** The SQL of a statement that runs only when `condition` (a boolean SQL expression) holds. */
function when(condition: string, statement: string): string {
  return `SELECT ${quoteLiteral(statement)} WHERE ${condition}\n\\gexec`;
}

/**
 * Roles: created when missing, then every attribute, the password (from
 * `passwordEnv(role)`), the comment and the memberships set to the declared ones
 * (memberships not declared are revoked). Runs in any database, as a superuser.
 */
export function rolesSql(roles: readonly IDatabaseRoleIntent[], passwordEnv: (role: IDatabaseRoleIntent) => string | undefined): string {
  const out: string[] = [];
  roles.forEach((role, i) => {
    const name = quoteIdent(role.roleName);
    const literal = quoteLiteral(role.roleName);
    out.push(`-- role ${role.roleName}`);
    out.push(when(`NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal})`, `CREATE ROLE ${name}`));
    const attrs = [
      'NOSUPERUSER',
      role.createDatabases ? 'CREATEDB' : 'NOCREATEDB',
      role.createRoles ? 'CREATEROLE' : 'NOCREATEROLE',
      role.inherit ? 'INHERIT' : 'NOINHERIT',
      role.login ? 'LOGIN' : 'NOLOGIN',
      role.replication ? 'REPLICATION' : 'NOREPLICATION',
      role.bypassRowLevelSecurity ? 'BYPASSRLS' : 'NOBYPASSRLS',
      `CONNECTION LIMIT ${role.connectionLimit}`,
      `VALID UNTIL ${quoteLiteral(role.validUntil ?? 'infinity')}`,
    ];
    out.push(`ALTER ROLE ${name} ${attrs.join(' ')};`);
    const env = passwordEnv(role);
    if (env) {
      out.push(psqlEnvVariable(`role_password_${i}`, env));
      out.push(`ALTER ROLE ${name} PASSWORD :'role_password_${i}';`);
      out.push(`\\unset role_password_${i}`);
    }
    out.push(`COMMENT ON ROLE ${name} IS ${role.comment !== undefined ? quoteLiteral(role.comment) : 'NULL'};`);
  });
  // Memberships after every role exists (a role may be a member of another declared one).
  for (const role of roles) {
    const name = quoteIdent(role.roleName);
    const members = role.memberOf;
    out.push(`-- memberships of ${role.roleName}`);
    for (const parent of members) {
      out.push(when(`NOT pg_catalog.pg_has_role(${quoteLiteral(role.roleName)}, ${quoteLiteral(parent)}, 'MEMBER')`, `GRANT ${quoteIdent(parent)} TO ${name}`));
    }
    const keep = members.length > 0 ? `AND r.rolname <> ALL (ARRAY[${members.map(quoteLiteral).join(', ')}]::text[])` : '';
    out.push(`SELECT format('REVOKE %I FROM %I', r.rolname, u.rolname) FROM pg_catalog.pg_auth_members m ` +
      'JOIN pg_catalog.pg_roles r ON r.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member ' +
      `WHERE u.rolname = ${quoteLiteral(role.roleName)} ${keep}\n\\gexec`);
  }
  return out.join('\n') + '\n';
}

/** Databases: created when missing (as a superuser, in the `postgres` database), then owner, connection limit and allow-connections set. */
export function databasesSql(databases: readonly IDatabaseIntent[]): string {
  const out: string[] = [];
  for (const db of databases) {
    const name = quoteIdent(db.databaseName);
    const create = [`CREATE DATABASE ${name} OWNER ${quoteIdent(db.owner)} ENCODING ${quoteLiteral(db.encoding)}`];
    if (db.locale !== undefined) create.push(`LOCALE ${quoteLiteral(db.locale)} TEMPLATE template0`);
    out.push(`-- database ${db.databaseName}`);
    out.push(when(`NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${quoteLiteral(db.databaseName)})`, create.join(' ')));
    out.push(`ALTER DATABASE ${name} OWNER TO ${quoteIdent(db.owner)};`);
    out.push(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${db.allowConnections} CONNECTION LIMIT ${db.connectionLimit};`);
  }
  return out.join('\n') + '\n';
}

/** Schemas and extensions of a database, run in it as a superuser. */
export function schemasAndExtensionsSql(db: IDatabaseIntent): string {
  const out: string[] = [];
  for (const s of db.schemas) {
    const owner = quoteIdent(s.owner ?? db.owner);
    out.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s.name)} AUTHORIZATION ${owner};`);
    out.push(`ALTER SCHEMA ${quoteIdent(s.name)} OWNER TO ${owner};`);
  }
  if (db.extensions.length > 0) {
    // As CloudNativePG does: relocatable extensions without a schema land in the usual one.
    out.push('SET search_path TO "$user", public;');
  }
  for (const e of db.extensions) {
    const name = quoteIdent(e.name);
    const literal = quoteLiteral(e.name);
    out.push(`CREATE EXTENSION IF NOT EXISTS ${name}${e.schema ? ` SCHEMA ${quoteIdent(e.schema)}` : ''}${e.version ? ` VERSION ${quoteLiteral(e.version)}` : ''};`);
    if (e.version) {
      out.push(when(`EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = ${literal} AND extversion <> ${quoteLiteral(e.version)})`,
        `ALTER EXTENSION ${name} UPDATE TO ${quoteLiteral(e.version)}`));
    }
    if (e.schema) {
      out.push(when(`EXISTS (SELECT FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = ${literal} AND n.nspname <> ${quoteLiteral(e.schema)})`,
        `ALTER EXTENSION ${name} SET SCHEMA ${quoteIdent(e.schema)}`));
    }
  }
  if (db.extensions.length > 0) out.push('RESET search_path;');
  return out.join('\n') + (out.length ? '\n' : '');
}

/** Grants inside one database (`owner` is its owner, for default privileges). */
export function grantsSql(grants: readonly Grant[], owner: string): string {
  if (grants.length === 0) return '';
  return grants.map((g) => `-- ${g.describe()}\n${g.toSql(owner).join('\n')}`).join('\n') + '\n';
}

/** A publication's declared state, in SQL terms. */
export interface PublicationSqlSpec {
  readonly name: string;
  /** `FOR ALL TABLES`, or the objects (`TABLE …, TABLES IN SCHEMA …`) without the FOR. */
  readonly allTables: boolean;
  readonly objects: string;
  /** `WITH (…)` options, e.g. `publish = 'insert, update'`. */
  readonly options: string[];
}

/** A publication: created when missing, then its tables and options set to the declared ones. */
export function publicationSql(p: PublicationSqlSpec): string {
  const name = quoteIdent(p.name);
  const create = `CREATE PUBLICATION ${name} ${p.allTables ? 'FOR ALL TABLES' : `FOR ${p.objects}`}${p.options.length ? ` WITH (${p.options.join(', ')})` : ''}`;
  const out = [
    `-- publication ${p.name}`,
    when(`NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = ${quoteLiteral(p.name)})`, create),
  ];
  if (!p.allTables) out.push(`ALTER PUBLICATION ${name} SET ${p.objects};`);
  if (p.options.length) out.push(`ALTER PUBLICATION ${name} SET (${p.options.join(', ')});`);
  return out.join('\n') + '\n';
}

/** A subscription's declared state, in SQL terms. */
export interface SubscriptionSqlSpec {
  readonly name: string;
  readonly publication: string;
  /** Environment variables with the publisher's host, port and password (the Job sets them). */
  readonly hostEnv: string;
  readonly portEnv: string;
  readonly passwordEnv: string;
  /** The rest of the connection: database, user and sslmode. */
  readonly database: string;
  readonly user: string;
  readonly sslMode: string;
  /** CREATE SUBSCRIPTION options (`name = value`). */
  readonly createOptions: string[];
  /** Options ALTER SUBSCRIPTION … SET accepts, kept to the declared values. */
  readonly alterOptions: string[];
  /** Index, to keep psql variable names apart. */
  readonly index: number;
}

/** A libpq connection string value, quoted (`'…'` with `\` and `'` escaped). */
export function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** SQL that quotes the psql variable `name` as a libpq connection string value. */
function conninfoVariable(name: string): string {
  return `'''' || replace(replace(:'${name}', E'\\\\', E'\\\\\\\\'), '''', E'\\\\''') || ''''`;
}

/**
 * A subscription: created when missing (with its slot on the publisher), else its
 * connection (when changed, e.g. a rotated password), publication and options set; the
 * publication is refreshed (new tables copied) only while the subscription is enabled. A
 * subscription disabled at cutover stays disabled. Host, port and password come from the
 * environment; the connection string is put together inside the server session and stored
 * in `pg_subscription` (readable by superusers only).
 */
export function subscriptionSql(s: SubscriptionSqlSpec): string {
  const v = `sub_${s.index}`;
  const name = quoteIdent(s.name);
  const literal = quoteLiteral(s.name);
  const fixed = ` dbname=${conninfoValue(s.database)} user=${conninfoValue(s.user)} sslmode=${conninfoValue(s.sslMode)} password=`;
  const conninfo = `'host=' || ${conninfoVariable(`${v}_host`)} || ' port=' || ${conninfoVariable(`${v}_port`)} || ${quoteLiteral(fixed)} || ${conninfoVariable(`${v}_password`)}`;
  return [
    `-- subscription ${s.name}`,
    psqlEnvVariable(`${v}_host`, s.hostEnv),
    psqlEnvVariable(`${v}_port`, s.portEnv),
    psqlEnvVariable(`${v}_password`, s.passwordEnv),
    `SELECT ${conninfo} AS conninfo \\gset ${v}_`,
    `\\unset ${v}_password`,
    `SELECT format('CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %I WITH (${s.createOptions.join(', ').replace(/'/g, "''").replace(/%/g, '%%')})', ${literal}, :'${v}_conninfo', ${quoteLiteral(s.publication)}) ` +
      `WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_subscription WHERE subname = ${literal} AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))\n\\gexec`,
    `SELECT format('ALTER SUBSCRIPTION %I CONNECTION %L', ${literal}, :'${v}_conninfo') FROM pg_catalog.pg_subscription ` +
      `WHERE subname = ${literal} AND subconninfo IS DISTINCT FROM :'${v}_conninfo'\n\\gexec`,
    `\\unset ${v}_conninfo`,
    when(`EXISTS (SELECT FROM pg_catalog.pg_subscription WHERE subname = ${literal} AND NOT (${quoteLiteral(s.publication)} = ANY (subpublications) AND cardinality(subpublications) = 1))`,
      `ALTER SUBSCRIPTION ${name} SET PUBLICATION ${quoteIdent(s.publication)} WITH (refresh = false)`),
    ...(s.alterOptions.length ? [`ALTER SUBSCRIPTION ${name} SET (${s.alterOptions.join(', ')});`] : []),
    when(`EXISTS (SELECT FROM pg_catalog.pg_subscription WHERE subname = ${literal} AND subenabled)`, `ALTER SUBSCRIPTION ${name} REFRESH PUBLICATION`),
  ].join('\n') + '\n';
}
