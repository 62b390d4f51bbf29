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
}
