
/**
 * The zone placement rules every engine renders for instances and pools, in the shape
 * Kubernetes (and CloudNativePG's pass-through fields) take them.
 */

/** Where pods may run: named zones (optional) and the node label that names a zone. */
export interface ZonePlacement {
  readonly zones?: string[];
  readonly zoneTopologyKey: string;
}

/**
 * Node affinity that keeps pods in the named zones; undefined when no zones are named (the
 * API server refuses `In` without values: an empty list is refused at synth as placement.zones).
 */
export function namedZonesAffinity(i: ZonePlacement) {
  if (!i.zones || i.zones.length === 0) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: i.zoneTopologyKey, operator: 'In', values: [...i.zones] }] }],
    },
  };
}

/** One pod per zone (maxSkew 1, DoNotSchedule) over the pods selected by `matchLabels`. */
export function zoneSpread(i: ZonePlacement, matchLabels: { [key: string]: string }) {
  return { maxSkew: 1, topologyKey: i.zoneTopologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } };
}
