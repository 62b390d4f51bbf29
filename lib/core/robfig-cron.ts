/*
 * Schedules as CloudNativePG reads them: `cron.Parse` of github.com/robfig/cron v1.2.0,
 * which the ScheduledBackup webhook and controller use. Written from the behaviour of
 * its parser.go, spec.go and constantdelay.go (MIT), not translated line by line:
 *
 * - 6 fields, seconds first (`0 0 3 * * *`); 5 are accepted too and then read as
 *   second, minute, hour, day of month, month with day of week `*` (so `0 3 * * *` runs
 *   every hour at minute 3: the webhook only warns).
 * - Descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
 *   `@hourly` and `@every <Go duration>`; only when the spec starts with `@` (no trimming).
 * - Per field: `*` or `?`, numbers, ranges `a-b`, steps `/n` (`5/15` means `5-max/15`),
 *   comma lists, and names for months (`jan`) and weekdays (`sun`), case-insensitive.
 *   No `L`, `W`, `#`, and day of week is 0-6 (7 is out of range).
 * - Day of month and day of week: when either was written with `*` or `?`, both must
 *   match; otherwise either may match.
 *
 * Error messages are robfig's own, so the user sees what `kubectl apply` would print
 * (`parseRobfigCron`); `robfigProblem` words the same refusals for the library's ConfigErrors.
 * Times are UTC (the operator's clock in its container).
 *
 * The library's one cron parser: Kubernetes CronJob schedules (5 fields, robfig/cron v3's
 * `ParseStandard`, whose ranges, bounds and calendar are v1.2.0's) are read with it too.
 */

/** One parsed field: the allowed values, and whether it was written with `*` or `?`. */
export interface RobfigField {
  readonly values: readonly number[];
  readonly star: boolean;
}

/** A crontab-style schedule (fields or a descriptor other than `@every`). */
export interface RobfigSpecSchedule {
  readonly kind: 'spec';
  readonly second: RobfigField;
  readonly minute: RobfigField;
  readonly hour: RobfigField;
  readonly dayOfMonth: RobfigField;
  readonly month: RobfigField;
  readonly dayOfWeek: RobfigField;
  /** Number of fields written (5 or 6); undefined for a descriptor. */
  readonly fieldCount?: number;
  /** The descriptor written (`@daily`), if any. */
  readonly descriptor?: string;
}

/** `@every <duration>`: a run every `delaySeconds` after the operator starts (sub-second parts dropped, at least 1 s). */
export interface RobfigEverySchedule {
  readonly kind: 'every';
  readonly delaySeconds: number;
  readonly descriptor: string;
}

export type RobfigSchedule = RobfigSpecSchedule | RobfigEverySchedule;

/** The verdict of `cron.Parse`: a schedule, or robfig's error message. */
export type RobfigParseResult = { readonly ok: true; readonly schedule: RobfigSchedule } | { readonly ok: false; readonly error: string };

/**
 * The bounds of a cron field as robfig/cron has them (v1.2.0, and v3 which Kubernetes uses
 * for CronJobs), with the name the library's own messages give the field.
 */
export interface RobfigBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: { readonly [name: string]: number };
}

