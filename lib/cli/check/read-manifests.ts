/*
 * Reads manifest files as `kubectl apply -f` does:
 * - YAML 1.1 (what kubectl's YAML library implements): unquoted yes/no/on/off/y/n are
 *   booleans, `<<:` merge keys are applied, `0755` is octal; timestamps stay strings.
 *   Duplicate keys in a map are an error, as with kubectl's strict decoding.
 * - JSON (a file whose first character is `{`), multi-document YAML, and `List` kinds
 *   (as `kubectl get -o yaml` writes them) flattened.
 * - Objects are keyed by API group, kind, namespace (`default` or the given one when
 *   unset; none for cluster-scoped kinds) and name: the same object given twice is one
 *   object, and an object defined twice with different content is reported, the later
 *   definition being used (as `kubectl apply -f` leaves it).
 * - What kubectl or the API server would reject (not YAML, unrendered templates,
 *   documents that are not objects, schema-invalid objects) is reported per file and
 *   object, and left out; the other files are still read.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'fs';
import { extname, join } from 'path';
import { Document, isMap, LineCounter, parseAllDocuments, parseDocument, visit } from 'yaml';
import { CliError } from '../cli-error';
import { parseBlockYaml, ScalarTag, splitDocuments } from './fast-yaml';
import { apiGroup } from '../../core/cluster-scoped';
import { isClusterScoped, objectProblems } from './schemas';
import { pathSegments } from './schemas/structural-schema';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Files under `paths` (directories recursively, manifest extensions only, no hidden files), sorted, each once. */
export function manifestFiles(paths: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visitPath = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError(`${p}: no such file or directory`, 2);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) visitPath(join(p, e), false);
    } else if (explicit || MANIFEST_EXTENSIONS.includes(extname(p))) {
      const real = realpathSync(p);
      if (!seen.has(real)) {
        seen.add(real);
        out.push(p);
      }
    }
  };
  for (const p of paths) visitPath(p, true);
  return out;
}

/** Where an object was read from. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based line of the object's start (YAML only). */
  readonly line?: number;
}

/** Something kubectl or the API server would reject, or a conflict between files. */
export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  /** `Cluster shop/pg-main`, when the problem is about one object. */
  readonly object?: string;
  readonly message: string;
}

/** The result of reading the manifest files. */
export interface ManifestSet {
  /** The objects, each once (the later definition of a conflicting one), in reading order. */
  readonly objects: any[];
  readonly problems: InputProblem[];
  /** Identical objects given more than once (the same file twice, overlapping directories). */
  readonly duplicates: number;
  readonly files: number;
  /** Where an object of `objects` was read from. */
  sourceOf(object: object): ManifestSource | undefined;
}

/** Options of readManifests. */
export interface ReadOptions {
  /** Namespace of objects that name none (kubectl's current namespace). @default 'default' */
  readonly namespace?: string;
}

let kubectlTags: any[] | undefined;
/** @internal The yaml package options that read YAML as kubectl does. */
export const YAML_OPTIONS = {
  version: '1.1' as const,
  merge: true,
  // kubectl's YAML library keeps timestamps (and sexagesimal numbers, which it does not
  // know) as strings, and has none of YAML 1.1's !!binary, !!omap, !!pairs and !!set.
  customTags: (tags: any[]) => (kubectlTags ??= tags.filter((t) => !(t.tag?.endsWith(':timestamp') || t.format === 'TIME'
    || /:(binary|omap|pairs|set)$/.test(t.tag ?? '')))),
};

