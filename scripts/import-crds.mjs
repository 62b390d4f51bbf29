#!/usr/bin/env node
// Regenerates imports/ from the CRDs listed in cdk8s.yaml (`crdSources`).
// cdk8s-cli imports one spec at a time, and CRDs of one API group imported separately
// overwrite each other's module, so each group is concatenated and imported in one go.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { crdSources, readCrd, projectRoot } from './crd-sources.mjs';

const outdir = process.env.IMPORTS_OUT ?? 'imports';
const work = mkdtempSync(join(tmpdir(), 'crd-import-'));
try {
  for (const [group, urls] of Object.entries(crdSources())) {
    const docs = [];
    for (const url of urls) docs.push((await readCrd(url)).replace(/^---\s*\n/, ''));
    const file = join(work, `${group}.yaml`);
    writeFileSync(file, docs.map((d) => `---\n${d}`).join('\n'));
    execFileSync(join(projectRoot, 'node_modules/.bin/cdk8s'),
      ['import', file, '--no-save', '--no-check-upgrade', '-l', 'typescript', '-o', outdir],
      { cwd: projectRoot, stdio: process.env.IMPORTS_QUIET ? 'ignore' : 'inherit' });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
