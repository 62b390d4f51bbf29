/*
 * A fast path for the plain block YAML most manifests are written in, so that reading
 * thousands of them stays well under the time `ha-postgres check` is allowed: the `yaml`
 * package spends about 12 µs per line (2.5 s of CPU for 2,000 clusters), this reader under 1 µs.
 *
 * It reads only block mappings and sequences (including indentless sequences and
 * `- key: value` items) of single-line plain or quoted scalars, with comments and blank
 * lines. Every plain scalar is resolved by the tags of the `yaml` package's schema that
 * the slow path uses (YAML 1.1 as kubectl reads it: yes/no/on/off booleans, octal, …),
 * and quoted scalars are strings, so the values are the same. Anything else (flow
 * collections, block scalars, anchors, aliases, merge keys, tags, multi-line scalars,
 * tabs, duplicate keys, directives, anything it does not recognise) makes it return
 * undefined, and the document is parsed by the `yaml` package instead, which also reports
 * the errors. test/cli/check/fast-yaml.test.ts compares both readers document by document.
 */

/** A tag of the yaml package's schema (the fields used to resolve plain scalars). */
export interface ScalarTag {
  readonly default?: boolean | 'key';
  readonly test?: RegExp;
  readonly collection?: string;
  resolve(value: string, onError: (message: string) => void, options: any): unknown;
}

class NotFast extends Error {}

interface Token {
  readonly indent: number;
  readonly type: 'seq' | 'key' | 'scalar';
  readonly line: number;
  /** key (type key) */
  readonly key?: string;
  /** the scalar after `key:` or alone (undefined: none on this line) */
  readonly value?: unknown;
}

const INDICATORS = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '%', '@', '`']);

/** Reads one document; undefined when it is not in the subset (use the `yaml` package). */
export function parseBlockYaml(text: string, tags: readonly ScalarTag[], options: any = {}): { value: unknown; line?: number } | undefined {
  try {
    const tokens = tokenize(text, tags, options);
    if (tokens.length === 0) return { value: null };
    const parser = new Parser(tokens);
    const value = parser.node(0);
    if (parser.pos !== tokens.length) return undefined;
    return { value, line: tokens[0].line };
  } catch (e) {
    if (e instanceof NotFast) return undefined;
    throw e;
  }
}

/**
 * Splits a file into its documents at `---` / `...` lines; undefined when the file uses
 * directives or content on a marker line (the `yaml` package handles those).
 */
export function splitDocuments(text: string): Array<{ text: string; firstLine: number }> | undefined {
  const lines = text.split('\n');
  const docs: Array<{ text: string; firstLine: number }> = [];
  let start = 0;
  let sawMarker = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l.startsWith('%')) return undefined;
    if (l.startsWith('---') || l.startsWith('...')) {
      if (!/^(---|\.\.\.)[ \t]*(#.*)?$/.test(l)) return undefined;
      if (i > start || sawMarker || l.startsWith('...')) docs.push({ text: lines.slice(start, i).join('\n'), firstLine: start + 1 });
      start = i + 1;
      sawMarker = true;
    }
  }
  docs.push({ text: lines.slice(start).join('\n'), firstLine: start + 1 });
  return docs;
}

function tokenize(text: string, tags: readonly ScalarTag[], options: any): Token[] {
  const tokens: Token[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (n === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    let indent = 0;
    while (indent < line.length && line[indent] === ' ') indent++;
    if (indent === line.length || line[indent] === '#') continue; // blank or comment
    if (line[indent] === '\t') throw new NotFast();
    let col = indent;
    // `- ` items, possibly several on a line (`- - a`)
    while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ')) {
      tokens.push({ indent: col, type: 'seq', line: n + 1 });
      col++;
      while (col < line.length && line[col] === ' ') col++;
      if (col === line.length || line[col] === '#') break;
    }
    if (col === line.length || line[col] === '#') continue;
    if (line[col] === '\t') throw new NotFast();
    const rest = line.slice(col);
    const keyed = splitKey(rest, tags, options);
    if (keyed) {
      tokens.push({ indent: col, type: 'key', line: n + 1, key: keyed.key, value: keyed.value });
    } else {
      tokens.push({ indent: col, type: 'scalar', line: n + 1, value: scalar(rest, false, tags, options) });
    }
  }
  return tokens;
}

/** `key: value` / `key:`; undefined when the text is not a mapping entry. */
function splitKey(text: string, tags: readonly ScalarTag[], options: any): { key: string; value?: unknown } | undefined {
  let key: string;
  let after: string;
  if (text[0] === '"' || text[0] === '\'') {
    const q = quoted(text);
    if (!q) throw new NotFast();
    const m = /^[ ]*:(?: +|$)/.exec(q.rest);
    if (!m) return undefined;
    key = q.value;
    after = q.rest.slice(m[0].length);
  } else {
    const colon = text.search(/:( |$)/);
    if (colon < 0) return undefined;
    const raw = text.slice(0, colon).replace(/ +$/, '');
    if (raw === '' || raw.includes(' #') || raw === '<<' || raw[0] === '?') throw new NotFast();
    const k = scalar(raw, true, tags, options);
    if (k === null || typeof k === 'object') throw new NotFast();
    key = String(k);
    after = text.slice(colon + 1).replace(/^ +/, '');
  }
  if (after === '' || after[0] === '#') return { key };
  return { key, value: scalar(after, false, tags, options) };
}

