/*
 * Schemas of the built-in kinds whose fields the readiness checklist reads: the
 * PodDisruptionBudget and the workloads whose pods it models (labels, replicas). Only
 * those fields are described; every other field is accepted unchecked
 * (`x-kubernetes-preserve-unknown-fields`), since the built-in kinds' schemas are not
 * vendored here. Written from the Kubernetes API reference (policy/v1, apps/v1, batch/v1).
 */
import type { SchemaProblem, StructuralSchema } from './structural-schema';

const OPEN = { 'x-kubernetes-preserve-unknown-fields': true } as const;
const STRING_MAP: StructuralSchema = { type: 'object', additionalProperties: { type: 'string' } };

const LABEL_SELECTOR: StructuralSchema = {
  type: 'object',
  properties: {
    matchLabels: STRING_MAP,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const POD_TEMPLATE: StructuralSchema = {
  type: 'object', ...OPEN,
  properties: {
    metadata: { type: 'object', ...OPEN, properties: { labels: STRING_MAP, annotations: STRING_MAP } },
    spec: { type: 'object', ...OPEN },
  },
};

const REPLICATED: StructuralSchema = {
  type: 'object', ...OPEN,
  properties: {
    spec: {
      type: 'object', ...OPEN,
      properties: { replicas: { type: 'integer', minimum: 0 }, selector: LABEL_SELECTOR, template: POD_TEMPLATE },
    },
  },
};

const JOB_SPEC: StructuralSchema = { type: 'object', ...OPEN, properties: { template: POD_TEMPLATE, suspend: { type: 'boolean' } } };

/** `apiVersion/kind` -> partial schema. */
export const CORE_SCHEMAS: { readonly [apiVersionKind: string]: StructuralSchema } = {
  'policy/v1/PodDisruptionBudget': {
    type: 'object', ...OPEN,
    properties: {
      spec: {
        type: 'object', ...OPEN,
        properties: {
          minAvailable: { 'x-kubernetes-int-or-string': true },
          maxUnavailable: { 'x-kubernetes-int-or-string': true },
          selector: LABEL_SELECTOR,
          unhealthyPodEvictionPolicy: { type: 'string', enum: ['IfHealthyBudget', 'AlwaysAllow'] },
        },
      },
    },
  },
  'apps/v1/Deployment': REPLICATED,
  'apps/v1/StatefulSet': REPLICATED,
  'apps/v1/ReplicaSet': REPLICATED,
  'batch/v1/Job': { type: 'object', ...OPEN, properties: { spec: JOB_SPEC } },
  'batch/v1/CronJob': {
    type: 'object', ...OPEN,
    properties: {
      spec: {
        type: 'object', ...OPEN, required: ['schedule', 'jobTemplate'],
        properties: {
          schedule: { type: 'string' },
          suspend: { type: 'boolean' },
          jobTemplate: { type: 'object', ...OPEN, properties: { spec: JOB_SPEC } },
        },
      },
    },
  },
};

const PERCENT_OR_INT = /^[0-9]+%$/;

/** Rules of the built-in kinds beyond types (API validation in kubernetes pkg/apis/…/validation). */
export function coreRuleProblems(apiVersion: string, kind: string, obj: any): SchemaProblem[] {
  if (apiVersion !== 'policy/v1' || kind !== 'PodDisruptionBudget') return [];
  const spec = obj.spec ?? {};
  const problems: SchemaProblem[] = [];
  if (spec.minAvailable !== undefined && spec.minAvailable !== null && spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    problems.push({ path: 'spec', message: 'minAvailable and maxUnavailable cannot both be set' });
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    const v = spec[f];
    if (typeof v === 'string' && !PERCENT_OR_INT.test(v)) problems.push({ path: `spec.${f}`, message: `${JSON.stringify(v)} must be an integer or a percentage such as "50%"` });
    if (typeof v === 'number' && v < 0) problems.push({ path: `spec.${f}`, message: 'must not be negative' });
    if (typeof v === 'string' && PERCENT_OR_INT.test(v) && Number(v.slice(0, -1)) > 100) problems.push({ path: `spec.${f}`, message: 'must not be above 100%' });
  }
  return problems;
}
