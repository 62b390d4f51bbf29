/**
 * `spec.patroni.dynamicConfiguration`: free-form in the CRD (x-kubernetes-preserve-unknown-fields),
 * so every key the engine writes there is typed and checked here. PGO copies it into
 * Patroni's `bootstrap.dcs` and overwrites `ttl`, `loop_wait`, `postgresql.parameters`
 * (its merged parameter set) and `postgresql.pg_hba` (internal/patroni/config.go,
 * DynamicConfiguration).
 *
 * @internal
 */
import { ConfigErrors, DataDurability, type ClusterIntent } from './crunchy-model';
import type { CrunchyPatroniInput } from './crunchy-inputs';

/** The keys the engine writes, with Patroni's own names and types (Patroni docs: dynamic_configuration). */
export interface CrunchyDynamicConfiguration {
  /** Priority synchronous replication (a boolean works on Patroni 3 and 4). */
  readonly synchronous_mode: boolean;
  /** Writes stop rather than go asynchronous when no synchronous standby is left (dataDurability REQUIRED). */
  readonly synchronous_mode_strict: boolean;
  readonly synchronous_node_count: number;
  /** Keep the leader while the Kubernetes API is unreachable but every member answers. */
  readonly failsafe_mode: boolean;
  /** Bytes a standby may lag and still be promoted automatically. */
  readonly maximum_lag_on_failover: number;
  /** PGO leaves Patroni's 10 s, which with ttl 30 / loop_wait 10 breaks ttl > loop_wait + 2 × retry_timeout. */
  readonly retry_timeout: number;
  readonly postgresql: {
    /** PGO turns slots off by default; the intent bounds them with max_slot_wal_keep_size. */
    readonly use_slots: boolean;
    /** The final parameters (PGO merges them with its mandatory ones; see crunchy-parameters.ts). */
    readonly parameters: { [name: string]: string };
  };
}

/** Builds and checks the dynamic configuration of `intent`. */
export function renderDynamicConfiguration(errors: ConfigErrors, engineName: string, intent: ClusterIntent,
  patroni: CrunchyPatroniInput, parameters: { [name: string]: string }): CrunchyDynamicConfiguration {
  const ttl = patroni.leaderLeaseSeconds;
  const loopWait = patroni.syncPeriodSeconds;
  if (!Number.isInteger(ttl) || ttl < 3) {
    errors.add('engine.leaderLeaseDuration', `${ttl}s`, 'must be whole seconds, at least 3 (the CRD\'s minimum for patroni.leaderLeaseDurationSeconds)', 'use Duration.seconds(30) (the default)');
  }
  if (!Number.isInteger(loopWait) || loopWait < 1) {
    errors.add('engine.syncPeriod', `${loopWait}s`, 'must be whole seconds, at least 1', 'use Duration.seconds(10) (the default)');
  }
  // ttl > loop_wait + 2 × retry_timeout (internal/patroni/config.md): the largest whole retry_timeout that keeps it.
  const retryTimeout = Math.floor((ttl - loopWait - 1) / 2);
  if (Number.isInteger(ttl) && Number.isInteger(loopWait) && retryTimeout < 1) {
    errors.add('engine.syncPeriod', `${loopWait}s`,
      `leaves no retry_timeout with leaderLeaseDuration ${ttl}s: Patroni needs ttl > loop_wait + 2 × retry_timeout, or a slow Kubernetes API call makes the leader lose its lock`,
      `use a syncPeriod of at most ${Math.max(1, ttl - 3)}s, or a longer leaderLeaseDuration (30 s with 10 s is the default)`);
  }
  if (!(patroni.maximumLagOnFailoverBytes >= 0)) {
    errors.add('engine.maximumLagOnFailover', patroni.maximumLagOnFailoverBytes, 'must not be negative', 'use Size.mebibytes(1) (the default)');
  }
  if (intent.highlyAvailable && intent.dataDurability === DataDurability.REQUIRED && !intent.failoverQuorum) {
    errors.add('failoverQuorum', false, `${engineName} runs Patroni, which always restricts failover to the synchronous standbys `
      + '(with synchronous_mode_strict the list never empties) and has no switch to turn that off',
    'remove failoverQuorum (it is always on with Patroni)');
  }
  const ha = intent.highlyAvailable;
  return {
    synchronous_mode: ha,
    synchronous_mode_strict: ha && intent.dataDurability === DataDurability.REQUIRED,
    synchronous_node_count: ha ? intent.synchronousStandbys : 1,
    failsafe_mode: patroni.failsafeMode,
    maximum_lag_on_failover: patroni.maximumLagOnFailoverBytes,
    retry_timeout: Math.max(1, retryTimeout),
    postgresql: { use_slots: ha, parameters },
  };
}
