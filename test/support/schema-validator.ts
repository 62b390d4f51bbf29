/**
 * Strict schema validation of synthesized Kubernetes objects, for tests.
 *
 * Every object is checked the way `kubectl apply --validate=strict` would check it:
 * wrong types, enums, patterns, bounds and missing required fields are errors, and so
 * is every field the schema does not know.
 *
 * - Custom resources are checked against the `openAPIV3Schema` of their CRD. The CRDs are
 *   read at test time: cdk8s.yaml `crdSources` lists the URLs of each API group, and each
 *   URL maps by basename to its copy vendored in crds/ (with provenance), as in
 *   scripts/crd-sources.mjs. Nothing outside the repository is read.
 * - Core kinds (v1, apps/v1, policy/v1, ...) are checked with the validators that ship
 *   with `kubernetes-models`, plus an unknown-field check of our own (see trackReads).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Ajv, { _, ErrorObject, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { parse, parseAllDocuments } from 'yaml';

const projectRoot = resolve(__dirname, '..', '..');

/** One problem, located by a JSON pointer into the object (`/spec/instances`). */
interface Problem {
  ptr: string;
  msg: string;
  /** Set when quoting the value at ptr would not help (unknown field, missing field, bad key). */
  hideValue?: boolean;
}

// ---------------------------------------------------------------------------------------
// Public API

/** Validates one object; returns readable errors (`Cluster/db spec.foo: unknown field`), empty if valid. */
export function validateManifest(input: any): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [`${preview(input)}: not a Kubernetes object`];
  // Validate what would be written out: a JSON copy has no undefined-valued keys (they
  // vanish from YAML too) and is never frozen (the proxies of trackReads need that).
  const obj = JSON.parse(JSON.stringify(input));
  const id = `${obj.kind ?? '<no kind>'}/${obj.metadata?.name ?? '<no name>'}`;
  const problems = schemaProblems(obj) ?? [{ ptr: '', msg: `no schema for apiVersion ${preview(obj.apiVersion)}, kind ${preview(obj.kind)}` }];
  problems.push(...metadataProblems(obj));
  return [...new Set(problems.map((p) => `${id} ${formatPath(p.ptr)}: ${p.msg}${got(obj, p)}`))];
}

/** Validates several objects; returns the errors of all of them. */
export function validateManifests(objs: any[]): string[] {
  return objs.flatMap(validateManifest);
}

/** Jest helper: throws one error listing every problem of every object. */
export function expectValidManifests(objs: any[]): void {
  const errors = validateManifests(objs);
  if (errors.length > 0) {
    throw new Error(`${errors.length} schema error(s) in ${objs.length} manifest(s):\n  ${errors.join('\n  ')}`);
  }
}

/** Every CRD schema compile in this process (Jest worker), in order, with its duration. */
export function schemaValidatorStats(): { compiles: Array<{ schema: string; ms: number; from: 'compile' | 'disk' }> } {
  return { compiles: [...processCache().compiles] };
}

/** Forgets the validators of this process, so the next validations load them from the disk cache. */
export function forgetCompiledValidators(): void {
  processCache().validators.clear();
}

function schemaProblems(obj: any): Problem[] | undefined {
  const m = /^(?:([a-z0-9.-]+)\/)?(v[0-9]+(?:(?:alpha|beta)[0-9]+)?)$/.exec(String(obj.apiVersion));
  if (!m || typeof obj.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(obj.kind)) return undefined;
  const [, group = '', version] = m;
  if (Object.hasOwn(crdSources(), group)) return crdProblems(obj, group, version, obj.kind);
  // Only built-in groups are looked up in kubernetes-models; anything else has no schema here.
  if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) return coreProblems(obj, group, version, obj.kind);
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Process-wide cache

interface Cache {
  ajv?: Ajv;
  /** mirror dir -> CRD file basename -> path */
  mirrors: Map<string, Map<string, string>>;
  /** CRD file path -> parsed documents */
  crdFiles: Map<string, any[]>;
  /** `${mirror}|${apiVersion}|${kind}` -> compiled validator */
  validators: Map<string, ValidateFunction>;
  compiles: Array<{ schema: string; ms: number; from: 'compile' | 'disk' }>;
  /** `group/version/kind` -> kubernetes-models class (undefined: none) */
  models: Map<string, any>;
}

