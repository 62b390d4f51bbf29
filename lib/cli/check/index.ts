import type { Command } from 'commander';

/** Registers the `check` command (production-readiness report). */
export function registerCheckCommand(_program: Command): void {
  // filled in by the monitoring work (issue 5)
}
