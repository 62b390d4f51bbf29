/**
 * One benchmark measurement in a fresh process: synthesize N production clusters (one chart
 * each) to a temporary directory, then write the identical objects with the same YAML library
 * and no constructs (the floor). Prints one JSON line.
 *
 * `npx ts-node --swc bench/synth-worker.ts N repeats [mode]`, mode:
 * - `app` (default): the fleet in a plain cdk8s `App`;
 * - `single-pass`: the fleet in the library's opt-in `SinglePassApp`;
 * - `cdk8s`: cdk8s alone, no library code: the same objects (rendered once beforehand) as plain
 *   `ApiObject`s in plain charts of a plain `App`, so the framework's own cost is visible.
 */
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SinglePassApp } from '../lib/app/single-pass-app';
import { buildFleet } from './fleet';

const clusters = Number(process.argv[2] ?? '1');
const repeats = Number(process.argv[3] ?? '1');
const mode = process.argv[4] ?? 'app';
if (!['app', 'single-pass', 'cdk8s'].includes(mode)) throw new Error(`mode ${mode}: use app, single-pass or cdk8s`);
process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

/** The objects of one production chart, as plain data (for the cdk8s-alone app). */
function plainObjects(): any[] {
  const source = new App({ outdir: mkdtempSync(join(tmpdir(), 'bench-source-')) });
  buildFleet(source, 1);
  const chart = source.charts[0];
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map((o) => o.toJson());
}

function build(app: App, objects: any[] | undefined): void {
  if (!objects) { buildFleet(app, clusters); return; }
  for (let i = 0; i < clusters; i++) {
    const chart = new Chart(app, `team-${i}`, { namespace: `team-${i}` });
    objects.forEach((o, j) => {
      const { apiVersion, kind, metadata, ...rest } = o;
      new ApiObject(chart, `o${j}`, { apiVersion, kind, metadata: { ...metadata, namespace: undefined }, ...rest });
    });
  }
}

function once(objects: any[] | undefined): { synthMs: number; floorMs: number; objects: number; bytes: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const start = process.hrtime.bigint();
  const app = mode === 'single-pass' ? new SinglePassApp({ outdir }) : new App({ outdir });
  build(app, objects);
  app.synth();
  const synthMs = Number(process.hrtime.bigint() - start) / 1e6;

  // The same objects, already resolved, serialized and written without constructs. (Rendered
  // like chart.toJson() minus its whole-app validation, which would cost O(charts × app) here.)
  const charts = app.charts.map((c) => ({
    name: c.node.id,
    docs: new DependencyGraph(c.node).topology()
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === c)
      .map((o) => o.toJson()),
  }));
  const floorDir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  const floorStart = process.hrtime.bigint();
  let bytes = 0;
  mkdirSync(floorDir, { recursive: true });
  for (const c of charts) {
    const text = Yaml.stringify(...c.docs);
    bytes += text.length;
    writeFileSync(join(floorDir, `${c.name}.k8s.yaml`), text);
  }
  const floorMs = Number(process.hrtime.bigint() - floorStart) / 1e6;
  const count = charts.reduce((n, c) => n + c.docs.length, 0);
  rmSync(outdir, { recursive: true, force: true });
  rmSync(floorDir, { recursive: true, force: true });
  return { synthMs, floorMs, objects: count, bytes };
}

const objects = mode === 'cdk8s' ? plainObjects() : undefined;
const runs = Array.from({ length: repeats }, () => once(objects));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(JSON.stringify({
  mode,
  clusters,
  repeats,
  synthMs: median(runs.map((r) => r.synthMs)),
  floorMs: median(runs.map((r) => r.floorMs)),
  objects: runs[0].objects,
  bytes: runs[0].bytes,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
