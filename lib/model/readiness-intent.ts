/**
 * The production-readiness checklist evaluated on a cluster's resolved intent and the
 * intents of what is attached to it (archive, backups, drills, pools, monitoring), at synth
 * time: no manifest is rendered. The manifest checklist (lib/monitoring/readiness/checklist.ts,
 * `ha-postgres check`) reads any manifests, hand-written ones included; on what this library
 * renders both give the same verdict per item (test/monitoring/readiness-intent.property.test.ts).
 *
 * Pure data in, verdicts out: readiness-evaluation.ts gathers the facts from the cluster
 * model and its attachments.
 */
import { parseKubernetesQuantity, parsePostgresSize, parseQuantity, compareQuantities } from '../core/quantity';
import { parseRobfigCron, robfigLongestGapSeconds } from '../core/robfig-cron';

/** CPU and memory of a container, as Kubernetes quantities (`500m`, `1Gi`). */
export interface ContainerResourcesFacts {
  readonly name: string;
  /** Undefined: the container gets no resources at all. */
  readonly cpuRequest?: string;
  readonly cpuLimit?: string;
  readonly memoryRequest?: string;
  readonly memoryLimit?: string;
}

/** A pool of the cluster. */
export interface PoolFacts {
  readonly name: string;
  /** `transaction` or `session`. */
  readonly poolMode: string;
  /** Every container of a pool pod (init containers included). */
  readonly containers: ContainerResourcesFacts[];
}

/** A scheduled backup. */
export interface BackupFacts {
  readonly name: string;
  /** The schedule, 6 fields with seconds first (robfig/cron reads it so; a CronJob's 5 fields get a leading 0). */
  readonly schedule: string;
  readonly suspend: boolean;
  /** False for a differential or incremental backup (it needs a full one to build on); a ScheduledBackup is full. */
  readonly full: boolean;
}

/** Everything the checklist reads about one cluster. */
export interface ReadinessFacts {
  /** Ids of the items that apply (the engine's readiness profile), in report order. */
  readonly items: string[];
  /** The engine's main manifest kind (`Cluster`, `StatefulSet`, `PostgresCluster`), for the reasons. */
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly instances: number;
  readonly highlyAvailable: boolean;
  readonly synchronousStandbys: number;
  /** `required` or `preferred`. */
  readonly dataDurability: string;
  readonly failoverQuorum: boolean;
  /** The final PostgreSQL parameters (strings, as rendered). */
  readonly parameters: { readonly [name: string]: string };
  readonly zoneTopologyKey: string;
  readonly zones?: string[];
  readonly nodeSelector?: { readonly [key: string]: string };
  /** Size of the data volume (`200Gi`). */
  readonly storageSize: string;
  /** Size of the WAL volume, when separate. */
  readonly walStorageSize?: string;
  /** `switchover` or `restart`. */
  readonly primaryUpdateMethod: string;
  /**
   * Who keeps the disruption budget, and its minAvailable when the library renders it or
   * when the operator keeps one budget over all instances (`operatorOneBudget`).
   */
  readonly disruptionBudget?: { readonly owner: string; readonly minAvailable?: number; readonly operatorOneBudget?: string };
  /** Every container of an instance pod (init containers and sidecars included). */
  readonly instanceContainers: ContainerResourcesFacts[];
  /** Where WAL is archived (undefined: no archive). */
  readonly archive?: string;
  readonly backups: BackupFacts[];
  /** Restore drills of the cluster (CronJob names). */
  readonly drills: string[];
  readonly pools: PoolFacts[];
  /** Metric families the cluster's alerting rules cover (e.g. `cnpg_pg_replication_lag`). */
  readonly alertedMetrics: string[];
}

/** The verdict of one item. */
export interface IntentVerdict {
  readonly id: string;
  readonly passed: boolean;
  readonly reason: string;
}

