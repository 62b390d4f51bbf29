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

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0); // row i - 2
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j); // row i - 1
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

const WORDS = new Map<string, string[]>();

/** The words of a name (memoized: the catalog's names are split again for every suggestion). */
function wordsOf(name: string): string[] {
  let words = WORDS.get(name);
  if (!words) {
    words = name.split(/[_.\s-]+/).filter((w) => w.length > 0);
    WORDS.set(name, words);
  }
  return words;
}

/** Whether two words of a name are the same word, give or take a plural or a typo. */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length >= 4 && b.length >= 4 && Math.abs(a.length - b.length) <= 1 && editDistance(a, b) <= 1) return true;
  // "conn" ~ "connections", "param" ~ "parameters"
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

/**
 * How close `candidate` is to the (normalized) `input`: lower is closer,
 * `undefined` when it is not a reasonable suggestion.
 */
function closeness(input: string, candidate: string): number | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  // The length difference is a lower bound of the distance: skip the work when it is too far.
  const lengthGap = Math.abs(input.length - candidate.length);
  const distance = lengthGap <= limit ? editDistance(input, candidate) : lengthGap;
  if (distance <= limit) return distance;

  // The input spells a whole word run of the candidate: "connections" → "max_connections".
  if (input.length >= 6 && `_${candidate}_`.includes(`_${input}_`)) {
    return limit + 1 + (candidate.length - input.length) / 100;
  }

  // Shared words: all but one word of the input (at least two) appear in the
  // candidate, e.g. "wal_keep_segments" → "wal_keep_size".
  const inputWords = wordsOf(input);
  const candidateWords = wordsOf(candidate);
  if (inputWords.length < 2) return undefined;
  const unused = [...candidateWords];
  let matched = 0;
  for (const word of inputWords) {
    const at = unused.findIndex((c) => sameWord(word, c));
    if (at >= 0) {
      matched++;
      unused.splice(at, 1);
    }
  }
  const missing = inputWords.length - matched;
  if (matched >= 2 && missing <= 1 && unused.length <= 1) {
    return limit + 2 + missing + unused.length + lengthGap / 100;
  }
  return undefined;
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

  const scored: Array<{ name: string; score: number }> = [];
  for (const [candidate, info] of Object.entries(PARAMETER_CATALOG)) {
    if (!availableIn(info, major) || info.context === 'internal') continue;
    if (info.aliasOf !== undefined && isKnownParameter(info.aliasOf, major)) continue;
    const score = closeness(input, candidate);
    if (score !== undefined) scored.push({ name: candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  for (const { name: candidate } of scored) suggest(candidate);

  return suggestions.slice(0, max);
}
