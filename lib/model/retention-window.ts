import { ConfigErrors } from '../core/config-error';

/** Unit of a retention window, as Barman writes it (`30d`, `4w`, `3m`). */
export enum RetentionUnit {
  DAYS = 'd',
  WEEKS = 'w',
  MONTHS = 'm',
}

const DAYS_PER_UNIT: { [unit: string]: number } = { d: 1, w: 7, m: 31 };
const UNIT_NAMES: { [unit: string]: string } = { d: 'days', w: 'weeks', m: 'months' };

/**
 * How far back point-in-time recovery must reach (Barman's recovery window): backups and
 * WAL older than the oldest backup needed for it are deleted.
 */
export class RetentionWindow {
  /** A window of `count` days. */
  public static days(count: number): RetentionWindow {
    return new RetentionWindow(count, RetentionUnit.DAYS);
  }

  /** A window of `count` weeks. */
  public static weeks(count: number): RetentionWindow {
    return new RetentionWindow(count, RetentionUnit.WEEKS);
  }

  /** A window of `count` calendar months. */
  public static months(count: number): RetentionWindow {
    return new RetentionWindow(count, RetentionUnit.MONTHS);
  }

  private constructor(public readonly count: number, public readonly unit: RetentionUnit) {}

  /** Barman's form (`30d`), as the ObjectStore's `retentionPolicy` takes it. */
  public toBarman(): string {
    return `${this.count}${this.unit}`;
  }

  /**
   * Upper bound in days (a month counts 31 days), so that bucket lifecycle rules derived
   * from it never expire data the window still needs.
   */
  public toDays(): number {
    return this.count * DAYS_PER_UNIT[this.unit];
  }

  /** `30 days`, for messages. */
  public toHumanString(): string {
    return `${this.count} ${UNIT_NAMES[this.unit]}`;
  }

  /**
   * Adds an error when the window is not a positive whole number of units.
   *
   * @internal
   */
  public _check(errors: ConfigErrors, property: string): void {
    if (!Number.isInteger(this.count) || this.count < 1) {
      errors.add(property, this, 'must be a whole number of days, weeks or months, at least 1 (Barman accepts nothing else)',
        'use e.g. RetentionWindow.days(30)');
    } else if (this.toDays() > 3660) {
      errors.add(property, this, 'is above 10 years; every WAL segment of that period would be kept',
        'keep a shorter window, and use logical exports for long-term archives');
    }
  }
}
