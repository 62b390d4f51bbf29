import { nearestNames } from '../core/nearest-names';
import { PARAMETER_CATALOG, ParameterContext, ParameterInfo } from './postgres-parameter-catalog';

/**
 * Names retired before PostgreSQL 14 (or renamed before a release), mapped to the
 * parameter that replaced them. They are not in the catalog (no supported major
 * accepts them); they only steer `nearestParameterNames`.
 */
const RETIRED_NAMES: { readonly [name: string]: readonly string[] } = {
  checkpoint_segments: ['max_wal_size', 'min_wal_size'], // 9.5
  debug_invalidate_system_caches_always: ['debug_discard_caches'], // 14 beta
  enable_resultcache: ['enable_memoize'], // 14 beta
  logical_replication_mode: ['debug_logical_replication_streaming'], // 16 beta
  max_standby_delay: ['max_standby_streaming_delay', 'max_standby_archive_delay'], // 9.0
  min_parallel_relation_size: ['min_parallel_table_scan_size'], // 10
  standby_slot_names: ['synchronized_standby_slots'], // 17 beta
  unix_socket_directory: ['unix_socket_directories'], // 9.3
  wal_keep_segments: ['wal_keep_size'], // 13
};

function normalize(name: string): string {
  return name.trim().toLowerCase();
}

function availableIn(info: ParameterInfo, major: number, minor?: number): boolean {
  if (info.since !== undefined && major < info.since) return false;
  if (info.until !== undefined && major > info.until) return false;
  const firstMinor = info.sinceMinor?.[major];
  if (firstMinor !== undefined && minor !== undefined && minor < firstMinor) return false;
  return true;
}

/**
 * Availability of a parameter name, whatever the major: `since`/`until` bound the
 * majors that have it, `context` is its `pg_settings.context` (`internal` means
 * read-only). `undefined` when no supported major knows the name. Case-insensitive.
 */
export function parameterAvailability(name: string): ParameterInfo | undefined {
  const key = normalize(name);
  return Object.prototype.hasOwnProperty.call(PARAMETER_CATALOG, key) ? PARAMETER_CATALOG[key] : undefined;
}

/**
 * True when PostgreSQL `major` (optionally at `minor`) accepts the name as a core
 * parameter, including read-only (`internal`) ones and old aliases such as `sort_mem`.
 * Case-insensitive. Dotted extension names are not core parameters: see
 * `isCustomParameter`. For majors outside 14–18 the answer extrapolates the catalog
 * (names without `until` are assumed kept, names without `since` assumed older).
 */
export function isKnownParameter(name: string, major: number, minor?: number): boolean {
  const info = parameterAvailability(name);
  return info !== undefined && availableIn(info, major, minor);
}

/** The `pg_settings.context` of the name in that major, or `undefined` if unknown there. */
export function parameterContext(name: string, major: number): ParameterContext | undefined {
  const info = parameterAvailability(name);
  if (!info || !availableIn(info, major)) return undefined;
  if (info.previousContext !== undefined && info.previousContextUntil !== undefined && major <= info.previousContextUntil) {
    return info.previousContext;
  }
  return info.context;
}

/** All catalog names (lower-case, sorted) that `major` accepts. */
export function knownParameterNames(major: number): string[] {
  return Object.keys(PARAMETER_CATALOG).filter((n) => availableIn(PARAMETER_CATALOG[n], major)).sort();
}

/**
 * True for a syntactically valid extension ("placeholder") parameter name such as
 * `pg_stat_statements.max`, `auto_explain.log_min_duration` or `pgaudit.log`:
 * two or more identifiers joined by dots, each starting with a letter or `_` and
 * going on with letters, digits, `_` or `$` (PostgreSQL's `valid_custom_variable_name`,
 * restricted to ASCII). Case-insensitive, like all parameter names.
 *
 * Syntax only: whether the extension is loaded, or reserves its prefix and rejects
 * unknown names under it, is only known to the running server.
 */
export function isCustomParameter(name: string): boolean {
  return /^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)+$/.test(name.toLowerCase());
}

/**
 * Up to `max` settable parameter names of `major` closest to `name` (for "did you
 * mean …?" messages), closest first: by edit distance (at most max(2, length/3)),
 * then by shared words. Old names retired before 14 suggest their replacement first
 * (`wal_keep_segments` → `wal_keep_size`), names removed in a supported major
 * suggest their replacement when there is one (`force_parallel_mode` →
 * `debug_parallel_query`). Read-only (`internal`) names and aliases are never
 * suggested. Case-insensitive; returns lower-case names; empty when nothing is close.
 */
export function nearestParameterNames(name: string, major: number, max = 3): string[] {
  const input = normalize(name);
  if (max <= 0 || input.length === 0) return [];

  const suggestions: string[] = [];
  const suggest = (n: string): void => {
    if (!suggestions.includes(n) && n !== input) suggestions.push(n);
  };

  const replacedBy = parameterAvailability(input)?.replacedBy;
  const replacements = [
    ...(Object.prototype.hasOwnProperty.call(RETIRED_NAMES, input) ? RETIRED_NAMES[input] : []),
    ...(replacedBy !== undefined ? [replacedBy] : []),
  ];
  for (const replacement of replacements) {
    if (isKnownParameter(replacement, major)) suggest(replacement);
  }

  const candidates = Object.keys(PARAMETER_CATALOG).filter((candidate) => {
    const info = PARAMETER_CATALOG[candidate];
    if (!availableIn(info, major) || info.context === 'internal') return false;
    return info.aliasOf === undefined || !isKnownParameter(info.aliasOf, major);
  });
  for (const candidate of nearestNames(input, candidates)) suggest(candidate);

  return suggestions.slice(0, max);
}
