import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { ConfigErrors } from './config-error';

/*
 * Checks of Duration and Size props before they are rendered: cdk8s's `toSeconds()` and
 * `toMebibytes()` throw on fractions (naming no prop) and render NaN as is, so these add a
 * ConfigError naming the prop instead. Parsing quantities written in manifests is
 * lib/core/quantity.ts; rendering a duration in a unit is lib/core/exact-duration.ts.
 */

/** Bounds of a duration prop, in seconds (inclusive). */
export interface SecondsRange {
  readonly min?: number;
  readonly max?: number;
}

/** `d` in milliseconds, also when it is not a whole number of them (cdk8s throws then). */
export function exactMilliseconds(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

/** A duration for messages: `2.5 seconds`, `0.5 ms`. */
function human(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return Number.isInteger(ms) ? `${ms / 1000} seconds` : `${ms} ms`;
}

/**
 * The whole number of seconds of a duration prop that is rendered as an integer number of
 * seconds (Prometheus `for:` and thresholds, Patroni settings, Kubernetes fields), or
 * undefined after adding an error that names the prop: cdk8s's `toSeconds()` would throw
 * "cannot be converted into a whole number of seconds" instead, naming no prop.
 */
export function wholeSeconds(errors: ConfigErrors, property: string, d: Duration, range: SecondsRange = {}): number | undefined {
  const ms = exactMilliseconds(d);
  const min = range.min ?? 0;
  if (!Number.isFinite(ms) || ms % 1000 !== 0) {
    const rounded = Number.isFinite(ms) ? Math.max(min, Math.ceil(ms / 1000)) : Math.max(min, 1);
    errors.add(property, human(ms), 'must be a whole number of seconds: it is rendered as an integer number of seconds',
      `use Duration.seconds(${rounded})`);
    return undefined;
  }
  const s = ms / 1000;
  if (s < min || (range.max !== undefined && s > range.max)) {
    const bounds = range.max !== undefined ? `between ${min} and ${range.max} seconds` : `at least ${min} second${min === 1 ? '' : 's'}`;
    errors.add(property, d, `must be ${bounds}`, `use Duration.seconds(${Math.min(Math.max(s, min), range.max ?? Math.max(s, min))})`);
    return undefined;
  }
  return s;
}

/**
 * The whole number of milliseconds of a duration prop, or undefined after adding an error
 * that names the prop (a fraction of a millisecond cannot be rendered).
 */
export function wholeMilliseconds(errors: ConfigErrors, property: string, d: Duration): number | undefined {
  const ms = exactMilliseconds(d);
  if (!Number.isInteger(ms) || ms < 0) {
    errors.add(property, human(ms), 'must be a whole number of milliseconds, not negative', `use e.g. Duration.millis(${Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0})`);
    return undefined;
  }
  return ms;
}

/** `size` in mebibytes, also when it is not a whole number of them (cdk8s throws then). */
export function exactMebibytes(size: Size): number {
  return size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
}

/**
 * Mebibytes of a size prop, or undefined after adding an error naming the prop when it is
 * not a finite amount above zero (`Size.gibibytes(NaN)` would render as `NaNGi`).
 */
export function positiveMebibytes(errors: ConfigErrors, property: string, size: Size, example: string): number | undefined {
  const mib = exactMebibytes(size);
  if (!Number.isFinite(mib) || mib <= 0) {
    errors.add(property, size, 'must be a finite size above zero', `give e.g. ${example}`);
    return undefined;
  }
  return mib;
}
