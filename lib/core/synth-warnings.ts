import { IConstruct } from 'constructs';
import { addSynthValidation } from './app-index';

const WARNING_KEY = 'ha-postgres:warning';
const printed = new Set<string>();

function print(scope: IConstruct, message: string): void {
  const line = `[WARNING] [${scope.node.path}] ${message}`;
  if (!printed.has(line) && process.env.HA_POSTGRES_SILENCE_WARNINGS !== '1') {
    printed.add(line);
    process.stderr.write(line + '\n');
  }
}

/**
 * Warnings that do not stop synthesis but must be seen (e.g. a standalone cluster).
 * They are recorded as construct metadata and printed to stderr once when the app
 * is synthesized (cdk8s runs validations right before it writes manifests).
 */
export class SynthWarnings {
  /** Records a warning on `scope` and prints it when the app is synthesized. */
  public static add(scope: IConstruct, message: string): void {
    scope.node.addMetadata(WARNING_KEY, message);
    addSynthValidation(scope, () => { print(scope, message); return []; });
  }

  /**
   * Records a warning found by a validation, i.e. while the app is being synthesized,
   * and prints it at once (the app may not be validated again in this synthesis).
   * Validations run several times per synthesis: a warning `scope` already holds is
   * not recorded again.
   */
  public static addDuringValidation(scope: IConstruct, message: string): void {
    if (scope.node.metadata.some((entry) => entry.type === WARNING_KEY && entry.data === message)) return;
    scope.node.addMetadata(WARNING_KEY, message);
    print(scope, message);
  }

  /** All warnings recorded on `scope` and its children, as `[path] message`. */
  public static collect(scope: IConstruct): string[] {
    const out: string[] = [];
    for (const c of scope.node.findAll()) {
      for (const entry of c.node.metadata) {
        if (entry.type === WARNING_KEY) out.push(`[${c.node.path}] ${entry.data}`);
      }
    }
    return out;
  }
}
