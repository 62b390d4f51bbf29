/** What one run of the `ha-postgres` CLI wrote, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI's `main(argv)` in this process, capturing what it writes to stdout and stderr
 * (the CLI is loaded on first use, so importing this helper loads nothing).
 */
export async function runCli(argv: string[]): Promise<CliRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require('../../lib/cli/main') as typeof import('../../lib/cli/main');
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { stdout += String(chunk); return true; });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => { stderr += String(chunk); return true; });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
