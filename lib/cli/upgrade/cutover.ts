/**
 * The cutover of a blue/green upgrade: checks, then a write pause as short as possible.
 *
 * 1. Preflight (`collectStatus`): publication and subscription exist, the subscription is
 *    enabled with its apply worker running, every table's initial copy is done, the slot is
 *    active and the lag below the limit, every sequence exists on the target. Refused
 *    otherwise; nothing has changed.
 * 2. Pause writes on the source: one transaction takes EXCLUSIVE locks on every published
 *    table (`lock_timeout` bounded; reads go on, writers wait in the lock queue).
 * 3. Catch up: the source's WAL position is read and the cutover waits until the
 *    subscriber reports it applied (pg_stat_replication.write_lsn; then one synchronous
 *    commit on the target flushes the applied changes) or flushed (the slot's
 *    confirmed_flush_lsn) every change committed before it.
 * 4. Verify: row counts per table are equal on both sides (the source cannot change now).
 * 5. Sequences: every sequence of the target is set to the source's last value (plus an
 *    optional gap), so the next value is above every value used on the source.
 * 6. Fence the source: new sessions of its database are read-only
 *    (`default_transaction_read_only`), and the subscription is disabled on the target.
 * 7. Switch: the caller's hook repoints the pools (e.g. `kubectl apply` of the manifests with
 *    the pools on the target); then every other client session of the source database is
 *    terminated (the waiting writers fail and retry, through the pools, on the target).
 * 8. Resume: the lock transaction commits. With `through` (the pools' address), a
 *    connection is checked to land on the target.
 * Any failure before step 6 releases the locks and leaves the source as it was.
 */
import type { Client } from 'pg';
import { quoteIdent } from '../../model/sql-identifier';
import { collectStatus, countRows, qualified, sequenceValues, UpgradeStatus } from './upgrade-status';

/** What the cutover does. */
export interface CutoverOptions {
  readonly publication: string;
  readonly subscription: string;
  /** Refused above this lag (bytes of WAL). */
  readonly maxLagBytes: number;
  /** Longest wait for the table locks (the pause grows while waiting for them). */
  readonly lockTimeoutMs: number;
  /** Longest wait for the subscriber to confirm the source's position. */
  readonly catchUpTimeoutMs: number;
  /** Compare exact row counts of every table during the pause. */
  readonly verifyCounts: boolean;
  /** Added to every sequence value on the target. */
  readonly sequenceGap: number;
  /** Terminate the other client sessions of the source database after the switch. */
  readonly terminateSourceSessions: boolean;
  /** Drop the subscription (and its slot on the source) at the end, instead of leaving it disabled. */
  readonly dropSubscription: boolean;
  /** A connection string through the pools, checked to reach the target after the switch. */
  readonly through?: string;
}

/** Timings and results of one cutover. */
export interface CutoverReport {
  readonly status: UpgradeStatus;
  /** Waiting for the locks. */
  readonly lockWaitMs: number;
  /** From the locks held to the subscriber's confirmation. */
  readonly catchUpMs: number;
  readonly verifyMs: number;
  readonly sequencesMs: number;
  /** The pool switch hook. */
  readonly switchMs: number;
  /** Writes on the published tables were blocked this long (lock request to commit). */
  readonly writePauseMs: number;
  /** The source LSN the subscriber confirmed. */
  readonly caughtUpLsn: string;
  readonly rowCounts: Array<{ table: string; rows: number }>;
  readonly sequences: Array<{ sequence: string; value: string }>;
  readonly terminatedSessions: number;
  readonly subscriptionDisabled: boolean;
  readonly subscriptionDropped: boolean;
  /** True/false when `through` was checked, undefined otherwise. */
  readonly throughReachesTarget?: boolean;
  /** Things done but worth attention (e.g. the subscription could not be disabled). */
  readonly notes: string[];
}

