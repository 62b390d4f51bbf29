/**
 * Values of PostgreSQL parameters as CloudNativePG's admission webhook reads them
 * (`internal/webhook/v1/cluster_webhook.go`, v1.30.0) and as PostgreSQL reads them, so that a
 * value is accepted only when both accept it.
 */

/** Go's `strconv.Atoi` syntax: an optional sign and decimal digits. */
const GO_INT = /^[+-]?\d+$/;

/** A Kubernetes quantity (`resource.ParseQuantity`) in the forms the webhook's conversion produces. */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const QUANTITY_FACTORS: { [suffix: string]: number } = {
  '': 1, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
  'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
};

/** A PostgreSQL memory value: a number with an optional unit (B, kB, MB, GB, TB; case-sensitive). */
const POSTGRES_MEMORY = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*(?:B|kB|MB|GB|TB)?\s*$/;

/**
 * Bytes of a size parameter as CloudNativePG's webhook reads it (`parsePostgresQuantityValue`):
 * a bare integer is megabytes (also for `shared_buffers`, which PostgreSQL reads in 8kB pages),
 * otherwise the value must end in `B` (`kB`, `MB`, `GB`, `TB`), read as binary units.
 * Undefined when the webhook refuses the value (or PostgreSQL would not read it as a size).
 */
export function cnpgSizeBytes(value: string): number | undefined {
  if (!POSTGRES_MEMORY.test(value)) return undefined;
  let v = value;
  if (GO_INT.test(v)) v += 'MB';
  if (!v.endsWith('B')) return undefined;
  v = v.slice(0, -1).replace(/ /g, '');
  if (!GO_INT.test(v)) v = `${v}i`.replace(/ki/g, 'Ki');
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * QUANTITY_FACTORS[m[2] ?? ''];
}

/** True when `value` has no unit, which CloudNativePG reads as MB. */
export function isBareNumber(value: string): boolean {
  return GO_INT.test(value);
}

/**
 * A boolean parameter as CloudNativePG reads it (`ParsePostgresConfigBoolean`: on, off, true,
 * false, yes, no, 1, 0 and their unambiguous prefixes, case-insensitive, as PostgreSQL), or
 * undefined when it is not a boolean.
 */
export function postgresBoolean(value: string): boolean | undefined {
  switch (value.toLowerCase()) {
    case '1': case 'on': case 'y': case 'ye': case 'yes': case 't': case 'tr': case 'tru': case 'true':
      return true;
    case '0': case 'of': case 'off': case 'n': case 'no': case 'f': case 'fa': case 'fal': case 'fals': case 'false':
      return false;
    default:
      return undefined;
  }
}

/** A byte count in the largest exact PostgreSQL unit: 1073741824 → `1GB`, 83886080 → `80MB`. */
export function postgresSize(bytes: number): string {
  for (const [unit, size] of [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['kB', 2 ** 10]] as Array<[string, number]>) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${Math.floor(bytes / 2 ** 20)}MB`;
}

/** The webhook's parameter-name rule: a GUC name, optionally namespaced with a single dot. */
export const CNPG_PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** Defaults of the WAL size parameters (PostgreSQL's, and the webhook's when they are not set). */
export const DEFAULT_MIN_WAL_SIZE = '80MB';
export const DEFAULT_MAX_WAL_SIZE = '1GB';

/** `wal_level` values: CloudNativePG compares them exactly (lower case). */
export const WAL_LEVELS = ['minimal', 'replica', 'logical'];
