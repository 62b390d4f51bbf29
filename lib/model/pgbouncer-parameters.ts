import { ConfigErrors } from '../core/config-error';
import { nearestNames } from './nearest-name';

/** How PgBouncer reads a parameter's value; used to catch values it would reject or misread. */
enum Kind {
  /** A non-negative integer. */
  COUNT,
  /** Seconds, a non-negative number (PgBouncer accepts fractions). */
  SECONDS,
  /** `0` or `1`. */
  FLAG,
  /** Free text (no line breaks: PgBouncer's ini parser has no continuation lines). */
  TEXT,
  /** A libpq TLS mode. */
  SSLMODE,
  /** PgBouncer's authentication methods. */
  AUTH_TYPE,
}

/**
 * PgBouncer parameters CloudNativePG 1.30 passes through from `Pooler.spec.pgbouncer.parameters`
 * (its allow-list; any other key is rejected by the operator's webhook), with their value kind.
 */
const ALLOWED: { [name: string]: Kind } = {
  application_name_add_host: Kind.FLAG,
  auth_type: Kind.AUTH_TYPE,
  autodb_idle_timeout: Kind.SECONDS,
  cancel_wait_timeout: Kind.SECONDS,
  client_idle_timeout: Kind.SECONDS,
  client_login_timeout: Kind.SECONDS,
  client_tls13_ciphers: Kind.TEXT,
  client_tls_ciphers: Kind.TEXT,
  client_tls_sslmode: Kind.SSLMODE,
  default_pool_size: Kind.COUNT,
  disable_pqexec: Kind.FLAG,
  dns_max_ttl: Kind.SECONDS,
  dns_nxdomain_ttl: Kind.SECONDS,
  idle_transaction_timeout: Kind.SECONDS,
  ignore_startup_parameters: Kind.TEXT,
  listen_backlog: Kind.COUNT,
  log_connections: Kind.FLAG,
  log_disconnections: Kind.FLAG,
  log_pooler_errors: Kind.FLAG,
  log_stats: Kind.FLAG,
  max_client_conn: Kind.COUNT,
  max_db_connections: Kind.COUNT,
  max_packet_size: Kind.COUNT,
  max_prepared_statements: Kind.COUNT,
  max_user_connections: Kind.COUNT,
  min_pool_size: Kind.COUNT,
  pkt_buf: Kind.COUNT,
  query_timeout: Kind.SECONDS,
  query_wait_timeout: Kind.SECONDS,
  reserve_pool_size: Kind.COUNT,
  reserve_pool_timeout: Kind.SECONDS,
  sbuf_loopcnt: Kind.COUNT,
  server_check_delay: Kind.SECONDS,
  server_check_query: Kind.TEXT,
  server_connect_timeout: Kind.SECONDS,
  server_fast_close: Kind.FLAG,
  server_idle_timeout: Kind.SECONDS,
  server_lifetime: Kind.SECONDS,
  server_login_retry: Kind.SECONDS,
  server_reset_query: Kind.TEXT,
  server_reset_query_always: Kind.FLAG,
  server_round_robin: Kind.FLAG,
  server_tls13_ciphers: Kind.TEXT,
  server_tls_ciphers: Kind.TEXT,
  server_tls_protocols: Kind.TEXT,
  server_tls_sslmode: Kind.SSLMODE,
  stats_period: Kind.COUNT,
  suspend_timeout: Kind.SECONDS,
  tcp_defer_accept: Kind.COUNT,
  tcp_keepalive: Kind.FLAG,
  tcp_keepcnt: Kind.COUNT,
  tcp_keepidle: Kind.COUNT,
  tcp_keepintvl: Kind.COUNT,
  tcp_socket_buffer: Kind.COUNT,
  tcp_user_timeout: Kind.COUNT,
  track_extra_parameters: Kind.TEXT,
  verbose: Kind.COUNT,
};

/** Parameters a typed property of PgBouncerPool sets, with that property. */
export const PARAMETERS_SET_BY_PROPERTY: { [name: string]: string } = {
  pool_mode: 'poolMode',
  max_client_conn: 'maxClientConnections',
  default_pool_size: 'defaultPoolSize',
  min_pool_size: 'minPoolSize',
  reserve_pool_size: 'reservePoolSize',
  reserve_pool_timeout: 'reservePoolTimeout',
  max_prepared_statements: 'maxPreparedStatements',
  server_idle_timeout: 'serverIdleTimeout',
  query_wait_timeout: 'queryWaitTimeout',
  idle_transaction_timeout: 'idleTransactionTimeout',
};

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const AUTH_TYPES = ['hba', 'cert', 'md5', 'scram-sha-256', 'plain', 'trust', 'any', 'pam'];
const INSECURE_AUTH_TYPES = ['trust', 'any', 'plain'];

