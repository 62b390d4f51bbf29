/*
 * What the API server would reject in an object before any controller sees it:
 * apiVersion/kind, ObjectMeta (name, namespace, labels, annotations), and the kind's schema:
 * - custom resources of CloudNativePG, the Barman Cloud plugin and prometheus-operator:
 *   their full structural schema, generated from the vendored CRDs (crd-schemas.generated.ts);
 *   Crunchy PGO's PostgresCluster likewise (crd-schemas-pgo.generated.ts, 340 KB: loaded and
 *   parsed only when the input has an object of its group);
 * - the built-in kinds the checklist reads (PodDisruptionBudget, the workloads whose pods it
 *   models): the fields it reads (core-schemas.ts); other fields are not checked;
 * - other kinds: apiVersion, kind and metadata only.
 */
import { apiGroup, isClusterScoped as isClusterScopedKind } from '../../../core/cluster-scoped';
import { CORE_SCHEMAS, coreRuleProblems } from './core-schemas';
import { CRD_SCHEMAS_JSON } from './crd-schemas.generated';
import { childPath, describeValue, SchemaProblem, StructuralSchema, validateStructural } from './structural-schema';

export { SchemaProblem } from './structural-schema';

interface CrdEntry { readonly scope: 'Namespaced' | 'Cluster'; readonly schema: StructuralSchema }

let crdSchemas: { [gvk: string]: CrdEntry } | undefined;
/** Groups whose schemas are a module of their own, loaded on first use (scripts/check-schemas.mjs LAZY_GROUPS). */
const LAZY_GROUPS: { [group: string]: () => string } = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  'postgres-operator.crunchydata.com': () => require('./crd-schemas-pgo.generated').CRD_SCHEMAS_JSON,
};
const lazySchemas = new Map<string, { [gvk: string]: CrdEntry }>();

/** The schemas of `group` (every group but the lazy ones share one module, parsed on first use). */
function crds(group: string): { [gvk: string]: CrdEntry } {
  const lazy = LAZY_GROUPS[group];
  if (lazy) {
    let m = lazySchemas.get(group);
    if (!m) lazySchemas.set(group, m = JSON.parse(lazy()));
    return m!;
  }
  crdSchemas ??= JSON.parse(CRD_SCHEMAS_JSON);
  return crdSchemas!;
}

/** Whether objects of this group and kind live outside namespaces: the vendored CRD's scope, else lib/core's list. */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const group = apiGroup(apiVersion);
  const crd = crds(group)[`${group}/${version}/${kind}`];
  if (crd) return crd.scope === 'Cluster';
  return isClusterScopedKind(apiVersion, kind);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isMap(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'its prefix must be a DNS subdomain (lowercase letters, digits, - and .)';
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return 'its name must be 1-63 letters, digits, -, _ or ., starting and ending with a letter or digit';
  return undefined;
}

function metadataProblems(obj: { [key: string]: unknown }, clusterScoped: boolean): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const meta = obj.metadata;
  if (meta === undefined || meta === null) return [{ path: 'metadata', message: 'is required (every object needs metadata.name)' }];
  if (!isMap(meta)) return [{ path: 'metadata', message: `must be a map, got ${describeValue(meta)}` }];
  if (meta.name === undefined || meta.name === null || meta.name === '') {
    problems.push({ path: 'metadata.name', message: meta.generateName !== undefined ? 'is required: kubectl apply cannot use metadata.generateName' : 'is required' });
  } else if (typeof meta.name !== 'string') {
    problems.push({ path: 'metadata.name', message: `must be a string, got ${describeValue(meta.name)}` });
  } else if (meta.name.length > 253 || !DNS_SUBDOMAIN.test(meta.name)) {
    problems.push({ path: 'metadata.name', message: `${JSON.stringify(meta.name)} is not a valid name (lowercase letters, digits, - and ., at most 253 characters, starting and ending with a letter or digit)` });
  }
  if (meta.namespace !== undefined && meta.namespace !== null) {
    if (typeof meta.namespace !== 'string') problems.push({ path: 'metadata.namespace', message: `must be a string, got ${describeValue(meta.namespace)}` });
    else if (clusterScoped) problems.push({ path: 'metadata.namespace', message: `${obj.kind} objects are not namespaced: remove it` });
    else if (meta.namespace.length > 63 || !DNS_LABEL.test(meta.namespace)) problems.push({ path: 'metadata.namespace', message: `${JSON.stringify(meta.namespace)} is not a valid namespace name (a DNS label)` });
  }
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (m === undefined || m === null) continue;
    const base = `metadata.${field}`;
    if (!isMap(m)) { problems.push({ path: base, message: `must be a map of strings, got ${describeValue(m)}` }); continue; }
    for (const [k, v] of Object.entries(m)) {
      const p = childPath(base, k);
      const keyProblem = labelKeyProblem(k);
      if (keyProblem) problems.push({ path: p, message: `invalid key: ${keyProblem}` });
      if (typeof v !== 'string') {
        validateStructural(v, { type: 'string' }, p, problems);
      } else if (field === 'labels' && (v.length > 63 || !LABEL_VALUE.test(v))) {
        problems.push({ path: p, message: `${JSON.stringify(v)} is not a valid label value (at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit)` });
      }
    }
  }
  return problems;
}

/**
 * What the API server would reject in `obj`, as `path: message` problems (empty when
 * valid). `obj` is a parsed document that is a map.
 */
export function objectProblems(obj: { [key: string]: unknown }): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') problems.push({ path: 'apiVersion', message: obj.apiVersion === undefined ? 'is required' : `must be a string, got ${describeValue(obj.apiVersion)}` });
  if (typeof obj.kind !== 'string' || obj.kind === '') problems.push({ path: 'kind', message: obj.kind === undefined ? 'is required' : `must be a string, got ${describeValue(obj.kind)}` });
  if (problems.length > 0) return problems;
  const apiVersion = obj.apiVersion as string;
  const kind = obj.kind as string;
  const group = apiGroup(apiVersion);
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  problems.push(...metadataProblems(obj, isClusterScoped(apiVersion, kind)));
  const crd = crds(group)[`${group}/${version}/${kind}`];
  const core = CORE_SCHEMAS[`${apiVersion}/${kind}`];
  const schema = crd?.schema ?? core;
  if (schema) {
    validateStructural(obj, schema, '', problems, ROOT_METADATA);
    problems.push(...coreRuleProblems(apiVersion, kind, obj));
  } else if (knownGroupWrongVersion(group, kind)) {
    problems.push({ path: 'apiVersion', message: `${apiVersion} does not serve ${kind} (the vendored CRD serves ${servedVersions(group, kind).join(', ')})` });
  }
  return problems;
}

const ROOT_METADATA: ReadonlySet<string> = new Set(['metadata']);

function servedVersions(group: string, kind: string): string[] {
  return Object.keys(crds(group)).filter((k) => k.startsWith(`${group}/`) && k.endsWith(`/${kind}`)).map((k) => `${group}/${k.split('/')[1]}`);
}

function knownGroupWrongVersion(group: string, kind: string): boolean {
  return servedVersions(group, kind).length > 0;
}
