/**
 * The state of a blue/green upgrade, read from both clusters: the publication on the source,
 * the subscription and the initial copy of each table on the target, the lag of the
 * subscription's slot, row counts per table and sequence values on both sides, and what
 * blocks a cutover.
 */
import type { Client } from 'pg';
import { quoteIdent } from '../../model/sql-identifier';

/** One replicated table. */
export interface TableStatus {
  /** `schema.table`. */
  readonly table: string;
  /** pg_subscription_rel state on the target: `r` ready (copied, streaming), `d`/`f`/`s`/`i` copying, `missing`. */
  readonly state: string;
  readonly sourceRows?: number;
  readonly targetRows?: number;
}

/** One sequence: its last value on both sides (null when never used). */
export interface SequenceStatus {
  /** `schema.sequence`. */
  readonly sequence: string;
  /** As text: bigint values exceed JavaScript numbers. */
  readonly source: string | null;
  readonly target: string | null;
  /** False when the target has no sequence of that name. */
  readonly onTarget: boolean;
}

/** The whole picture. */
export interface UpgradeStatus {
  readonly publication: string;
  readonly subscription: string;
  readonly sourceVersion: string;
  readonly targetVersion: string;
  readonly publicationExists: boolean;
  readonly subscriptionExists: boolean;
  readonly subscriptionEnabled: boolean;
  /** The apply worker is running (pg_stat_subscription has its pid). */
  readonly applyWorkerRunning: boolean;
  readonly slotName?: string;
  readonly slotActive: boolean;
  /** `reserved`, `extended`, `unreserved` or `lost` (pg_replication_slots.wal_status). */
  readonly slotWalStatus?: string;
  /** Bytes of WAL between the source's current position and what the subscriber confirmed. */
  readonly lagBytes?: number;
  readonly tables: TableStatus[];
  readonly sequences: SequenceStatus[];
  /** What blocks a cutover; empty when it may proceed. */
  readonly problems: string[];
}

/** Options of the status collection. */
export interface StatusOptions {
  readonly publication: string;
  readonly subscription: string;
  /** A cutover is refused above this lag. */
  readonly maxLagBytes: number;
  /** Count rows per table (exact `count(*)`: a full scan of each table on both sides). */
  readonly countRows: boolean;
}

/** Tables of a publication (`schema.table`), from the source. */
export async function publishedTables(source: Client, publication: string): Promise<string[]> {
  const r = await source.query<{ t: string }>(
    `SELECT format('%s.%s', schemaname, tablename) AS t FROM pg_catalog.pg_publication_tables WHERE pubname = $1 ORDER BY 1`, [publication]);
  return r.rows.map((x) => x.t);
}

/** `"schema"."table"` for `schema.table`. */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  return `${quoteIdent(name.slice(0, dot))}.${quoteIdent(name.slice(dot + 1))}`;
}