const SECONDS: RobfigBounds = { name: 'second', min: 0, max: 59 };
const MINUTES: RobfigBounds = { name: 'minute', min: 0, max: 59 };
const HOURS: RobfigBounds = { name: 'hour', min: 0, max: 23 };
const DOM: RobfigBounds = { name: 'day-of-month', min: 1, max: 31 };
const MONTHS: RobfigBounds = {
  name: 'month', min: 1, max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: RobfigBounds = { name: 'day-of-week', min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/**
 * The five fields of a standard cron expression (minute hour day-of-month month day-of-week:
 * Kubernetes CronJobs, robfig/cron v3 `ParseStandard`), with robfig's bounds (day-of-week 0-6:
 * Sunday is 0 only).
 */
export const CRON_FIELDS: readonly RobfigBounds[] = [MINUTES, HOURS, DOM, MONTHS, DOW];

/** Go's unicode.IsSpace (what strings.Fields splits on). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** A refusal: robfig's own message, and the library's plainer wording of it (`61 is above the maximum 59`). */
class ParseError extends Error {
  constructor(message: string, readonly plain: string) {
    super(message);
  }
}

/** Parses `spec` as CloudNativePG does (robfig/cron v1.2.0 `cron.Parse`). */
export function parseRobfigCron(spec: string): RobfigParseResult {
  try {
    return { ok: true, schedule: parse(spec) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
}

function parse(spec: string): RobfigSchedule {
  if (spec.length === 0) throw new ParseError('Empty spec string', 'is empty');
  if (spec[0] === '@') return parseDescriptor(spec);
  const fields = spec.split(GO_SPACE).filter((f) => f !== '');
  if (fields.length < 5 || fields.length > 6) throw new ParseError(`Expected 5 to 6 fields, found ${fields.length}: ${spec}`, `has ${fields.length} fields, not 5 or 6`);
  const all = fields.length === 6 ? fields : [...fields, '*'];
  // In order, the first error wins (as robfig's parser stops at it).
  const second = parseField(all[0], SECONDS);
  const minute = parseField(all[1], MINUTES);
  const hour = parseField(all[2], HOURS);
  const dayOfMonth = parseField(all[3], DOM);
  const month = parseField(all[4], MONTHS);
  const dayOfWeek = parseField(all[5], DOW);
  return { kind: 'spec', second, minute, hour, dayOfMonth, month, dayOfWeek, fieldCount: fields.length };
}

/** A comma-separated list of ranges; empty items are skipped (strings.FieldsFunc). */
function parseField(field: string, bounds: RobfigBounds): RobfigField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((r) => r !== '')) {
    const r = parseRange(expr, bounds);
    r.values.forEach((v) => values.add(v));
    star ||= r.star;
  }
  return { values: [...values].sort((a, b) => a - b), star };
}

/** `number | number "-" number [ "/" number ]`, or `*`/`?` with an optional step. */
function parseRange(expr: string, r: RobfigBounds): RobfigField {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], r);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r);
    else throw new ParseError(`Too many hyphens: ${expr}`, `too many hyphens in "${expr}"`);
  }
  let step: number;
  if (rangeAndStep.length === 1) {
    step = 1;
  } else if (rangeAndStep.length === 2) {
    const n = mustParseInt(rangeAndStep[1]);
    if (typeof n !== 'number') throw new ParseError(n.error, `the step of "${expr}" is not a whole number`);
    step = n;
    // "N/step" means "N-max/step".
    if (singleDigit) end = r.max;
  } else {
    throw new ParseError(`Too many slashes: ${expr}`, `too many slashes in "${expr}"`);
  }
  if (start < r.min) throw new ParseError(`Beginning of range (${start}) below minimum (${r.min}): ${expr}`, `${start} is below the minimum ${r.min}`);
  if (end > r.max) throw new ParseError(`End of range (${end}) above maximum (${r.max}): ${expr}`, `${end} is above the maximum ${r.max}`);
  if (start > end) throw new ParseError(`Beginning of range (${start}) beyond end of range (${end}): ${expr}`, `the range "${expr}" starts after it ends`);
  if (step === 0) throw new ParseError(`Step of range should be a positive number: ${expr}`, `the step of "${expr}" must be positive`);
  const values: number[] = [];
  for (let i = start; i <= end; i += step) values.push(i);
  return { values, star };
}

function parseIntOrName(expr: string, r: RobfigBounds): number {
  const lower = expr.toLowerCase();
  if (r.names && Object.prototype.hasOwnProperty.call(r.names, lower)) return r.names[lower];
  const n = mustParseInt(expr);
  if (typeof n === 'number') return n;
  const plain = n.why === 'negative' ? `negative number ${expr}`
    : n.why === 'range' ? `${expr} is above the maximum ${r.max}`
      : `"${expr}" is not a number${r.names ? ' or a name' : ''}`;
  throw new ParseError(n.error, plain);
}

/** robfig's `mustParseInt`: Go's strconv.Atoi (optional sign, decimal digits, 64-bit range) and not negative; else its error. */
function mustParseInt(expr: string): number | { readonly error: string; readonly why: 'syntax' | 'range' | 'negative' } {
  const quoted = JSON.stringify(expr);
  if (!/^[+-]?[0-9]+$/.test(expr)) return { error: `Failed to parse int from ${expr}: strconv.Atoi: parsing ${quoted}: invalid syntax`, why: 'syntax' };
  const v = BigInt(expr);
  if (v > 9223372036854775807n || v < -9223372036854775808n) {
    return { error: `Failed to parse int from ${expr}: strconv.Atoi: parsing ${quoted}: value out of range`, why: 'range' };
  }
  const n = Number(v);
  if (n < 0) return { error: `Negative number (${n}) not allowed: ${expr}`, why: 'negative' };
  return n;
}

