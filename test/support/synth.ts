import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

/** Synthesizes a chart built by `build` and returns its manifests (validations run first). */
export function synth(build: (chart: Chart) => void, namespace = 'db'): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
  build(chart);
  return Testing.synth(chart);
}

/** The single manifest of `kind` (fails the test when there is not exactly one). */
export function only(manifests: any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}: ${found.map((m) => m.metadata?.name).join(', ')}`);
  return found[0];
}

/** Runs `build` in a fresh chart and returns the synth error message (or fails when there is none). */
export function synthError(build: (chart: Construct) => void): string {
  try {
    synth(build);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail, but it succeeded');
}