/** A single-line scalar (plain, or quoted then only a comment); throws NotFast otherwise. */
function scalar(text: string, atKey: boolean, tags: readonly ScalarTag[], options: any): unknown {
  const c = text[0];
  if (c === '"' || c === '\'') {
    const q = quoted(text);
    if (!q || !/^ *(#.*)?$/.test(q.rest) || (q.rest.length > 0 && q.rest[0] !== ' ' && q.rest[0] !== '#')) throw new NotFast();
    if (q.rest.startsWith('#')) throw new NotFast(); // a comment must follow white space
    return q.value;
  }
  if (INDICATORS.has(c) || ((c === '-' || c === '?' || c === ':') && (text.length === 1 || text[1] === ' '))) throw new NotFast();
  const hash = text.indexOf(' #');
  const plain = (hash >= 0 ? text.slice(0, hash) : text).replace(/[ \t]+$/, '');
  // `a: b` inside a value is a nested mapping (an error), `a:` at the end too
  if (!atKey && (/: /.test(plain) || plain.endsWith(':'))) throw new NotFast();
  if (plain.includes('\t')) throw new NotFast();
  // Manifests repeat the same keys and values: resolve each text once.
  let caches = CACHES.get(tags);
  if (!caches) CACHES.set(tags, caches = { key: new Map(), value: new Map() });
  const cache = atKey ? caches.key : caches.value;
  if (cache.has(plain)) return cache.get(plain);
  const resolved = resolvePlain(plain, atKey, tags, options);
  if (cache.size > 100_000) cache.clear();
  cache.set(plain, resolved);
  return resolved;
}

const CACHES = new WeakMap<readonly ScalarTag[], { key: Map<string, unknown>; value: Map<string, unknown> }>();

function resolvePlain(plain: string, atKey: boolean, tags: readonly ScalarTag[], options: any): unknown {
  const tag = tags.find((t) => !t.collection && (t.default === true || (atKey && t.default === 'key')) && t.test?.test(plain));
  if (!tag) return plain;
  let failed = false;
  const res: any = tag.resolve(plain, () => { failed = true; }, options);
  if (failed) throw new NotFast();
  return res !== null && typeof res === 'object' && 'value' in res ? res.value : res;
}

const ESCAPES: { [c: string]: string } = {
  '0': '\0', 'a': '\u0007', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r', 'e': '\u001b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': '\u0085', '_': '\u00a0', 'L': '\u2028', 'P': '\u2029',
};

/** A quoted scalar closed on the same line: its value and what follows the closing quote. */
function quoted(text: string): { value: string; rest: string } | undefined {
  const q = text[0];
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (q === '\'') {
      if (ch === '\'') {
        if (text[i + 1] === '\'') { out += '\''; i++; continue; }
        return { value: out, rest: text.slice(i + 1) };
      }
      out += ch;
    } else {
      if (ch === '"') return { value: out, rest: text.slice(i + 1) };
      if (ch === '\\') {
        const e = text[i + 1];
        if (e === undefined) return undefined;
        if (Object.prototype.hasOwnProperty.call(ESCAPES, e)) { out += ESCAPES[e]; i++; continue; }
        const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = text.slice(i + 2, i + 2 + len);
        if (len === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new NotFast();
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 1 + len;
        continue;
      }
      out += ch;
    }
  }
  return undefined; // not closed on this line
}

class Parser {
  public pos = 0;
  public constructor(private readonly tokens: Token[]) {}

  /** The node starting at the current token, if its indent is at least `min`. */
  public node(min: number): unknown {
    const t = this.tokens[this.pos];
    if (!t || t.indent < min) return null;
    if (t.type === 'seq') return this.seq(t.indent);
    if (t.type === 'key') return this.map(t.indent);
    this.pos++;
    const next = this.tokens[this.pos];
    if (next && next.indent > t.indent) throw new NotFast(); // a multi-line plain scalar
    return t.value;
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let t = this.tokens[this.pos]; t && t.indent === indent && t.type === 'seq'; t = this.tokens[this.pos]) {
      this.pos++;
      out.push(this.node(indent + 1));
    }
    return out;
  }

  private map(indent: number): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = {};
    for (let t = this.tokens[this.pos]; t && t.indent === indent; t = this.tokens[this.pos]) {
      if (t.type !== 'key' || t.key === '__proto__') throw new NotFast();
      if (Object.prototype.hasOwnProperty.call(out, t.key!)) throw new NotFast(); // the yaml package reports it
      this.pos++;
      let value: unknown;
      if (t.value !== undefined) {
        value = t.value;
        const next = this.tokens[this.pos];
        if (next && next.indent > indent) throw new NotFast();
      } else {
        const next = this.tokens[this.pos];
        if (next && next.indent > indent) value = this.node(indent + 1);
        else if (next && next.indent === indent && next.type === 'seq') value = this.seq(indent);
        else value = null;
      }
      out[t.key!] = value;
    }
    return out;
  }
}
