import { Duration } from 'cdk8s';
import { exactDuration, PROMETHEUS_DURATION_UNITS } from '../../core/exact-duration';

/** A Prometheus duration in the largest exact unit: 93600 s → `26h`, 90 s → `90s`. */
export function promDuration(d: Duration): string {
  return exactDuration(d.toMilliseconds(), PROMETHEUS_DURATION_UNITS);
}
