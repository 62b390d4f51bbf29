import { writeFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { HaPostgres } from '../../cluster/ha-postgres';
import { renderAll, SynthSession } from '../../core/synth-session';
import { renderTopology } from './topology-mermaid';

/** Properties of TopologyDiagram. */
export interface TopologyDiagramProps {
  /** The cluster to draw. */
  readonly cluster: HaPostgres;
}

/**
 * Writes `<outdir>/<cluster>.topology.md`, a Mermaid diagram of the cluster, when the
 * app is synthesized.
 *
 * cdk8s has no post-synth hook, so the diagrams are written by a SynthSession hook after
 * the app's `synth()` returns, i.e. only when validation passed and every manifest was
 * written. A failing synth writes none.
 * `Testing.synth(chart)` writes no file.
 */
export class TopologyDiagram extends Construct {
  /** All manifests of the app, rendered without re-running validation. */
  public static appManifests(scope: IConstruct): any[] {
    return renderAll(scope);
  }

  /** The Markdown diagram of cluster `clusterName` in `namespace`, drawn from any manifests (ours or hand-written). */
  public static renderMarkdown(manifests: any[], namespace: string, clusterName: string): string {
    return renderTopology(manifests, namespace, clusterName);
  }

  /**
   * File name of the diagram, relative to the app's outdir. A second cluster of the same
   * name in another namespace gets `<namespace>.<cluster>.topology.md`.
   */
  public readonly fileName: string;
  private readonly cluster: HaPostgres;

  public constructor(scope: Construct, id: string, props: TopologyDiagramProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.fileName = `${props.cluster.clusterName}.topology.md`;
    // One hook per app draws every diagram, from the objects this synth rendered.
    SynthSession.afterSynth(this, 'topology-diagrams', (app, manifests) => {
      const diagrams = app.node.findAll().filter((c): c is TopologyDiagram => c instanceof TopologyDiagram);
      // Each diagram reads its own namespace only: grouped once, not filtered per diagram.
      const byNamespace = new Map<string, any[]>();
      for (const m of manifests()) {
        const ns = m?.metadata?.namespace ?? 'default';
        const group = byNamespace.get(ns);
        if (group) group.push(m);
        else byNamespace.set(ns, [m]);
      }
      const drawnIn = new Map<string, string>(); // file → namespace/cluster already drawn there
      for (const d of diagrams) {
        const key = `${d.namespace}/${d.cluster.clusterName}`;
        // Same-named clusters in two namespaces: every one after the first drawn gets the namespace as prefix.
        const first = drawnIn.get(d.fileName);
        const file = first === undefined || first === key ? d.fileName : `${d.namespace}.${d.fileName}`;
        if (drawnIn.get(file) === key) continue;
        drawnIn.set(file, key);
        writeFileSync(join(app.outdir, file), d.render(byNamespace.get(d.namespace) ?? []));
      }
    });
  }

  /** The Markdown (with a Mermaid flowchart) for the given app manifests. */
  public render(manifests: any[] = TopologyDiagram.appManifests(this)): string {
    return renderTopology(manifests, this.namespace, this.cluster.clusterName);
  }

  private get namespace(): string {
    return Chart.of(this.cluster).namespace ?? 'default';
  }
}
