import { CHECKLIST, evaluateCluster, evaluateReadiness, PATRONI_CHECKLIST, ReadinessOptions, ReadinessReport } from './checklist';
import { READINESS_WARNING_PREFIX } from '../../model/readiness-evaluation';

/** One item of the production checklist, as listed by `ReadinessChecklist.items()`. */
export interface ReadinessItemInfo {
  readonly id: string;
  readonly title: string;
  /** A failing required item makes `ha-postgres check` exit 1; advisory items only report. */
  readonly required: boolean;
}

/**
 * The production-readiness checklist, evaluated on manifests (synthesized by this
 * library or hand-written CloudNativePG YAML). Patroni clusters rendered by the library
 * get the items that apply to them (`patroniItems()`). The same checks give the synth-time
 * warnings and the `ha-postgres check` command.
 */
export class ReadinessChecklist {
  /** Prefix of the synth-time readiness warnings. */
  public static readonly WARNING_PREFIX = READINESS_WARNING_PREFIX;

  /** The items, in report order. */
  public static items(): ReadinessItemInfo[] {
    return CHECKLIST.map(({ id, title, required }) => ({ id, title, required }));
  }

  /** The items evaluated for a Patroni cluster (the pod QoS items), in report order. */
  public static patroniItems(): ReadinessItemInfo[] {
    return PATRONI_CHECKLIST.map(({ id, title, required }) => ({ id, title, required }));
  }

  /** The checklist of every CloudNativePG Cluster and Patroni cluster among `manifests`. */
  public static evaluate(manifests: any[], options?: ReadinessOptions): ReadinessReport[] {
    return evaluateReadiness(manifests, { zoneTopologyKeys: options?.zoneTopologyKeys });
  }

  /** The checklist of one Cluster (throws when it is not among `manifests`). */
  public static evaluateCluster(manifests: any[], namespace: string, clusterName: string, options?: ReadinessOptions): ReadinessReport {
    return evaluateCluster(manifests, namespace, clusterName, { zoneTopologyKeys: options?.zoneTopologyKeys });
  }

  private constructor() {}
}
