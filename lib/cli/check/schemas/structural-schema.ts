/*
 * Validation of a manifest object against a Kubernetes structural schema (the
 * `openAPIV3Schema` of a CRD version), the way the API server checks what `kubectl apply`
 * sends: types, required fields, enums, bounds, patterns, list-type uniqueness, and
 * unknown fields (kubectl's default field validation is Strict, so they are errors).
 *
 * Written here rather than with a JSON-schema library: the schema is walked along the
 * data, so there is nothing to compile (compiling the Cluster and Pooler schemas with ajv
 * takes about a second, half the time budget of checking 2,000 clusters), and the
 * Kubernetes-only keywords (`x-kubernetes-int-or-string`, `-preserve-unknown-fields`,
 * `-embedded-resource`, `-list-type`, pruning of nulls) need Kubernetes semantics anyway.
 * Not evaluated: CEL rules (`x-kubernetes-validations`) and `format`.
 */

import { nearestNames } from '../../../core/nearest-names';

/** A structural schema node (the subset of OpenAPI v3 that CRDs use). */
export interface StructuralSchema {
  readonly 'type'?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly 'properties'?: { readonly [name: string]: StructuralSchema };
  readonly 'required'?: readonly string[];
  readonly 'items'?: StructuralSchema;
  readonly 'additionalProperties'?: StructuralSchema | boolean;
  readonly 'enum'?: readonly unknown[];
  readonly 'pattern'?: string;
  readonly 'nullable'?: boolean;
  readonly 'minimum'?: number;
  readonly 'maximum'?: number;
  readonly 'exclusiveMinimum'?: boolean;
  readonly 'exclusiveMaximum'?: boolean;
  readonly 'minLength'?: number;
  readonly 'maxLength'?: number;
  readonly 'minItems'?: number;
  readonly 'maxItems'?: number;
  readonly 'minProperties'?: number;
  readonly 'maxProperties'?: number;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
}

/** One problem: where (`spec.plugins[0].name`) and what. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** The segments of a path made by childPath (`spec.plugins[0]` → spec, plugins, 0). */
export function pathSegments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]));
  }
  return out;
}

const YAML_11_HINT = 'YAML 1.1, which kubectl reads, makes unquoted yes/no/on/off/y/n booleans: quote the value';

/** `a map`, `the boolean true`, `the string "3"`, … */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object': return 'a map';
    case 'string': return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'boolean': return `the boolean ${value}`;
    case 'number': return `the number ${value}`;
    default: return String(value);
  }
}

/** `spec.a`, `spec.a[0]`, `metadata.labels["app.kubernetes.io/name"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

const PATTERNS = new Map<string, RegExp | null>();
const POSIX_CLASSES: { [name: string]: string } = { print: '\\x20-\\x7E', alnum: '0-9A-Za-z', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: '\\s' };

/**
 * A Go (RE2) pattern as JavaScript: case-insensitive groups `(?i:ms|s)` (PGO's duration
 * patterns) become `(?:[mM][sS]|[sS])`, POSIX classes in brackets (`[[:print:]]`, PGO's hba
 * pattern) ASCII ranges. Anything else is passed as is.
 */
export function goPattern(pattern: string): string {
  let i: number;
  while ((i = pattern.indexOf('(?i:')) >= 0) {
    let depth = 1;
    let j = i + 4;
    let body = '';
    for (; j < pattern.length && depth > 0; j++) {
      const c = pattern[j];
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (depth > 0) body += /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
    }
    pattern = `${pattern.slice(0, i)}(?:${body})${pattern.slice(j)}`;
  }
  return pattern.replace(/\[:([a-z]+):\]/g, (all, name: string) => POSIX_CLASSES[name] ?? all);
}

function compiledPattern(pattern: string): RegExp | null {
  let re = PATTERNS.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(goPattern(pattern), 'u');
    } catch {
      re = null; // an RE2 construct JavaScript cannot compile: not checked
    }
    PATTERNS.set(pattern, re);
  }
  return re;
}

