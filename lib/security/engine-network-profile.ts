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
   * Ports the instances must reach at addresses unknown at synth time, outside the cluster's
   * pods (e.g. an external etcd used as Patroni's DCS).
   *
   * @default - none
   */
  readonly externalEgressPorts?: number[];
  /** Labels of every pod of the cluster `clusterName`: instances and the engine's jobs (e.g. a new replica's base backup). */
  clusterPodLabels(clusterName: string): { [key: string]: string };
  /** Labels that select every pod of the pool `poolName` (and no other pod). */
  poolerPodLabels(poolName: string): { [key: string]: string };
}
