import { Duration } from 'cdk8s';
import type { CronExpressionParser as Parser } from 'cron-parser';
import { ConfigErrors } from '../core/config-error';

/** Day of the week, as cron numbers it. */
export enum WeekDay {
  SUNDAY = 0,
  MONDAY = 1,
  TUESDAY = 2,
  WEDNESDAY = 3,
  THURSDAY = 4,
  FRIDAY = 5,
  SATURDAY = 6,
}

/** A time of day in UTC. */
export interface TimeOfDay {
  /**
   * Hour (0-23, UTC).
   *
   * @default 0
   */
  readonly hour?: number;
  /**
   * Minute (0-59).
   *
   * @default 0
   */
  readonly minute?: number;
}

/** A weekly run. */
export interface WeeklyOptions extends TimeOfDay {
  /**
   * Day of the week.
   *
   * @default WeekDay.SUNDAY
   */
  readonly day?: WeekDay;
}

/** A monthly run. */
export interface MonthlyOptions extends TimeOfDay {
  /**
   * Day of the month (1-28, so that every month has it).
   *
   * @default 1
   */
  readonly dayOfMonth?: number;
}

/** cron-parser (and luxon) load on first use only, so importing the library stays fast. */
function parser(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cron-parser').CronExpressionParser;
}

/** Window for computing the longest gap between runs (three years, so yearly schedules show their gap too). */
const PERIOD_FROM = new Date('2026-01-01T00:00:00Z');
const PERIOD_UNTIL = new Date('2029-01-08T00:00:00Z');

/** Per expression: what is wrong with it, and its longest gap (both pure functions of the string). */
const PROBLEMS = new Map<string, string | undefined>();
const GAPS = new Map<string, Duration>();

/**
 * When something runs, in UTC: typed daily, weekly and monthly schedules or a standard
 * 5-field cron expression. Rendered as 5 fields for Kubernetes CronJobs and as 6 fields
 * (seconds first) for CloudNativePG's robfig/cron.
 */
export class BackupSchedule {
  /** Every day at `hour:minute` UTC. */
  public static daily(at: TimeOfDay = {}): BackupSchedule {
    return new BackupSchedule(`${at.minute ?? 0} ${at.hour ?? 0} * * *`, Duration.days(1));
  }

  /** Every week on `day` at `hour:minute` UTC. */
  public static weekly(options: WeeklyOptions = {}): BackupSchedule {
    return new BackupSchedule(`${options.minute ?? 0} ${options.hour ?? 0} * * ${options.day ?? WeekDay.SUNDAY}`, Duration.days(7));
  }

  /** Every month on `dayOfMonth` at `hour:minute` UTC. */
  public static monthly(options: MonthlyOptions = {}): BackupSchedule {
    const day = options.dayOfMonth ?? 1;
    // Days 29-31 are skipped in shorter months, so only 1-28 have the plain 31-day gap.
    return new BackupSchedule(`${options.minute ?? 0} ${options.hour ?? 0} ${day} * *`, day <= 28 ? Duration.days(31) : undefined);
  }

  /**
   * A standard 5-field cron expression (minute hour day-of-month month day-of-week, UTC),
   * e.g. `30 2 * * 1-5`. `L`, `W`, `#` and `@` macros are not accepted (robfig/cron lacks them).
   */
  public static cron(expression: string): BackupSchedule {
    return new BackupSchedule(expression);
  }

  private checked?: { problem: string | undefined };
  private longestGap?: Duration;

  private constructor(
    /** The 5-field expression. */
    public readonly expression: string,
    /** The gap between runs when the factory knows it (saves iterating the schedule). */
    knownPeriod?: Duration,
  ) {
    this.longestGap = knownPeriod;
  }

  /** The 5-field form (Kubernetes CronJob). */
  public toCron(): string {
    return this.expression.trim().split(/\s+/).join(' ');
  }

  /** The 6-field form with a leading seconds field (CloudNativePG ScheduledBackup). */
  public toCronWithSeconds(): string {
    return `0 ${this.toCron()}`;
  }

