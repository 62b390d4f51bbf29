import type { CronExpressionParser as Parser } from 'cron-parser';

/** cron-parser (and luxon) load on first use only, so importing the library stays fast. */
export function cronParser(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cron-parser').CronExpressionParser;
}

/** Window for schedules that are not weekly (three years, so yearly schedules show their gap too). */
const FROM = new Date('2026-01-01T00:00:00Z');
const UNTIL = new Date('2029-01-08T00:00:00Z');
const WEEK_SECONDS = 7 * 86_400;

/** Per expression (a pure function of the string; fleets repeat the same few schedules). */
const GAPS = new Map<string, number | undefined>();

/**
 * The longest gap, in seconds, between two consecutive runs of a cron schedule (UTC):
 * 5 fields (Kubernetes CronJobs) or 6 with seconds first (CloudNativePG, robfig/cron).
 * Undefined when the expression does not parse.
 *
 * With day-of-month and month both `*`, only the time fields and day-of-week constrain the
 * runs, so they repeat every week and the gap is computed exactly from one week's runs.
 * Other schedules are sampled from 2026 on (at most 2,000 runs).
 */
export function longestCronGapSeconds(expression: string): number | undefined {
  if (!GAPS.has(expression)) GAPS.set(expression, computeGap(expression));
  return GAPS.get(expression);
}

function computeGap(expression: string): number | undefined {
  try {
    const fields = expression.trim().split(/\s+/);
    const [dayOfMonth, month] = fields.length === 6 ? fields.slice(3, 5) : fields.slice(2, 4);
    if ((fields.length === 5 || fields.length === 6) && dayOfMonth === '*' && month === '*') {
      return weeklyGap(cronParser().parse(expression, { tz: 'UTC' }).fields);
    }
    const it = cronParser().parse(expression, { tz: 'UTC', currentDate: FROM, endDate: UNTIL });
    let previous: number | undefined;
    let longest = 0;
    for (let n = 0; n < 2_000 && it.hasNext(); n++) {
      const t = it.next().getTime();
      if (previous !== undefined) longest = Math.max(longest, t - previous);
      previous = t;
    }
    return longest / 1000;
  } catch {
    return undefined;
  }
}

interface Values { readonly values: readonly (number | string)[] }

/**
 * The exact longest gap of a weekly-repeating schedule: the week's run minutes (at most
 * 7 × 1,440) with the seconds of each minute, including the wrap into the next week.
 */
function weeklyGap(f: { second: Values; minute: Values; hour: Values; dayOfWeek: Values }): number {
  const seconds = [...new Set(f.second.values.map(Number))].sort((a, b) => a - b);
  const days = [...new Set(f.dayOfWeek.values.map((d) => Number(d) % 7))];
  const minutesOfDay = f.hour.values.flatMap((h) => f.minute.values.map((m) => Number(h) * 60 + Number(m)));
  const runs = [...new Set(days.flatMap((d) => minutesOfDay.map((t) => d * 1440 + t)))].sort((a, b) => a - b);
  const first = seconds[0];
  const last = seconds[seconds.length - 1];
  // Between two run minutes: from the last second of one to the first second of the next.
  let longest = (runs[0] * 60 + WEEK_SECONDS) - runs[runs.length - 1] * 60 + first - last;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, (runs[i] - runs[i - 1]) * 60 + first - last);
  // Within a run minute.
  for (let i = 1; i < seconds.length; i++) longest = Math.max(longest, seconds[i] - seconds[i - 1]);
  return longest;
}
