/**
 * One benchmark measurement in a fresh process: synthesize N production clusters to a
 * temporary directory, then write the identical objects with the same YAML library and
 * no constructs (the floor). Prints one JSON line.
 */
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildFleet } from './fleet';

const clusters = Number(process.argv[2] ?? '1');
const repeats = Number(process.argv[3] ?? '1');
process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

function once(): { synthMs: number; floorMs: number; objects: number; bytes: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  buildFleet(app, clusters);
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
  const objects = charts.reduce((n, c) => n + c.docs.length, 0);
  rmSync(outdir, { recursive: true, force: true });
  rmSync(floorDir, { recursive: true, force: true });
  return { synthMs, floorMs, objects, bytes };
}

const runs = Array.from({ length: repeats }, once);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(JSON.stringify({
  clusters,
  repeats,
  synthMs: median(runs.map((r) => r.synthMs)),
  floorMs: median(runs.map((r) => r.floorMs)),
  objects: runs[0].objects,
  bytes: runs[0].bytes,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
