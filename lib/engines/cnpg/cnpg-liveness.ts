import { Duration } from 'cdk8s';
import type { ConfigErrors } from '../../core/config-error';
import { wholeMilliseconds, wholeSeconds } from '../../core/duration-size-checks';
import type { CloudNativePgEngineProps } from './cnpg-engine';

/** CloudNativePG's liveness probe period and timeout (pkg/specs/pods.go). */
export const LIVENESS_PERIOD_SECONDS = 10;
export const LIVENESS_PROBE_TIMEOUT_SECONDS = 5;

/** The liveness probe as rendered (`spec.livenessProbeTimeout` and `spec.probes.liveness`). */
export interface ResolvedLiveness {
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly isolationCheck: { readonly enabled: boolean; readonly requestTimeoutMs: number; readonly connectionTimeoutMs: number };
}

/** The engine's liveness settings, checked; errors and warnings go to `errors` and `warnings`. */
export function resolveLiveness(props: CloudNativePgEngineProps, errors: ConfigErrors, warnings: string[]): ResolvedLiveness {
  const timeout = props.livenessProbeTimeout ?? Duration.seconds(30);
  // A fraction of a second is an error naming the prop (cdk8s's toMilliseconds() would throw);
  // the range keeps its own message, which says why.
  const givenSeconds = wholeSeconds(errors, 'engine.livenessProbeTimeout', timeout);
  let timeoutSeconds = 30;
  if (givenSeconds !== undefined && (givenSeconds < 10 || givenSeconds > 300)) {
    errors.add('engine.livenessProbeTimeout', timeout,
      'must be whole seconds from 10 s to 5 min: shorter restarts instances on a brief I/O stall, longer leaves a hung instance (or an isolated primary) running',
      'use Duration.seconds(30) (the default)');
  } else if (givenSeconds !== undefined) {
    timeoutSeconds = givenSeconds;
  }
  const check = props.isolationCheck ?? {};
  const enabled = check.enabled ?? true;
  const ms = (property: string, d: Duration | undefined): number => {
    const value = wholeMilliseconds(errors, `engine.isolationCheck.${property}`, d ?? Duration.seconds(1));
    if (value === undefined) return 1000;
    if (value < 100) {
      errors.add(`engine.isolationCheck.${property}`, d, 'must be a whole number of milliseconds, at least 100 ms', 'use Duration.seconds(1) (the default)');
      return 1000;
    }
    return value;
  };
  const requestTimeoutMs = ms('requestTimeout', check.requestTimeout);
  const connectionTimeoutMs = ms('connectionTimeout', check.connectionTimeout);
  if (requestTimeoutMs + connectionTimeoutMs >= LIVENESS_PROBE_TIMEOUT_SECONDS * 1000) {
    errors.add('engine.isolationCheck', `requestTimeout ${requestTimeoutMs} ms + connectionTimeout ${connectionTimeoutMs} ms`,
      `must stay below the liveness probe's ${LIVENESS_PROBE_TIMEOUT_SECONDS} s timeout, or the probe times out first and restarts a primary that is not isolated`,
      'keep both at Duration.seconds(1) (the default), or lower them');
  }
  if (!enabled) {
    warnings.push('engine.isolationCheck.enabled = false: a primary cut off from the Kubernetes API server and from its standbys keeps running '
      + 'while a standby is promoted, and its clients keep reading (stale data) and waiting on commits it cannot replicate. Remove it to keep the check (the default).');
  }
  return {
    timeoutSeconds,
    failureThreshold: Math.max(1, Math.ceil(timeoutSeconds / LIVENESS_PERIOD_SECONDS)),
    isolationCheck: { enabled, requestTimeoutMs, connectionTimeoutMs },
  };
}
