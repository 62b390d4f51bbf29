/** Units of a duration syntax, largest first: [suffix, milliseconds]. */
export type DurationUnits = ReadonlyArray<readonly [string, number]>;

/** Prometheus duration units (`for:`, range selectors). */
export const PROMETHEUS_DURATION_UNITS: DurationUnits = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** PostgreSQL time units of duration parameters (`30s`, `5min`). */
export const POSTGRES_DURATION_UNITS: DurationUnits = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]];

/**
 * `ms` (rounded to a whole number) in the largest of `units` that divides it exactly,
 * else in milliseconds (`ms`, which both Prometheus and PostgreSQL accept):
 * 93600000 → `26h`, 90000 → `90s`, 300000 → `5m` (Prometheus) or `5min` (PostgreSQL).
 */
export function exactDuration(ms: number, units: DurationUnits): string {
  const whole = Math.round(ms);
  for (const [unit, size] of units) if (whole > 0 && whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}ms`;
}