/**
 * Jest's isolated runner (the `real` project) gives each test file a fresh module registry
 * and a fresh global object, so a module-level cache would reparse the 460 KB Cluster CRD (~0.4 s) and recompile its
 * schema (~0.4 s) in every test file. Node's built-in modules are the one thing Jest
 * shares between the test files of a worker, so the cache hangs off one of them (under a
 * registered symbol, so it cannot clash). The compiled functions then come from the realm
 * of the first test file that needed them; they only use typeof/Array.isArray on plain
 * JSON data, which works across realms. The price: that first realm stays in memory for
 * the life of the worker.
 */
function processCache(): Cache {
  const host: any = require('node:v8');
  const key = Symbol.for('@pgkit/test-schema-validator/cache/v2');
  host[key] ??= { mirrors: new Map(), crdFiles: new Map(), validators: new Map(), compiles: [], models: new Map() } satisfies Cache;
  return host[key];
}

// ---------------------------------------------------------------------------------------
// Custom resources

let sourcesMemo: Record<string, string[]> | undefined;

/** API group -> CRD URLs, from cdk8s.yaml `crdSources`. */
function crdSources(): Record<string, string[]> {
  sourcesMemo ??= parse(readFileSync(join(projectRoot, 'cdk8s.yaml'), 'utf8')).crdSources ?? {};
  return sourcesMemo!;
}

function mirrorDir(): string {
  // The CRDs are vendored in the repository (crds/, with provenance); CRD_DIR points the
  // validator elsewhere (the tests of the validator itself use it).
  return resolve(projectRoot, process.env.CRD_DIR ?? 'crds');
}

/** basename -> path of every .yaml file under the vendored CRD folder (searched recursively). */
function mirrorIndex(dir: string): Map<string, string> {
  const cache = processCache();
  let index = cache.mirrors.get(dir);
  if (index) return index;
  if (!existsSync(dir)) {
    throw new Error(`CRD folder not found: looked in ${dir} (the vendored crds/ of the repository, or CRD_DIR)`);
  }
  index = new Map();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml')) index!.set(name, p);
    }
  };
  walk(dir);
  cache.mirrors.set(dir, index);
  return index;
}

/** The compiled validator for group/version kind, or a reason why there is none. */
function crdValidator(group: string, version: string, kind: string): ValidateFunction | string {
  const cache = processCache();
  const dir = mirrorDir();
  const key = `${dir}|${group}/${version}|${kind}`;
  const cached = cache.validators.get(key);
  if (cached) return cached;

  const index = mirrorIndex(dir);
  // Compiled validators are kept on disk between runs and shared by the Jest workers (a
  // cold compile of the Cluster and Pooler schemas costs each worker about 2 s).
  const diskKey = validatorCacheKey(group, version, kind, index, dir);
  const loadStarted = performance.now();
  const stored = loadCompiled(diskKey);
  if (stored) {
    cache.compiles.push({ schema: `${group}/${version}/${kind}`, ms: Math.round(performance.now() - loadStarted), from: 'disk' });
    cache.validators.set(key, stored);
    return stored;
  }
  // Only files that mention the kind are parsed (the CNPG group alone is 1.2 MB of YAML);
  // the match is checked again on the parsed CRD.
  const mentions = new RegExp(`^\\s*kind: ${kind}\\s*$`, 'm');
  for (const url of crdSources()[group]) {
    const file = index.get(basename(new URL(url).pathname));
    if (!file) throw new Error(`CRD ${url} (group ${group}) has no vendored file of that name under ${dir} (npm run import -- --refresh)`);
    let docs = cache.crdFiles.get(file);
    if (!docs) {
      const text = readFileSync(file, 'utf8');
      if (!mentions.test(text)) continue;
      docs = parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d?.kind === 'CustomResourceDefinition');
      cache.crdFiles.set(file, docs);
    }
    const crd = docs.find((d) => d.spec?.group === group && d.spec?.names?.kind === kind);
    if (!crd) continue;
    const served = (crd.spec.versions ?? []).filter((v: any) => v.served !== false);
    const v = served.find((x: any) => x.name === version);
    if (!v) return `no schema for ${group}/${version} ${kind}: the CRD serves ${served.map((x: any) => x.name).join(', ')}`;
    if (!v.schema?.openAPIV3Schema) return `no schema for ${group}/${version} ${kind}: the CRD version has no openAPIV3Schema`;

    const started = performance.now();
    cache.ajv ??= newAjv();
    const validate = cache.ajv.compile(toStrictJsonSchema(v.schema.openAPIV3Schema, true));
    storeCompiled(diskKey, validate, cache.ajv);
    cache.compiles.push({ schema: `${group}/${version}/${kind}`, ms: Math.round(performance.now() - started), from: 'compile' });
    cache.validators.set(key, validate);
    return validate;
  }
  return `no schema for ${group}/${version} ${kind}: no CRD of that kind in cdk8s.yaml crdSources`;
}