  /** What is wrong with the expression, or undefined. */
  public problem(): string | undefined {
    if (!this.checked) {
      // A pure function of the expression; fleets repeat the same few schedules.
      if (!PROBLEMS.has(this.expression)) PROBLEMS.set(this.expression, this.findProblem());
      this.checked = { problem: PROBLEMS.get(this.expression) };
    }
    return this.checked.problem;
  }

  private findProblem(): string | undefined {
    const fields = this.expression.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) return `has ${fields.length} field(s); a standard cron expression has 5 (minute hour day-of-month month day-of-week)`;
    if (/[LW#@?]/i.test(this.expression.replace(/\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi, ''))) {
      return 'uses L, W, #, ? or @ which the Kubernetes and CloudNativePG cron parsers do not both accept';
    }
    try {
      parser().parse(this.toCron(), { tz: 'UTC', strict: false });
    } catch (e) {
      return `is not a valid cron expression: ${(e as Error).message}`;
    }
    return undefined;
  }

  /** Adds an error (showing the expression) when it is invalid. */
  public check(errors: ConfigErrors, property: string): boolean {
    const problem = this.problem();
    if (problem) {
      errors.add(property, this.expression, problem, 'use BackupSchedule.daily({ hour: 2 }), .weekly(), .monthly() or a 5-field expression such as "0 2 * * *"');
      return false;
    }
    return true;
  }

  /**
   * The longest gap between two consecutive runs over a year (a day for daily, 31 days
   * for monthly): how long an alert on "no success" must wait before it fires.
   */
  public get period(): Duration {
    if (this.problem()) return Duration.days(1);
    this.longestGap ??= this.computeLongestGap();
    return this.longestGap;
  }

  private computeLongestGap(): Duration {
    const known = GAPS.get(this.expression);
    if (known) return known;
    const gap = this.iterateLongestGap();
    GAPS.set(this.expression, gap);
    return gap;
  }

  private iterateLongestGap(): Duration {
    const [, , dayOfMonth, month] = this.toCron().split(' ');
    if (dayOfMonth === '*' && month === '*') return weeklyLongestGap(parser().parse(this.toCron(), { tz: 'UTC' }).fields);
    const it = parser().parse(this.toCron(), { tz: 'UTC', currentDate: PERIOD_FROM, endDate: PERIOD_UNTIL });
    let previous = PERIOD_FROM.getTime();
    let longest = 0;
    let first = true;
    // Bounded: a schedule every minute needs no year of samples to find its gap.
    for (let n = 0; n < 2_000 && it.hasNext(); n++) {
      const t = it.next().getTime();
      if (!first) longest = Math.max(longest, t - previous);
      first = false;
      previous = t;
    }
    return Duration.minutes(Math.max(1, Math.round(longest / 60_000)));
  }

}

/**
 * The exact longest gap of a schedule whose day-of-month and month are `*`: only minute,
 * hour and day-of-week constrain it, so its runs repeat every week. Lists the week's runs
 * (at most 7 × 1,440) and takes the largest difference, including the wrap into the next
 * week; no sampling, so a run every minute on weekdays still shows its weekend gap.
 */
function weeklyLongestGap(fields: { minute: { values: readonly number[] }; hour: { values: readonly number[] }; dayOfWeek: { values: readonly (number | string)[] } }): Duration {
  const WEEK = 7 * 1440;
  const minutesOfDay = fields.hour.values.flatMap((h) => fields.minute.values.map((m) => h * 60 + m));
  const days = [...new Set(fields.dayOfWeek.values.map((d) => Number(d) % 7))];
  const runs = [...new Set(days.flatMap((d) => minutesOfDay.map((t) => d * 1440 + t)))].sort((a, b) => a - b);
  let longest = runs[0] + WEEK - runs[runs.length - 1];
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i] - runs[i - 1]);
  return Duration.minutes(Math.max(1, longest));
}
