import type { CronExpressionParser as Parser } from 'cron-parser';

/** cron-parser (and luxon) load on first use only, so importing the library stays fast. */
function parser(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cron-parser').CronExpressionParser;
}

/**
 * Longest gap, in seconds, between two runs of a cron schedule over one week (from a
 * fixed Monday, UTC). CloudNativePG schedules have 6 fields (seconds first);
 * Kubernetes CronJobs have 5. Undefined when the expression does not parse.
 */
export function longestGapSeconds(schedule: string): number | undefined {
  // A pure function of the string; fleets repeat the same few schedules.
  if (!GAPS.has(schedule)) GAPS.set(schedule, computeLongestGap(schedule));
  return GAPS.get(schedule);
}

const GAPS = new Map<string, number | undefined>();

function computeLongestGap(schedule: string): number | undefined {
  try {
    const start = new Date('2026-01-05T00:00:00Z');
    const it = parser().parse(schedule, { currentDate: start, tz: 'UTC' });
    const end = start.getTime() + 8 * 86_400_000;
    let prev = it.next().getTime();
    let gap = 0;
    for (let n = 0; n < 10_000; n++) {
      const next = it.next().getTime();
      gap = Math.max(gap, next - prev);
      if (next > end) break;
      prev = next;
    }
    return gap / 1000;
  } catch {
    return undefined;
  }
}
