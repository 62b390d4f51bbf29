import { ConfigErrors } from '../core/config-error';

/**
 * Names the library writes into SQL: lower-case unquoted PostgreSQL identifiers (letters,
 * digits, `_`), at most 63 bytes (NAMEDATALEN - 1; PostgreSQL truncates longer names
 * silently, so two objects could end up with one name). Replication slot names follow the
 * same rule (`[a-z0-9_]`, at most 63), so a subscription name is always a valid slot name.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** True when `name` is a lower-case PostgreSQL identifier of at most 63 characters. */
export function isSqlIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * Checks a SQL identifier: `what` names it in the message ("publication name").
 * Returns true when it is valid.
 */
export function checkSqlIdentifier(errors: ConfigErrors, property: string, value: string, what: string, example: string): boolean {
  if (typeof value === 'string' && isSqlIdentifier(value)) return true;
  const suggestion = typeof value === 'string' ? value.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1').slice(0, 63) : '';
  errors.add(property, value, `is not a valid ${what}: use a lower-case PostgreSQL identifier (letters, digits and _, not starting with a digit, at most 63 characters)`,
    suggestion && isSqlIdentifier(suggestion) ? `use ${JSON.stringify(suggestion)}` : `use a name such as ${JSON.stringify(example)}`);
  return false;
}

/**
 * Role names that belong to PostgreSQL, CloudNativePG or the Patroni engine: a
 * declared role must not take them over.
 */
const RESERVED_ROLES = ['postgres', 'streaming_replica', 'replicator', 'rewinder', 'public', 'none', 'current_user', 'session_user', 'current_role'];

/** Checks a role name: an identifier that is not reserved (`pg_`, `cnpg_`, `postgres`, the engines' own). */
export function checkRoleName(errors: ConfigErrors, property: string, value: string): boolean {
  if (!checkSqlIdentifier(errors, property, value, 'role name', 'reporting')) return false;
  if (value.startsWith('pg_') || value.startsWith('cnpg_') || RESERVED_ROLES.includes(value)) {
    errors.add(property, value, 'is reserved (pg_ roles belong to PostgreSQL, cnpg_ and streaming_replica to CloudNativePG, postgres, replicator and rewinder to the engines)',
      'choose another name, e.g. "reporting"');
    return false;
  }
  return true;
}

/** A schema-qualified or plain table name (`orders`, `billing.invoices`). */
const TABLE_NAME = /^(?:([a-z_][a-z0-9_]{0,62})\.)?([a-z_][a-z0-9_]{0,62})$/;

/** Splits `schema.table` (schema `public` when none is given); undefined when malformed. */
export function parseTableName(name: string): { schema: string; table: string } | undefined {
  const m = typeof name === 'string' ? TABLE_NAME.exec(name) : null;
  if (!m) return undefined;
  return { schema: m[1] ?? 'public', table: m[2] };
}

/** `"name"`: an identifier quoted for SQL (double quotes doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'value'`: a string literal for SQL (single quotes doubled; standard_conforming_strings is on since 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"schema"."table"`. */
export function quoteTable(name: { schema: string; table: string }): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
}

/** The name of a Kubernetes object derived from SQL names: `_` becomes `-`. */
export function kubernetesName(...parts: string[]): string {
  return parts.join('-').replace(/_/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}
