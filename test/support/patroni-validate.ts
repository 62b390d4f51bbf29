/**
 * `patroni --validate-config` (the Patroni on this machine: Debian's 3.0.2) over a Patroni
 * configuration exactly as given, with the environment a member's pod would have.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { findBinary } from './binaries';

/** A pod's values for downward-API fields and test values for Secret keys. */
const FIELD_VALUES: { [fieldPath: string]: (statefulSet: any) => string } = {
  'metadata.name': (sts) => `${sts.metadata.name}-0`,
  'metadata.namespace': (sts) => sts.metadata.namespace ?? 'default',
  'status.podIP': () => '10.1.2.3',
};

/**
 * The environment Kubernetes gives the Patroni container of `statefulSet`: every variable
 * it declares, downward-API fields with a pod's values, Secret keys with test values, and
 * `$(VAR)` references expanded as the kubelet does. Throws for a source it cannot give a
 * value for, so a new kind of variable is not silently left out.
 */
export function podEnvironment(statefulSet: any): { [name: string]: string } {
  const container = statefulSet.spec.template.spec.containers[0];
  const env: { [name: string]: string } = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, v) => env[v] ?? ref);
    } else if (e.valueFrom?.fieldRef && FIELD_VALUES[e.valueFrom.fieldRef.fieldPath]) {
      env[e.name] = FIELD_VALUES[e.valueFrom.fieldRef.fieldPath](statefulSet);
    } else if (e.valueFrom?.secretKeyRef) {
      env[e.name] = `test-${e.valueFrom.secretKeyRef.key}`;
    } else {
      throw new Error(`no test value for the container's environment variable ${e.name} (${JSON.stringify(e)})`);
    }
  }
  return env;
}

/** Runs `patroni --validate-config` on `config` written as YAML, unmodified. */
export function validatePatroniConfig(config: any, env: { [name: string]: string }): Promise<{ code: number; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patroni-validate-'));
  const file = path.join(dir, 'patroni.yml');
  fs.writeFileSync(file, stringify(config));
  return new Promise((resolve) => {
    execFile(findBinary('patroni') as string, ['--validate-config', file], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}
