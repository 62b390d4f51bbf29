import { ApiObject, Lazy } from 'cdk8s';
import { addSynthValidation, libraryStateChanged } from '../core/app-index';
import { k8s } from 'cdk8s-plus-28';
import type { IClusterModel } from '../model/cluster-engine';
import { SynthWarnings } from '../core/synth-warnings';
import type { IEngineNetworkProfile } from '../model/engine-network-profile';
import { ConfigErrors } from '../core/config-error';
import { checkPeers, NetworkPeer } from '../model/network-peer';
import type { ResolvedNetworkSecurity } from '../model/network-security';
import { anyAddressEgress, dnsEgress, externalEgressRule, endpointPort, kubernetesApiEgress, namespacedPeer, objectStoreEgress, samePodsPeer, tcp, userPeer } from '../model/policy-rules';

/**
 * Who may connect to a cluster's instances. Renders one NetworkPolicy (`<cluster>-instances`,
 * child id `NetworkPolicy`) that selects the instance pods with default deny for ingress
 * and egress, then allows: the cluster's own pods (replication, status), the operator, the
 * cluster's pools, the peers given to `allowFrom()`, and metrics scrapes from the
 * monitoring namespace; out: DNS, the other instances, the Kubernetes API and the archive.
 * Produced lazily, so `allowFrom()` and pools added later land in it.
 */
export class ClusterConnections {
  private readonly peers: NetworkPeer[] = [];
  private readonly targets: IClusterModel[] = [];
  private readonly externalPorts: number[] = [];

  public constructor(private readonly cluster: IClusterModel, public readonly settings: ResolvedNetworkSecurity) {
    if (!settings.enabled) return;
    const profile = cluster.engine.networkProfile();
    addSynthValidation(cluster, () => this.peerErrors(profile));
    if (!profile) {
      SynthWarnings.add(cluster, `the engine ${cluster.engine.name} does not describe its network needs yet: no NetworkPolicy is rendered, so every pod can reach the instances. Add your own policies.`);
      return;
    }
    for (const external of profile.externalEgress ?? []) {
      if (external.warning) SynthWarnings.add(cluster, external.warning);
    }
    new ApiObject(cluster, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${cluster.clusterName}-instances`, labels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': cluster.clusterName } },
      spec: Lazy.any({ produce: () => k8s.toJson_NetworkPolicySpec(this.policySpec(profile)) }),
    });
  }

  /**
   * Lets `peer` connect to the instances' PostgreSQL port. Applications should go
   * through a PgBouncerPool instead (allow them on the pool's `connections`); use this
   * for clients that need a direct session (migrations, logical replication, admin jobs).
   */
  public allowFrom(peer: NetworkPeer): void {
    libraryStateChanged();
    this.peers.push(peer);
    // A cluster allowed in must also be allowed out (its instances are under default deny too).
    if (peer.sourceCluster && peer.sourceCluster !== this.cluster) peer.sourceCluster.connections.allowTo(this.cluster);
  }

  /** Lets the instances connect to the PostgreSQL port of `cluster`'s instances (used by `allowFrom(NetworkPeer.fromCluster(...))`). */
  public allowTo(cluster: IClusterModel): void {
    libraryStateChanged();
    if (!this.targets.includes(cluster)) this.targets.push(cluster);
  }

  /**
   * Lets the instances connect to a PostgreSQL server outside the app (an external
   * logical replication publisher) on `port`. Its address is unknown at synth time, so any
   * address is allowed on that port only.
   */
  public allowExternalPostgres(port: number): void {
    libraryStateChanged();
    if (!this.externalPorts.includes(port)) this.externalPorts.push(port);
  }

  /** Peers given to `allowFrom()`, in order. */
  public get allowedPeers(): NetworkPeer[] {
    return [...this.peers];
  }

  private peerErrors(profile: IEngineNetworkProfile | undefined): string[] {
    const errors = new ConfigErrors();
    checkPeers(errors, 'connections.allowFrom()', this.peers);
    for (const external of profile?.externalEgress ?? []) {
      checkPeers(errors, `${external.property}.peers`, external.peers ?? []);
    }
    return errors.messages;
  }

  private policySpec(profile: IEngineNetworkProfile): k8s.NetworkPolicySpec {
    const c = this.cluster;
    const s = this.settings;
    const instances = c.engine.instanceLabels(c.clusterName);
    const clusterPods = profile.clusterPodLabels(c.clusterName);
    const pg = profile.postgresPort;
    const ingress: k8s.NetworkPolicyIngressRule[] = [
      // Replication, and the cluster's own jobs (a new replica's base backup) and status calls.
      { from: [samePodsPeer(clusterPods)], ports: tcp(pg, ...profile.peerPorts) },
    ];
    if (profile.operatorPodLabels) {
      ingress.push({ from: [namespacedPeer(s.operatorNamespace, profile.operatorPodLabels)], ports: tcp(...profile.operatorPorts) });
    }
    // The cluster's pools (registered by PgBouncerPool) reach the instances.
    const pools = c.attachments.pools.map((p) => p.intent.name);
    if (pools.length > 0) {
      ingress.push({ from: pools.map((p) => samePodsPeer(profile.poolerPodLabels(p))), ports: tcp(pg) });
    }
    if (this.peers.length > 0) ingress.push({ from: this.peers.map((p) => userPeer(p.resolve())), ports: tcp(pg) });
    ingress.push({ from: [namespacedPeer(s.monitoringNamespace)], ports: tcp(profile.instanceMetricsPort) });

    const egress: k8s.NetworkPolicyEgressRule[] = [
      dnsEgress(),
      { to: [samePodsPeer(instances)], ports: tcp(pg, ...profile.peerPorts) },
    ];
    for (const t of this.targets) {
      const target = NetworkPeer.fromCluster(t).resolve();
      egress.push({ to: [userPeer(target)], ports: tcp(t.port) });
    }
    if (profile.instancesNeedKubernetesApi) egress.push(kubernetesApiEgress(s.kubernetesApiCidr));
    for (const external of profile.externalEgress ?? []) egress.push(externalEgressRule(external));
    if (this.externalPorts.length > 0) egress.push(anyAddressEgress(this.externalPorts));
    const stores: number[] = [];
    if (c.walArchive) stores.push(endpointPort(c.walArchive.destination.endpoint));
    if (c.bootstrap.source) stores.push(endpointPort(c.bootstrap.source.destination.endpoint));
    if (stores.length > 0) egress.push(objectStoreEgress(stores));

    return { podSelector: { matchLabels: instances }, policyTypes: ['Ingress', 'Egress'], ingress, egress };
  }
}
