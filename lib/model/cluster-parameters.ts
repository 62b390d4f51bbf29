/**
 * The one place that decides a cluster's PostgreSQL parameters: which names a property owns
 * (user values refused), the cluster's parameter set (library defaults from the intent, what
 * the attachments own, the user's values), and the final set an engine renders (plus the
 * engine's rendered defaults and the TLS minimum, with the archive's parameters apart for an
 * engine that renders them elsewhere). HaPostgres keeps the user's values and calls these;
 * engines read the result and never add, strip or re-add a parameter themselves.
 */
import { exactDuration, POSTGRES_DURATION_UNITS } from '../core/exact-duration';
import { exactMebibytes, exactMilliseconds } from '../core/duration-size-checks';
import type { ConfigErrors } from '../core/config-error';
import type { IArchiveIntent, IClusterEngine, IClusterModel } from './cluster-engine';
import type { ClusterIntent } from './cluster-intent';

/** `max_connections` written into every cluster unless a user parameter replaces it. */
export const DEFAULT_MAX_CONNECTIONS = 200;

/** Parameters that cluster properties set, with the property (user values are refused). */
const PROPERTY_PARAMETERS: { [name: string]: string } = {
  max_slot_wal_keep_size: 'maxSlotWalKeepSize',
  max_standby_streaming_delay: 'maxStandbyStreamingDelay',
  max_standby_archive_delay: 'maxStandbyStreamingDelay',
  ssl_min_protocol_version: 'tls.minimumVersion',
};

/** Parameters an attached WalArchive owns (the engine renders them), with the property that owns each. */
const ARCHIVE_PARAMETERS: { [name: string]: string } = {
  archive_timeout: 'WalArchive archiveTimeout',
  archive_mode: 'WalArchive',
  archive_command: 'WalArchive',
  archive_library: 'WalArchive',
};

/** The parameters a property owns, with that property: a user value for one is refused. */
export function propertyOwnedParameters(archive: IArchiveIntent | undefined): { [name: string]: string } {
  return { ...PROPERTY_PARAMETERS, ...(archive ? ARCHIVE_PARAMETERS : {}) };
}

/** A user parameter: its rendered value and the property that set it. */
export interface UserParameter {
  readonly value: string;
  /** e.g. `parameters.work_mem` or `addParameters().work_mem`. */
  readonly property: string;
  /** True when it was set while a WalArchive was attached (then `propertyOwnedParameters` already refused an archive's one). */
  readonly setWithArchive: boolean;
}

/**
 * Errors of user parameters that the attached archive owns and that were set before it was
 * attached (those set after are refused when set): archive_timeout always; archive_mode,
 * archive_command and archive_library unless the engine manages them (it refused them).
 */
export function archiveOwnershipErrors(errors: ConfigErrors, user: { [name: string]: UserParameter }, archive: IArchiveIntent | undefined, engine: IClusterEngine): void {
  if (!archive) return;
  const before = (name: string) => (user[name] !== undefined && !user[name].setWithArchive ? user[name] : undefined);
  const timeout = before('archive_timeout');
  if (timeout) {
    errors.add('parameters.archive_timeout', timeout.value, 'is set by the archiveTimeout property of the WalArchive attached to this cluster',
      'remove archive_timeout from parameters and set archiveTimeout on the WalArchive instead');
  }
  const managed = engine.managedParameters();
  for (const name of ['archive_mode', 'archive_command', 'archive_library']) {
    const p = before(name);
    if (!p || managed[name] !== undefined) continue;
    errors.add(`parameters.${name}`, p.value, `is set by the WalArchive attached to this cluster (${engine.name} archives through it)`,
      `remove ${name} from parameters; the WalArchive renders WAL archiving`);
  }
}

/** The parameters the attached archive sets (archive_timeout), as the engine renders them. */
export function archiveOwnedParameters(archive: IArchiveIntent | undefined): { [name: string]: string } {
  return archive ? { archive_timeout: pgDuration(exactMilliseconds(archive.archiveTimeout)) } : {};
}

/**
 * The cluster's PostgreSQL parameters (`IClusterModel.postgresParameters()`): library defaults
 * from the intent, then what the archive owns, then the user's values; sorted by name.
 */
export function clusterParameters(intent: ClusterIntent, archive: IArchiveIntent | undefined, user: { [name: string]: string }): { [name: string]: string } {
  const i = intent;
  const defaults: { [name: string]: string } = {
    max_connections: String(DEFAULT_MAX_CONNECTIONS),
    // Of the request, not the limit: memory above the request is not guaranteed, and
    // CloudNativePG refuses shared_buffers above the memory request.
    shared_buffers: pgSize(Math.floor(exactMebibytes(i.memoryRequest) / 4)),
    effective_cache_size: pgSize(Math.floor((exactMebibytes(i.memoryLimit) * 3) / 4)),
  };
  if (i.maxSlotWalKeepSize) defaults.max_slot_wal_keep_size = pgSize(exactMebibytes(i.maxSlotWalKeepSize));
  if (i.highlyAvailable) {
    const delay = pgDuration(exactMilliseconds(i.maxStandbyStreamingDelay));
    defaults.max_standby_streaming_delay = delay;
    defaults.max_standby_archive_delay = delay;
  }
  return sortedParameters({ ...defaults, ...archiveOwnedParameters(archive), ...user });
}

/** How an engine renders parameters. */
export interface EngineParameterRules {
  /** Values the engine writes below the cluster's (e.g. Patroni's `wal_level`, `hot_standby`). @default - none */
  readonly renderedDefaults?: { [name: string]: string };
  /** True when the engine writes `ssl_min_protocol_version` from `tls.minimumVersion` (not left to its default). */
  readonly tlsMinimum: boolean;
  /** True when the engine renders the archive's parameters apart (Patroni: local, not in the DCS). @default false */
  readonly archiveApart?: boolean;
}

/** The parameters an engine renders, sorted by name. */
export interface FinalParameters {
  /** The parameters of the engine's main configuration. */
  readonly parameters: { [name: string]: string };
  /** The archive's parameters when the engine renders them apart (`archiveApart`); else empty (they are in `parameters`). */
  readonly archiveParameters: { [name: string]: string };
}

/**
 * The final parameter set an engine renders for `cluster`: the engine's rendered defaults,
 * the cluster's parameters (defaults, attachments, the user's values) and the TLS minimum.
 */
export function finalParameters(cluster: IClusterModel, rules: EngineParameterRules): FinalParameters {
  const all: { [name: string]: string } = {
    ...rules.renderedDefaults,
    ...cluster.postgresParameters(),
    ...(rules.tlsMinimum ? { ssl_min_protocol_version: cluster.tls.minimumVersion } : {}),
  };
  const archiveParameters: { [name: string]: string } = {};
  if (rules.archiveApart) {
    for (const name of Object.keys(archiveOwnedParameters(cluster.walArchive))) {
      archiveParameters[name] = all[name];
      delete all[name];
    }
  }
  return { parameters: sortedParameters(all), archiveParameters };
}

function sortedParameters(p: { [name: string]: string }): { [name: string]: string } {
  return Object.fromEntries(Object.keys(p).sort().map((k) => [k, p[k]]));
}

/** A duration in the largest exact PostgreSQL unit, e.g. 30000 ms → `30s`. */
function pgDuration(ms: number): string {
  return exactDuration(ms, POSTGRES_DURATION_UNITS);
}

/** A size in PostgreSQL units, e.g. 1024 MiB → `1GB` (PostgreSQL's GB is 1024 MB). */
function pgSize(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}GB` : `${mib}MB`;
}
