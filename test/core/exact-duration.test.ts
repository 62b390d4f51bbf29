import { Duration } from 'cdk8s';
import { exactDuration, POSTGRES_DURATION_UNITS, PROMETHEUS_DURATION_UNITS } from '../../lib/core/exact-duration';
import { promDuration } from '../../lib/monitoring/alerts/prom-duration';

describe('exactDuration: the largest unit that divides the duration exactly', () => {
  test.each([
    [0, '0ms', '0ms'],
    [250, '250ms', '250ms'],
    [1000, '1s', '1s'],
    [90_000, '90s', '90s'],
    [300_000, '5m', '5min'],
    [93_600_000, '26h', '26h'],
    [172_800_000, '2d', '2d'],
    [-1000, '-1000ms', '-1000ms'],
  ])('%d ms', (ms, prom, pg) => {
    expect(exactDuration(ms, PROMETHEUS_DURATION_UNITS)).toBe(prom);
    expect(exactDuration(ms, POSTGRES_DURATION_UNITS)).toBe(pg);
    if (ms >= 0) expect(promDuration(Duration.millis(ms))).toBe(prom);
  });
});
