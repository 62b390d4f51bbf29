import type { Command } from 'commander';

/** Registers the `check` command (production-readiness report). */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('production-readiness checklist of every CloudNativePG Cluster in the manifests (ours or hand-written): '
      + 'one PASS/FAIL line per item; exit 1 when a required item fails')
    .argument('<paths...>', 'manifest files or directories (YAML or JSON, searched recursively)')
    .option('--json', 'JSON output')
    .action(async (paths: string[], flags: { json?: boolean }) => {
      const { runCheck } = await import('./check-command');
      runCheck(paths, flags, (text) => { process.stdout.write(text); });
    });
}
