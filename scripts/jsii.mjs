#!/usr/bin/env node
// Compiles the construct library's public API with the jsii compiler (the compiler that
// turns a cdk8s construct library into Python, Java, Go and .NET packages, and whose
// assembly Construct Hub lists). The CLI (lib/cli) is left out: it is its own package.
//
//   npm run jsii                 # assembly in build/jsii/.jsii
//   node scripts/jsii.mjs --out DIR
//
// jsii reads package.json and writes its own tsconfig.json, so it runs in a staging folder
// (never in the repository root, whose tsconfig.json it would overwrite): a copy of lib/
// (without lib/cli), imports/ and README.md, the repository's node_modules linked in, and a
// package.json made from the repository's with what jsii needs besides:
// - `author` and `repository`, which jsii requires and this unpublished package does not
//   declare yet (placeholders, marked as such);
// - `bundledDependencies`: jsii accepts a runtime dependency that is not itself a jsii
//   assembly (the @lezer and PromQL grammar packages) only as a bundled one; that is how it
//   would be published.
// Exit status: jsii's. Warnings are printed (reserved words such as `namespace` are only
// warnings: jsii renames them in the languages concerned).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const stage = resolve(outArg >= 0 ? process.argv[outArg + 1] : join(root, 'build/jsii'));

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const isJsiiAssembly = (name) => existsSync(join(root, 'node_modules', name, '.jsii'));
const runtimeDeps = Object.keys(pkg.dependencies ?? {});

/** The package.json jsii compiles against. */
const jsiiPackage = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  keywords: pkg.keywords,
  author: pkg.author ?? { name: 'cdk8s-ha-postgres authors (placeholder: not published yet)', organization: false },
  repository: pkg.repository ?? { type: 'git', url: 'https://example.invalid/cdk8s-ha-postgres.git' },
  main: pkg.main,
  types: pkg.types,
  dependencies: pkg.dependencies,
  bundledDependencies: runtimeDeps.filter((d) => !isJsiiAssembly(d)),
  peerDependencies: pkg.peerDependencies,
  // jsii resolves every peer from devDependencies too (the repository's installed versions)
  devDependencies: Object.fromEntries(Object.keys(pkg.peerDependencies ?? {}).map((d) => [d, pkg.devDependencies?.[d] ?? pkg.peerDependencies[d]])),
  jsii: {
    outdir: 'dist',
    targets: {},
    tsc: { outDir: 'build', rootDir: '.', types: ['node'] },
  },
};

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
cpSync(join(root, 'lib'), join(stage, 'lib'), { recursive: true, filter: (src) => !src.startsWith(join(root, 'lib/cli')) });
cpSync(join(root, 'imports'), join(stage, 'imports'), { recursive: true });
for (const f of ['README.md', 'LICENSE']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(jsiiPackage, null, 2)}\n`);
symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');

const jsii = join(root, 'node_modules/.bin/jsii');
const run = spawnSync(jsii, [], {
  cwd: stage,
  encoding: 'utf8',
  env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
});
process.stdout.write(run.stdout ?? '');
process.stderr.write(run.stderr ?? '');
if (run.status === 0) process.stdout.write(`jsii assembly: ${join(stage, '.jsii')}\n`);
process.exit(run.status ?? 1);