// ---------------------------------------------------------------------------------------
// Disk cache of compiled validators (Ajv standalone code)

const DISK_CACHE = join(projectRoot, 'node_modules', '.cache', 'ha-postgres-schema-validators');
/** Plain-JS helpers the standalone code requires: the RE2 pattern shim and the date-time format. */
const RUNTIME = join(DISK_CACHE, 'runtime.js');
/** The API server accepts several RFC 3339 spellings (fraction optional, "t"/" " separators). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Content hash of this validator's code, Ajv's version and the kind's CRD files. */
function validatorCacheKey(group: string, version: string, kind: string, index: Map<string, string>, dir: string): string {
  const h = createHash('sha256');
  h.update(readFileSync(__filename)).update(require('ajv/package.json').version).update(`${group}/${version}/${kind}`);
  for (const url of crdSources()[group]) {
    const file = index.get(basename(new URL(url).pathname));
    if (!file) throw new Error(`CRD ${url} (group ${group}) has no vendored file of that name under ${dir} (npm run import -- --refresh)`);
    h.update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 32);
}

function loadCompiled(key: string): ValidateFunction | undefined {
  const file = join(DISK_CACHE, `${key}.js`);
  if (!existsSync(file) || !existsSync(RUNTIME)) return undefined;
  try {
    return require(file) as ValidateFunction;
  } catch {
    return undefined; // a damaged entry is compiled again
  }
}

function storeCompiled(key: string, validate: ValidateFunction, ajv: Ajv): void {
  try {
    mkdirSync(DISK_CACHE, { recursive: true });
    writeAtomically(RUNTIME, [
      '"use strict";',
      `exports.goRegExp = ${goRegExpSource};`,
      `exports.formats = { "date-time": ${DATE_TIME.toString()} };`,
      '',
    ].join('\n'));
    writeAtomically(join(DISK_CACHE, `${key}.js`), standaloneCode(ajv, validate));
  } catch {
    // no cache (read-only node_modules): every run compiles, as before
  }
}

/** Concurrent workers may write the same entry: each writes a temporary file and renames it. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function newAjv(): Ajv {
  const ajv = new Ajv({
    strict: false, // the schemas carry x-kubernetes-* and other keywords Ajv does not know
    allErrors: true,
    unicodeRegExp: false, // Kubernetes patterns are not written for the `u` flag
    code: { source: true, regExp: goRegExp, formats: _`require(${RUNTIME}).formats` },
  });
  ajv.addFormat('date-time', DATE_TIME);
  return ajv;
}

/**
 * CRD patterns are Go (RE2) regular expressions. Most are valid JavaScript as they are;
 * the exceptions in our CRDs are a leading inline flag group such as `^(?i)...` (the
 * PrometheusRule `partial_response_strategy`), which becomes a RegExp flag here, and
 * case-insensitive groups `(?i:ms|s)` (PGO's duration patterns), whose letters become
 * `[mM][sS]` classes. Any other
 * RE2-only syntax makes the compile throw, loudly, rather than pass silently. Kept as source
 * text because the disk cache's runtime.js needs the same function for standalone validators.
 */
