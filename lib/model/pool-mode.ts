/**
 * When PgBouncer gives a server connection back to the pool.
 *
 * Transaction mode (the default) multiplexes many clients over few server
 * connections, but a client keeps no session state between transactions. It breaks:
 * session-level `SET` (use `SET LOCAL` or role/database defaults), `LISTEN`/`NOTIFY`
 * listeners, session advisory locks (`pg_advisory_lock`; use `pg_advisory_xact_lock`),
 * `WITH HOLD` cursors, temporary tables kept across transactions, and protocol-level
 * prepared statements unless `maxPreparedStatements` is above 0 (the pool's default
 * in transaction mode). SQL-level `PREPARE`/`EXECUTE` never works across transactions.
 */
export enum PoolMode {
  /** A server connection per transaction: the default, and the mode that saves connections. */
  TRANSACTION = 'transaction',
  /** A server connection per client session: every PostgreSQL feature works, few connections are saved. */
  SESSION = 'session',
  /**
   * Refused at synth time: CloudNativePG's Pooler does not support it, and it breaks
   * every multi-statement transaction (the connection is returned after each statement).
   */
  STATEMENT = 'statement',
}

/** Which instances a pool sends its connections to. */
export enum PoolType {
  /** The primary, through the cluster's read-write Service. The default. */
  READ_WRITE = 'read-write',
  /** The hot standbys, through the cluster's read-only Service: read-only queries only. */
  READ_ONLY = 'read-only',
}