/** Title of each checklist item and whether it is required (advisory otherwise); the manifest checklist uses the same. */
export const READINESS_ITEM_INFO: { readonly [id: string]: { readonly title: string; readonly required: boolean } } = {
  'instances-zones': { title: '3 instances across 3 zones', required: true },
  'sync-standby': { title: 'a synchronous standby with RPO 0', required: true },
  'slots-bounded': { title: 'replication slots bounded', required: true },
  'slots-monitored': { title: 'replication slots monitored', required: false },
  'pooler-transaction': { title: 'PgBouncer in transaction mode', required: false },
  'wal-archiving': { title: 'continuous WAL archiving', required: true },
  'daily-backup': { title: 'a daily base backup', required: true },
  'restore-test': { title: 'a restore test', required: false },
  'lag-alerts': { title: 'replication lag alerts', required: false },
  'pdb': { title: 'PDB minAvailable 2 with no overlap', required: true },
  'switchover-updates': { title: 'switchover on updates', required: true },
  'instance-qos': { title: 'instance pods in the Guaranteed QoS class', required: true },
  'pooler-qos': { title: 'PgBouncer pods in the Guaranteed QoS class', required: true },
  'operator-accepts': { title: 'accepted by the CloudNativePG webhook, no unsafe settings', required: true },
  'wal-volume': { title: 'WAL on its own volume', required: false },
};

/** Ids of the items evaluated for each engine, in report order. */
export const CLOUDNATIVE_PG_ITEMS = ['instances-zones', 'sync-standby', 'slots-bounded', 'slots-monitored', 'pooler-transaction', 'wal-archiving',
  'daily-backup', 'restore-test', 'lag-alerts', 'pdb', 'switchover-updates', 'instance-qos', 'pooler-qos', 'operator-accepts'];
export const PATRONI_ITEMS = ['instance-qos', 'pooler-qos'];
/** The items of an engine whose readiness profile has no `checklistItems`. */
export function defaultChecklistItems(operatorChecklist: boolean): string[] {
  return operatorChecklist ? CLOUDNATIVE_PG_ITEMS : PATRONI_ITEMS;
}

const STANDARD_ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const DAY = 86_400;

/** The checklist of one cluster, from its facts. */
export function evaluateIntentReadiness(f: ReadinessFacts): IntentVerdict[] {
  const patroni = f.kind === 'StatefulSet';
  return f.items.map((id) => {
    const check = CHECKS[id];
    if (!check) throw new Error(`readiness item ${id} is not known (known: ${Object.keys(CHECKS).join(', ')})`);
    const [passed, reason] = check(f, patroni);
    return { id, passed, reason };
  });
}

type Check = (f: ReadinessFacts, patroni: boolean) => [boolean, string];

const CHECKS: { [id: string]: Check } = {
  'instances-zones': instancesAndZones,
  'sync-standby': syncStandby,
  'slots-bounded': slotsBounded,
  'slots-monitored': (f) => alerted(f, 'cnpg_pg_replication_slots_*', (m) => m.startsWith('cnpg_pg_replication_slots_')),
  'pooler-transaction': poolerTransaction,
  'wal-archiving': (f) => (f.archive ? [true, `WAL archived by the Barman Cloud plugin to ${f.archive}`]
    : [false, 'no WAL archive (no WalArchive attached): no point-in-time recovery, and a lost cluster is lost']),
  'daily-backup': dailyBackup,
  'restore-test': (f) => (f.drills.length > 0 ? [true, `restore drill ${f.drills[0]} restores from the backups`]
    : [false, 'no restore drill (RestoreDrill) for this cluster: backups are not proven restorable']),
  'lag-alerts': (f) => alerted(f, 'cnpg_pg_replication_lag', (m) => m === 'cnpg_pg_replication_lag'),
  'pdb': disruptionBudget,
  'switchover-updates': (f) => (f.primaryUpdateMethod === 'switchover' ? [true, 'primaryUpdateMethod switchover, unsupervised']
    : [false, `primaryUpdateMethod is ${f.primaryUpdateMethod}: updates restart the primary in place instead of switching over to a standby`]),
  'instance-qos': (f, patroni) => qos(patroni ? `Patroni pods of StatefulSet ${f.name}` : `instance pods of ${f.kind} ${f.name}`, f.instanceContainers),
  'pooler-qos': poolerQos,
  'operator-accepts': operatorAccepts,
  'wal-volume': (f) => (f.walStorageSize ? [true, `WAL on its own volume (${f.walStorageSize})`]
    : [false, 'WAL shares the data volume (no walStorage), so a full data volume stops writes and WAL bursts compete with data I/O']),
};

