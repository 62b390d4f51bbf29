/**
 * What the cluster must survive. High availability is the default; a standalone
 * instance exists for development and tests and must be asked for explicitly.
 */
export class ClusterMode {
  /**
   * Primary plus standbys spread over zones (default: 3 instances = primary,
   * synchronous standby, asynchronous standby).
   *
   * @param instances number of PostgreSQL instances, at least 3.
   */
  public static highAvailability(instances = 3): ClusterMode {
    return new ClusterMode(true, instances);
  }

  /**
   * A single instance: no standby, no synchronous replication, no disruption budget.
   * Loses data and availability with its node or volume; synthesis prints a warning.
   */
  public static standalone(): ClusterMode {
    return new ClusterMode(false, 1);
  }

  private constructor(public readonly highlyAvailable: boolean, public readonly instances: number) {}
}
