/**
 * SynthSession: inside `app.synth()` each object renders once and charts skip cdk8s's
 * repeated whole-app validation. The written files must be byte-identical to plain
 * cdk8s, and everything must be restored afterwards.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterMonitoring, HaPostgres } from '../lib';
import { AppIndex } from '../lib/core/app-index';
import { PLAIN_SYNTH_ENV } from '../lib/core/synth-session';
import { BackupChart, PointInTimeRestoreChart } from '../examples/backup/chart';
import { DevChart } from '../examples/dev/chart';
import { PatroniChart } from '../examples/patroni/chart';
import { PoolerChart } from '../examples/pooler/chart';
import { ProductionChart } from '../examples/production/chart';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synthTo(build: (app: App) => void, plain: boolean): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-session-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  build(app);
  const before = process.env[PLAIN_SYNTH_ENV];
  if (plain) process.env[PLAIN_SYNTH_ENV] = '1';
  else delete process.env[PLAIN_SYNTH_ENV];
  try {
    app.synth();
  } finally {
    if (before === undefined) delete process.env[PLAIN_SYNTH_ENV];
    else process.env[PLAIN_SYNTH_ENV] = before;
  }
  return new Map(readdirSync(outdir).sort().map((f) => [f, readFileSync(join(outdir, f), 'utf8')]));
}

const EXAMPLES: Array<[string, (app: App) => void]> = [
  ['production', (app) => new ProductionChart(app, 'production')],
  ['dev', (app) => new DevChart(app, 'dev')],
  ['pooler', (app) => new PoolerChart(app, 'pooler')],
  ['backup + point-in-time restore', (app) => { new BackupChart(app, 'backup'); new PointInTimeRestoreChart(app, 'restore'); }],
  ['patroni', (app) => new PatroniChart(app, 'patroni')],
  ['three production clusters in three charts', (app) => [0, 1, 2].forEach((i) => new ProductionChart(app, `team-${i}`, { namespace: `team-${i}` }))],
];

describe.each(EXAMPLES)('%s: the session writes exactly what plain cdk8s writes', (_name, build) => {
  test('same files, same bytes', () => {
    process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
    const plain = synthTo(build, true);
    const session = synthTo(build, false);
    expect([...session.keys()]).toEqual([...plain.keys()]);
    expect([...plain.keys()].some((f) => f.endsWith('.k8s.yaml'))).toBe(true);
    for (const [file, text] of plain) expect(session.get(file)).toBe(text);
  });
});

test('synthYaml(): the same YAML with and without the session', () => {
  const yaml = (plain: boolean) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    [0, 1].forEach((i) => new ProductionChart(app, `team-${i}`, { namespace: `team-${i}` }));
    if (plain) process.env[PLAIN_SYNTH_ENV] = '1';
    try {
      return app.synthYaml();
    } finally {
      delete process.env[PLAIN_SYNTH_ENV];
    }
  };
  process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  const plain = yaml(true);
  expect(plain).toMatch(/kind: Cluster/);
  expect(yaml(false)).toBe(plain);
});

test('each object renders once per app.synth(), readiness checks and topology diagrams included', () => {
  const count = (plain: boolean) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    const charts = [0, 1].map((i) => new Chart(app, `c${i}`, { namespace: `db${i}` }));
    charts.forEach((c) => new ClusterMonitoring(c, 'mon', { cluster: new HaPostgres(c, 'orders') }));
    let renders = 0;
    new ApiObject(charts[0], 'counted', { apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => { renders++; return { a: 'b' }; } }) });
    if (plain) process.env[PLAIN_SYNTH_ENV] = '1';
    try {
      app.synth();
    } finally {
      delete process.env[PLAIN_SYNTH_ENV];
    }
    return renders;
  };
  process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  expect(count(true)).toBeGreaterThan(1);
  expect(count(false)).toBe(1);
});

describe('restored after synth', () => {
  test('objects render afresh and charts validate again after app.synth(): a change made after a synth shows in the next one', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    const chart = new Chart(app, 'c', { namespace: 'db' });
    const db = new HaPostgres(chart, 'orders');
    app.synth();
    const cluster = chart.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Cluster') as ApiObject;
    expect(Object.prototype.hasOwnProperty.call(cluster, 'toJson')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(chart, 'toJson')).toBe(false);

    cluster.metadata.addLabel('changed', 'after-synth');
    app.synth();
    expect(readFileSync(join(app.outdir, 'c.k8s.yaml'), 'utf8')).toMatch(/changed: after-synth/);

    // chart.toJson() outside synth validates again, as plain cdk8s does
    new ClusterMonitoring(chart, 'mon', { cluster: db, topologyDiagram: false });
    new HaPostgres(chart, 'broken', { synchronousStandbys: 5 });
    expect(() => chart.toJson()).toThrow(/synchronousStandbys = 5/);
  });

  test('a failing synth restores too', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    const chart = new Chart(app, 'c', { namespace: 'db' });
    new HaPostgres(chart, 'orders', { synchronousStandbys: 5 });
    expect(() => app.synth()).toThrow(/synchronousStandbys = 5/);
    for (const c of chart.node.findAll()) expect(Object.prototype.hasOwnProperty.call(c, 'toJson')).toBe(false);
  });

  test('a chart class with its own toJson() keeps it', () => {
    class Custom extends Chart {
      public toJson(): any[] {
        return [...super.toJson(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } }];
      }
    }
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    new HaPostgres(new Custom(app, 'custom', { namespace: 'db' }), 'orders');
    process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
    app.synth();
    expect(readFileSync(join(app.outdir, 'custom.k8s.yaml'), 'utf8')).toMatch(/name: extra/);
  });

  test('Testing.synth() (no app.synth) is plain cdk8s', () => {
    const chart = new Chart(Testing.app(), 'plain', { namespace: 'db' });
    new HaPostgres(chart, 'orders');
    expect(Testing.synth(chart).map((m) => m.kind)).toContain('Cluster');
  });

  test('an app of charts without clusters is not wrapped', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'synth-session-')) });
    dirs.push(app.outdir);
    const synth = app.synth;
    new Construct(new Chart(app, 'empty'), 'nothing');
    expect(app.synth).toBe(synth);
  });
});

test('an object added after a synth, in the same tick, is in the app index of the next synth', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'db', disableResourceNameHashes: true });
  new HaPostgres(chart, 'orders');
  app.synthYaml();
  const seen = () => AppIndex.of(chart).manifestsIn('db').some((m) => m.metadata?.name === 'added-later');
  new ApiObject(chart, 'later', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added-later' } });
  app.synthYaml();
  expect(seen()).toBe(true);
});
