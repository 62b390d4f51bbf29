/*
 * Rules of the CloudNativePG v1.30 Cluster admission webhook (internal/webhook/v1/
 * cluster_webhook.go) that a manifest can break without breaking the CRD schema, and
 * settings the operator accepts but that lose data on a crash. A cluster that breaks a
 * webhook rule is never created: `kubectl apply` fails.
 */
import { parseKubernetesQuantity, parsePostgresSize } from '../../core/quantity';
import { CNPG_FIXED_PARAMETERS } from '../../engines/cnpg/cnpg-fixed-parameters';

/**
 * Values the operator itself writes for some fixed parameters (pkg/postgres/configuration.go):
 * the webhook accepts a fixed parameter whose value is exactly the one it would write.
 */
const OPERATOR_VALUES: { [name: string]: string } = {
  hot_standby: 'true',
  listen_addresses: '*',
  port: '5432',
  restart_after_crash: 'false',
  ssl: 'on',
  ssl_ca_file: '/controller/certificates/client-ca.crt',
  ssl_cert_file: '/controller/certificates/server.crt',
  ssl_key_file: '/controller/certificates/server.key',
  unix_socket_directories: '/controller/run',
  logging_collector: 'on',
  log_destination: 'csvlog',
  log_directory: '/controller/log',
  log_filename: 'postgres',
  log_rotation_age: '0',
  log_rotation_size: '0',
  log_truncate_on_rotation: 'false',
  archive_mode: 'on',
};

/** Where a parameter is managed instead, for the fix. */
const INSTEAD: { [name: string]: string } = {
  synchronous_standby_names: 'use spec.postgresql.synchronous',
  archive_command: 'use a WAL-archiver plugin or spec.backup.barmanObjectStore',
  archive_mode: 'use a WAL-archiver plugin or spec.backup.barmanObjectStore',
  shared_preload_libraries: 'use spec.postgresql.shared_preload_libraries',
  primary_slot_name: 'use spec.replicationSlots',
  temp_tablespaces: 'use spec.tablespaces',
  allow_alter_system: 'use spec.postgresql.enableAlterSystem',
};

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** PostgreSQL's parse_bool: true/false, on/off, yes/no, 1/0 and unambiguous prefixes, any case. */
export function parsePostgresBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (v === '') return undefined;
  if ('true'.startsWith(v) || 'yes'.startsWith(v) || v === '1' || (v.length >= 2 && 'on'.startsWith(v))) return true;
  if ('false'.startsWith(v) || 'no'.startsWith(v) || v === '0' || (v.length >= 2 && 'off'.startsWith(v))) return false;
  return undefined;
}

