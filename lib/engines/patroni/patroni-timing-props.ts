import { Duration } from 'cdk8s';

/**
 * Patroni's failover timing (`bootstrap.dcs` `ttl`, `loop_wait`, `retry_timeout`).
 * Whole seconds. Synthesis fails unless `ttl >= loopWait + 2 * retryTimeout`:
 * Patroni accepts a violation and the leader then loses its lock between renewals
 * and flaps.
 */
export interface PatroniTimingProps {
  /**
   * Leader lock TTL: a failed leader's lock expires at most this long after its last
   * renewal, which bounds the failover time (write outage ≈ ttl − time since the
   * last renewal + promotion). Patroni 4.x raises values below 20 s to 20 s, so
   * smaller values are rejected for it.
   *
   * @default - 8 s on Patroni 3.0 (`npm run drill -- --runs 3 --stability-seconds 120`, 2026-12-02, 2 shared cores with etcd: median failover outage 8.85 s, max 9.25 s, no leader change or lost leader lock in 3 × 2 minutes of writes; Patroni's ttl 30 / loop_wait 10 / retry_timeout 10 gave 30.77 s in one run of `npm run drill -- --ttl 30 --loop-wait 10 --retry-timeout 10 --runs 1 --stability-seconds 20` the same day; see the Patroni guide); 20 s on Patroni 4.1 (its minimum)
   */
  readonly ttl?: Duration;

  /**
   * Sleep of Patroni's HA loop. The leader renews its lock every loop, so a short
   * loop keeps the time since the last renewal small (faster failover); each loop
   * is one DCS write per member.
   *
   * @default Duration.seconds(2)
   */
  readonly loopWait?: Duration;

  /**
   * How long a DCS or PostgreSQL operation is retried before the leader demotes
   * itself. Patroni's minimum is 3 s.
   *
   * @default - 3 s on Patroni 3.0 (with ttl 8 and loop_wait 2 the rule holds exactly); 8 s on Patroni 4.1
   */
  readonly retryTimeout?: Duration;
}
