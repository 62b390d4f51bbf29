/**
 * The vendored CRDs (crds/) are the upstream files their SOURCE.md describes: every CRD
 * listed in cdk8s.yaml `crdSources` is vendored, and each vendored file's sha256 is the one
 * its SOURCE.md records (so a refresh that forgets the provenance fails here).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { basename, dirname, join } from 'path';
import { parse } from 'yaml';

const root = join(__dirname, '..');
const crdDir = join(root, 'crds');

function vendored(): Map<string, string> {
  const out = new Map<string, string>();
  // One folder per API group; crds/README.md (the provenance) sits beside them.
  for (const group of fs.readdirSync(crdDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
    for (const f of fs.readdirSync(join(crdDir, group))) if (f.endsWith('.yaml')) out.set(f, join(crdDir, group, f));
  }
  return out;
}

test('every CRD source URL in cdk8s.yaml is vendored in crds/', () => {
  const sources: Record<string, string[]> = parse(fs.readFileSync(join(root, 'cdk8s.yaml'), 'utf8')).crdSources;
  const files = vendored();
  const missing = Object.values(sources).flat().map((u) => basename(new URL(u).pathname)).filter((f) => !files.has(f));
  expect(missing).toEqual([]);
  // FailoverQuorum and DatabaseRole (new in CloudNativePG 1.30) are imported with their group
  expect(sources['postgresql.cnpg.io'].map((u) => basename(u))).toEqual(expect.arrayContaining([
    'postgresql.cnpg.io_failoverquorums.yaml', 'postgresql.cnpg.io_databaseroles.yaml']));
});

test.each([...vendored()].map(([f, p]) => [f, p]))('%s matches the sha256 in its SOURCE.md', (file, path) => {
  const source = fs.readFileSync(join(dirname(path), 'SOURCE.md'), 'utf8');
  const row = source.split('\n').find((l) => l.startsWith(`| \`${file}\``));
  expect(row).toBeDefined();
  const recorded = /`([0-9a-f]{64})`/.exec(row!)?.[1];
  expect(createHash('sha256').update(fs.readFileSync(path)).digest('hex')).toBe(recorded);
});
