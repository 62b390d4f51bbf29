import { k8s } from 'cdk8s-plus-28';
import type { ExternalEgress } from './engine-network-profile';
import { NAMESPACE_NAME_LABEL, ResolvedPeer } from './network-peer';

/** Building blocks of the NetworkPolicies this library renders. */

/** TCP ports as NetworkPolicy ports. */
export function tcp(...ports: number[]): k8s.NetworkPolicyPort[] {
  return [...new Set(ports)].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

/** Pods with `labels` in the policy's own namespace. */
export function samePodsPeer(labels: { [key: string]: string }): k8s.NetworkPolicyPeer {
  return { podSelector: { matchLabels: { ...labels } } };
}

/** Pods with `labels` (every pod when empty) in the namespace called `namespace`. */
export function namespacedPeer(namespace: string, labels: { [key: string]: string } = {}): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector: { matchLabels: { ...labels } } };
}

/** A user's peer as a NetworkPolicy peer. */
export function userPeer(peer: ResolvedPeer): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...peer.podLabels }, matchExpressions: peer.matchExpressions?.length ? peer.matchExpressions : undefined };
  return peer.namespace === undefined ? { podSelector } : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } }, podSelector };
}

/** Cluster DNS (CoreDNS/kube-dns in kube-system), UDP and TCP 53. */
export function dnsEgress(): k8s.NetworkPolicyEgressRule {
  return {
    to: [namespacedPeer('kube-system', { 'k8s-app': 'kube-dns' })],
    ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
  };
}

/** The Kubernetes API server (TCP 443 and 6443) within `cidr`. */
export function kubernetesApiEgress(cidr: string): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr } }], ports: tcp(443, 6443) };
}

/** Endpoints whose addresses are unknown at synth time: any address, on their ports only. */
export function anyAddressEgress(ports: number[]): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(...ports) };
}

/**
 * Egress to a destination outside the cluster's pods: its address ranges and pods on its
 * ports, or any address on its ports when it names neither.
 */
export function externalEgressRule(external: ExternalEgress): k8s.NetworkPolicyEgressRule {
  const cidrs = external.cidrs ?? [];
  const peers = external.peers ?? [];
  if (cidrs.length === 0 && peers.length === 0) return anyAddressEgress(external.ports);
  return {
    to: [...[...new Set(cidrs)].map((cidr) => ({ ipBlock: { cidr } })), ...peers.map((p) => userPeer(p.resolve()))],
    ports: tcp(...external.ports),
  };
}

/** An object store endpoint (address unknown at synth time: any address, on its port). */
export function objectStoreEgress(ports: number[]): k8s.NetworkPolicyEgressRule {
  return anyAddressEgress(ports);
}

/** Port of an S3 endpoint URL (443 without one: AWS S3 over HTTPS). */
export function endpointPort(endpoint: string | undefined): number {
  if (!endpoint) return 443;
  try {
    const url = new URL(endpoint);
    if (url.port) return Number(url.port);
    return url.protocol === 'http:' ? 80 : 443;
  } catch {
    return 443;
  }
}
