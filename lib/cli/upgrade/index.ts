import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { durationOption } from '../archive/options';

const stdout = (text: string): void => {
  process.stdout.write(text);
};

/** `16MB`, `1GB`, `4096` (bytes) → bytes. */
export function parseByteSize(value: string): number {
  const m = /^(\d+)\s*(B|kB|KB|MB|GB|TB)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a size. Fix: write e.g. 16MB, 1GB or a number of bytes`);
  const unit = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[(m[2] ?? 'B') as 'B'];
  return Number(m[1]) * unit;
}

function parseGap(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a whole number, 0 or more`);
  return Number(value);
}

function connectionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--source <url>', 'source (old major) database, postgres://user@host:port/db?sslmode=verify-full (passwords from PGPASSWORD or ~/.pgpass, not the URL)')
    .requiredOption('--target <url>', 'target (new major) database, same form')
    .requiredOption('--publication <name>', 'publication on the source (BlueGreenUpgrade publicationName, default upgrade_pub)')
    .requiredOption('--subscription <name>', 'subscription on the target (BlueGreenUpgrade subscriptionName, default upgrade_sub)')
    .addOption(new Option('--max-lag <size>', 'not ready while the subscriber is further behind').argParser(parseByteSize).default(16 * 1024 * 1024, '16MB'))
    .option('--json', 'JSON output');
}

/** Registers `upgrade status` and `upgrade cutover`. pg loads inside the actions only. */
export function registerUpgradeCommands(program: Command): void {
  const upgrade = program
    .command('upgrade')
    .description('blue/green major upgrades by logical replication (BlueGreenUpgrade): readiness and the cutover');

  connectionOptions(upgrade
    .command('status')
    .description('subscription state, initial copy per table, lag, row counts and sequences on both sides; exit 0 ready for cutover, 2 not ready'))
    .option('--no-count', 'skip the exact row counts (a full scan of every table on both sides)')
    .action(async (flags) => {
      const { runStatus } = await import('./upgrade-command');
      await runStatus(flags, stdout);
    });

  connectionOptions(upgrade
    .command('cutover')
    .description('checks, pauses writes on the source, waits for the subscriber, verifies row counts, synchronizes sequences, fences the source, switches the pools, resumes; exit 0 done, 2 refused (nothing changed), 1 failed'))
    .addOption(durationOption('--lock-timeout <duration>', 'longest wait for the table locks (writes pause while waiting)', '5s'))
    .addOption(durationOption('--catch-up-timeout <duration>', 'longest wait for the subscriber to confirm the source position', '30s'))
    .option('--no-verify-counts', 'skip the exact row-count comparison during the pause (shorter pause on big tables)')
    .addOption(new Option('--sequence-gap <n>', 'added to every sequence value set on the target').argParser(parseGap).default(0))
    .option('--switch-command <command>', 'shell command that points the pools at the target (e.g. kubectl apply -f dist/switched/); run during the pause')
    .option('--through <url>', 'a connection string through the pools, checked to reach the target afterwards')
    .option('--no-terminate', 'do not terminate the other client sessions of the source database after the switch')
    .option('--drop-subscription', 'drop the subscription and its slot at the end (default: leave it disabled)')
    .action(async (flags) => {
      const { runCutover } = await import('./upgrade-command');
      await runCutover(flags, stdout);
    });
}
