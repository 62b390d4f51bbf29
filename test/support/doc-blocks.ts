/**
 * The TypeScript blocks of the documentation (README.md, CONTRIBUTING.md, docs/guides/*.md),
 * extracted and type-checked against the package as a user would import it.
 *
 * A block is a fenced code block tagged `ts` or `typescript`. Without a marker it must be a
 * complete module (its own imports). A marker is an HTML comment on the last non-blank line
 * before the fence, invisible on GitHub:
 *
 *     <!-- doc-block: given=chart,db -->        a fragment using `chart` and `db` from context
 *     <!-- doc-block: synth -->                 a complete app: also run, its manifests validated
 *     <!-- doc-block: file=src/chart.ts -->     a file other blocks of the same page import
 *     <!-- doc-block: file=test/a.test.ts run --> a jest test file: its tests are also run
 *
 * Options combine (`<!-- doc-block: given=chart file=test/chart.test.ts -->`). `given` names come
 * from GIVENS only (their types are declared, not constructed: a fragment is type-checked, never
 * run). Every block of every page is checked; there is no way to skip one.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, posix } from 'path';
import { parseAllDocuments } from 'yaml';
import * as ts from 'typescript';

/** Pages whose TypeScript blocks are checked, relative to the repository root. */
export function docFiles(root: string): string[] {
  const guides = join(root, 'docs/guides');
  const pages = existsSync(guides)
    ? readdirSync(guides).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/guides/${f}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', ...pages].filter((f) => existsSync(join(root, f)));
}

/** Context a fragment may use, by name: the type it is declared with. */
export const GIVENS: Record<string, string> = {
  app: 'cdk8s.App',
  chart: 'cdk8s.Chart',
  db: 'lib.HaPostgres',
  pool: 'lib.PgBouncerPool',
  archive: 'lib.WalArchive',
  bucket: 'lib.ArchiveBucket',
  credentials: 'lib.ArchiveCredentials',
  api: 'plus.Deployment',
};

const NAMESPACES: Record<string, string> = { cdk8s: 'cdk8s', lib: 'cdk8s-ha-postgres', plus: 'cdk8s-plus-28' };

export interface DocBlock {
  /** Page, relative to the root. */
  readonly doc: string;
  /** 1-based line in the page of the block's first code line. */
  readonly line: number;
  readonly code: string;
  readonly given: string[];
  readonly synth: boolean;
  /** Path of the block as a file, relative to its page's virtual directory. */
  readonly file?: string;
  /** A jest test file whose tests are run (needs `file`). */
  readonly run?: boolean;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const MARKER = /^\s*<!--\s*doc-block:(.*?)-->\s*$/;
const TS_LANGS = new Set(['ts', 'typescript']);

/** Every TypeScript block of a page; throws on a malformed or orphaned marker. */
export function extractBlocks(text: string, doc: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  const problems: string[] = [];
  let marker: { line: number; options: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]);
    if (m) {
      if (marker) problems.push(`${doc}:${marker.line}: doc-block marker not followed by a ts block`);
      marker = { line: i + 1, options: m[1].trim() };
      continue;
    }
    const fence = FENCE.exec(lines[i]);
    if (!fence) {
      if (marker && lines[i].trim() !== '') {
        problems.push(`${doc}:${marker.line}: doc-block marker not followed by a ts block`);
        marker = undefined;
      }
      continue;
    }
    const [, indent, ticks, lang] = fence;
    const start = i + 1;
    let end = start;
    const closing = new RegExp(`^\\s*\\${ticks[0]}{${ticks.length},}\\s*$`);
    while (end < lines.length && !closing.test(lines[end])) end++;
    if (end >= lines.length) {
      problems.push(`${doc}:${i + 1}: code fence never closed`);
      break;
    }
    if (TS_LANGS.has(lang)) {
      const code = lines.slice(start, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart())).join('\n');
      const parsed = parseOptions(marker?.options ?? '', `${doc}:${marker?.line}`, problems);
      blocks.push({ doc, line: start + 1, code, ...parsed });
    } else if (marker) {
      problems.push(`${doc}:${marker.line}: doc-block marker before a \`${lang || 'plain'}\` block (only ts blocks are checked)`);
    } else if (['js', 'javascript', 'tsx', 'mts', 'cts'].includes(lang)) {
      problems.push(`${doc}:${i + 1}: a \`${lang}\` block: write examples in TypeScript (\`ts\`) so they are checked`);
    }
    marker = undefined;
    i = end;
  }
  if (marker) problems.push(`${doc}:${marker.line}: doc-block marker not followed by a ts block`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return blocks;
}

