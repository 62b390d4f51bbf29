/**
 * The pod/PDB model and the pod resources/QoS model live in
 * lib/monitoring/readiness/pod-model.ts (the readiness checklist uses them at run time);
 * re-exported here for the tests.
 */
export {
  describeContainers, modelPdbs, modelPodResources, modelPods, podQos, podResourcesOf, podsUnderSeveralPdbs, podsWithoutPdb, selects,
} from '../../lib/monitoring/readiness/pod-model';
export type { ModelContainer, ModelPdb, ModelPod, ModelPodResources, ModelResources, PodQos, QosClassName } from '../../lib/monitoring/readiness/pod-model';