function isPlainObject(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeMismatch(path: string, expected: string, value: unknown): SchemaProblem {
  const hint = typeof value === 'boolean' && expected !== 'a list' && expected !== 'a map' ? ` (${YAML_11_HINT})`
    : typeof value === 'number' && expected === 'a string' ? ' (quote it: Kubernetes does not convert numbers to strings)'
      : '';
  return { path, message: `must be ${expected}, got ${describeValue(value)}${hint}` };
}

/** A path in the object, turned into text only when a problem needs it. */
interface PathRef { readonly parent?: PathRef; readonly key?: string | number; text?: string }
const str = (at: PathRef): string => (at.text ??= childPath(str(at.parent!), at.key!));

/**
 * Problems of `value` against `schema` at `path`; `skip` lists keys of the root object left
 * to another validator (`metadata` of a custom resource is the API server's ObjectMeta).
 */
export function validateStructural(value: unknown, schema: StructuralSchema, path: string, problems: SchemaProblem[], skip?: ReadonlySet<string>): void {
  walk(value, schema, { text: path }, problems, skip);
}

function walk(value: unknown, schema: StructuralSchema, at: PathRef, problems: SchemaProblem[], skipKeys?: ReadonlySet<string>): void {
  if (value === null) {
    // The API server prunes nulls of non-nullable fields; a required one is then missing.
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) problems.push(typeMismatch(str(at), 'an integer or a string', value));
    return;
  }
  if (schema.type === undefined && schema['x-kubernetes-preserve-unknown-fields']) return;
  switch (schema.type) {
    case 'object': {
      if (!isPlainObject(value)) { problems.push(typeMismatch(str(at), 'a map', value)); return; }
      const keys = Object.keys(value);
      for (const r of schema.required ?? []) {
        const v = value[r];
        if (v === undefined || (v === null && !schema.properties?.[r]?.nullable)) problems.push({ path: str({ parent: at, key: r }), message: 'is required' });
      }
      if (schema.minProperties !== undefined && keys.length < schema.minProperties) problems.push({ path: str(at), message: `must have at least ${schema.minProperties} entries` });
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) problems.push({ path: str(at), message: `must have at most ${schema.maxProperties} entries` });
      const embedded = schema['x-kubernetes-embedded-resource'] === true;
      for (const k of keys) {
        const sub = schema.properties?.[k];
        if (skipKeys?.has(k)) continue;
        const p: PathRef = { parent: at, key: k };
        if (sub) walk(value[k], sub, p, problems);
        else if (typeof schema.additionalProperties === 'object') walk(value[k], schema.additionalProperties, p, problems);
        else if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
        else if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) continue;
        else problems.push({ path: str(p), message: unknownFieldMessage(schema, k) });
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) { problems.push(typeMismatch(str(at), 'a list', value)); return; }
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push({ path: str(at), message: `must have at least ${schema.minItems} item(s), has ${value.length}` });
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push({ path: str(at), message: `must have at most ${schema.maxItems} item(s), has ${value.length}` });
      if (schema.items) value.forEach((v, i) => walk(v, schema.items!, { parent: at, key: i }, problems));
      if (schema['x-kubernetes-list-type'] === 'set' || schema['x-kubernetes-list-type'] === 'map') listTypeProblems(value, schema, str(at), problems);
      return;
    }
    case 'string':
      if (typeof value !== 'string') { problems.push(typeMismatch(str(at), 'a string', value)); return; }
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) { problems.push(typeMismatch(str(at), 'an integer', value)); return; }
      break;
    case 'number':
      if (typeof value !== 'number') { problems.push(typeMismatch(str(at), 'a number', value)); return; }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') { problems.push(typeMismatch(str(at), 'true or false', value)); return; }
      break;
    default:
      break;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push({ path: str(at), message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${describeValue(value)}` });
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) problems.push({ path: str(at), message: `must be at least ${schema.minLength} character(s) long` });
    if (schema.maxLength !== undefined && length > schema.maxLength) problems.push({ path: str(at), message: `must be at most ${schema.maxLength} characters long, is ${length}` });
    if (schema.pattern !== undefined) {
      const re = compiledPattern(schema.pattern);
      if (re && !re.test(value)) problems.push({ path: str(at), message: `${describeValue(value)} does not match ${schema.pattern}` });
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      problems.push({ path: str(at), message: `must be ${schema.exclusiveMinimum ? 'greater than' : 'at least'} ${schema.minimum}, got ${value}` });
    }
    if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      problems.push({ path: str(at), message: `must be ${schema.exclusiveMaximum ? 'less than' : 'at most'} ${schema.maximum}, got ${value}` });
    }
  }
}

function unknownFieldMessage(schema: StructuralSchema, key: string): string {
  const known = new Map(Object.keys(schema.properties ?? {}).map((k) => [k.toLowerCase(), k]));
  // Short names are too close to everything to suggest anything.
  const near = key.length < 4 ? [] : nearestNames(key.toLowerCase(), known.keys(), { max: 1 });
  return `unknown field (kubectl rejects it)${near.length > 0 ? `; did you mean ${known.get(near[0])}?` : ''}`;
}

function listTypeProblems(value: unknown[], schema: StructuralSchema, path: string, problems: SchemaProblem[]): void {
  const type = schema['x-kubernetes-list-type'];
  if (type === 'set') {
    const seen = new Set<string>();
    value.forEach((v, i) => {
      const k = JSON.stringify(v);
      if (seen.has(k)) problems.push({ path: childPath(path, i), message: `duplicate entry ${describeValue(v)} in a set` });
      seen.add(k);
    });
  } else if (type === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((v, i) => {
      if (!isPlainObject(v)) return;
      const k = JSON.stringify(keys.map((key) => v[key]));
      if (seen.has(k)) problems.push({ path: childPath(path, i), message: `duplicate entry with ${keys.map((key) => `${key} ${JSON.stringify(v[key])}`).join(', ')}` });
      seen.add(k);
    });
  }
}
