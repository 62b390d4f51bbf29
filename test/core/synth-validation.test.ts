import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addSynthValidation } from '../../lib/core/app-index';
import { HaPostgres } from '../../lib';

process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

/** A construct whose validation counts its runs and reports `problem` when set. */
class Probe extends Construct {
  public runs = 0;
  public problem?: string;
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    addSynthValidation(this, () => {
      this.runs++;
      return this.problem ? [this.problem] : [];
    });
  }
}

describe('library validations run once per synthesis', () => {
  let outdir: string;
  beforeEach(() => { outdir = mkdtempSync(join(tmpdir(), 'synth-validation-')); });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('cdk8s validates the app N + 1 times for N charts; a library validation computes once', () => {
    const app = new App({ outdir });
    const charts = Array.from({ length: 5 }, (_, i) => new Chart(app, `c${i}`));
    charts.forEach((c, i) => new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m${i}` } }));
    const probe = new Probe(charts[0], 'probe');
    // Count how often cdk8s calls the validation (a plain one next to it).
    let plainRuns = 0;
    probe.node.addValidation({ validate: () => { plainRuns++; return []; } });
    app.synth();
    expect(plainRuns).toBe(6); // App.synth() once, plus once per chart.toJson()
    expect(probe.runs).toBe(1);
  });

  test('a change between two synths in the same synchronous run is seen (add*() calls)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const cluster = new HaPostgres(chart, 'orders-db');
    expect(() => app.synthYaml()).not.toThrow();
    // Same tick: the per-synthesis results must not be reused after a mutator.
    cluster.addParameters({ shared_buffers: '100GB' });
    expect(() => app.synthYaml()).toThrow(/shared_buffers = "100GB": is above the memory request/);
  });

  test('a new library construct between two synths in the same synchronous run is validated', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    new Probe(chart, 'first');
    app.synth();
    const second = new Probe(chart, 'second');
    second.problem = 'second is broken';
    expect(() => app.synth()).toThrow(/second is broken/);
  });

  test('results are recomputed in a later run (after the current synchronous run ends)', async () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    const probe = new Probe(chart, 'probe');
    app.synth();
    expect(probe.runs).toBe(1);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    probe.problem = 'changed later';
    expect(() => app.synth()).toThrow(/changed later/);
    expect(probe.runs).toBe(2);
  });
});
