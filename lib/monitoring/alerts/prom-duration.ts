import { Duration } from 'cdk8s';

/** A Prometheus duration in the largest exact unit: 93600 s → `26h`, 90 s → `90s`. */
export function promDuration(d: Duration): string {
  const ms = Math.round(d.toMilliseconds());
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [unit, size] of units) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