/** Names CloudNativePG lets users set in `Pooler.spec.pgbouncer.parameters`, sorted. */
export function allowedPgBouncerParameters(): string[] {
  return Object.keys(ALLOWED).sort();
}

/**
 * Checks user-given PgBouncer parameters: allow-listed by CloudNativePG, not owned by a
 * typed property, and with a value PgBouncer reads as meant (it silently accepts
 * nonsense such as `default_pool_size = -5`).
 */
export function checkPgBouncerParameters(errors: ConfigErrors, property: string, parameters: { [name: string]: string }): void {
  for (const [name, value] of Object.entries(parameters)) {
    const where = `${property}.${name}`;
    const owner = PARAMETERS_SET_BY_PROPERTY[name];
    if (owner !== undefined) {
      errors.add(where, value, `is set by the ${owner} property, which checks it and takes part in the pool sizing`, `set ${owner} instead`);
      continue;
    }
    const kind = ALLOWED[name];
    if (kind === undefined) {
      const near = nearestNames(name, allowedPgBouncerParameters());
      errors.add(where, value, 'is not a PgBouncer parameter that CloudNativePG lets pools set (its webhook rejects the Pooler)',
        near.length > 0 ? `did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : `use one of ${allowedPgBouncerParameters().join(', ')}`);
      continue;
    }
    checkValue(errors, where, name, value, kind);
  }
}

function checkValue(errors: ConfigErrors, where: string, name: string, value: string, kind: Kind): void {
  if (typeof value !== 'string') {
    errors.add(where, value, 'must be a string, as PgBouncer parameters are in the manifest', `write it as "${String(value)}"`);
    return;
  }
  if (/[\r\n\v\f\u0085\u2028\u2029]/.test(value)) {
    errors.add(where, value, 'contains a line break, which PgBouncer\'s ini format cannot hold (CloudNativePG strips it, changing the value)', 'put the value on one line');
    return;
  }
  switch (kind) {
    case Kind.COUNT:
      if (!/^\d+$/.test(value)) errors.add(where, value, 'must be a non-negative integer', `give e.g. "${name === 'verbose' ? '0' : '10'}"`);
      break;
    case Kind.SECONDS:
      if (!/^\d+(\.\d+)?$/.test(value)) errors.add(where, value, 'must be a non-negative number of seconds (PgBouncer takes no units here)', 'give seconds, e.g. "30" (0 disables most timeouts)');
      break;
    case Kind.FLAG:
      if (value !== '0' && value !== '1') errors.add(where, value, 'must be "0" or "1"', 'use "1" to enable, "0" to disable');
      break;
    case Kind.SSLMODE:
      if (!SSLMODES.includes(value)) errors.add(where, value, `is not a TLS mode (${SSLMODES.join(', ')})`, 'leave it unset to keep CloudNativePG\'s default');
      // Secure by default: neither hop of the pool may fall back to plain text.
      else if (['disable', 'allow', 'prefer'].includes(value)) {
        errors.add(where, value, `would let ${name.startsWith('client') ? 'applications connect to the pool' : 'the pool connect to PostgreSQL'} without TLS (passwords and data readable on the network)`,
          name.startsWith('client') ? 'leave it unset (the library sets "require"), or use "verify-ca"/"verify-full" with client certificates' : 'leave it unset (the operator verifies the server certificate)');
      }
      break;
    case Kind.AUTH_TYPE:
      if (!AUTH_TYPES.includes(value)) {
        errors.add(where, value, `is not a PgBouncer auth_type (${AUTH_TYPES.join(', ')})`, 'leave it unset: CloudNativePG uses "hba" with its own rules');
      } else if (INSECURE_AUTH_TYPES.includes(value)) {
        errors.add(where, value, value === 'plain'
          ? 'sends passwords in clear text to the pooler'
          : 'lets clients in without checking their password', 'leave auth_type unset (CloudNativePG uses "hba": password or certificate authentication)');
      }
      break;
    case Kind.TEXT:
      break;
  }
}
