/**
 * A PostgreSQL version. The major selects the feature set and parameter names;
 * the minor pins the container image an engine derives from it.
 */
export class PostgresVersion {
  /** PostgreSQL 16 (minor 16.14, released with CloudNativePG 1.30's default 18.4). */
  public static readonly V16 = PostgresVersion.of(16, 14);
  /** PostgreSQL 17 (minor 17.10). */
  public static readonly V17 = PostgresVersion.of(17, 10);
  /** PostgreSQL 18 (minor 18.4, CloudNativePG 1.30's default image). */
  public static readonly V18 = PostgresVersion.of(18, 4);

  /** Supported majors: CloudNativePG 1.30 supports PostgreSQL 14 to 18. */
  public static readonly SUPPORTED_MAJORS: number[] = [14, 15, 16, 17, 18];

  /**
   * Any supported version, e.g. `PostgresVersion.of(17, 6)`. Checked at synth time
   * (an unsupported major is a configuration error, reported with the other errors).
   */
  public static of(major: number, minor: number): PostgresVersion {
    return new PostgresVersion(major, minor);
  }

  private constructor(public readonly major: number, public readonly minor: number) {}

  /** `major.minor`, e.g. `18.4`. */
  public get fullVersion(): string {
    return `${this.major}.${this.minor}`;
  }

  /** True when the major is one of `majors` (an engine's `supportedMajors`) and the minor is a whole number. */
  public isSupportedBy(majors: number[]): boolean {
    return majors.includes(this.major) && Number.isInteger(this.minor) && this.minor >= 0;
  }

  /** True when the major is one the library (and CloudNativePG 1.30) supports; a cluster's engine decides with `isSupportedBy(engine.supportedMajors)`. */
  public get isSupported(): boolean {
    return PostgresVersion.SUPPORTED_MAJORS.includes(this.major) && Number.isInteger(this.minor) && this.minor >= 0;
  }
}