/** A label for an object in messages: `Cluster shop/pg-main`. */
export function objectLabel(o: any): string {
  const kind = typeof o?.kind === 'string' ? o.kind : '<no kind>';
  const name = typeof o?.metadata?.name === 'string' ? o.metadata.name : '<no name>';
  const ns = typeof o?.metadata?.namespace === 'string' ? `${o.metadata.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

/** Canonical JSON (sorted keys) to compare two definitions of an object. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

interface Located { readonly value: unknown; readonly line?: number; readonly locate?: (path: Array<string | number>) => number | undefined }

/** Reads every object of `files`; never throws for bad content (see ManifestSet.problems). */
export function readManifests(files: string[], options: ReadOptions = {}): ManifestSet {
  const defaultNamespace = options.namespace ?? 'default';
  const problems: InputProblem[] = [];
  const byKey = new Map<string, { object: any; source: ManifestSource }>();
  const sources = new WeakMap<object, ManifestSource>();
  let duplicates = 0;

  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push({ file, message: `cannot be read: ${(e as Error).message}` });
      continue;
    }
    const docs = parseFile(file, text, problems);
    for (const doc of docs) {
      const top = doc.value;
      if (top === null || top === undefined) continue;
      const items: Array<{ value: unknown; at: Array<string | number> }> =
        isObject(top) && typeof top.kind === 'string' && top.kind.endsWith('List') && Array.isArray(top.items)
          ? top.items.map((value: unknown, i: number) => ({ value, at: ['items', i] }))
          : [{ value: top, at: [] }];
      for (const { value, at } of items) {
        // the document's line (for an item of a List too: it is located only for a problem)
        const line = doc.line;
        if (!isObject(value)) {
          problems.push({ file, line, message: `${at.length ? `items[${at[1]}] is` : 'a document is'} ${describe(value)}, not a Kubernetes object` });
          continue;
        }
        if (value.apiVersion === undefined && value.kind === undefined) {
          problems.push({ file, line, message: 'a document has no apiVersion and kind: it is not a Kubernetes object (kubectl rejects it)' });
          continue;
        }
        const invalid = objectProblems(value);
        if (invalid.length > 0) {
          const label = objectLabel(value);
          for (const p of invalid.slice(0, 8)) {
            problems.push({ file, line: doc.locate?.([...at, ...pathSegments(p.path)]) ?? line, object: label, message: `${p.path}: ${p.message}` });
          }
          if (invalid.length > 8) problems.push({ file, line, object: label, message: `and ${invalid.length - 8} more problem(s)` });
          continue;
        }
        const apiVersion = value.apiVersion as string;
        const kind = value.kind as string;
        const meta = value.metadata as any;
        const namespace = isClusterScoped(apiVersion, kind) ? '' : (meta.namespace ?? defaultNamespace);
        // Fill in the namespace as kubectl would, so that the checklist sees where it lives.
        const object = namespace && meta.namespace === undefined ? { ...value, metadata: { ...meta, namespace } } : value;
        const key = `${apiGroup(apiVersion)}|${kind}|${namespace}|${meta.name}`;
        const source: ManifestSource = { file, line };
        const earlier = byKey.get(key);
        if (earlier) {
          if (canonical(earlier.object) === canonical(object)) { duplicates++; continue; }
          problems.push({
            file, line, object: objectLabel(object),
            message: `is defined twice with different content (also in ${earlier.source.file}${earlier.source.line ? `:${earlier.source.line}` : ''}); this later definition is used, as kubectl apply -f would leave it`,
          });
          byKey.delete(key);
        }
        byKey.set(key, { object, source });
        sources.set(object, source);
      }
    }
  }
  return {
    objects: [...byKey.values()].map((e) => e.object),
    problems,
    duplicates,
    files: files.length,
    sourceOf: (o) => sources.get(o),
  };
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}

/** The documents of one file (JSON or YAML); problems for what does not parse. */
function parseFile(file: string, text: string, problems: InputProblem[]): Located[] {
  if (text.includes('\u0000')) {
    problems.push({ file, message: 'is not a text file' });
    return [];
  }
  const start = /\S/.exec(text);
  if (start && text[start.index] === '{' && text[start.index + 1] !== '{') {
    try {
      return [{ value: JSON.parse(text) }];
    } catch (e) {
      problems.push({ file, message: `is not valid JSON: ${(e as Error).message}` });
      return [];
    }
  }
  const hasTemplate = text.includes('{{');
  const templateProblem = (line: number | undefined): Located[] => {
    problems.push({ file, line, message: 'is an unrendered template ({{ … }}): render it first (helm template, or your templating tool) and check the output' });
    return [];
  };
  // Plain block documents take the fast path; the others, and files with directives, the yaml package.
  const parts = splitDocuments(text);
  const out: Located[] = [];
  for (const part of parts ?? [{ text, firstLine: 1 }]) {
    const fast = parts ? parseBlockYaml(part.text, schemaTags(), SCALAR_OPTIONS) : undefined;
    if (fast) {
      if (fast.value !== null && fast.value !== undefined) {
        let parsed: Document[] | undefined; // by the yaml package, once, only to locate a problem
        out.push({ value: fast.value, line: part.firstLine + (fast.line ?? 1) - 1,
          locate: (path) => locateIn(parsed ??= parseAllDocuments(part.text, YAML_OPTIONS) as Document[], part.text, part.firstLine, path) });
      }
      continue;
    }
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(part.text, { ...YAML_OPTIONS, lineCounter });
    const list: Document[] = Array.isArray(docs) ? docs : [];
    const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line + part.firstLine - 1);
    for (const doc of list) {
      if (hasTemplate && doc.errors.length > 0) return templateProblem(lineOf(doc.errors[0].pos[0]));
      const templated = hasTemplate ? templateAt(doc) : undefined;
      if (templated !== undefined) return templateProblem(lineOf(templated));
      if (doc.errors.length > 0) {
        const e = doc.errors[0];
        problems.push({ file, line: lineOf(e.pos[0]), message: `is not valid YAML: ${e.message.split('\n')[0]}` });
        return [];
      }
      const value = doc.toJS({ maxAliasCount: 1000 });
      if (value === null || value === undefined) continue;
      out.push({ value, line: lineOf(doc.contents?.range?.[0]), locate: (path) => locateIn([doc], part.text, part.firstLine, path, lineCounter) });
    }
  }
  return out;
}

/** The line of the deepest node on `path` that exists in the (single) document. */
function locateIn(docs: Document[], text: string, firstLine: number, path: Array<string | number>, counter?: LineCounter): number | undefined {
  const doc = docs.find((d) => d.contents !== null);
  if (!doc) return undefined;
  const lineOf = (offset: number) => (counter ? counter.linePos(offset).line : text.slice(0, offset).split('\n').length) + firstLine - 1;
  for (let n = path.length; n >= 0; n--) {
    const node: any = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node?.range) return lineOf(node.range[0]);
  }
  return undefined;
}

let tagsMemo: ScalarTag[] | undefined;
/** @internal The scalar tags of the schema the yaml package parses manifests with (for the fast path). */
export function schemaTags(): ScalarTag[] {
  tagsMemo ??= (parseDocument('', YAML_OPTIONS).schema.tags as unknown as ScalarTag[]);
  return tagsMemo;
}
/** @internal */
export const SCALAR_OPTIONS = { intAsBigInt: false };

/** Where `{{ .Values.x }}` sits in a value position: it parses as a flow map whose key is a flow map. */
function templateAt(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, node) {
      if (node.flow && node.items.some((p: any) => isMap(p.key) && p.key.flow)) {
        found = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