type BlockOptions = Pick<DocBlock, 'given' | 'synth' | 'file' | 'run'>;

function parseOptions(options: string, where: string, problems: string[]): BlockOptions {
  const result: { given: string[]; synth: boolean; file?: string; run?: boolean } = { given: [], synth: false };
  for (const option of options.split(/\s+/).filter(Boolean)) {
    const [key, value] = option.split('=', 2);
    if (key === 'synth' && value === undefined) {
      result.synth = true;
    } else if (key === 'run' && value === undefined) {
      result.run = true;
    } else if (key === 'given' && value) {
      for (const name of value.split(',').filter(Boolean)) {
        if (!(name in GIVENS)) problems.push(`${where}: given=${name} is not one of ${Object.keys(GIVENS).join(', ')}`);
        result.given.push(name);
      }
    } else if (key === 'file' && value && /^[\w.-]+(\/[\w.-]+)*\.ts$/.test(value) && !value.split('/').includes('..')) {
      result.file = value;
    } else {
      problems.push(`${where}: unknown doc-block option "${option}" (use synth, given=a,b, file=dir/name.ts or run)`);
    }
  }
  if ((result.synth || result.run) && result.given.length > 0) problems.push(`${where}: a block that runs cannot use given= (its context is only declared)`);
  if (result.run && !result.file) problems.push(`${where}: run needs file=<name>.test.ts`);
  if (result.run && result.synth) problems.push(`${where}: use either synth or run`);
  return result;
}

/** Where a block lives as a virtual file, and its text (the preamble declares its `given` names). */
export function blockModule(root: string, block: DocBlock): { path: string; text: string; preambleLines: number } {
  const dir = join(root, '.doc-blocks', block.doc.replace(/\.md$/, '').replace(/\//g, '__'));
  const path = join(dir, block.file ?? `line-${block.line}.ts`);
  const used = new Set(block.given.map((g) => GIVENS[g].split('.')[0]));
  const preamble = [
    ...[...used].sort().map((ns) => `import type * as ${ns} from '${NAMESPACES[ns]}';`),
    ...block.given.map((g) => `declare const ${g}: ${GIVENS[g]};`),
  ];
  // `export {}` makes every block a module, so the blocks' top-level names never collide.
  return { path, text: [...preamble, block.code, 'export {};', ''].join('\n'), preambleLines: preamble.length };
}

/** Compiler options of the project, with the package name resolved to lib/index.ts. */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    inlineSourceMap: false,
    inlineSources: false,
    baseUrl: root,
    paths: { 'cdk8s-ha-postgres': ['lib/index.ts'] },
  };
}

/**
 * Type-checks all blocks in one program. Only the blocks' own diagnostics are computed (the
 * library itself is checked by `tsc --noEmit`), each reported as `page:line:column: message`.
 */
