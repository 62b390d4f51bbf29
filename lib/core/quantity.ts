/**
 * Sizes and amounts written in manifests:
 * - Kubernetes resource quantities (`500m`, `2`, `1.5Gi`, `512Mi`, `1e3`), parsed exactly
 *   as fractions so that `2` equals `2000m` and `4Gi` equals `4096Mi`, as the API server
 *   compares them (k8s.io/apimachinery `resource.Quantity`), or as a number;
 * - PostgreSQL memory-unit settings (`8GB`, `512MB`, a bare number in the setting's unit).
 */

/** An exact non-negative rational number: numerator / denominator (both BigInt, denominator > 0). */
export interface ExactQuantity {
  readonly num: bigint;
  readonly den: bigint;
}

const BINARY: { [suffix: string]: number } = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: { [suffix: string]: number } = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The quantity grammar of apimachinery: sign, digits with an optional fraction, then a suffix or an exponent. */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Parses a quantity (string or number); undefined when it is not one. */
export function parseQuantity(value: unknown): ExactQuantity | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value : '';
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const [whole, fraction = ''] = digits.split('.');
  let num = BigInt((whole || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) {
    num *= 1024n ** BigInt(BINARY[suffix]);
  } else {
    const exponent = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exponent >= 0) num *= 10n ** BigInt(exponent);
    else den *= 10n ** BigInt(-exponent);
  }
  if (sign === '-') num = -num;
  return reduce({ num, den });
}

/** a + b. */
export function addQuantities(a: ExactQuantity, b: ExactQuantity): ExactQuantity {
  return reduce({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compareQuantities(a: ExactQuantity, b: ExactQuantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Whether the quantity is above zero. */
export function isPositive(q: ExactQuantity): boolean {
  return q.num > 0n;
}

function reduce(q: ExactQuantity): ExactQuantity {
  let a = q.num < 0n ? -q.num : q.num;
  let b = q.den;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n || a === 1n ? (a === 0n ? { num: 0n, den: 1n } : q) : { num: q.num / a, den: q.den / a };
}

/**
 * A Kubernetes resource quantity as a number (bytes for storage), or undefined when the
 * value is not a quantity.
 */
export function parseKubernetesQuantity(value: unknown): number | undefined {
  const q = parseQuantity(value);
  return q === undefined ? undefined : Number(q.num) / Number(q.den);
}

const PG_UNITS: { [unit: string]: number } = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/**
 * A PostgreSQL memory-unit setting in bytes (`8GB`, `512 MB`, `1.5GB`; units are
 * case-sensitive, 1024-based), a bare number being in `defaultUnit`; undefined when
 * PostgreSQL would reject the value. Negative values (`-1`: unlimited) are returned as is.
 */
export function parsePostgresSize(value: unknown, defaultUnit: 'B' | 'kB' | 'MB' | 'GB' | 'TB'): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 0) return n;
  const unit = m[2] === '' ? defaultUnit : m[2];
  return Object.prototype.hasOwnProperty.call(PG_UNITS, unit) ? n * PG_UNITS[unit] : undefined;
}

/** Bytes as the largest whole binary unit (`30Gi`), or with one decimal (`1.5Gi`). */
export function formatBytes(bytes: number): string {
  for (const [suffix, power] of Object.entries(BINARY).reverse()) {
    const size = 1024 ** power;
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${suffix}`;
    }
  }
  return `${bytes}B`;
}
