import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TopologyDiagram } from '../monitoring/topology/topology-diagram';

/**
 * An `App` that validates the app once and renders each chart once per synthesis, then
 * writes the topology diagrams (`TopologyDiagram`). Opt-in: use it in place of `App`.
 *
 * cdk8s's `App.synth()` validates the app, then calls `chart.toJson()` per chart, which
 * resolves the dependencies and validates the whole app again: N + 1 validations of the
 * whole app for N charts, quadratic in the number of charts (at 1,000 charts plain cdk8s
 * spends about three times as long as writing the YAML, with no library code at all;
 * see docs/benchmarks.md). `SinglePassApp` overrides `synth()` and `synthYaml()` (plain
 * inheritance; nothing of cdk8s is replaced at run time): one validation, one dependency
 * resolution, each chart rendered once, and exactly the files `App.synth()` writes for
 * every `YamlOutputType` (tested byte for byte on every example). A chart class with its
 * own `toJson()` keeps it.
 *
 * Validation errors are thrown before anything is written, like `App.synth()`; the
 * topology diagrams are written only after every manifest was.
 */
export class SinglePassApp extends App {
  public constructor(props: AppProps = {}) {
    super(props);
  }

  /** Synthesizes all manifests to the output directory, then the topology diagrams. */
  public synth(): void {
    fs.mkdirSync(this.outdir, { recursive: true });
    const all = this.node.findAll();
    validateOnce(all);
    const hasDependantCharts = resolveDependencies(all);
    const charts = this.charts;
    const ext = this.outputFileExtension;
    switch (this.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP: {
        const docs: any[] = [];
        for (const chart of charts) docs.push(...Object.values(renderChart(chart)));
        if (charts.length > 0) Yaml.save(path.join(this.outdir, `app${ext}`), docs);
        break;
      }
      case YamlOutputType.FILE_PER_CHART: {
        const name = chartNamer(hasDependantCharts);
        for (const chart of charts) Yaml.save(path.join(this.outdir, name(chart) + ext), Object.values(renderChart(chart)));
        break;
      }
      case YamlOutputType.FILE_PER_RESOURCE:
        for (const chart of charts) {
          for (const o of Object.values(renderChart(chart))) {
            if (o !== undefined) Yaml.save(path.join(this.outdir, resourceFileName(o) + ext), [o]);
          }
        }
        break;
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
        const name = chartNamer(hasDependantCharts);
        for (const chart of charts) {
          const dir = path.join(this.outdir, name(chart));
          fs.mkdirSync(dir, { recursive: true });
          for (const o of chartObjects(chart)) {
            if (o !== undefined) Yaml.save(path.join(dir, resourceFileName(o) + ext), [o.toJson()]);
          }
        }
        break;
      }
      default:
        break;
    }
    if ((this as any).recordConstructMetadata) {
      const resources: { [key: string]: any } = {};
      for (const o of this.charts.flatMap(chartObjects)) resources[o.name] = { path: o.node.path };
      fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
    }
    TopologyDiagram.writeDiagrams(this);
  }

  /** Synthesizes the app into one YAML string (no files, no diagrams). */
  public synthYaml(): string {
    const all = this.node.findAll();
    resolveDependencies(all);
    validateOnce(all);
    const docs: any[] = [];
    for (const chart of this.charts) docs.push(...Object.values(renderChart(chart)));
    return Yaml.stringify(...docs);
  }
}

/** Every validation of the app, once; throws cdk8s's error text when one fails. */
function validateOnce(all: IConstruct[]): void {
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/** cdk8s's dependency resolution (nested charts, then construct dependencies across charts and objects); true when a chart depends on another. */
function resolveDependencies(all: IConstruct[]): boolean {
  let hasDependantCharts = false;
  for (const parent of all.filter((x) => x instanceof Chart)) {
    for (const child of parent.node.children.filter((x) => x instanceof Chart)) {
      parent.node.addDependency(child);
      hasDependantCharts = true;
    }
  }
  const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
  for (const c of all) for (const dep of c.node.dependencies) deps.push({ source: c, target: dep });
  for (const { source, target } of deps) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const { source, target } of deps) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = target.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = source.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const t of targets) for (const s of sources) if (t !== s) s.node.addDependency(t);
  }
  return hasDependantCharts;
}

/** The chart's objects in dependency order, each in its closest chart only. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology().filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

/** What `chart.toJson()` returns, without validating the app again (a chart class with its own `toJson()` keeps it). */
function renderChart(chart: Chart): any[] {
  if (chart.toJson !== Chart.prototype.toJson) return chart.toJson();
  return chartObjects(chart).map((o) => o.toJson());
}

function resourceFileName(o: { kind: string; metadata: { name?: string } }): string {
  return `${o.kind}.${o.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/** cdk8s's chart (and folder) names: `<chart>`, or `0000-<chart>` in order when charts depend on each other. */
function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => (indexed ? `${(index++).toString().padStart(4, '0')}-${Names.toDnsLabel(chart)}` : Names.toDnsLabel(chart));
}
