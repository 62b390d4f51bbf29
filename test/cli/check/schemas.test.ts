import { readFileSync } from 'fs';
import { objectProblems } from '../../../lib/cli/check/schemas';
import { pathSegments, SchemaProblem, StructuralSchema, validateStructural } from '../../../lib/cli/check/schemas/structural-schema';

test('the generated CRD schemas are those of the vendored CRDs (node scripts/check-schemas.mjs)', async () => {
  const { generatedModule, GENERATED_PATH } = await import('../../../scripts/check-schemas.mjs' as string);
  expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(generatedModule());
});

const check = (value: unknown, schema: StructuralSchema): string[] => {
  const problems: SchemaProblem[] = [];
  validateStructural(value, schema, 'x', problems);
  return problems.map((p) => `${p.path}: ${p.message}`);
};

describe('structural schema semantics', () => {
  test.each<[string, unknown, StructuralSchema, string[]]>([
    ['int-or-string takes an integer', 3, { 'x-kubernetes-int-or-string': true }, []],
    ['int-or-string takes a string', '50%', { 'x-kubernetes-int-or-string': true }, []],
    ['int-or-string refuses a float', 1.5, { 'x-kubernetes-int-or-string': true }, ['x: must be an integer or a string, got the number 1.5']],
    ['null is pruned (not a type error)', null, { type: 'string' }, []],
    ['a required field given as null is missing', { a: null }, { type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, ['x.a: is required']],
    ['a nullable required field may be null', { a: null }, { type: 'object', required: ['a'], properties: { a: { type: 'string', nullable: true } } }, []],
    ['unknown fields', { a: 1, b: 2 }, { type: 'object', properties: { a: { type: 'integer' } } }, ['x.b: unknown field (kubectl rejects it)']],
    ['preserve-unknown-fields keeps them', { a: 1, b: 2 }, { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { a: { type: 'integer' } } }, []],
    ['an embedded resource has apiVersion, kind and metadata', { apiVersion: 'v1', kind: 'Secret', metadata: {} }, { 'type': 'object', 'x-kubernetes-embedded-resource': true, 'properties': {} }, []],
    ['a map of strings', { a: 'b', c: 3 }, { type: 'object', additionalProperties: { type: 'string' } }, ['x.c: must be a string, got the number 3 (quote it: Kubernetes does not convert numbers to strings)']],
    ['list-type set', ['a', 'b', 'a'], { 'type': 'array', 'items': { type: 'string' }, 'x-kubernetes-list-type': 'set' }, ['x[2]: duplicate entry the string "a" in a set']],
    ['list-type map', [{ name: 'a', v: 1 }, { name: 'a', v: 2 }], { 'type': 'array', 'items': { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }, ['x[1]: duplicate entry with name "a"']],
    ['bounds', 0, { type: 'integer', minimum: 1, maximum: 10 }, ['x: must be at least 1, got 0']],
    ['exclusive bounds', 10, { type: 'integer', maximum: 10, exclusiveMaximum: true }, ['x: must be less than 10, got 10']],
    ['pattern', 'Abc', { type: 'string', pattern: '^[a-z]+$' }, ['x: the string "Abc" does not match ^[a-z]+$']],
    ['length in characters', 'ééé', { type: 'string', maxLength: 3 }, []],
    ['min items', [], { type: 'array', minItems: 1 }, ['x: must have at least 1 item(s), has 0']],
    ['a near name is suggested', { instnces: 1 }, { type: 'object', properties: { instances: { type: 'integer' } } }, ['x.instnces: unknown field (kubectl rejects it); did you mean instances?']],
  ])('%s', (_name, value, schema, expected) => {
    expect(check(value, schema)).toEqual(expected);
  });

  test('paths round-trip to segments (for line numbers)', () => {
    expect(pathSegments('spec.plugins[0].parameters["barman.object/name"]')).toEqual(['spec', 'plugins', 0, 'parameters', 'barman.object/name']);
  });
});

describe('objectProblems: what the API server rejects before any controller', () => {
  test.each<[string, any, string[]]>([
    ['a valid ConfigMap (no schema: metadata only)', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x' } }, data: { a: 'b' } }, []],
    ['a name with capitals', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'MyConfig' } }, ['metadata.name: "MyConfig" is not a valid name (lowercase letters, digits, - and ., at most 253 characters, starting and ending with a letter or digit)']],
    ['generateName only', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } }, ['metadata.name: is required: kubectl apply cannot use metadata.generateName']],
    ['a namespace on a cluster-scoped kind', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ClusterImageCatalog', metadata: { name: 'c', namespace: 'x' }, spec: { images: [{ major: 17, image: 'i' }] } }, ['metadata.namespace: ClusterImageCatalog objects are not namespaced: remove it']],
    ['a namespace on a crossplane Bucket (cluster-scoped by the lib/core list)', { apiVersion: 's3.aws.upbound.io/v1beta2', kind: 'Bucket', metadata: { name: 'b', namespace: 'x' } }, ['metadata.namespace: Bucket objects are not namespaced: remove it']],
    ['a label key with a space', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'my label': 'x' } } }, ['metadata.labels["my label"]: invalid key: its name must be 1-63 letters, digits, -, _ or ., starting and ending with a letter or digit']],
    ['a label value too long', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: 'x'.repeat(64) } } }, [expect.stringMatching(/^metadata\.labels\.a: "x+" is not a valid label value/)] as any],
    ['an annotation as a number', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { a: 1 } } }, ['metadata.annotations.a: must be a string, got the number 1 (quote it: Kubernetes does not convert numbers to strings)']],
    ['a CNPG kind under a version the CRD does not serve', { apiVersion: 'postgresql.cnpg.io/v1beta1', kind: 'Cluster', metadata: { name: 'x' } }, ['apiVersion: postgresql.cnpg.io/v1beta1 does not serve Cluster (the vendored CRD serves postgresql.cnpg.io/v1)']],
    ['the Cluster schema: instances below its minimum', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'x' }, spec: { instances: 0, storage: { size: '1Gi' } } }, ['spec.instances: must be at least 1, got 0']],
    ['a Deployment\'s replicas as a string', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: '2', template: { spec: { containers: [] } } } }, ['spec.replicas: must be an integer, got the string "2"']],
  ])('%s', (_name, obj, expected) => {
    expect(objectProblems(obj).map((p) => `${p.path}: ${p.message}`)).toEqual(expected);
  });
});
