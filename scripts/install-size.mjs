#!/usr/bin/env node
// What installing a package tarball brings into an empty npm project: every package of the
// installed tree (npm ls --all), with the bytes of its files, and the totals with and without
// the package's peer dependencies (which a construct user has anyway).
//
//   npm pack && node scripts/install-size.mjs cdk8s-ha-postgres-0.1.0.tgz [--json] [--keep DIR]
//
// test/package.real.test.ts runs it on the packed construct package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const json = args.includes('--json');
const keepAt = args.indexOf('--keep');
const tarball = args.find((a, i) => !a.startsWith('--') && (keepAt < 0 || i !== keepAt + 1));
if (!tarball) {
  console.error('usage: node scripts/install-size.mjs <package.tgz> [--json] [--keep DIR]');
  process.exit(2);
}

/** Bytes of the files under `dir` (apparent size). */
function bytesUnder(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += bytesUnder(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** path -> name of every package below `node` of an `npm ls --all --json --long` tree. */
function packagesOf(node, out = new Map()) {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    if (child.path && !out.has(child.path)) {
      out.set(child.path, name);
      packagesOf(child, out);
    }
  }
  return out;
}

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS'));
const dir = keepAt >= 0 ? resolve(args[keepAt + 1]) : mkdtempSync(join(tmpdir(), 'install-size-'));
try {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const npm = (...a) => execFileSync('npm', a, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  npm('install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', resolve(tarball));
  const tree = JSON.parse(npm('ls', '--all', '--json', '--long'));
  const [name] = Object.keys(tree.dependencies);
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
  const peers = new Set(Object.keys(manifest.peerDependencies ?? {}));
  const packages = [...packagesOf(tree).entries()]
    .map(([path, pkg]) => ({ name: pkg, version: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).version, bytes: bytesUnder(path), peer: peers.has(pkg) }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  const result = {
    package: `${name}@${manifest.version}`,
    dependencies: Object.keys(manifest.dependencies ?? {}).sort(),
    peerDependencies: [...peers].sort(),
    bytesWithoutPeers: packages.filter((p) => !p.peer).reduce((a, p) => a + p.bytes, 0),
    bytesTotal: bytesUnder(join(dir, 'node_modules')),
    packages,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
    console.log(result.peerDependencies.length
      ? `${result.package}: ${mb(result.bytesWithoutPeers)} installed with its dependencies, peers excluded; ${mb(result.bytesTotal)} with its peers (${result.peerDependencies.join(', ')})`
      : `${result.package}: ${mb(result.bytesTotal)} installed with its dependencies`);
    for (const p of packages) console.log(`  ${p.name}@${p.version}${p.peer ? ' (peer)' : ''}: ${mb(p.bytes)}`);
  }
} finally {
  if (keepAt < 0) rmSync(dir, { recursive: true, force: true });
}