function instancesAndZones(f: ReadinessFacts): [boolean, string] {
  const n = f.instances;
  if (n < 3) return [false, `spec.instances is ${n}; production needs 3 (primary, synchronous standby, spare)`];
  const keys = new Set([...STANDARD_ZONE_KEYS, f.zoneTopologyKey]);
  // The zones node placement allows, by the most restrictive zone key (as the manifest checklist reads the affinity).
  let pinned: { zones: string[]; by: string } | undefined;
  for (const key of keys) {
    let zones: Set<string> | undefined;
    let by = '';
    const selected = f.nodeSelector?.[key];
    if (selected !== undefined) { zones = new Set([selected]); by = `nodeSelector ${key}=${selected}`; }
    if (key === f.zoneTopologyKey && f.zones && f.zones.length > 0) {
      const named = new Set(f.zones);
      zones = zones ? new Set([...zones].filter((z) => named.has(z))) : named;
      by = by ? `${by} and required node affinity on ${key}` : `required node affinity on ${key}`;
    }
    if (zones && (!pinned || zones.size < pinned.zones.length)) pinned = { zones: [...zones].sort(), by };
  }
  if (pinned && pinned.zones.length === 0) return [false, `${n} instances, but ${pinned.by} leave no zone a node may be in: no instance can be scheduled`];
  if (pinned && pinned.zones.length === 1) return [false, `${n} instances, but ${pinned.by} pins all of them to zone ${pinned.zones[0]}: losing that zone loses the cluster`];
  if (pinned && pinned.zones.length < 3) return [false, `${n} instances, but ${pinned.by} allows only ${pinned.zones.length} zone(s): ${pinned.zones.join(', ')}`];
  const within = pinned ? ` in ${pinned.zones.join(', ')}` : '';
  return [true, `${n} instances, spread over ${f.zoneTopologyKey} by a DoNotSchedule topology spread (maxSkew 1)${within}`];
}

function syncStandby(f: ReadinessFacts): [boolean, string] {
  if (!f.highlyAvailable || f.synchronousStandbys < 1) return [false, 'no synchronous replication: a failover can lose acknowledged commits'];
  const s = f.synchronousStandbys;
  if (f.dataDurability !== 'required') return [false, `synchronous any ${s} with dataDurability ${f.dataDurability}: commits are not always confirmed by a standby, so RPO is not 0`];
  const commit = String(f.parameters.synchronous_commit ?? 'on').trim().toLowerCase();
  if (commit === 'off' || commit === 'local') return [false, `synchronous ANY ${s}, but synchronous_commit = ${commit}: commits return before a standby confirms them, so RPO is not 0`];
  if (!f.failoverQuorum) {
    return [false, `synchronous ANY ${s}, dataDurability required, but failoverQuorum is false: a failover may promote a standby that misses acknowledged commits`
      + ' (when the primary and the standby that confirmed them are lost together). Set failoverQuorum: true (the default)'];
  }
  return [true, `synchronous ANY ${s}, dataDurability required, failover quorum on (a standby is promoted only when it is known to hold every acknowledged commit)`];
}

