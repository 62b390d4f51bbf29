import { ApiObject, Lazy } from 'cdk8s';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IClusterModel } from '../model/cluster-engine';
import { ConfigErrors } from '../core/config-error';
import { checkPeers, NetworkPeer } from '../model/network-peer';
import { dnsEgress, kubernetesApiEgress, namespacedPeer, samePodsPeer, tcp, userPeer } from '../model/policy-rules';

/**
 * Who may connect to a pool. Renders one NetworkPolicy (named like the pool, child id
 * `NetworkPolicy`) selecting the pool's pods with default deny, allowing in only the
 * peers given to `allowFrom()` (and metrics scrapes from the monitoring namespace), and
 * out only DNS, the cluster's instances and the Kubernetes API. Apps allowed here are
 * not allowed into the cluster: they reach it through PgBouncer.
 */
export class PoolConnections {
  private readonly peers: NetworkPeer[] = [];

  public constructor(pool: Construct, poolName: string, port: number, cluster: IClusterModel) {
    const settings = cluster.connections.settings;
    const profile = cluster.engine.networkProfile();
    if (!settings.enabled || !profile) return;
    addSynthValidation(pool, () => {
      const errors = new ConfigErrors();
      checkPeers(errors, 'connections.allowFrom()', this.peers);
      return errors.messages;
    });
    const instances = cluster.engine.instanceLabels(cluster.clusterName);
    new ApiObject(pool, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: poolName, labels: { 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': poolName } },
      spec: Lazy.any({
        produce: () => {
          const ingress: k8s.NetworkPolicyIngressRule[] = [];
          if (this.peers.length > 0) ingress.push({ from: this.peers.map((p) => userPeer(p.resolve())), ports: tcp(port) });
          ingress.push({ from: [namespacedPeer(settings.monitoringNamespace)], ports: tcp(profile.poolerMetricsPort) });
          return k8s.toJson_NetworkPolicySpec({
            podSelector: { matchLabels: profile.poolerPodLabels(poolName) },
            policyTypes: ['Ingress', 'Egress'],
            ingress,
            egress: [
              dnsEgress(),
              { to: [samePodsPeer(instances)], ports: tcp(profile.postgresPort) },
              // CloudNativePG's pooler instance manager watches its Pooler and Secrets.
              ...(profile.poolersNeedKubernetesApi ?? true ? [kubernetesApiEgress(settings.kubernetesApiCidr)] : []),
            ],
          });
        },
      }),
    });
  }

  /** Lets `peer` (an application) connect to the pool's PgBouncer port. */
  public allowFrom(peer: NetworkPeer): void {
    libraryStateChanged();
    this.peers.push(peer);
  }

  /** Peers given to `allowFrom()`, in order. */
  public get allowedPeers(): NetworkPeer[] {
    return [...this.peers];
  }
}