const goRegExpSource = `function goRegExp(pattern, flags) {
  // A case-insensitive group (?i:...) (the PGO CRD's duration patterns): its letters become [xX] classes.
  let i;
  while ((i = pattern.indexOf('(?i:')) >= 0) {
    let depth = 1, j = i + 4, body = '';
    for (; j < pattern.length && depth > 0; j++) {
      const c = pattern[j];
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (depth > 0) body += /[a-z]/i.test(c) ? '[' + c.toLowerCase() + c.toUpperCase() + ']' : c;
    }
    pattern = pattern.slice(0, i) + '(?:' + body + ')' + pattern.slice(j);
  }
  // POSIX classes inside brackets ([[:print:]], PGO's hba pattern) as ASCII ranges.
  const posix = { print: '\\\\x20-\\\\x7E', alnum: '0-9A-Za-z', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: '\\\\s' };
  pattern = pattern.replace(/\\[:([a-z]+):\\]/g, (all, name) => posix[name] ?? all);
  const m = /^(\\^?)\\(\\?([ims]+)\\)/.exec(pattern);
  return m ? new RegExp(m[1] + pattern.slice(m[0].length), flags + m[2]) : new RegExp(pattern, flags);
}`;
// eslint-disable-next-line no-new-func
const goRegExp = Object.assign(new Function(`return ${goRegExpSource}`)() as (pattern: string, flags: string) => RegExp,
  { code: `require(${JSON.stringify(RUNTIME)}).goRegExp` });

const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf'];

/**
 * Rewrites a CRD structural schema into a JSON schema that Ajv enforces the way the API
 * server with strict field validation does:
 * - An object schema (`type: object`) is closed (unknown keys are errors) unless it has
 *   `additionalProperties` (a map) or `x-kubernetes-preserve-unknown-fields: true`.
 *   This includes `type: object` without `properties` (e.g. an embedded ObjectMeta that
 *   controller-gen left empty): the API server prunes everything under it, so strict
 *   validation rejects it too. Value-validation branches (anyOf/allOf/oneOf/not) carry
 *   no type and stay open, as they only add constraints.
 * - `x-kubernetes-int-or-string`: integer or string.
 * - `x-kubernetes-embedded-resource`: apiVersion, kind and metadata are allowed implicitly.
 * - `nullable: true`: null is accepted. Without it a null is reported, although the API
 *   server would silently drop it: a null in synthesized output is almost always a bug.
 * - `format`: only `date-time` is checked. int32/int64 are not range-checked (the API
 *   server only checks formats of strings), other formats are ignored.
 * - `x-kubernetes-validations` (CEL rules) cannot be evaluated here and are ignored, as are
 *   list-type/map-type uniqueness (`x-kubernetes-list-type: set|map`).
 * At the root, `metadata` is left to metadataProblems (ObjectMeta rules, as the API server does).
 */
