import { Duration } from 'cdk8s';
import { ConfigErrors } from '../core/config-error';
import { CRON_FIELDS, dayOfWeekWithoutSeven, longestCronGapSeconds, robfigProblem } from '../core/robfig-cron';

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

/** What is wrong with an expression, and how to fix it. */
interface ScheduleProblem {
  readonly problem: string;
  readonly fix: string;
}

const GENERIC_FIX = 'use BackupSchedule.daily({ hour: 2 }), .weekly(), .monthly() or a 5-field expression such as "0 2 * * *"';

/** What is wrong with an expression (a pure function of the string; fleets repeat the same few schedules). */
const PROBLEMS = new Map<string, ScheduleProblem | undefined>();

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

  private constructor(
    /** The 5-field expression. */
    public readonly expression: string,
    /** The gap between runs when the factory knows it. */
    private readonly knownPeriod?: Duration,
  ) {}

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
    return this.problemAndFix()?.problem;
  }

  private problemAndFix(): ScheduleProblem | undefined {
    if (!PROBLEMS.has(this.expression)) PROBLEMS.set(this.expression, this.findProblem());
    return PROBLEMS.get(this.expression);
  }

  private findProblem(): ScheduleProblem | undefined {
    const fields = this.expression.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) {
      return { problem: `has ${fields.length} field(s); a standard cron expression has 5 (minute hour day-of-month month day-of-week)`, fix: GENERIC_FIX };
    }
    if (/[LW#@?]/i.test(this.expression.replace(/\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi, ''))) {
      return { problem: 'uses L, W, #, ? or @ which the Kubernetes and CloudNativePG cron parsers do not both accept', fix: GENERIC_FIX };
    }
    // The parsers that run the schedule: robfig/cron in CloudNativePG (ScheduledBackup webhook)
    // and in the Kubernetes API server (CronJob validation).
    const refused = robfigProblem(this.toCron());
    if (refused) {
      const sunday = refused.field === 'day-of-week' ? dayOfWeekWithoutSeven(fields[4]) : undefined;
      if (sunday !== undefined) {
        return {
          problem: `day-of-week ${JSON.stringify(fields[4])} is outside 0-6: robfig/cron, which CloudNativePG and Kubernetes CronJobs parse schedules with, numbers Sunday 0, never 7`,
          fix: `write Sunday as 0: ${JSON.stringify([...fields.slice(0, 4), sunday].join(' '))}`,
        };
      }
      return {
        problem: `is not a valid cron expression: ${refused.field} ${refused.problem} (robfig/cron, which CloudNativePG and Kubernetes CronJobs parse schedules with, ` +
          'accepts minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-6 or SUN-SAT)',
        fix: GENERIC_FIX,
      };
    }
    // What robfig/cron accepts but is a typo more likely than a wish: an empty list item (robfig
    // skips it) and a "+" sign.
    for (let i = 0; i < fields.length; i++) {
      if (fields[i].split(',').includes('')) {
        return { problem: `is not a valid cron expression: ${CRON_FIELDS[i].name} ${JSON.stringify(fields[i])} has an empty item in its comma list`, fix: GENERIC_FIX };
      }
    }
    if (this.expression.includes('+')) {
      const i = fields.findIndex((f) => f.includes('+'));
      return {
        problem: `is not a valid cron expression: ${CRON_FIELDS[i].name} ${JSON.stringify(fields[i])} has a "+" sign`,
        fix: `write the numbers without it: ${JSON.stringify(this.toCron().replace(/\+/g, ''))}`,
      };
    }
    if (longestCronGapSeconds(this.toCron()) === Infinity) {
      return {
        problem: `never runs: no month ${JSON.stringify(fields[3])} has day-of-month ${JSON.stringify(fields[2])}`,
        fix: `pick a day of month those months have (every month has 1-28), e.g. BackupSchedule.monthly({ dayOfMonth: 28 })`,
      };
    }
    return undefined;
  }

  /**
   * Adds an error (showing the expression) when it is invalid.
   *
   * @internal
   */
  public _check(errors: ConfigErrors, property: string): boolean {
    const found = this.problemAndFix();
    if (found) {
      errors.add(property, this.expression, found.problem, found.fix);
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
    if (this.knownPeriod) return this.knownPeriod;
    const seconds = longestCronGapSeconds(this.toCron()) ?? 86_400;
    return Duration.minutes(Math.max(1, Math.round(seconds / 60)));
  }
}
