/**
 * A configuration error found at synth time. The message always names the
 * property, shows the offending value, says what is wrong and how to fix it.
 */
export class ConfigError extends Error {
  /** Formats a value for an error message: strings quoted, objects as JSON. */
  public static show(value: unknown): string {
    if (value === undefined) return 'undefined';
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'object' && value !== null && typeof (value as any).asString === 'function') {
      return (value as any).asString();
    }
    if (typeof value === 'object' && value !== null && typeof (value as any).toHumanString === 'function') {
      return (value as any).toHumanString();
    }
    return JSON.stringify(value);
  }

  public readonly property: string;
  public readonly value: string;
  public readonly problem: string;
  public readonly fix: string;

  public constructor(property: string, value: unknown, problem: string, fix: string) {
    super(`${property} = ${ConfigError.show(value)}: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
    this.property = property;
    this.value = ConfigError.show(value);
    this.problem = problem;
    this.fix = fix;
  }
}

/** Collects configuration errors so that all of them are reported in one synth. */
export class ConfigErrors {
  private readonly errors: ConfigError[] = [];

  public add(property: string, value: unknown, problem: string, fix: string): void {
    this.errors.push(new ConfigError(property, value, problem, fix));
  }

  public get messages(): string[] {
    return this.errors.map((e) => e.message);
  }

  public get isEmpty(): boolean {
    return this.errors.length === 0;
  }
}
