import type { Command } from 'commander';

/** Registers the `check` command (production-readiness report). */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('production-readiness checklist of every CloudNativePG Cluster in the manifests (ours or hand-written), '
      + 'read as kubectl and the operator read them: one PASS/FAIL line per item; exit 1 when a required item fails, '
      + '3 when some input is not valid (not YAML, an unrendered template, an object kubectl would reject, one object defined twice differently)')
    .argument('<paths...>', 'manifest files or directories (YAML or JSON, searched recursively)')
    .option('--json', 'JSON output')
    .option('--zone-key <label>', 'a node label that names zones, besides topology.kubernetes.io/zone and failure-domain.beta.kubernetes.io/zone (repeatable)',
      (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('-n, --namespace <namespace>', 'namespace of objects that name none (as kubectl apply -n)', 'default')
    .action(async (paths: string[], flags: { json?: boolean; zoneKey: string[]; namespace: string }) => {
      const { runCheck } = await import('./check-command');
      runCheck(paths, flags, (text) => { process.stdout.write(text); }, (text) => { process.stderr.write(text); });
    });
}
