import { Duration } from 'cdk8s';

/** How a toleration matches a taint's value. */
export enum TolerationOperator {
  /** The taint's value must equal the toleration's `value`. The default. */
  EQUAL = 'Equal',
  /** Any value of the taint's key (no `value` allowed). */
  EXISTS = 'Exists',
}

/** The effect of a node taint a toleration matches. */
export enum TaintEffect {
  /** Pods that do not tolerate the taint are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node for pods that do not tolerate the taint. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Pods that do not tolerate the taint are also evicted from the node. */
  NO_EXECUTE = 'NoExecute',
}

/**
 * A node taint the instances tolerate, as in a pod's `tolerations` (checked at synth time
 * with the rules of CloudNativePG's webhook).
 */
export interface NodeToleration {
  /**
   * The taint key. Empty matches every taint, and then `operator` must be `EXISTS`.
   *
   * @default - every key (with TolerationOperator.EXISTS)
   */
  readonly key?: string;
  /** @default TolerationOperator.EQUAL */
  readonly operator?: TolerationOperator;
  /**
   * The taint value (a label value) with `EQUAL`; none with `EXISTS`.
   *
   * @default ''
   */
  readonly value?: string;
  /**
   * The effect matched.
   *
   * @default - every effect
   */
  readonly effect?: TaintEffect;
  /**
   * With `NO_EXECUTE` only: how long an instance stays on a node after the taint appears.
   *
   * @default - forever
   */
  readonly tolerationSeconds?: Duration;
}

/** Where instances run: the failure domains they are spread over. */
export interface PlacementProps {
  /**
   * Zones to run in. When set, instances are restricted to these zones (node affinity)
   * and spread evenly over them. At least two distinct zones in high-availability mode.
   *
   * @default - any zone; instances are still spread one per zone
   */
  readonly zones?: string[];

  /**
   * Node label that names a node's zone.
   *
   * @default 'topology.kubernetes.io/zone'
   */
  readonly zoneTopologyKey?: string;

  /**
   * Node label that identifies a node; no two instances ever share a value.
   *
   * @default 'kubernetes.io/hostname'
   */
  readonly nodeTopologyKey?: string;

  /**
   * Node labels an instance's node must carry, e.g. `{ 'node-role.kubernetes.io/postgres': '' }`
   * for nodes dedicated to PostgreSQL (CloudNativePG's recommendation: PostgreSQL alone on
   * its nodes, so no other workload competes for their CPU, memory, disk and network).
   * The labelled nodes must span the zones, or instances stay Pending. The zone label is
   * refused here: name zones with `zones`.
   *
   * @default - any node
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints the instances tolerate, e.g. the `node-role.kubernetes.io/postgres:NoSchedule`
   * taint that keeps every other workload off dedicated PostgreSQL nodes.
   *
   * @default - none
   */
  readonly tolerations?: NodeToleration[];
}
