#!/usr/bin/env node
/**
 * `ha-postgres` command-line tool: archive inspection and bucket set-up, and the
 * production-readiness check. Not loaded by the constructs: synthesis never pays for it.
 */
import { Command, CommanderError } from 'commander';
import { registerArchiveCommands } from './archive';
import { registerCheckCommand } from './check';
import { registerUpgradeCommands } from './upgrade';
import { CliError } from './cli-error';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('ha-postgres')
    .description('Tools for PostgreSQL clusters built with cdk8s-ha-postgres')
    .exitOverride()
    .showHelpAfterError();
  registerArchiveCommands(program);
  registerCheckCommand(program);
  registerUpgradeCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    // Unexpected: still one line, the stack only on request.
    process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    if (process.env.HA_POSTGRES_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
