/**
 * An error the CLI reports as one clear line (no stack trace) with an exit code.
 * Use it for expected failures: wrong credentials, a missing bucket, a failed check.
 */
export class CliError extends Error {
  public constructor(message: string, public readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
