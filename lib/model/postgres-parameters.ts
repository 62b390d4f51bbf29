import { ConfigErrors } from '../core/config-error';
import { isCustomParameter, isKnownParameter, nearestParameterNames, parameterAvailability } from './parameter-names';

/** Settings PostgreSQL only takes per session (`role` in postgresql.conf even stops the server). */
const SESSION_ONLY = new Set(['role', 'seed', 'session_authorization', 'is_superuser', 'transaction_isolation', 'transaction_read_only', 'transaction_deferrable']);

/** Renders a parameter value the way postgresql.conf expects it. */
export function renderParameterValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** Why a parameter name may not be set through `parameters`. */
export interface ParameterRules {
  /** PostgreSQL major the cluster runs. */
  readonly major: number;
  /** Its minor (some parameters arrived in a minor release). */
  readonly minor?: number;
  /** Names the engine manages itself → reason. */
  readonly engineManaged: { [name: string]: string };
  /** Engine display name, for messages. */
  readonly engineName: string;
  /** Names a construct property sets → that property. */
  readonly setByProperty: { [name: string]: string };
}

/**
 * Checks user parameters: the name must exist in the chosen major (or be an
 * extension's dotted name), must not be managed by the engine or set by a property,
 * and the value must be a non-empty scalar.
 */
export function checkParameters(
  errors: ConfigErrors,
  property: string,
  parameters: { [name: string]: string | number | boolean },
  rules: ParameterRules,
): void {
  for (const [rawName, value] of Object.entries(parameters)) {
    const name = rawName.toLowerCase();
    const prop = `${property}.${rawName}`;
    const managedReason = rules.engineManaged[name];
    if (managedReason) {
      errors.add(prop, value, `${rules.engineName} does not allow this parameter: ${managedReason}`, `remove ${rawName} from ${property}`);
      continue;
    }
    const byProperty = rules.setByProperty[name];
    if (byProperty) {
      errors.add(prop, value, `this parameter is set from the ${byProperty} property`, `remove ${rawName} from ${property} and set ${byProperty} instead`);
      continue;
    }
    if (!isCustomParameter(name)) {
      if (!isKnownParameter(name, rules.major, rules.minor)) {
        const availability = parameterAvailability(name);
        if (availability) {
          const range = availability.until !== undefined
            ? `it was removed after PostgreSQL ${availability.until}`
            : `it exists from PostgreSQL ${availability.since} on`;
          errors.add(prop, value, `not a parameter of PostgreSQL ${rules.major}: ${range}`,
            `remove ${rawName} or choose a PostgreSQL version that has it`);
        } else {
          const near = nearestParameterNames(name, rules.major);
          errors.add(prop, value, `unknown PostgreSQL ${rules.major} parameter`,
            near.length ? `did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : 'check the name against the PostgreSQL documentation (\'Server Configuration\')');
        }
        continue;
      }
      const context = parameterAvailability(name)?.context;
      if (SESSION_ONLY.has(name)) {
        errors.add(prop, value, 'this is a per-session setting; PostgreSQL does not accept it in its configuration', `remove ${rawName} and set it per session or per role`);
        continue;
      }
      if (context === 'internal') {
        errors.add(prop, value, 'this parameter is read-only (fixed when PostgreSQL is built or initialized)', `remove ${rawName}`);
        continue;
      }
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      errors.add(prop, value, 'not a finite number', 'give a number, or a string with a unit such as "64MB"');
    } else if (typeof value === 'string' && value.trim() === '') {
      errors.add(prop, value, 'an empty value', `remove ${rawName} to keep PostgreSQL's default, or give a value`);
    } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      // TypeScript refuses it; JavaScript and the jsii languages (which see the values as any object) do not.
      const kind = value === null ? 'a null' : `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
      errors.add(prop, value, `${kind} value, where PostgreSQL takes a string, a number or a boolean`,
        'give the value as postgresql.conf has it, e.g. "64MB", 200 or true');
    }
  }
}
