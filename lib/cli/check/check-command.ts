import { evaluateReadiness, ReadinessReport } from '../../monitoring/readiness/checklist';
import { CliError } from '../cli-error';
import { manifestFiles, readManifests } from './read-manifests';

/** Options of `check`. */
export interface CheckOptions { readonly json?: boolean }

/** One line per item: `PASS|FAIL [namespace/cluster] title: reason`. */
export function formatReport(reports: ReadinessReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const i of r.items) {
      lines.push(`${i.passed ? 'PASS' : 'FAIL'} [${r.namespace}/${r.cluster}] ${i.title}${i.required ? '' : ' (advisory)'}: ${i.reason}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Reads the manifests under `paths`, prints the production checklist of every
 * CloudNativePG Cluster and fails (exit 1) when a required item fails.
 */
export function runCheck(paths: string[], options: CheckOptions, write: (text: string) => void): void {
  const files = manifestFiles(paths);
  const manifests = readManifests(files);
  const reports = evaluateReadiness(manifests);
  if (reports.length === 0) {
    throw new CliError(`no CloudNativePG Cluster (postgresql.cnpg.io/v1) nor Patroni StatefulSet in ${files.length} file(s) under ${paths.join(', ')}`, 1);
  }
  write(options.json ? JSON.stringify(reports, null, 2) + '\n' : formatReport(reports));
  const failed = reports.flatMap((r) => r.items.filter((i) => i.required && !i.passed).map((i) => `${r.namespace}/${r.cluster}: ${i.title}`));
  if (failed.length > 0) {
    throw new CliError(`${failed.length} required readiness item(s) failed: ${failed.join('; ')}`, 1);
  }
}
