import { evaluateReadiness, ReadinessReport } from '../../monitoring/readiness/checklist';
import { CliError } from '../cli-error';
import { InputProblem, manifestFiles, readManifests } from './read-manifests';

/** Exit code when some input could not be read as kubectl would (not YAML, a template, a schema-invalid object, a conflicting duplicate). */
export const EXIT_INVALID_INPUT = 3;

/** Options of `check`. */
export interface CheckOptions {
  readonly json?: boolean;
  /** Node labels that name zones, besides the two standard ones. */
  readonly zoneKey?: string[];
  /** Namespace of objects that name none. @default 'default' */
  readonly namespace?: string;
}

/** One line per item: `PASS|FAIL [namespace/cluster] title: reason (in file, …)`. */
export function formatReport(reports: ReadinessReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const i of r.items) {
      const sources = i.sources && i.sources.length > 0 ? ` (in ${i.sources.join(', ')})` : '';
      lines.push(`${i.passed ? 'PASS' : 'FAIL'} [${r.namespace}/${r.cluster}] ${i.title}${i.required ? '' : ' (advisory)'}: ${i.reason}${sources}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `file:line: Cluster shop/pg: spec.plugins: must be a list, got a map`. */
export function formatProblem(p: InputProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.object ? `${p.object}: ` : ''}${p.message}`;
}

/**
 * Reads the manifests under `paths`, prints the production checklist of every
 * CloudNativePG Cluster, and fails with exit 3 when some input could not be read (after
 * the reports of what could), else with exit 1 when a required item fails.
 */
export function runCheck(paths: string[], options: CheckOptions, write: (text: string) => void, writeErr: (text: string) => void = () => undefined): void {
  const files = manifestFiles(paths);
  const read = readManifests(files, { namespace: options.namespace });
  const reports = evaluateReadiness(read.objects, {
    zoneTopologyKeys: options.zoneKey,
    sourceOf: (o) => read.sourceOf(o)?.file,
  });
  if (reports.length > 0) write(options.json ? JSON.stringify(reports, null, 2) + '\n' : formatReport(reports));
  for (const p of read.problems) writeErr(`error: ${formatProblem(p)}\n`);
  if (read.duplicates > 0) writeErr(`note: ${read.duplicates} object(s) given more than once with identical content were read once\n`);
  if (read.problems.length > 0) {
    throw new CliError(`${read.problems.length} input problem(s) in ${new Set(read.problems.map((p) => p.file)).size} file(s) (listed above); `
      + `${reports.length > 0 ? 'the checklist covers only the objects that could be read' : 'no cluster could be checked'}`, EXIT_INVALID_INPUT);
  }
  if (reports.length === 0) {
    throw new CliError(`no CloudNativePG Cluster (postgresql.cnpg.io/v1), Crunchy PGO PostgresCluster (postgres-operator.crunchydata.com) nor Patroni StatefulSet in ${files.length} file(s) under ${paths.join(', ')}`, 1);
  }
  const failed = reports.flatMap((r) => r.items.filter((i) => i.required && !i.passed).map((i) => `${r.namespace}/${r.cluster}: ${i.title}`));
  if (failed.length > 0) {
    const shown = failed.slice(0, 10).join('; ');
    throw new CliError(`${failed.length} required readiness item(s) failed: ${shown}${failed.length > 10 ? `; and ${failed.length - 10} more (listed above)` : ''}`, 1);
  }
}