/** Connections of a cutover (the caller opens and closes them). */
export interface CutoverConnections {
  /** Source (publisher) database, as its owner or a superuser. */
  readonly source: Client;
  /** A second connection to the source that holds the locks. */
  readonly sourceLock: Client;
  /** Target (subscriber) database. */
  readonly target: Client;
  /** Opens a connection from a connection string (for `through`). */
  readonly connect: (connectionString: string) => Promise<Client>;
}

/** Callbacks of a cutover. */
export interface CutoverHooks {
  /** Repoints the applications' pools to the target; the pause lasts until it returns. */
  readonly switchPools?: () => Promise<void>;
  readonly log: (line: string) => void;
}

/** A failed cutover: `changed` says whether the source was fenced before the failure. */
export class CutoverError extends Error {
  public constructor(message: string, public readonly changed: boolean, public readonly status?: UpgradeStatus) {
    super(message);
    this.name = 'CutoverError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the cutover. Throws CutoverError when refused or when a check fails. */
export async function cutover(c: CutoverConnections, opts: CutoverOptions, hooks: CutoverHooks): Promise<CutoverReport> {
  const log = hooks.log;
  const status = await collectStatus(c.source, c.target, { publication: opts.publication, subscription: opts.subscription, maxLagBytes: opts.maxLagBytes, countRows: false });
  if (status.problems.length > 0) {
    throw new CutoverError(`cutover refused, nothing changed:\n${status.problems.map((p) => `  - ${p}`).join('\n')}`, false, status);
  }
  const tables = status.tables.map((t) => t.table);
  const database = (await c.source.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d;
  const lockPid = (await c.sourceLock.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0].p;
  const adminPid = (await c.source.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0].p;
  const notes: string[] = [];
  /** `paused`: locks held, nothing changed; `fenced`: source read-only, switch not started; `switching`: the hook ran. */
  let phase: 'paused' | 'fenced' | 'switching' = 'paused';
  let subscriptionDisabled = false;

  log(`pausing writes on ${tables.length} table(s) of ${database}`);
  const lockRequested = Date.now();
  await c.sourceLock.query('BEGIN');
  let locked = false;
  try {
    await c.sourceLock.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(opts.lockTimeoutMs))}`);
    await c.sourceLock.query(`LOCK TABLE ${tables.map(qualified).join(', ')} IN EXCLUSIVE MODE`);
    locked = true;
    const lockWaitMs = Date.now() - lockRequested;

    // Everything committed on the published tables is before this position.
    const lsn = (await c.sourceLock.query<{ l: string }>('SELECT pg_catalog.pg_current_wal_lsn()::text AS l')).rows[0].l;
    const catchUpStart = Date.now();
    log(`waiting for the subscriber to confirm ${lsn}`);
    for (;;) {
      // write_lsn: the position the subscriber reports as applied (its apply worker commits
      // asynchronously, so flush_lsn follows up to wal_writer_delay later).
      const r = await c.source.query<{ flushed: boolean | null; applied: boolean | null }>(
        `SELECT s.confirmed_flush_lsn >= $2::pg_lsn AS flushed, r.write_lsn >= $2::pg_lsn AS applied
         FROM pg_catalog.pg_replication_slots s LEFT JOIN pg_catalog.pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = $1`, [status.slotName, lsn]);
      if (r.rows[0]?.flushed) break;
      if (r.rows[0]?.applied) {
        // One synchronous commit on the target flushes its WAL up to here, with every applied change.
        await c.target.query('BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_catalog.txid_current(); COMMIT');
        break;
      }
      if (Date.now() - catchUpStart > opts.catchUpTimeoutMs) {
        throw new CutoverError(`the subscriber did not confirm ${lsn} within ${opts.catchUpTimeoutMs} ms; writes resumed on the source, nothing else changed`, false, status);
      }
      await sleep(5);
    }
    const catchUpMs = Date.now() - catchUpStart;

    const verifyStart = Date.now();
    const rowCounts: Array<{ table: string; rows: number }> = [];
    if (opts.verifyCounts) {
      for (const t of tables) {
        const [s, d] = await Promise.all([countRows(c.sourceLock, t), countRows(c.target, t)]);
        if (s !== d) throw new CutoverError(`${t} has ${s} rows on the source but ${d} on the target; writes resumed on the source, nothing else changed`, false, status);
        rowCounts.push({ table: t, rows: s });
      }
    }
    const verifyMs = Date.now() - verifyStart;

    const seqStart = Date.now();
    const sequences: Array<{ sequence: string; value: string }> = [];
    const values = await sequenceValues(c.sourceLock);
    for (const [seq, value] of values) {
      if (value === null) continue; // never used on the source: the target's start is right
      const next = (BigInt(value) + BigInt(opts.sequenceGap)).toString();
      await c.target.query('SELECT pg_catalog.setval($1::regclass, $2::bigint, true)', [qualified(seq), next]);
      sequences.push({ sequence: seq, value: next });
    }
    const sequencesMs = Date.now() - seqStart;

    // Fence: from here the source must not take writes again.
    phase = 'fenced';
    await c.source.query(`ALTER DATABASE ${quoteIdent(database)} SET default_transaction_read_only = on`);
    try {
      await c.target.query(`ALTER SUBSCRIPTION ${quoteIdent(opts.subscription)} DISABLE`);
      subscriptionDisabled = true;
    } catch (e) {
      notes.push(`the subscription could not be disabled (${(e as Error).message}); the source is read-only, so nothing more arrives, but disable or drop it as its owner`);
    }

    const switchStart = Date.now();
    phase = 'switching';
    if (hooks.switchPools) {
      log('switching the pools to the target');
      await hooks.switchPools();
    } else {
      notes.push('no pool switch was run (--switch-command): point the applications at the target now');
    }
    const switchMs = Date.now() - switchStart;

    let terminatedSessions = 0;
    if (opts.terminateSourceSessions) {
      const t = await terminateSessions(c.source, database, [lockPid, adminPid]);
      terminatedSessions = t.terminated;
      if (t.notAllowed > 0) {
        notes.push(`${t.notAllowed} session(s) of the source database belong to roles this login may not signal (superusers, or others without pg_signal_backend): they were left running`);
      }
    }
    await c.sourceLock.query('COMMIT');
    locked = false;
    const writePauseMs = Date.now() - lockRequested;
    log(`writes paused for ${writePauseMs} ms`);

    let subscriptionDropped = false;
    if (opts.dropSubscription) {
      try {
        await c.target.query(`DROP SUBSCRIPTION ${quoteIdent(opts.subscription)}`);
        subscriptionDropped = true;
      } catch (e) {
        notes.push(`the subscription could not be dropped (${(e as Error).message})`);
      }
    }

    let throughReachesTarget: boolean | undefined;
    if (opts.through) throughReachesTarget = await reachesTarget(c, opts.through);

    return {
      status, lockWaitMs, catchUpMs, verifyMs, sequencesMs, switchMs, writePauseMs, caughtUpLsn: lsn,
      rowCounts, sequences, terminatedSessions, subscriptionDisabled, subscriptionDropped, throughReachesTarget, notes,
    };
  } catch (e) {
    const message = (e as Error).message;
    if (phase === 'switching') {
      // The pools may point anywhere now: keep the source fenced, stop its writers, release.
      if (locked) {
        await terminateSessions(c.source, database, [lockPid, adminPid]).catch(() => undefined);
        await c.sourceLock.query('COMMIT').catch(() => undefined);
      }
      throw new CutoverError(`${message} (during the pool switch: the source stays read-only and its sessions were ended; finish pointing the pools at the target)`, true, status);
    }
    if (phase === 'fenced') {
      // Roll back the fence before the writers resume on the source.
      await c.source.query(`ALTER DATABASE ${quoteIdent(database)} RESET default_transaction_read_only`).catch(() => undefined);
      if (subscriptionDisabled) await c.target.query(`ALTER SUBSCRIPTION ${quoteIdent(opts.subscription)} ENABLE`).catch(() => undefined);
    }
    // Ends the lock transaction (or the one whose LOCK failed).
    await c.sourceLock.query('ROLLBACK').catch(() => undefined);
    if (e instanceof CutoverError) throw e;
    throw new CutoverError(`${message}; writes resumed on the source${phase === 'fenced' ? ' (the fence was rolled back; target sequences may be ahead, which is harmless)' : ', nothing else changed'}`, false, status);
  }
}

/**
 * Terminates the other client sessions of `database` that this login may signal (a
 * superuser any but superusers' when it is not one; others those of roles it is a member of,
 * or all non-superuser ones with pg_signal_backend). Returns how many it ended and skipped.
 */
async function terminateSessions(client: Client, database: string, keep: number[]): Promise<{ terminated: number; notAllowed: number }> {
  const r = await client.query<{ terminated: string; skipped: string }>(
    `WITH me AS (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user),
          s AS (SELECT a.pid, r.rolsuper AS target_super,
                       pg_catalog.pg_has_role(a.usesysid, 'MEMBER') OR pg_catalog.pg_has_role('pg_signal_backend', 'MEMBER') AS member
                FROM pg_catalog.pg_stat_activity a JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
                WHERE a.datname = $1 AND a.backend_type = 'client backend' AND a.pid <> ALL ($2::int[])),
          allowed AS (SELECT s.pid, (me.rolsuper OR (NOT s.target_super AND s.member)) AS ok FROM s, me)
     SELECT count(*) FILTER (WHERE ok AND pg_catalog.pg_terminate_backend(pid))::text AS terminated,
            count(*) FILTER (WHERE NOT ok)::text AS skipped FROM allowed`, [database, keep]);
  return { terminated: Number(r.rows[0].terminated), notAllowed: Number(r.rows[0].skipped) };
}

/** True when a session opened through `connectionString` is a session of the target. */
async function reachesTarget(c: CutoverConnections, connectionString: string): Promise<boolean> {
  const probe = await c.connect(connectionString);
  try {
    const tag = `ha-postgres-cutover-${process.pid}-${Date.now()}`;
    await probe.query(`SET application_name = '${tag}'`);
    const r = await c.target.query('SELECT 1 FROM pg_catalog.pg_stat_activity WHERE application_name = $1', [tag]);
    return (r.rowCount ?? 0) > 0;
  } finally {
    await probe.end().catch(() => undefined);
  }
}

/** The report as text. */
export function cutoverText(r: CutoverReport): string {
  const lines = [
    `cutover done: writes on the published tables paused for ${r.writePauseMs} ms`,
    `  lock wait ${r.lockWaitMs} ms, catch-up ${r.catchUpMs} ms (to ${r.caughtUpLsn}), row-count check ${r.verifyMs} ms, sequences ${r.sequencesMs} ms, pool switch ${r.switchMs} ms`,
    `  ${r.rowCounts.length} table(s) verified equal: ${r.rowCounts.map((t) => `${t.table}=${t.rows}`).join(', ') || '(not checked)'}`,
    `  ${r.sequences.length} sequence(s) set on the target: ${r.sequences.map((s) => `${s.sequence}=${s.value}`).join(', ') || '(none used)'}`,
    `  source database read-only for new sessions; ${r.terminatedSessions} source session(s) terminated`,
    `  subscription ${r.subscriptionDropped ? 'dropped (with its slot)' : r.subscriptionDisabled ? 'disabled' : 'left as it was'}`,
  ];
  if (r.throughReachesTarget !== undefined) lines.push(`  --through ${r.throughReachesTarget ? 'reaches the target' : 'DOES NOT reach the target: repoint the pools'}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}
