import { longestCronGapSeconds } from '../../lib/core/robfig-cron';

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
    // not weekly
    ['0 0 0 1 * *', 31 * DAY],
    ['0 0 1 1 *', 366 * DAY],
    // robfig's calendar: `*/2` in day-of-month restricts with day-of-week (odd days AND Mondays)
    ['0 0 */2 * 1', 21 * DAY],
    // every four years, exactly
    ['0 0 29 2 *', (4 * 365 + 1) * DAY],
    // every day of January: from January 31, 20:58 to January 1, 10:00 over a leap February
    ['*/2 10-20/5 * 1 *', 336 * DAY - 10 * HOUR - 58 * MIN],
    ['0 0 30 2 *', Infinity],
  ])('%s → %d s', (expression, seconds) => {
    expect(longestCronGapSeconds(expression)).toBe(seconds);
  });

  test('undefined when the expression does not parse', () => {
    expect(longestCronGapSeconds('0 99 * * *')).toBeUndefined();
    expect(longestCronGapSeconds('every day')).toBeUndefined();
  });
});
