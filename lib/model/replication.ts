/**
 * What happens to writes when no synchronous standby is available.
 */
export enum DataDurability {
  /**
   * Commits wait until the configured number of standbys have the WAL (RPO 0).
   * If every standby is gone, writes block until one comes back: durability over
   * availability. The default.
   */
  REQUIRED = 'required',
  /**
   * Commits wait for standbys only while enough are healthy; when none is left, the
   * primary keeps accepting writes alone. Availability over durability: a failover
   * right after such a period can lose acknowledged commits (RPO > 0).
   */
  PREFERRED = 'preferred',
}

/** How the primary instance is updated after the standbys during a rolling update. */
export enum PrimaryUpdateMethod {
  /**
   * Switch over to the most up-to-date standby, then update the old primary as a
   * standby: a write outage of a few seconds, no restart of the serving primary. Default.
   */
  SWITCHOVER = 'switchover',
  /** Restart the primary in place: longer write outage, no change of primary. */
  RESTART = 'restart',
}
