import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';

/** The committed imports/ are exactly what `npm run import` generates from cdk8s.yaml's CRD sources. */
const root = join(__dirname, '..');

test('cdk8s.yaml lists pinned upstream CRD URLs per API group', () => {
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8'));
  const groups = Object.keys(config.crdSources);
  expect(groups).toEqual(expect.arrayContaining(['postgresql.cnpg.io', 'barmancloud.cnpg.io', 'monitoring.coreos.com', 's3.services.k8s.aws', 's3.aws.upbound.io']));
  for (const url of Object.values<string[]>(config.crdSources).flat()) {
    expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/v\d+\.\d+\.\d+\/.+\.yaml$/);
  }
  expect(config.imports).toEqual([]);
});

test('imports/ is up to date with the CRD sources', () => {
  const out = mkdtempSync(join(tmpdir(), 'imports-'));
  execFileSync(process.execPath, [join(root, 'scripts/import-crds.mjs')], { cwd: root, env: { ...process.env, IMPORTS_OUT: out, IMPORTS_QUIET: '1' } });
  const generated = readdirSync(out).sort();
  expect(generated).toEqual(readdirSync(join(root, 'imports')).sort());
  for (const f of generated) {
    expect(`${f}: ${readFileSync(join(out, f), 'utf8') === readFileSync(join(root, 'imports', f), 'utf8') ? 'same' : 'differs'}`).toBe(`${f}: same`);
  }
}, 120_000);