/** The webhook's reasons to reject this Cluster (empty when it would accept it, as far as modelled). */
export function operatorWebhookProblems(cluster: any): string[] {
  const spec = cluster.spec ?? {};
  const out: string[] = [];
  const instances: number = typeof spec.instances === 'number' ? spec.instances : 1;
  const params: { [k: string]: unknown } = spec.postgresql?.parameters ?? {};
  const sync = spec.postgresql?.synchronous;

  for (const [key, value] of Object.entries(params)) {
    if (!PARAMETER_NAME.test(key)) { out.push(`spec.postgresql.parameters: ${JSON.stringify(key)} is not a valid parameter name`); continue; }
    if (!Object.prototype.hasOwnProperty.call(CNPG_FIXED_PARAMETERS, key)) continue;
    const operatorValue = key === 'cluster_name' ? cluster.metadata?.name : OPERATOR_VALUES[key];
    if (operatorValue !== undefined && value === operatorValue) continue;
    out.push(`spec.postgresql.parameters.${key} = ${JSON.stringify(value)}: a fixed parameter the operator manages (${CNPG_FIXED_PARAMETERS[key].replace(/ \(use [^)]*\)$/, '')})${INSTEAD[key] ? `; ${INSTEAD[key]}` : '; remove it'}`);
  }

  if (sync) {
    const named = (Array.isArray(sync.standbyNamesPre) ? sync.standbyNamesPre.length : 0) + (Array.isArray(sync.standbyNamesPost) ? sync.standbyNamesPost.length : 0);
    if (typeof sync.number === 'number' && sync.number >= instances + named) {
      out.push(`spec.postgresql.synchronous.number ${sync.number} must be below the number of instances (${instances})${named ? ` plus the ${named} named standby(s)` : ''}; use at most ${instances + named - 1}`);
    }
    if ((spec.minSyncReplicas ?? 0) > 0 || (spec.maxSyncReplicas ?? 0) > 0) {
      out.push('spec.postgresql.synchronous and the legacy minSyncReplicas/maxSyncReplicas cannot both be set; remove minSyncReplicas and maxSyncReplicas');
    }
  }
  const maxSync = spec.maxSyncReplicas ?? 0;
  const minSync = spec.minSyncReplicas ?? 0;
  if (maxSync >= instances && maxSync > 0) out.push(`spec.maxSyncReplicas ${maxSync} must be lower than the number of instances (${instances})`);
  if (minSync > maxSync) out.push(`spec.minSyncReplicas ${minSync} cannot be greater than maxSyncReplicas (${maxSync})`);
  if (spec.primaryUpdateStrategy === 'supervised' && instances === 1) out.push('primaryUpdateStrategy supervised is not allowed for a single instance');
  const antiAffinity = spec.affinity?.podAntiAffinityType;
  if (antiAffinity !== undefined && antiAffinity !== '' && antiAffinity !== 'preferred' && antiAffinity !== 'required') {
    out.push(`spec.affinity.podAntiAffinityType ${JSON.stringify(antiAffinity)} must be preferred or required`);
  }

  const walLevel = params.wal_level === undefined ? 'logical' : String(params.wal_level);
  if (!['logical', 'replica', 'minimal'].includes(walLevel)) {
    out.push(`wal_level ${JSON.stringify(walLevel)} is not logical, replica or minimal`);
  } else if (walLevel === 'minimal') {
    out.push('wal_level minimal: CloudNativePG needs replica or logical when archive_mode is on (always, unless WAL archiving is disabled), there is more than one instance, or the cluster is a replica');
  }
  for (const name of ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints']) {
    if (params[name] !== undefined && parsePostgresBool(params[name]) === undefined) out.push(`${name} = ${JSON.stringify(params[name])} is not a PostgreSQL boolean`);
  }
  if (params.wal_log_hints !== undefined && parsePostgresBool(params.wal_log_hints) === false && instances > 1) {
    out.push('wal_log_hints must be on with more than one instance (pg_rewind needs it to rejoin a former primary)');
  }

  // min_wal_size < max_wal_size < the WAL volume (bare numbers are MB).
  const minWal = params.min_wal_size === undefined || params.min_wal_size === '' ? undefined : parsePostgresSize(params.min_wal_size, 'MB');
  const maxWal = params.max_wal_size === undefined || params.max_wal_size === '' ? undefined : parsePostgresSize(params.max_wal_size, 'MB');
  if (params.min_wal_size !== undefined && params.min_wal_size !== '' && minWal === undefined) out.push(`min_wal_size = ${JSON.stringify(params.min_wal_size)} is not a size`);
  if (params.max_wal_size !== undefined && params.max_wal_size !== '' && maxWal === undefined) out.push(`max_wal_size = ${JSON.stringify(params.max_wal_size)} is not a size`);
  if ((minWal ?? 80 * 2 ** 20) >= (maxWal ?? 2 ** 30) && (minWal !== undefined || maxWal !== undefined)) {
    out.push(`min_wal_size (${params.min_wal_size ?? '80MB, the default'}) must be smaller than max_wal_size (${params.max_wal_size ?? '1GB, the default'})`);
  }
  const walVolume = parseKubernetesQuantity(spec.walStorage?.size ?? spec.walStorage?.pvcTemplate?.resources?.requests?.storage);
  if (walVolume !== undefined) {
    if (minWal !== undefined && minWal >= walVolume) out.push(`min_wal_size ${params.min_wal_size} must be smaller than the WAL volume (${spec.walStorage.size})`);
    if (maxWal !== undefined && maxWal >= walVolume) out.push(`max_wal_size ${params.max_wal_size} must be smaller than the WAL volume (${spec.walStorage.size})`);
  }
  return out;
}

/** Settings the operator accepts that can lose or corrupt data. */
export function unsafeSettings(spec: any): string[] {
  const params = spec?.postgresql?.parameters ?? {};
  const out: string[] = [];
  if (params.fsync !== undefined && parsePostgresBool(params.fsync) === false) out.push('fsync is off: an OS crash or power loss can corrupt the database unrecoverably; remove it');
  if (params.full_page_writes !== undefined && parsePostgresBool(params.full_page_writes) === false) out.push('full_page_writes is off: torn pages after a crash corrupt data; remove it');
  if (params.zero_damaged_pages !== undefined && parsePostgresBool(params.zero_damaged_pages) === true) out.push('zero_damaged_pages is on: damaged pages are silently zeroed, losing their rows; remove it');
  return out;
}
