import type { IClusterModel } from './cluster-engine';
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

import { ConfigErrors } from '../core/config-error';
import { isDnsLabel } from '../core/dns';
import type { IPodSelectorLike, LabelSelectorExpression } from '../core/workload-shapes';

/** Label key Kubernetes puts on every namespace (v1.22+): the namespace's own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Pods allowed to open connections to a cluster or a pool. A peer names pods by labels,
 * in one namespace (the policy's own when none is given), or every pod of a namespace.
 * Lazy: a peer made from a workload reads its labels at synth time.
 */
export class NetworkPeer {
  /**
   * The pods of a cdk8s-plus workload or pod (Deployment, StatefulSet, Job, Pod…), in its
   * chart's namespace. Any cdk8s-plus-2x/3x: the workload is taken by its shape.
   */
  public static fromWorkload(workload: IPodSelectorLike): NetworkPeer {
    return new NetworkPeer(`workload ${workload.node.path}`, () => {
      const selector = workload.toPodSelectorConfig().labelSelector._toKube();
      return { podLabels: selector.matchLabels ?? {}, matchExpressions: selector.matchExpressions, namespace: chartNamespace(workload) };
    });
  }

  /**
   * The instances of another HaPostgres, e.g. a cluster that subscribes to this one by
   * logical replication. Allowing it also opens that cluster's egress to this one.
   */
  public static fromCluster(cluster: IClusterModel): NetworkPeer {
    return new NetworkPeer(`cluster ${cluster.clusterName}`, () => ({
      podLabels: cluster.engine.instanceLabels(cluster.clusterName), namespace: chartNamespace(cluster),
    }), false, cluster);
  }

  /** Pods with all of `labels`, in `namespace` (default: the namespace of the cluster or pool). */
  public static podsWithLabels(labels: { [key: string]: string }, namespace?: string): NetworkPeer {
    const copy = { ...labels };
    return new NetworkPeer(`pods ${JSON.stringify(copy)}${namespace ? ` in namespace ${namespace}` : ''}`, () => ({ podLabels: copy, namespace }));
  }

  /** Every pod of `namespace`. Broad: prefer pod labels when the clients are known. */
  public static allPodsInNamespace(namespace: string): NetworkPeer {
    return new NetworkPeer(`every pod in namespace ${namespace}`, () => ({ podLabels: {}, namespace }), true);
  }

  private constructor(
    /** A human-readable description, used in messages. */
    public readonly description: string,
    private readonly resolver: () => ResolvedPeer,
    /** True when the peer is meant to select every pod of a namespace. */
    private readonly wholeNamespace = false,
    /** The cluster whose instances this peer is (`fromCluster()`), so its egress can be opened too. */
    public readonly sourceCluster?: IClusterModel,
  ) {}

  /** True for `allPodsInNamespace()`. */
  public get selectsWholeNamespace(): boolean {
    return this.wholeNamespace;
  }

  /** Labels and namespace at synth time. */
  public resolve(): ResolvedPeer {
    return this.resolver();
  }
}

/** A peer's pod selector and namespace, as rendered into a NetworkPolicy rule. */
export interface ResolvedPeer {
  /** Pod labels (all must match); empty selects every pod of the namespace. */
  readonly podLabels: { [key: string]: string };
  /**
   * Label expressions of a workload selector, kept as Kubernetes renders them.
   *
   * @default - none
   */
  readonly matchExpressions?: LabelSelectorExpression[];
  /**
   * Namespace of the pods.
   *
   * @default - the namespace of the policy
   */
  readonly namespace?: string;
}

/**
 * Errors for peers that would select every pod of a namespace by accident (a workload
 * without selector labels, such as a cdk8s-plus Job, or empty labels).
 */
export function checkPeers(errors: ConfigErrors, property: string, peers: NetworkPeer[]): void {
  peers.forEach((peer, i) => {
    const r = peer.resolve();
    if (r.namespace !== undefined && !isDnsLabel(r.namespace)) {
      errors.add(`${property}[${i}]`, peer.description, `names namespace ${JSON.stringify(r.namespace)}, which is not a namespace name (a DNS label)`,
        'give the namespace as kubectl shows it, e.g. "analytics"');
    }
    if (peer.selectsWholeNamespace) return;
    if (Object.keys(r.podLabels).length === 0 && !(r.matchExpressions?.length)) {
      errors.add(`${property}[${i}]`, peer.description, 'selects no label, so it would allow every pod of the namespace',
        'label the pods (e.g. job.podMetadata.addLabel("app", "migrate")) and use NetworkPeer.podsWithLabels({ app: "migrate" }), or NetworkPeer.allPodsInNamespace(...) if every pod is meant');
    }
  });
}

function chartNamespace(scope: IConstruct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined;
  }
}
