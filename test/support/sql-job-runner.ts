/**
 * Runs a synthesized SQL Job (lib/engines/sql-job.ts) as it is: its ConfigMap's files in a
 * directory, its container's environment (Secret references resolved from `secrets`), and
 * `sh apply.sh` — with psql, pg_dump and pg_restore from the system. The only changes are
 * the network (`overrides`, e.g. PGHOST=127.0.0.1 and the test server's port instead of the
 * Service), the ConfigMap mount (SQL_DIR) and the retry deadline.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findBinary } from './binaries';
import { RunResult, runProgram } from './processes';
import type { Secrets } from './cnpg-instance-manager';

/** The Job of the SQL intent of `clusterName` and its ConfigMap. */
export function sqlJobOf(manifests: any[], clusterName: string): { job: any; configMap: any } {
  const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name.startsWith(`${clusterName}-sql-`));
  if (!job) throw new Error(`no SQL Job of cluster ${clusterName}`);
  const volume = job.spec.template.spec.volumes.find((v: any) => v.name === 'sql');
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name);
  return { job, configMap };
}

/** The Job's environment with Secret references resolved, then `overrides`. */
export function jobEnvironment(job: any, secrets: Secrets, overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of job.spec.template.spec.containers[0].env) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`the Job reads Secret ${ref.name} key ${ref.key}, which the test does not provide`);
      env[e.name] = value;
    }
  }
  return { ...env, ...overrides };
}

/** Runs the Job's script once; `waitSeconds` bounds its retries. */
export async function runSqlJob(manifests: any[], clusterName: string, secrets: Secrets, overrides: Record<string, string>,
  workDir: string, waitSeconds = 30): Promise<RunResult> {
  const { job, configMap } = sqlJobOf(manifests, clusterName);
  const dir = fs.mkdtempSync(path.join(workDir, `${clusterName}-sql-`));
  for (const [file, content] of Object.entries(configMap.data as Record<string, string>)) fs.writeFileSync(path.join(dir, file), content);
  const env = jobEnvironment(job, secrets, { ...overrides, SQL_DIR: dir, TMPDIR: dir });
  // The container's PATH has psql (and pg_dump); here Debian's client programs.
  const psql = findBinary('psql');
  if (!psql) throw new Error('psql is needed; run `bash scripts/ensure-test-deps.sh`');
  const binDirs = [path.dirname(psql), ...['pg_dump', 'pg_restore'].map((b) => findBinary(b)).filter((b): b is string => !!b).map((b) => path.dirname(b))];
  env.PATH = [...new Set(binDirs), process.env.PATH ?? '/usr/bin:/bin'].join(':');
  return runProgram('/bin/sh', [path.join(dir, 'apply.sh'), String(waitSeconds)], { env, timeoutMs: (waitSeconds + 60) * 1000 });
}
