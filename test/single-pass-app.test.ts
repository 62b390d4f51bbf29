/**
 * SinglePassApp writes exactly the files App.synth() writes (byte for byte), for every
 * example and every YamlOutputType, validates once, renders each object once, and replaces
 * nothing of cdk8s.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { BackupChart, PointInTimeRestoreChart } from '../examples/backup/chart';
import { DevChart } from '../examples/dev/chart';
import { PatroniChart } from '../examples/patroni/chart';
import { PoolerChart } from '../examples/pooler/chart';
import { ProductionChart } from '../examples/production/chart';
import { UpgradeChart } from '../examples/upgrade/chart';
import { SinglePassApp } from '../lib/app/single-pass-app';
import { HaPostgres } from '../lib';

process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

const EXAMPLES: Array<[string, (app: App) => void]> = [
  ['backup', (app) => { new BackupChart(app, 'backup'); new PointInTimeRestoreChart(app, 'restore'); }],
  ['dev', (app) => { new DevChart(app, 'dev'); }],
  ['patroni', (app) => { new PatroniChart(app, 'patroni'); }],
  ['pooler', (app) => { new PoolerChart(app, 'pooler'); }],
  ['production', (app) => { new ProductionChart(app, 'production'); }],
  ['upgrade', (app) => { new UpgradeChart(app, 'upgrade'); }],
  // charts that depend on each other: indexed file and folder names
  ['dependent charts', (app) => { const a = new DevChart(app, 'dev-a'); const b = new PoolerChart(app, 'pooler-b'); b.addDependency(a); }],
];
const OUTPUT_TYPES = [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE];

/** Every file under `dir` with its content, by relative path. */
function files(dir: string, prefix = ''): { [path: string]: string } {
  const out: { [path: string]: string } = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(out, files(full, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(full, 'utf8');
  }
  return out;
}

function synthesize(kind: 'App' | 'SinglePassApp', build: (app: App) => void, props: AppProps): { [path: string]: string } {
  const outdir = mkdtempSync(join(tmpdir(), `single-pass-${kind}-`));
  const app = kind === 'App' ? new App({ ...props, outdir }) : new SinglePassApp({ ...props, outdir });
  build(app);
  app.synth();
  return files(outdir);
}

describe.each(EXAMPLES)('%s', (_name, build) => {
  test.each(OUTPUT_TYPES.map((t) => [YamlOutputType[t], t] as const))('%s: the same files, byte for byte (no diagram files aside)', (_type, yamlOutputType) => {
    const plain = synthesize('App', build, { yamlOutputType });
    const single = synthesize('SinglePassApp', build, { yamlOutputType });
    const diagrams = Object.keys(single).filter((f) => f.endsWith('.topology.md'));
    for (const d of diagrams) delete single[d];
    expect(Object.keys(plain).length).toBeGreaterThan(0);
    expect(single).toEqual(plain);
  });

  test('synthYaml() is the same string', () => {
    const plain = new App({ outdir: mkdtempSync(join(tmpdir(), 'sy-')) });
    const single = new SinglePassApp({ outdir: mkdtempSync(join(tmpdir(), 'sy-')) });
    build(plain);
    build(single);
    expect(single.synthYaml()).toEqual(plain.synthYaml());
  });
});

test('construct metadata (recordConstructMetadata) is the same file', () => {
  const build = (app: App) => { new DevChart(app, 'dev'); };
  expect(synthesize('SinglePassApp', build, { recordConstructMetadata: true })).toEqual(synthesize('App', build, { recordConstructMetadata: true }));
});

test('one validation of the whole app and one render of each object per synth; nothing of cdk8s is replaced', () => {
  let validations = 0;
  let renders = 0;
  class Counted extends ApiObject {
    public toJson(): any { renders++; return super.toJson(); }
  }
  const app = new SinglePassApp({ outdir: mkdtempSync(join(tmpdir(), 'count-')) });
  for (let i = 0; i < 5; i++) {
    const chart = new Chart(app, `c${i}`, { namespace: `n${i}` });
    new Counted(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
    new HaPostgres(chart, 'db');
    chart.node.addValidation({ validate: () => { if (i === 0) validations++; return []; } });
  }
  app.synth();
  expect(validations).toBe(1);
  expect(renders).toBe(5);
  expect(app.synth).toBe(SinglePassApp.prototype.synth);
  expect(Chart.prototype.toJson).toBe(Object.getPrototypeOf(new Chart(new App(), 'x')).toJson);

  // A plain App validates once per chart plus once: what SinglePassApp saves.
  let plainValidations = 0;
  const plain = new App({ outdir: mkdtempSync(join(tmpdir(), 'count-')) });
  for (let i = 0; i < 5; i++) {
    const chart = new Chart(plain, `c${i}`);
    if (i === 0) chart.node.addValidation({ validate: () => { plainValidations++; return []; } });
  }
  plain.synth();
  expect(plainValidations).toBe(6);
});

test('errors are thrown before anything is written, with cdk8s\'s message', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'fail-'));
  const app = new SinglePassApp({ outdir });
  const chart = new Chart(app, 'c', { namespace: 'db' });
  new HaPostgres(chart, 'orders', { synchronousStandbys: 5 });
  expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[c\/orders\] synchronousStandbys = 5/);
  expect(readdirSync(outdir)).toEqual([]);
});

test('a chart class with its own toJson() keeps it', () => {
  class Custom extends Chart {
    public toJson(): any[] { return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custom' } }]; }
  }
  const build = (app: Construct) => { new Custom(app, 'custom'); };
  expect(synthesize('SinglePassApp', build as any, {})).toEqual(synthesize('App', build as any, {}));
});