/** What robfig/cron refuses in one field (comma-separated ranges), in the library's words, or undefined. */
export function robfigFieldProblem(field: string, bounds: RobfigBounds): string | undefined {
  try {
    parseField(field, bounds);
    return undefined;
  } catch (e) {
    if (e instanceof ParseError) return e.plain;
    throw e;
  }
}

/**
 * What robfig/cron refuses in a standard 5-field expression (minute first: Kubernetes' CronJob
 * validation, v3 `ParseStandard`; and CloudNativePG's ScheduledBackup once a seconds field is
 * put in front), in the library's words, or undefined. Numbers and names, ranges, steps and
 * the bounds of each field; for day-of-week they are 0-6 (7 for Sunday, which other cron
 * dialects accept, is refused).
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
  let days: number[];
  try {
    days = [...new Set(parseField(field, { ...DOW, max: 7 }).values.map((d) => d % 7))].sort((a, b) => a - b);
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
  if (days.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < days.length; i++) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    parts.push(j > i ? `${days[i]}-${days[j]}` : String(days[i]));
    i = j;
  }
  return parts.join(',');
}

function star(b: RobfigBounds): RobfigField {
  const values: number[] = [];
  for (let i = b.min; i <= b.max; i++) values.push(i);
  return { values, star: true };
}
const one = (v: number): RobfigField => ({ values: [v], star: false });

function parseDescriptor(descriptor: string): RobfigSchedule {
  const at = (over: Partial<Record<'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek', RobfigField>>): RobfigSpecSchedule => ({
    kind: 'spec', second: one(0), minute: one(0), hour: one(0), dayOfMonth: one(1), month: one(1), dayOfWeek: star(DOW), descriptor, ...over,
  });
  switch (descriptor) {
    case '@yearly': case '@annually': return at({});
    case '@monthly': return at({ month: star(MONTHS) });
    case '@weekly': return at({ dayOfMonth: star(DOM), month: star(MONTHS), dayOfWeek: one(0) });
    case '@daily': case '@midnight': return at({ dayOfMonth: star(DOM), month: star(MONTHS) });
    case '@hourly': return at({ hour: star(HOURS), dayOfMonth: star(DOM), month: star(MONTHS) });
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    const d = goParseDuration(descriptor.slice(every.length));
    if (typeof d === 'string') throw new ParseError(`Failed to parse duration ${descriptor}: ${d}`, `${JSON.stringify(descriptor)}: ${d}`);
    // At least one second, sub-second parts dropped.
    const seconds = d < 1e9 ? 1 : Math.floor(d / 1e9);
    return { kind: 'every', delaySeconds: seconds, descriptor };
  }
  throw new ParseError(`Unrecognized descriptor: ${descriptor}`, `${JSON.stringify(descriptor)} is not a descriptor robfig/cron knows`);
}

const UNIT_NS: { [unit: string]: number } = {
  'ns': 1, 'us': 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, 'ms': 1e6, 's': 1e9, 'm': 60e9, 'h': 3600e9,
};

/** Go's time.ParseDuration, in nanoseconds (a float, exact enough for whole seconds), or Go's error text. */
export function goParseDuration(orig: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(orig)}`;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    const pre = m[1] !== '';
    const post = m[3] !== undefined && m[3] !== '';
    if (!pre && !post) return invalid;
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && !(s[i] === '.' || (s[i] >= '0' && s[i] <= '9'))) i++;
    if (i === 0) return `time: missing unit in duration ${JSON.stringify(orig)}`;
    const unit = s.slice(0, i);
    s = s.slice(i);
    const scale = UNIT_NS[unit];
    if (scale === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(orig)}`;
    total += Number(`${m[1] || '0'}.${m[3] ?? ''}0`) * scale;
    if (total > 9223372036854775807) return invalid;
  }
  return neg ? -total : total;
}

// ---------------------------------------------------------------------------------------
// Runs

const DAY_MS = 86_400_000;

/** The seconds of the day (UTC) at which a spec schedule runs on a matching day, ascending. */
function timesOfDay(s: RobfigSpecSchedule): number[] {
  const out: number[] = [];
  for (const h of s.hour.values) for (const m of s.minute.values) for (const sec of s.second.values) out.push(h * 3600 + m * 60 + sec);
  return out;
}

