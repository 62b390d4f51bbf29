import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from './support/schema-validator';

/** The README's quick-start code runs as written (with the package name pointed at lib/). */
const root = join(__dirname, '..');

test('the quick-start snippet synthesizes valid manifests', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## HaPostgres'));
  const snippet = /```ts\n([\s\S]*?)```/.exec(quickStart)?.[1];
  expect(snippet).toBeDefined();
  const file = join(root, `test/.readme-quickstart-${process.pid}.ts`);
  const outdir = mkdtempSync(join(tmpdir(), 'readme-'));
  writeFileSync(file, (snippet as string)
    .replace("from 'cdk8s-ha-postgres'", "from '../lib'")
    .replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`));
  try {
    execFileSync(join(root, 'node_modules/.bin/ts-node'), ['--swc', file], { cwd: root, stdio: 'pipe', env: { ...process.env, HA_POSTGRES_SILENCE_WARNINGS: '1' } });
  } finally {
    rmSync(file, { force: true });
  }
  const docs = readdirSync(outdir).filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(outdir, f), 'utf8')).map((d) => d.toJS()));
  expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Cluster', 'Pooler', 'Deployment', 'NetworkPolicy']));
  expectValidManifests(docs);
  const api = docs.find((d) => d.kind === 'Deployment');
  const env = api.spec.template.spec.containers[0].env;
  expect(env.find((e: any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'orders-db-app', key: 'password' });
}, 60_000);
