/**
 * The pod/PDB model lives in lib/monitoring/readiness/pod-model.ts (the readiness
 * checklist uses it at run time); re-exported here for the tests.
 */
export { modelPdbs, modelPods, podsUnderSeveralPdbs, podsWithoutPdb, selects } from '../../lib/monitoring/readiness/pod-model';
export type { ModelPdb, ModelPod } from '../../lib/monitoring/readiness/pod-model';