/** Exact row count. */
export async function countRows(client: Client, table: string): Promise<number> {
  const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(table)}`);
  return Number(r.rows[0].n);
}

/** `schema.sequence` → last_value (text, null when never used or not readable). */
export async function sequenceValues(client: Client): Promise<Map<string, string | null>> {
  const r = await client.query<{ s: string; v: string | null }>(
    `SELECT format('%s.%s', schemaname, sequencename) AS s, last_value::text AS v FROM pg_catalog.pg_sequences ORDER BY 1`);
  return new Map(r.rows.map((x) => [x.s, x.v]));
}

/** Reads the status of the upgrade from the source (publisher) and target (subscriber). */
export async function collectStatus(source: Client, target: Client, opts: StatusOptions): Promise<UpgradeStatus> {
  const problems: string[] = [];
  const sourceVersion = (await source.query<{ v: string }>('SHOW server_version')).rows[0].v;
  const targetVersion = (await target.query<{ v: string }>('SHOW server_version')).rows[0].v;

  const pub = await source.query('SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1', [opts.publication]);
  const publicationExists = pub.rowCount === 1;
  if (!publicationExists) problems.push(`publication ${opts.publication} does not exist on the source`);
  const tables = publicationExists ? await publishedTables(source, opts.publication) : [];
  if (publicationExists && tables.length === 0) problems.push(`publication ${opts.publication} publishes no table`);
  if (publicationExists) {
    // Without a replica identity, UPDATE and DELETE of a published table fail on the source.
    const noIdentity = await source.query<{ t: string }>(
      `SELECT format('%s.%s', p.schemaname, p.tablename) AS t FROM pg_catalog.pg_publication_tables p
       JOIN pg_catalog.pg_publication pub ON pub.pubname = p.pubname
       JOIN pg_catalog.pg_namespace n ON n.nspname = p.schemaname
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
       WHERE p.pubname = $1 AND (pub.pubupdate OR pub.pubdelete)
         AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
       ORDER BY 1`, [opts.publication]);
    for (const r of noIdentity.rows) {
      problems.push(`table ${r.t} has no replica identity (no primary key): its UPDATEs and DELETEs fail on the source while it is published. Fix: add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL`);
    }
  }

  const sub = await target.query<{ subenabled: boolean; subslotname: string | null }>(
    'SELECT subenabled, subslotname FROM pg_catalog.pg_subscription WHERE subname = $1 AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())',
    [opts.subscription]);
  const subscriptionExists = sub.rowCount === 1;
  const subscriptionEnabled = subscriptionExists && sub.rows[0].subenabled;
  const slotName = subscriptionExists ? sub.rows[0].subslotname ?? undefined : undefined;
  if (!subscriptionExists) problems.push(`subscription ${opts.subscription} does not exist on the target`);
  else if (!subscriptionEnabled) problems.push(`subscription ${opts.subscription} is disabled`);

  const worker = await target.query('SELECT pid FROM pg_catalog.pg_stat_subscription WHERE subname = $1 AND relid IS NULL AND pid IS NOT NULL', [opts.subscription]);
  const applyWorkerRunning = (worker.rowCount ?? 0) > 0;
  if (subscriptionEnabled && !applyWorkerRunning) problems.push(`the apply worker of subscription ${opts.subscription} is not running (see the target's log: connection or apply errors)`);

  let slotActive = false;
  let slotWalStatus: string | undefined;
  let lagBytes: number | undefined;
  if (slotName) {
    const slot = await source.query<{ active: boolean; wal_status: string | null; lag: string | null }>(
      'SELECT active, wal_status, pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text AS lag FROM pg_catalog.pg_replication_slots WHERE slot_name = $1',
      [slotName]);
    if (slot.rowCount !== 1) {
      problems.push(`the subscription's slot ${slotName} does not exist on the source`);
    } else {
      slotActive = slot.rows[0].active;
      slotWalStatus = slot.rows[0].wal_status ?? undefined;
      lagBytes = slot.rows[0].lag === null ? undefined : Number(slot.rows[0].lag);
      if (!slotActive) problems.push(`slot ${slotName} is not in use: the subscriber is not connected`);
      if (slotWalStatus === 'lost') problems.push(`slot ${slotName} lost WAL it needed (max_slot_wal_keep_size): re-create the subscription`);
      if (lagBytes !== undefined && lagBytes > opts.maxLagBytes) {
        problems.push(`the subscriber is ${lagBytes} bytes of WAL behind (more than ${opts.maxLagBytes}): wait until it catches up`);
      }
    }
  }

  const states = new Map<string, string>();
  if (subscriptionExists) {
    const rel = await target.query<{ t: string; s: string }>(
      `SELECT format('%s.%s', n.nspname, c.relname) AS t, r.srsubstate AS s FROM pg_catalog.pg_subscription_rel r
       JOIN pg_catalog.pg_subscription s ON s.oid = r.srsubid JOIN pg_catalog.pg_class c ON c.oid = r.srrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE s.subname = $1`, [opts.subscription]);
    for (const row of rel.rows) states.set(row.t, row.s);
  }
  const tableStatus: TableStatus[] = [];
  for (const t of tables) {
    const state = states.get(t) ?? 'missing';
    if (state === 'missing') problems.push(`table ${t} is published but not part of the subscription (missing on the target, or the publication was not refreshed)`);
    else if (state !== 'r') problems.push(`the initial copy of ${t} has not finished (state ${state})`);
    let sourceRows: number | undefined;
    let targetRows: number | undefined;
    if (opts.countRows) {
      sourceRows = await countRows(source, t);
      targetRows = state === 'missing' ? undefined : await countRows(target, t).catch(() => undefined);
    }
    tableStatus.push({ table: t, state, sourceRows, targetRows });
  }

  const src = await sequenceValues(source);
  const dst = await sequenceValues(target);
  const sequences: SequenceStatus[] = [...src].map(([s, v]) => ({ sequence: s, source: v, target: dst.get(s) ?? null, onTarget: dst.has(s) }));
  for (const s of sequences) if (!s.onTarget) problems.push(`sequence ${s.sequence} exists on the source but not on the target`);

  return {
    publication: opts.publication,
    subscription: opts.subscription,
    sourceVersion,
    targetVersion,
    publicationExists,
    subscriptionExists,
    subscriptionEnabled,
    applyWorkerRunning,
    slotName,
    slotActive,
    slotWalStatus,
    lagBytes,
    tables: tableStatus,
    sequences,
    problems,
  };
}

/** The status as text. */
export function statusText(s: UpgradeStatus): string {
  const lines = [
    `source PostgreSQL ${s.sourceVersion}, publication ${s.publication}: ${s.publicationExists ? `${s.tables.length} table(s)` : 'missing'}`,
    `target PostgreSQL ${s.targetVersion}, subscription ${s.subscription}: ${!s.subscriptionExists ? 'missing' : `${s.subscriptionEnabled ? 'enabled' : 'disabled'}, apply worker ${s.applyWorkerRunning ? 'running' : 'not running'}`}`,
    `slot ${s.slotName ?? '-'}: ${s.slotActive ? 'active' : 'inactive'}${s.slotWalStatus ? `, WAL ${s.slotWalStatus}` : ''}, lag ${s.lagBytes ?? '-'} bytes`,
    '',
    'table                                     state   source rows   target rows',
  ];
  for (const t of s.tables) {
    lines.push(`${t.table.padEnd(40)}  ${t.state.padEnd(6)}  ${String(t.sourceRows ?? '-').padStart(11)}   ${String(t.targetRows ?? '-').padStart(11)}`);
  }
  lines.push('', 'sequence                                  source last_value   target last_value');
  for (const q of s.sequences) {
    lines.push(`${q.sequence.padEnd(40)}  ${String(q.source ?? 'unused').padStart(17)}   ${String(q.onTarget ? q.target ?? 'unused' : 'missing').padStart(17)}`);
  }
  lines.push('', s.problems.length === 0 ? 'ready for cutover' : `not ready for cutover:\n${s.problems.map((p) => `  - ${p}`).join('\n')}`, '');
  return lines.join('\n');
}
