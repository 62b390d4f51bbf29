/**
 * Where Patroni keeps the leader lock and the cluster state (its DCS).
 */
export class PatroniDcs {
  /**
   * The Kubernetes API of the cluster's namespace, with the leader lock in an
   * Endpoints object (`use_endpoints`): Patroni writes the leader's lock and its
   * address in one update. Needs no other service; the usual choice on Kubernetes.
   * Rendered with a namespaced Role (no ClusterRole: `bypass_api_service` stays off).
   */
  public static kubernetes(): PatroniDcs {
    return new PatroniDcs('kubernetes', []);
  }

  /**
   * An existing etcd cluster, through the etcd v3 API (`etcd3`), given by its client
   * URLs, e.g. `['http://etcd-0.etcd:2379', 'http://etcd-1.etcd:2379']`. All URLs
   * must use the same scheme. Patroni does not label pods with this DCS, so the pods
   * label themselves from Patroni's role-change callback (pods `get`/`patch` only).
   */
  public static etcd(endpoints: string[]): PatroniDcs {
    return new PatroniDcs('etcd3', [...endpoints]);
  }

  private constructor(
    /** `kubernetes` or `etcd3` (the Patroni configuration section). */
    public readonly kind: string,
    /** etcd client URLs (empty for the Kubernetes DCS). */
    public readonly endpoints: string[],
  ) {}
}
