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

/** The bounds of a cron field as robfig/cron has them (v1.2.0, and v3 which Kubernetes uses for CronJobs). */
interface FieldBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: { readonly [name: string]: number };
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAY_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** The five fields of a standard cron expression, with robfig/cron's bounds (day-of-week 0-6: Sunday is 0 only). */
export const CRON_FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 6, names: DAY_NAMES },
];

/** Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else. */
function goAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** robfig/cron's `parseIntOrName` + `mustParseInt`: a non-negative integer or a (case-insensitive) name. */
function intOrName(text: string, bounds: FieldBounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  const n = goAtoi(text);
  if (n === undefined) return `"${text}" is not a number${bounds.names ? ' or a name' : ''}`;
  if (n < 0) return `negative number ${n}`;
  return n;
}

/** The values a range expression (`*`, `n`, `a-b`, with `/step`) covers, or what robfig/cron says is wrong with it. */
function robfigRange(expr: string, bounds: FieldBounds): number[] | string {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    const s = intOrName(lowAndHigh[0], bounds);
    if (typeof s === 'string') return s;
    start = s;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const e = intOrName(lowAndHigh[1], bounds);
      if (typeof e === 'string') return e;
      end = e;
    } else return `too many hyphens in "${expr}"`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const n = goAtoi(rangeAndStep[1]);
    if (n === undefined || n < 0) return `the step of "${expr}" is not a whole number`;
    step = n;
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) return `too many slashes in "${expr}"`;
  if (start < bounds.min) return `${start} is below the minimum ${bounds.min}`;
  if (end > bounds.max) return `${end} is above the maximum ${bounds.max}`;
  if (start > end) return `the range "${expr}" starts after it ends`;
  if (step === 0) return `the step of "${expr}" must be positive`;
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return values;
}

/** What robfig/cron refuses in one field (comma-separated ranges), or undefined. */
export function robfigFieldProblem(field: string, bounds: FieldBounds): string | undefined {
  // strings.FieldsFunc on ',': empty items are skipped.
  for (const expr of field.split(',').filter((e) => e !== '')) {
    const r = robfigRange(expr, bounds);
    if (typeof r === 'string') return r;
  }
  return undefined;
}

/**
 * What robfig/cron (CloudNativePG's ScheduledBackup parser, v1.2.0, and Kubernetes' CronJob
 * validation, v3 `ParseStandard`) refuses in a 5-field expression, or undefined. Ported from
 * its `getRange`: numbers and names, ranges, steps, and the bounds of each field; for
 * day-of-week they are 0-6 (7 for Sunday, which other cron dialects accept, is refused).
 */
export function robfigProblem(expression: string): { field: string; problem: string } | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) return { field: 'expression', problem: `has ${fields.length} fields, not ${CRON_FIELDS.length}` };
  for (let i = 0; i < fields.length; i++) {
    const problem = robfigFieldProblem(fields[i], CRON_FIELDS[i]);
    if (problem) return { field: CRON_FIELDS[i].name, problem };
  }
  return undefined;
}

/**
 * A day-of-week field with Sunday written 0 instead of 7 (`7` → `0`, `1-7` → `0-6`),
 * or undefined when `field` does not parse even with 7 allowed.
 */
export function dayOfWeekWithoutSeven(field: string): string | undefined {
  const lenient: FieldBounds = { ...CRON_FIELDS[4], max: 7 };
  const days = new Set<number>();
  for (const expr of field.split(',').filter((e) => e !== '')) {
    const r = robfigRange(expr, lenient);
    if (typeof r === 'string') return undefined;
    for (const d of r) days.add(d % 7);
  }
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return parts.join(',');
}
