import { longestCronGapSeconds } from '../../lib/core/cron';

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

describe('longestCronGapSeconds: 5 fields (CronJobs) and 6 with seconds first (CloudNativePG)', () => {
  test.each([
    ['0 3 * * *', DAY],
    ['0 0 3 * * *', DAY],
    ['30 2 * * 1-5', 3 * DAY],
    ['0 */6 * * *', 6 * HOUR],
    ['15 1,13 * * *', 12 * HOUR],
    ['0 22 * * 5', 7 * DAY],
    // a run every minute on weekdays: the weekend gap, exactly (no sample cap hides it)
    ['* * * * 1-5', 2 * DAY + MIN],
    ['*/30 * * * * *', 30],
    ['10,50 * * * * 1-5', 2 * DAY + 20],
    ['@daily', DAY],
    // not weekly: sampled
    ['0 0 0 1 * *', 31 * DAY],
    ['0 0 1 1 *', 366 * DAY],
  ])('%s → %d s', (expression, seconds) => {
    expect(longestCronGapSeconds(expression)).toBe(seconds);
  });

  test('undefined when the expression does not parse', () => {
    expect(longestCronGapSeconds('0 99 * * *')).toBeUndefined();
    expect(longestCronGapSeconds('every day')).toBeUndefined();
  });
});