export function typeCheckBlocks(root: string, blocks: DocBlock[]): string[] {
  const modules = new Map<string, { text: string; block: DocBlock; preambleLines: number }>();
  const problems: string[] = [];
  for (const block of blocks) {
    const m = blockModule(root, block);
    if (modules.has(m.path)) {
      problems.push(`${block.doc}:${block.line}: file=${block.file} is used by two blocks of the page`);
      continue;
    }
    for (const name of block.given) {
      if (!new RegExp(`\\b${name}\\b`).test(block.code)) problems.push(`${block.doc}:${block.line}: given=${name} is not used by the block`);
    }
    modules.set(m.path, { text: m.text, block, preambleLines: m.preambleLines });
  }
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = modules.get(fileName);
    if (virtual) return ts.createSourceFile(fileName, virtual.text, languageVersion, true);
    return getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => modules.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => modules.get(fileName)?.text ?? readFile.call(host, fileName);
  const virtualDirs = new Set([...modules.keys()].flatMap((path) => path.split('/').slice(1, -1).map((_, i, parts) => '/' + parts.slice(0, i + 1).join('/'))));
  const { directoryExists } = host;
  host.directoryExists = (dir) => virtualDirs.has(dir.replace(/\/+$/, '')) || (directoryExists ? directoryExists.call(host, dir) : ts.sys.directoryExists(dir));
  const program = ts.createProgram([...modules.keys()], options, host);
  for (const d of program.getOptionsDiagnostics()) problems.push(`compiler options: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  for (const [path, m] of modules) {
    const sf = program.getSourceFile(path);
    if (!sf) {
      problems.push(`${m.block.doc}:${m.block.line}: not in the program`);
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      const inPreamble = line < m.preambleLines;
      const docLine = inPreamble ? m.block.line - 1 : m.block.line + line - m.preambleLines;
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
      problems.push(`${m.block.doc}:${docLine}:${character + 1}: TS${d.code} ${inPreamble ? '(in the given= preamble) ' : ''}${message}`);
    }
  }
  return problems;
}

/** The block's code as CommonJS. */
function transpile(block: DocBlock): string {
  return ts.transpileModule(block.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: `${block.doc}-${block.line}.ts`,
  }).outputText;
}

/** Runs CommonJS code with `require` resolving the package name to lib/ and `resolveLocal` for relative paths. */
function evaluate(root: string, block: DocBlock, globals: Record<string, unknown>, resolveLocal: (id: string) => unknown): unknown {
  const load = (id: string): unknown => {
    if (id === 'cdk8s-ha-postgres') return require(join(root, 'lib'));
    if (id.startsWith('.')) return resolveLocal(id);
    return require(id);
  };
  const module = { exports: {} as Record<string, unknown> };
  const names = Object.keys(globals);
  new Function('require', 'module', 'exports', ...names, transpile(block))(load, module, module.exports, ...names.map((n) => globals[n]));
  return module.exports;
}

/** Sets environment variables while `fn` runs. */
function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs a `synth` block as written (the package name resolved to lib/) and reads what it wrote. */
export function runSynthBlock(root: string, block: DocBlock): { files: string[]; manifests: any[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'doc-block-'));
  try {
    return withEnv({ CDK8S_OUTDIR: outdir, HA_POSTGRES_SILENCE_WARNINGS: '1' }, () => {
      evaluate(root, block, {}, (id) => {
        throw new Error(`${block.doc}:${block.line}: a synth block cannot import ${id}`);
      });
      const files = readdirSync(outdir).sort();
      const manifests = files.filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map((d) => d.toJS()));
      return { files, manifests };
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Runs the tests of a `run` block (a jest test file) with the given `expect`: `test`/`it` bodies
 * run one after the other, `describe` bodies at once; relative imports load the page's other
 * `file=` blocks. Returns the names of the tests that ran; the first failure throws, naming the
 * page, the block's line and the test.
 */
export async function runTestBlock(root: string, pageBlocks: DocBlock[], block: DocBlock, expectFn: unknown): Promise<string[]> {
  const byFile = new Map(pageBlocks.filter((b) => b.doc === block.doc && b.file).map((b) => [b.file as string, b]));
  const loaded = new Map<string, unknown>();
  const loadFile = (from: string, id: string): unknown => {
    const path = posix.normalize(posix.join(posix.dirname(from), id)).replace(/(\.ts)?$/, '.ts');
    const target = byFile.get(path);
    if (!target) throw new Error(`${block.doc}:${block.line}: ${id} is no file= block of the page`);
    if (!loaded.has(path)) loaded.set(path, evaluate(root, target, {}, (next) => loadFile(path, next)));
    return loaded.get(path);
  };
  const tests: Array<{ name: string; fn: () => unknown }> = [];
  const test = (name: string, fn: () => unknown): void => {
    tests.push({ name, fn });
  };
  const describe = (_: string, fn: () => void): void => fn();
  evaluate(root, block, { test, it: test, describe, expect: expectFn }, (id) => loadFile(block.file as string, id));
  const saved = process.env.HA_POSTGRES_SILENCE_WARNINGS;
  process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  try {
    for (const t of tests) {
      try {
        await t.fn();
      } catch (e) {
        throw new Error(`${block.doc}:${block.line}: test "${t.name}" failed: ${(e as Error).message}`);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.HA_POSTGRES_SILENCE_WARNINGS;
    else process.env.HA_POSTGRES_SILENCE_WARNINGS = saved;
  }
  return tests.map((t) => t.name);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replace(/ /g, '-');
}

/**
 * Relative links of a page (`[text](path#anchor)`, outside code) whose file does not exist, or
 * whose anchor is no heading of the target Markdown file.
 */
export function brokenLinks(root: string, doc: string): string[] {
  const text = readPage(root, doc).replace(/^\s*(```|~~~)[\s\S]*?^\s*\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  const problems: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const file = path === '' ? join(root, doc) : join(root, dirname(doc), path);
    if (!existsSync(file)) {
      problems.push(`${doc}: link to ${target}: no such file`);
      continue;
    }
    if (anchor !== undefined && file.endsWith('.md')) {
      const anchors = readFileSync(file, 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, '')));
      if (!anchors.includes(anchor)) problems.push(`${doc}: link to ${target}: no heading with that anchor`);
    }
  }
  return problems;
}

export function readPage(root: string, doc: string): string {
  return readFileSync(join(root, doc), 'utf8');
}