function toStrictJsonSchema(s: any, root = false): any {
  if (s === null || typeof s !== 'object') return s;
  const out: any = {};
  for (const [k, v] of Object.entries<any>(s)) {
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries<any>(v).map(([p, c]) => [p, toStrictJsonSchema(c)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'not') out[k] = toStrictJsonSchema(v);
    else if (SUBSCHEMA_LISTS.includes(k)) out[k] = v.map((c: any) => toStrictJsonSchema(c));
    else if (k === 'format') { if (v === 'date-time') out.format = v; }
    else if (k === 'nullable' || k === 'default' || k === 'description' || k.startsWith('x-')) continue;
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  if (s['x-kubernetes-embedded-resource']) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  if (root) out.properties = { ...out.properties, metadata: {} };
  if (s.nullable === true && out.type) {
    out.type = [out.type, 'null'];
    if (out.enum) out.enum = [...out.enum, null];
  }
  const isObject = s.type === 'object';
  if (isObject && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function crdProblems(obj: any, group: string, version: string, kind: string): Problem[] {
  const validate = crdValidator(group, version, kind);
  if (typeof validate === 'string') return [{ ptr: '', msg: validate }];
  const problems = validate(obj) ? [] : ajvProblems(validate.errors ?? []);
  // ObjectMeta rules (types, unknown keys) come from kubernetes-models: a ConfigMap is the
  // smallest built-in kind that embeds ObjectMeta, so it serves as an envelope.
  if (obj.metadata !== undefined) {
    problems.push(...(coreProblems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: obj.metadata }, '', 'v1', 'ConfigMap') ?? []));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// Core kinds (kubernetes-models)

/**
 * The kubernetes-models class of a built-in kind, if there is one. Kept in the process
 * cache like the CRD validators: a class loads dozens of modules and compiled validators,
 * which every test file would otherwise load again.
 */
function modelClass(group: string, version: string, kind: string): any {
  const models = processCache().models;
  const key = `${group}/${version}/${kind}`;
  if (!models.has(key)) models.set(key, loadModelClass(group, version, kind));
  return models.get(key);
}

function loadModelClass(group: string, version: string, kind: string): any {
  let mod: any;
  try {
    mod = require(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`);
  } catch (e: any) {
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || /Cannot find module/.test(String(e?.message))) return undefined;
    throw e;
  }
  const cls = mod?.[kind];
  // Sub-types (ServiceSpec, ...) have classes too, but no apiVersion/kind of their own.
  return cls?.kind === kind && cls?.apiVersion === (group ? `${group}/${version}` : version) ? cls : undefined;
}

function coreProblems(obj: any, group: string, version: string, kind: string): Problem[] | undefined {
  const cls = modelClass(group, version, kind);
  if (!cls) return undefined;
  const tracker = trackReads(obj);
  let errors: ErrorObject[] = [];
  try {
    // The model's validate() runs the package's compiled schema validator on `this`;
    // calling it on the proxy (not on `new cls(obj)`, which copies the data) lets us see
    // which keys the validator looked at.
    cls.prototype.validate.call(tracker.proxy);
  } catch (e: any) {
    if (!Array.isArray(e?.errors)) throw e;
    errors = e.errors;
  }
  return [...ajvProblems(errors), ...tracker.unknownFields()];
}

/**
 * kubernetes-models does not reject unknown fields: its schemas have no
 * `additionalProperties: false`, and the package ships only compiled validators, not the
 * JSON schemas we could close. But a compiled validator reads every property its schema
 * declares (`data.minAvailable`, even when absent), and enumerates the keys of maps
 * (`for (k in data)`). So the validator runs on a proxy that records, per object, which
 * keys were read and whether the keys were enumerated; afterwards, any key of a closed
 * object that was never read is unknown. An object the validator never looked into has
 * no declared properties (free-form, e.g. RawExtension) and is left alone.
 */
function trackReads(root: object): { proxy: any; unknownFields: () => Problem[] } {
  const reads = new Map<string, Set<string>>();
  const enumerated = new Set<string>();
  const wrap = (target: object, ptr: string): any =>
    new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver);
        if (typeof key !== 'string') return value;
        if (!reads.has(ptr)) reads.set(ptr, new Set());
        reads.get(ptr)!.add(key);
        return value !== null && typeof value === 'object' ? wrap(value, `${ptr}/${escapePtr(key)}`) : value;
      },
      ownKeys(t) {
        enumerated.add(ptr);
        return Reflect.ownKeys(t);
      },
    });
  const unknownFields = (value: any = root, ptr = ''): Problem[] => {
    if (value === null || typeof value !== 'object') return [];
    if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, `${ptr}/${i}`));
    const seen = reads.get(ptr);
    if (!seen) return [];
    return Object.keys(value).flatMap((k) => {
      const child = `${ptr}/${escapePtr(k)}`;
      return enumerated.has(ptr) || seen.has(k) ? unknownFields(value[k], child) : [{ ptr: child, msg: 'unknown field', hideValue: true }];
    });
  };
  return { proxy: wrap(root, ''), unknownFields: () => unknownFields() };
}

// ---------------------------------------------------------------------------------------
// Metadata (all kinds)

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kinds whose name the API server checks more tightly than as a DNS-1123 subdomain. */
const NAME_RULES: Record<string, [RegExp, number, string]> = {
  Service: [DNS1035_LABEL, 63, 'an RFC 1035 label'],
  Namespace: [DNS1123_LABEL, 63, 'an RFC 1123 label'],
};

function metadataProblems(obj: any): Problem[] {
  const md = obj.metadata;
  if (md === null || typeof md !== 'object') return [{ ptr: '/metadata/name', msg: 'required field missing', hideValue: true }];
  const problems: Problem[] = [];
  const check = (ok: boolean, problem: Problem): void => {
    if (!ok) problems.push(problem);
  };

  const [re, max, what] = NAME_RULES[obj.kind] ?? [DNS1123_SUBDOMAIN, 253, 'an RFC 1123 subdomain'];
  const chars = re === DNS1123_SUBDOMAIN ? "lowercase alphanumerics, '-', '.'" : "lowercase alphanumerics, '-'";
  if (md.name === undefined) problems.push({ ptr: '/metadata/name', msg: 'required field missing', hideValue: true });
  else check(typeof md.name === 'string' && md.name.length <= max && re.test(md.name), { ptr: '/metadata/name', msg: `must be ${what} (${chars}; at most ${max} characters)` });
  if (md.namespace !== undefined) {
    check(typeof md.namespace === 'string' && md.namespace.length <= 63 && DNS1123_LABEL.test(md.namespace), { ptr: '/metadata/namespace', msg: 'must be an RFC 1123 label' });
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = md[field];
    if (map === null || typeof map !== 'object') continue; // a wrong type is reported by the schema
    for (const [k, v] of Object.entries(map)) {
      const ptr = `/metadata/${field}/${escapePtr(k)}`;
      check(isQualifiedName(k), { ptr, msg: 'key must be a qualified name ([DNS subdomain/]name, name at most 63 of [A-Za-z0-9-_.])', hideValue: true });
      if (field === 'labels') {
        check(typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v), { ptr, msg: 'must be a label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)' });
      }
    }
  }
  return problems;
}

function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

// ---------------------------------------------------------------------------------------
// Error formatting

function ajvProblems(errors: ErrorObject[]): Problem[] {
  // For anyOf/oneOf (int-or-string, ...), the failed branches' type errors at the same
  // place are folded into one message: "must be integer or string".
  const branchTypes = new Map<string, string[]>();
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword !== 'type' || !unions.has(e.instancePath)) return true;
    branchTypes.set(e.instancePath, [...(branchTypes.get(e.instancePath) ?? []), ...[e.params.type].flat()]);
    return false;
  });
  return kept.map((e): Problem => {
    const p: any = e.params;
    switch (e.keyword) {
      case 'additionalProperties':
        return { ptr: `${e.instancePath}/${escapePtr(p.additionalProperty)}`, msg: 'unknown field', hideValue: true };
      case 'required':
        return { ptr: `${e.instancePath}/${escapePtr(p.missingProperty)}`, msg: 'required field missing', hideValue: true };
      case 'enum':
        return { ptr: e.instancePath, msg: `must be one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` };
      case 'type':
        return { ptr: e.instancePath, msg: `must be ${[p.type].flat().join(' or ')}` };
      case 'anyOf':
      case 'oneOf': {
        const types = branchTypes.get(e.instancePath);
        return { ptr: e.instancePath, msg: types ? `must be ${[...new Set(types)].join(' or ')}` : `must match ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} of the allowed schemas` };
      }
      default:
        return { ptr: e.instancePath, msg: e.message ?? `fails "${e.keyword}"` };
    }
  });
}

function escapePtr(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `/spec/containers/0/name` -> `spec.containers[0].name`; odd keys as `labels["app.kubernetes.io/name"]`. */
function formatPath(ptr: string): string {
  if (ptr === '') return '(root)';
  return ptr
    .slice(1)
    .split('/')
    .map((raw, i) => {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (/^[0-9]+$/.test(key)) return `[${key}]`;
      if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/** ` (got "three")` after a message about a value. */
function got(obj: any, p: Problem): string {
  if (p.hideValue || p.ptr === '') return '';
  let value = obj;
  for (const raw of p.ptr.slice(1).split('/')) value = value?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return value === undefined ? '' : ` (got ${preview(value)})`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
