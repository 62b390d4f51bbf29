import { BlockList, isIP } from 'node:net';
import { selectorMatches } from '../core/label-selector';

/** One end of a connection: a pod (namespace and labels) or an address outside the cluster. */
export interface NetworkEndpoint {
  /**
   * Namespace of the pod.
   *
   * @default - the model's default namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the pod. Leave undefined (and set `ip`) for an address outside the cluster.
   *
   * @default - not a pod
   */
  readonly labels?: { [key: string]: string };
  /**
   * Labels of the pod's namespace.
   *
   * @default - `kubernetes.io/metadata.name: <namespace>`, as Kubernetes sets it
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * IP address (matched by `ipBlock` peers). Pods without one are never matched by `ipBlock`.
   *
   * @default - none
   */
  readonly ip?: string;
}

/**
 * Evaluates the NetworkPolicies of a set of manifests, as a NetworkPolicy-enforcing CNI
 * would: a connection is allowed when the source's egress and the destination's
 * ingress both allow it (a pod no policy selects for a direction is open in it).
 * Pure: nothing runs; use it to assert reachability in tests.
 */
export class NetworkPolicyModel {
  private readonly policies: any[];

  /** `defaultNamespace` is used for manifests and endpoints without a namespace. */
  public constructor(manifests: any[], private readonly defaultNamespace = 'default') {
    this.policies = manifests.filter((m) => m?.kind === 'NetworkPolicy');
  }

  /** True when `from` may open a connection to `to` on `port`/`protocol`. */
  public allows(from: NetworkEndpoint, to: NetworkEndpoint, port: number, protocol = 'TCP'): boolean {
    return this.direction(from, 'Egress', to, port, protocol) && this.direction(to, 'Ingress', from, port, protocol);
  }

  /** Names of the policies that select `pod` for `direction` (`Ingress` or `Egress`). */
  public policiesSelecting(pod: NetworkEndpoint, direction: string): string[] {
    return this.selecting(pod, direction).map((p) => p.metadata?.name);
  }

  private selecting(pod: NetworkEndpoint, direction: string): any[] {
    if (pod.labels === undefined) return [];
    const ns = pod.namespace ?? this.defaultNamespace;
    return this.policies.filter((p) => (p.metadata?.namespace ?? this.defaultNamespace) === ns &&
      policyTypes(p).includes(direction) && selectorMatches(p.spec?.podSelector ?? {}, pod.labels ?? {}));
  }

  private direction(subject: NetworkEndpoint, direction: 'Ingress' | 'Egress', peer: NetworkEndpoint, port: number, protocol: string): boolean {
    if (subject.labels === undefined) return true; // not a pod: no policy applies to it
    const policies = this.selecting(subject, direction);
    if (policies.length === 0) return true;
    return policies.some((p) => {
      const rules: any[] = (direction === 'Ingress' ? p.spec?.ingress : p.spec?.egress) ?? [];
      const policyNs = p.metadata?.namespace ?? this.defaultNamespace;
      return rules.some((r) => portsMatch(r.ports, port, protocol) &&
        peersMatch(direction === 'Ingress' ? r.from : r.to, peer, policyNs, this.defaultNamespace));
    });
  }
}

function policyTypes(p: any): string[] {
  if (p.spec?.policyTypes) return p.spec.policyTypes;
  return p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function portsMatch(ports: any[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol &&
    (p.port === undefined || (typeof p.port === 'number' && (p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port))));
}

function peersMatch(peers: any[] | undefined, target: NetworkEndpoint, policyNs: string, defaultNs: string): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) return target.ip !== undefined && inBlock(target.ip, peer.ipBlock);
    if (target.labels === undefined) return false;
    const ns = target.namespace ?? defaultNs;
    if (peer.namespaceSelector) {
      const nsLabels = target.namespaceLabels ?? { 'kubernetes.io/metadata.name': ns };
      return selectorMatches(peer.namespaceSelector, nsLabels) && selectorMatches(peer.podSelector ?? {}, target.labels);
    }
    return ns === policyNs && selectorMatches(peer.podSelector ?? {}, target.labels);
  });
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  const list = (cidr: string): BlockList => {
    const b = new BlockList();
    const [addr, prefix] = cidr.split('/');
    b.addSubnet(addr, Number(prefix), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
    return b;
  };
  if (!list(block.cidr).check(ip, family)) return false;
  return !(block.except ?? []).some((e) => list(e).check(ip, family));
}
