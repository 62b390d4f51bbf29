/** Who owns the instances' disruption budgets. */
export enum DisruptionBudgetOwner {
  /** One PodDisruptionBudget rendered by this library. */
  LIBRARY = 'library',
  /** The engine's (its operator's) own budgets; needs an engine whose `disruptionBudgets.operatorManaged` is true. */
  OPERATOR = 'operator',
}

/**
 * Who protects the instances against voluntary disruptions (node drains).
 *
 * Kubernetes' eviction API answers HTTP 500 for a pod selected by more than one
 * PodDisruptionBudget, and node drains then hang; each policy therefore guarantees
 * that every instance pod is covered by exactly one budget.
 */
export class DisruptionBudget {
  /**
   * One PodDisruptionBudget owned by this library over all instances, with
   * `minAvailable` (default 2) and `unhealthyPodEvictionPolicy: AlwaysAllow` (a crashing
   * pod never blocks a drain). The operator's own budgets are switched off.
   *
   * Trade-off: Kubernetes may evict the primary like any other instance, so a drain
   * of the primary's node causes a failover rather than a planned switchover (a few
   * seconds of write outage, no data loss with synchronous replication). In return
   * drains never hang on the operator's drain bugs (cloudnative-pg#10103, #11202).
   * The default.
   */
  public static minAvailable(count = 2): DisruptionBudget {
    return new DisruptionBudget(DisruptionBudgetOwner.LIBRARY, count);
  }

  /**
   * The engine's own budgets (for CloudNativePG: `<cluster>-primary`, minAvailable 1 over
   * the primary, and `<cluster>`, minAvailable instances-2 over the replicas).
   *
   * Trade-off: the operator switches over before the primary's eviction (a planned,
   * cleaner handover), but open operator bugs can leave drains blocked or the cluster
   * on its primary alone during a drain: cloudnative-pg#10103 (the replica budget
   * matches no pod during a switchover) and #11202 (no switchover when the primary is
   * not the lowest-numbered pod, so the drain hangs).
   */
  public static operatorManaged(): DisruptionBudget {
    return new DisruptionBudget(DisruptionBudgetOwner.OPERATOR, undefined);
  }

  private constructor(
    /** Who owns the budgets. */
    public readonly owner: DisruptionBudgetOwner,
    /** minAvailable of the library's budget; undefined when the operator owns the budgets. */
    public readonly minAvailableCount: number | undefined,
  ) {}
}