/** Whether the schedule runs on the UTC day of `t` (month, then day of month and day of week as robfig combines them). */
function runsOnDay(s: RobfigSpecSchedule, t: Date): boolean {
  if (!s.month.values.includes(t.getUTCMonth() + 1)) return false;
  const domMatch = s.dayOfMonth.values.includes(t.getUTCDate());
  const dowMatch = s.dayOfWeek.values.includes(t.getUTCDay());
  return s.dayOfMonth.star || s.dayOfWeek.star ? domMatch && dowMatch : domMatch || dowMatch;
}

/**
 * The first run strictly after `after` (UTC), as robfig's `Next`; undefined when none
 * falls within five years (robfig then returns the zero time and the job never runs).
 * `@every` schedules have no calendar: their next run is `after` plus the delay.
 */
export function robfigNext(schedule: RobfigSchedule, after: Date): Date | undefined {
  const from = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  if (schedule.kind === 'every') return new Date(Math.floor(after.getTime() / 1000) * 1000 + schedule.delaySeconds * 1000);
  const times = timesOfDay(schedule);
  const start = new Date(from);
  const limitYear = start.getUTCFullYear() + 5;
  for (let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); ; day += DAY_MS) {
    const d = new Date(day);
    if (d.getUTCFullYear() > limitYear) return undefined;
    if (!runsOnDay(schedule, d)) continue;
    const floor = day < from ? (from - day) / 1000 : 0;
    const t = times.find((x) => x >= floor);
    if (t !== undefined) return new Date(day + t * 1000);
  }
}

const GAPS = new Map<string, number>();
/** longestCronGapSeconds by expression: the checklist asks once per schedule of a fleet, mostly the same few. */
const EXPRESSION_GAPS = new Map<string, number | undefined>();

/**
 * The longest time, in seconds, between two consecutive runs (UTC); `Infinity` when the
 * schedule never runs (`0 0 0 30 2 *`: the operator accepts it, no date matches).
 *
 * Exact: the runs of a day are the same on every matching day, so the longest gap is the
 * longest within a day or between the last run of a matching day and the first of the
 * next. Matching days are enumerated over 28 years from 2026 plus one (the weekday and
 * leap-year pattern repeats every 28 years until 2100).
 */
export function robfigLongestGapSeconds(schedule: RobfigSchedule): number {
  if (schedule.kind === 'every') return schedule.delaySeconds;
  const key = JSON.stringify(schedule);
  let gap = GAPS.get(key);
  if (gap === undefined) {
    gap = computeGap(schedule);
    GAPS.set(key, gap);
  }
  return gap;
}

/**
 * The longest gap, in seconds, between two consecutive runs (UTC) of a schedule written for
 * Kubernetes CronJobs (5 fields, minute first: robfig/cron v3 `ParseStandard`, which runs on
 * the same calendar as CloudNativePG's parser with a seconds field of 0) or for CloudNativePG
 * (6 fields with seconds first, or a descriptor). Undefined when it does not parse; `Infinity`
 * when it never runs.
 */
export function longestCronGapSeconds(expression: string): number | undefined {
  if (EXPRESSION_GAPS.has(expression)) return EXPRESSION_GAPS.get(expression);
  const standard = expression.trim().split(GO_SPACE).length === 5;
  const parsed = parseRobfigCron(standard ? `0 ${expression.trim()}` : expression);
  const gap = parsed.ok ? robfigLongestGapSeconds(parsed.schedule) : undefined;
  EXPRESSION_GAPS.set(expression, gap);
  return gap;
}

function computeGap(s: RobfigSpecSchedule): number {
  const times = timesOfDay(s);
  if (times.length === 0) return Infinity;
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  const first = times[0];
  const last = times[times.length - 1];
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2026 + 29, 0, 1);
  let previous: number | undefined;
  for (let day = start; day < end; day += DAY_MS) {
    if (!runsOnDay(s, new Date(day))) continue;
    if (previous !== undefined) longest = Math.max(longest, (day - previous) / 1000 - last + first);
    previous = day;
  }
  return previous === undefined ? Infinity : longest;
}

/** `second 0, minute 3, every hour, …`: how robfig reads each field of a spec schedule. */
export function describeRobfigFields(s: RobfigSpecSchedule): string {
  const f = (name: string, plural: string, field: RobfigField, total: number) =>
    (field.values.length === total ? `every ${name}` : `${plural} ${field.values.join(',')}`);
  return [
    f('second', 'second', s.second, 60), f('minute', 'minute', s.minute, 60), f('hour', 'hour', s.hour, 24),
    f('day of month', 'day of month', s.dayOfMonth, 31), f('month', 'month', s.month, 12), f('day of week', 'day of week', s.dayOfWeek, 7),
  ].join(', ');
}
