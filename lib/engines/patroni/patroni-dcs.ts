import type { NetworkPeer } from '../../model/network-peer';

/**
 * Where the etcd DCS runs, for the members' NetworkPolicy. A NetworkPolicy names pods
 * (by labels) or address ranges, never host names: endpoints given as IP addresses are
 * allowed as they are (`/32`, `/128`); for endpoints given by host name, say here which
 * pods or ranges they lead to.
 */
export interface PatroniEtcdNetworkProps {
  /**
   * The etcd pods, e.g. `NetworkPeer.podsWithLabels({ 'app.kubernetes.io/name': 'etcd' }, 'etcd')`
   * for an etcd StatefulSet in namespace `etcd` (its Service names resolve to these pods).
   *
   * @default - none
   */
  readonly peers?: NetworkPeer[];

  /**
   * Address ranges of the etcd members, e.g. `['10.0.4.0/24']` for etcd on VMs outside
   * the Kubernetes cluster.
   *
   * @default - none
   */
  readonly cidrs?: string[];
}

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
    return new PatroniDcs('kubernetes', [], [], []);
  }

  /**
   * An existing etcd cluster, through the etcd v3 API (`etcd3`), given by its client
   * URLs, e.g. `['http://etcd-0.etcd:2379', 'http://etcd-1.etcd:2379']`. All URLs
   * must use the same scheme. Patroni does not label pods with this DCS, so the pods
   * label themselves from Patroni's role-change callback (pods `get`/`patch` only).
   *
   * The members' NetworkPolicy allows egress to the endpoints on their ports: to the
   * addresses of URLs with an IP address, and to `network.peers` and `network.cidrs`.
   * URLs with a host name and no `network` leave only one choice, egress to any address
   * on the etcd ports, and synthesis warns.
   */
  public static etcd(endpoints: string[], network?: PatroniEtcdNetworkProps): PatroniDcs {
    return new PatroniDcs('etcd3', [...endpoints], [...(network?.peers ?? [])], [...(network?.cidrs ?? [])]);
  }

  private constructor(
    /** `kubernetes` or `etcd3` (the Patroni configuration section). */
    public readonly kind: string,
    /** etcd client URLs (empty for the Kubernetes DCS). */
    public readonly endpoints: string[],
    /** Pods the etcd endpoints lead to (etcd DCS only). */
    public readonly etcdPeers: NetworkPeer[],
    /** Address ranges the etcd endpoints lead to (etcd DCS only). */
    public readonly etcdCidrs: string[],
  ) {}
}
