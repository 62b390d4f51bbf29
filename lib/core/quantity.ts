/*
 * Sizes written in manifests: Kubernetes quantities (`10Gi`, `500M`, `1.5Ti`, `1e9`) and
 * PostgreSQL memory-unit settings (`8GB`, `512MB`, a bare number in the setting's unit).
 */

const BINARY: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: { [suffix: string]: number } = { 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18 };

/**
 * A Kubernetes resource quantity as a number (bytes for storage), or undefined when the
 * text is not a quantity (apimachinery's `<sign><digits>[.<digits>]<suffix>` grammar:
 * binary suffixes Ki…Ei, decimal n, u, m, k, M…E, or an exponent `e3`/`E3`).
 */
export function parseKubernetesQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2];
  if (Object.prototype.hasOwnProperty.call(BINARY, suffix)) return n * BINARY[suffix];
  if (Object.prototype.hasOwnProperty.call(DECIMAL, suffix)) return n * DECIMAL[suffix];
  const exp = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
  return exp ? n * 10 ** Number(exp[1]) : undefined;
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
  for (const [suffix, size] of Object.entries(BINARY).reverse()) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${suffix}`;
    }
  }
  return `${bytes}B`;
}
