import { Duration } from 'cdk8s';
import { ConfigErrors } from '../../core/config-error';
import { exactMilliseconds } from '../../core/duration-size-checks';
import { PatroniTimingProps } from './patroni-timing-props';
import { PatroniVersion } from './patroni-version';

/** Timing in whole seconds, as Patroni reads it. */
export interface ResolvedPatroniTiming {
  readonly ttl: number;
  readonly loopWait: number;
  readonly retryTimeout: number;
}

/** The defaults per version: fast failover without breaking the lock-renewal rule. */
export function defaultTiming(version: PatroniVersion): ResolvedPatroniTiming {
  return version.minTtlSeconds > 10
    ? { ttl: version.minTtlSeconds, loopWait: 2, retryTimeout: 8 }
    : { ttl: 8, loopWait: 2, retryTimeout: 3 };
}

function seconds(errors: ConfigErrors, property: string, d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const ms = exactMilliseconds(d);
  if (!Number.isInteger(ms / 1000) || ms <= 0) {
    errors.add(property, d, 'must be a positive whole number of seconds (Patroni reads integers)', `use e.g. Duration.seconds(${fallback})`);
    return fallback;
  }
  return ms / 1000;
}

/** Resolves and checks the timing for `version`; every problem goes to `errors`. */
export function resolveTiming(errors: ConfigErrors, engineName: string, version: PatroniVersion, props: PatroniTimingProps = {}): ResolvedPatroniTiming {
  const d = defaultTiming(version);
  const ttl = seconds(errors, 'engine.timing.ttl', props.ttl, d.ttl);
  const loopWait = seconds(errors, 'engine.timing.loopWait', props.loopWait, d.loopWait);
  const retryTimeout = seconds(errors, 'engine.timing.retryTimeout', props.retryTimeout, d.retryTimeout);
  if (ttl < version.minTtlSeconds) {
    errors.add('engine.timing.ttl', props.ttl, `${engineName} raises a ttl below ${version.minTtlSeconds} s to ${version.minTtlSeconds} s, so the cluster would not run with the timing you chose`,
      `set ttl to at least Duration.seconds(${version.minTtlSeconds})`);
  }
  if (retryTimeout < 3) {
    errors.add('engine.timing.retryTimeout', props.retryTimeout, 'is below Patroni\'s minimum of 3 s', 'set retryTimeout to at least Duration.seconds(3)');
  }
  if (ttl < loopWait + 2 * retryTimeout) {
    errors.add('engine.timing', `ttl ${ttl}s, loopWait ${loopWait}s, retryTimeout ${retryTimeout}s`,
      `breaks Patroni's rule ttl >= loopWait + 2 * retryTimeout (${loopWait} + 2 * ${retryTimeout} = ${loopWait + 2 * retryTimeout} > ${ttl}): ` +
      'a leader can sleep one loop and then retry the DCS twice before renewing, so its lock expires while it is healthy and the cluster flaps (Patroni accepts this silently)',
      `raise ttl to at least ${loopWait + 2 * retryTimeout} s, or lower loopWait or retryTimeout`);
  }
  return { ttl, loopWait, retryTimeout };
}
