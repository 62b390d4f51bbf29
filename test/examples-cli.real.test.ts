import { Testing } from 'cdk8s';
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { DevChart } from '../examples/dev/chart';
import { ProductionChart } from '../examples/production/chart';
import { expectValidManifests } from './support/schema-validator';

const root = join(__dirname, '..');

/** `cdk8s synth` through the CLI, as the README tells users to run it. */
function cliSynth(args: string[]): { files: string[]; docs: any[]; stderr: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'cli-synth-')), 'dist');
  const stderr = execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade', '--output', out, ...args],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HA_POSTGRES_SILENCE_WARNINGS: '' } });
  const files = readdirSync(out).filter((f) => f.endsWith('.k8s.yaml'));
  const docs = files.flatMap((f) => parseAllDocuments(readFileSync(join(out, f), 'utf8')).map((d) => d.toJS()));
  return { files, docs, stderr };
}

const ids = (docs: any[]) => docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`);

describe('cdk8s synth (CLI)', () => {
  test('the default app (cdk8s.yaml) writes the production example, identical to an in-process synth', () => {
    const { files, docs } = cliSynth([]);
    expect(files).toEqual(['production.k8s.yaml']);
    expect(ids(docs)).toEqual(ids(Testing.synth(new ProductionChart(Testing.app(), 'production'))));
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Cluster', 'PodDisruptionBudget', 'Pooler', 'ObjectStore', 'ScheduledBackup', 'CronJob', 'NetworkPolicy']));
    expectValidManifests(docs);
  });

  test('the dev example synthesizes with --app', () => {
    const { files, docs } = cliSynth(['--app', 'ts-node --swc examples/dev/main.ts']);
    expect(files).toEqual(['dev.k8s.yaml']);
    expect(ids(docs)).toEqual(ids(Testing.synth(new DevChart(Testing.app(), 'dev'))));
    expect(docs.map((d) => d.kind)).toContain('Cluster');
  });
});
