#!/usr/bin/env node
// Regenerates imports/ from the vendored CRDs (crds/) listed in cdk8s.yaml (`crdSources`).
//   npm run import                 imports/ from the vendored files (no network)
//   npm run import -- --refresh    first downloads every URL into crds/ and prints its
//                                  sha256, for the group's SOURCE.md
// cdk8s-cli imports one spec at a time, and CRDs of one API group imported separately
// overwrite each other's module, so each group is concatenated and imported in one go.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { crdSources, readCrd, vendoredPath, projectRoot } from './crd-sources.mjs';

const refresh = process.argv.includes('--refresh');
const outdir = process.env.IMPORTS_OUT ?? 'imports';

if (refresh) {
  for (const [group, urls] of Object.entries(crdSources())) {
    for (const url of urls) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`cannot download ${url}: HTTP ${res.status}`);
      const text = await res.text();
      const path = vendoredPath(url, group);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      const sha = createHash('sha256').update(text).digest('hex');
      console.log(`${relative(projectRoot, path)}  sha256 ${sha}  (update its SOURCE.md)`);
    }
  }
}

const work = mkdtempSync(join(tmpdir(), 'crd-import-'));
try {
  for (const [group, urls] of Object.entries(crdSources())) {
    const docs = urls.map((url) => readCrd(url, group).replace(/^---\s*\n/, ''));
    const file = join(work, `${group}.yaml`);
    writeFileSync(file, docs.map((d) => `---\n${d}`).join('\n'));
    execFileSync(join(projectRoot, 'node_modules/.bin/cdk8s'),
      ['import', file, '--no-save', '--no-check-upgrade', '-l', 'typescript', '-o', outdir],
      { cwd: projectRoot, stdio: process.env.IMPORTS_QUIET ? 'ignore' : 'inherit' });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