function slotsBounded(f: ReadinessFacts): [boolean, string] {
  const keep = f.parameters.max_slot_wal_keep_size;
  if (keep === undefined || keep.trim() === '-1') {
    return [false, `HA replication slots are on but max_slot_wal_keep_size is ${keep === undefined ? 'unset (unlimited)' : '-1 (unlimited)'}: a stuck standby's slot can fill the WAL volume and stop the primary`];
  }
  const bytes = parsePostgresSize(keep, 'MB');
  if (bytes === undefined) return [false, `max_slot_wal_keep_size = ${keep} is not a size PostgreSQL accepts`];
  const text = f.walStorageSize ?? f.storageSize;
  const what = f.walStorageSize ? 'WAL volume' : 'data volume (which holds the WAL)';
  const volume = parseKubernetesQuantity(text);
  if (volume !== undefined && bytes >= volume) {
    return [false, `max_slot_wal_keep_size = ${keep} is not below the ${what} (${text}): a stuck standby's slot fills the volume and stops the primary before PostgreSQL invalidates the slot; lower it to at most half of ${text}`];
  }
  return [true, `HA slots on, max_slot_wal_keep_size = ${keep}${volume !== undefined ? ` (below the ${what.replace(/ \(.*/, '')}, ${text})` : ''}`];
}

function alerted(f: ReadinessFacts, label: string, metric: (name: string) => boolean): [boolean, string] {
  const covered = f.alertedMetrics.filter(metric);
  return covered.length > 0 ? [true, `ClusterMonitoring alerts on ${covered[0]} for this cluster`]
    : [false, `no alert on ${label} covers this cluster (add ClusterMonitoring)`];
}

function poolerTransaction(f: ReadinessFacts): [boolean, string] {
  if (f.pools.length === 0) return [false, 'no Pooler for this cluster: every client holds a PostgreSQL backend'];
  const tx = f.pools.filter((p) => p.poolMode === 'transaction');
  if (tx.length === 0) return [false, `Pooler(s) ${f.pools.map((p) => p.name).join(', ')} use ${f.pools[0].poolMode} mode (session mode pins a backend per client)`];
  return [true, `Pooler ${tx.map((p) => p.name).join(', ')} in transaction mode`];
}

const SCHEDULE_PROBLEMS = new Map<string, string | undefined>();

/** Why a (6-field) schedule does not give a daily backup, or undefined; per expression (fleets repeat a few). */
function scheduleProblem(schedule: string): string | undefined {
  if (!SCHEDULE_PROBLEMS.has(schedule)) {
    const parsed = parseRobfigCron(schedule);
    let problem: string | undefined;
    if (!parsed.ok) problem = `schedule "${schedule}" is rejected by CloudNativePG (robfig/cron): ${parsed.error}`;
    else {
      const gap = robfigLongestGapSeconds(parsed.schedule);
      if (gap === Infinity) problem = `schedule "${schedule}" matches no date, so it never runs`;
      else if (gap > DAY) problem = `schedule "${schedule}" runs only every ${Math.round(gap / 360) / 10} h`;
    }
    SCHEDULE_PROBLEMS.set(schedule, problem);
  }
  return SCHEDULE_PROBLEMS.get(schedule);
}

/** Passes when a full backup is scheduled and some backup (full, or one built on it) runs at least daily. */
function dailyBackup(f: ReadinessFacts): [boolean, string] {
  if (!f.backups.some((b) => b.full)) {
    const others = f.backups.map((b) => b.name);
    return [false, `no ScheduledBackup (full backup) for this cluster${others.length > 0 ? `: ${others.join(', ')} need(s) a full backup to build on` : ''}`];
  }
  const reasons: string[] = [];
  for (const b of f.backups) {
    if (b.suspend) { reasons.push(`${b.name} is suspended`); continue; }
    const problem = scheduleProblem(b.schedule);
    if (problem) { reasons.push(`${b.name}: ${problem}`); continue; }
    if (!f.archive) { reasons.push(`${b.name}: the cluster has no WAL archive to back up to`); continue; }
    if (!f.backups.some((x) => x.full && !x.suspend)) { reasons.push(`${b.name}: every full backup is suspended`); continue; }
    return [true, `${b.full ? 'ScheduledBackup' : 'backup'} ${b.name} "${b.schedule}" (at least daily)`];
  }
  return [false, reasons.join('; ')];
}

function disruptionBudget(f: ReadinessFacts): [boolean, string] {
  const n = f.instances;
  const budget = f.disruptionBudget;
  if (!budget) return [false, `instances under no PDB: ${range(n).map((i) => `${f.name}-${i}`).join(', ')}`];
  if (budget.owner === 'operator' && budget.operatorOneBudget === undefined) {
    if (n === 1) return [false, 'the single instance is under the operator\'s primary PDB (minAvailable 1), which never allows its eviction: a drain of its node waits'];
    if (n < 3) return [false, `instances under no PDB: ${range(n).slice(1).map((i) => `${f.name}-${i}`).join(', ')} (the operator creates its replica PDB only from 3 instances; this cluster has ${n})`];
    return [n - 1 >= 2, `operator PDBs (primary minAvailable 1 + replicas minAvailable ${n - 2}) keep ${n - 1} of ${n} instances available`];
  }
  const min = budget.minAvailable ?? 0;
  const kept = Math.min(n, Math.max(0, min));
  const subject = `PDB ${budget.operatorOneBudget ?? `${f.name}-pdb`} keeps`;
  if (kept < 2) return [false, `${subject} only ${kept} of ${n} instances available: a drain can take the synchronous standby with another instance`];
  if (kept >= n) return [false, `${subject} ${kept} of ${n} instances available: no disruption is ever allowed and drains hang`];
  return [true, `${subject} ${kept} of ${n} instances available, no pod under two PDBs`];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Why a container keeps its pod out of the Guaranteed class, or undefined. */
function notGuaranteed(c: ContainerResourcesFacts): string | undefined {
  const problems: string[] = [];
  for (const [what, request, limit] of [['cpu', c.cpuRequest, c.cpuLimit], ['memory', c.memoryRequest, c.memoryLimit]] as const) {
    if (limit === undefined) { problems.push(`no ${what} limit`); continue; }
    if (request === undefined) continue; // the request defaults to the limit
    const r = parseQuantity(request);
    const l = parseQuantity(limit);
    if (!r || !l || compareQuantities(r, l) !== 0) problems.push(`${what} request ${request} below the limit ${limit}`);
  }
  return problems.length > 0 ? `${c.name}: ${problems.join(', ')}` : undefined;
}

function qos(what: string, containers: ContainerResourcesFacts[]): [boolean, string] {
  const problems = containers.map(notGuaranteed).filter((p): p is string => p !== undefined);
  if (problems.length === 0) return [true, `${what}: Guaranteed (${containers.map((c) => `${c.name} ${c.cpuLimit} CPU/${c.memoryLimit}`).join(', ')})`];
  return [false, `${what}: Burstable, because ${problems.join('; ')}; under node memory pressure the kubelet evicts Burstable pods before Guaranteed ones, `
    + 'and their CPU is not reserved; give every container requests equal to limits'];
}

function poolerQos(f: ReadinessFacts, patroni: boolean): [boolean, string] {
  if (f.pools.length === 0) return [true, 'no pool for this cluster: no PgBouncer pods to check'];
  const verdicts = f.pools.map((p) => qos(patroni ? `PgBouncer Deployment ${p.name}` : f.kind === 'Cluster' ? `Pooler ${p.name}` : `PgBouncer pods of ${f.kind} ${f.name}`, p.containers));
  const failed = verdicts.filter(([ok]) => !ok);
  return failed.length > 0 ? [false, failed.map(([, r]) => r).join(' | ')] : [true, verdicts.map(([, r]) => r).join(' | ')];
}

const UNSAFE: Array<[string, string, string]> = [
  ['fsync', 'off', 'fsync is off: an OS crash or power loss can corrupt the database unrecoverably; remove it'],
  ['full_page_writes', 'off', 'full_page_writes is off: torn pages after a crash corrupt data; remove it'],
  ['zero_damaged_pages', 'on', 'zero_damaged_pages is on: damaged pages are silently zeroed, losing their rows; remove it'],
];
/** PostgreSQL's boolean reading (unique prefixes of true/yes/on/false/no/off, 1, 0). */
function postgresBool(value: string): 'on' | 'off' | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if ('true'.startsWith(v) || 'yes'.startsWith(v) || v === '1' || (v.length >= 2 && 'on'.startsWith(v))) return 'on';
  if ('false'.startsWith(v) || 'no'.startsWith(v) || v === '0' || (v.length >= 2 && 'off'.startsWith(v))) return 'off';
  return undefined;
}

/** The webhook rules are checked at synth (a cluster that breaks one does not synthesize): only unsafe parameters remain. */
function operatorAccepts(f: ReadinessFacts): [boolean, string] {
  const unsafe = UNSAFE.filter(([name, bad]) => f.parameters[name] !== undefined && postgresBool(String(f.parameters[name])) === bad).map(([, , why]) => why);
  if (unsafe.length === 0) return [true, 'no rule of the CloudNativePG webhook is broken and no unsafe setting is made'];
  return [false, `unsafe: ${unsafe.join('; ')}`];
}
