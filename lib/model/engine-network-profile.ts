import type { NetworkPeer } from './network-peer';

/**
 * A destination outside the cluster's pods that the instances must reach: one egress rule
 * to `cidrs` and `peers` on `ports`. With neither, the destination cannot be named in a
 * NetworkPolicy and the rule allows any address on `ports`.
 */
export interface ExternalEgress {
  /** What the destination is, for messages (e.g. "etcd (Patroni's DCS)"). */
  readonly description: string;
  /** The property that names the destination, for error messages (e.g. `engine.dcs`). */
  readonly property: string;
  /** TCP ports. */
  readonly ports: number[];
  /**
   * Address ranges (`ipBlock` peers).
   *
   * @default - none
   */
  readonly cidrs?: string[];
  /**
   * Pods (pod and namespace selector peers).
   *
   * @default - none
   */
  readonly peers?: NetworkPeer[];
  /**
   * A synth warning to record on the cluster when the rule is rendered (e.g. why it allows
   * any address, and how to narrow it).
   *
   * @default - none
   */
  readonly warning?: string;
}

/**
 * What an engine's pods need on the network, so that NetworkPolicies can be rendered
 * for it. Engines without a profile get no NetworkPolicies (and a synth warning).
 */
export interface IEngineNetworkProfile {
  /** PostgreSQL port of the instance pods. */
  readonly postgresPort: number;
  /** Other ports instances of one cluster use between each other (e.g. an instance manager's status port). */
  readonly peerPorts: number[];
  /** Port of the instances' metrics exporter. */
  readonly instanceMetricsPort: number;
  /** Port of the poolers' metrics exporter. */
  readonly poolerMetricsPort: number;
  /**
   * Labels of the operator's pods (in the operator namespace).
   *
   * @default - the engine has no operator: no operator rule
   */
  readonly operatorPodLabels?: { [key: string]: string };
  /** Ports of the instances the operator connects to. */
  readonly operatorPorts: number[];
  /** True when instance pods call the Kubernetes API (status updates, leader election, DCS). */
  readonly instancesNeedKubernetesApi: boolean;
  /**
   * True when pooler pods call the Kubernetes API (CloudNativePG's pooler watches its Pooler and Secrets).
   *
   * @default true
   */
  readonly poolersNeedKubernetesApi?: boolean;
  /**
   * Destinations outside the cluster's pods that the instances must reach (e.g. the etcd
   * cluster Patroni uses as its DCS), each rendered as one egress rule.
   *
   * @default - none
   */
  readonly externalEgress?: ExternalEgress[];
  /** Labels of every pod of the cluster `clusterName`: instances and the engine's jobs (e.g. a new replica's base backup). */
  clusterPodLabels(clusterName: string): { [key: string]: string };
  /** Labels that select every pod of the pool `poolName` (and no other pod). */
  poolerPodLabels(poolName: string): { [key: string]: string };
}
