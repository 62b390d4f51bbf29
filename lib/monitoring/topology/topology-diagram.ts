import { writeFileSync } from 'fs';
import { addSynthValidation } from '../../core/app-index';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { IPoolerIntent } from '../../model/cluster-engine';
import type { HaPostgres } from '../../cluster/ha-postgres';
import { ConfigErrors } from '../../core/config-error';
import { renderTopologyIntent, TopologyIntent, TopologyPool } from '../../model/topology-intent';
import { PoolType } from '../../model/pool-mode';
import { renderTopology } from './topology-mermaid';

/** Properties of TopologyDiagram. */
export interface TopologyDiagramProps {
  /** The cluster to draw. */
  readonly cluster: HaPostgres;
}

/**
 * A Mermaid diagram of a cluster, `<outdir>/<cluster>.topology.md`, drawn from the
 * cluster's resolved intent and what is attached to it (pools, WAL archive, scheduled
 * backups, restore drills); no manifest is rendered to draw it.
 *
 * cdk8s has no post-synth hook, and this library does not change how an App synthesizes,
 * so the files are written by an explicit call after a successful synth:
 * `SinglePassApp.synth()` does it, and with a plain `App` call
 * `TopologyDiagram.writeDiagrams(app)` after `app.synth()`. A failing synth throws before
 * that call, so it leaves no diagram; `Testing.synth(chart)` writes none.
 */
export class TopologyDiagram extends Construct {
  /** All manifests of the app (every ApiObject rendered, in construct-tree order). */
  public static appManifests(scope: IConstruct): any[] {
    return scope.node.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
  }

  /** The Markdown diagram of cluster `clusterName` in `namespace`, drawn from any manifests (ours or hand-written). */
  public static renderMarkdown(manifests: any[], namespace: string, clusterName: string): string {
    return renderTopology(manifests, namespace, clusterName);
  }

  /**
   * Writes the diagram of every TopologyDiagram of `app` into `app.outdir` and returns the
   * file names (relative to the outdir). Call it after a successful `app.synth()`;
   * `SinglePassApp.synth()` calls it itself.
   */
  public static writeDiagrams(app: App): string[] {
    const diagrams = app.node.findAll().filter((c): c is TopologyDiagram => c instanceof TopologyDiagram);
    if (diagrams.length === 0) return [];
    const written: string[] = [];
    const drawnIn = new Map<string, string>(); // file → namespace/cluster already drawn there
    for (const d of diagrams) {
      const key = `${d.namespace}/${d.cluster.clusterName}`;
      // Same-named clusters in two namespaces: every one after the first drawn gets the namespace as prefix.
      const first = drawnIn.get(d.fileName);
      const file = first === undefined || first === key ? d.fileName : `${d.namespace}.${d.fileName}`;
      if (drawnIn.get(file) === key) continue;
      drawnIn.set(file, key);
      writeFileSync(join(app.outdir, file), renderTopologyIntent(d.topologyIntent()));
      written.push(file);
    }
    return written;
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
    const errors = new ConfigErrors();
    // The diagram draws the engine's objects (CloudNativePG's Services, Poolers, ObjectStore).
    if (!props.cluster.engine.monitoringProfile().topologyDiagram) {
      errors.add('cluster', props.cluster.clusterName, `runs on ${props.cluster.engine.name}, but the topology diagram draws CloudNativePG clusters only`,
        'remove the TopologyDiagram (or set topologyDiagram: false on ClusterMonitoring) for this cluster');
    }
    addSynthValidation(this, () => errors.messages);
  }

  /**
   * The Markdown (with a Mermaid flowchart): from the cluster's intent and attachments, or
   * from `manifests` when given.
   */
  public render(manifests?: any[]): string {
    if (manifests) return renderTopology(manifests, this.namespace, this.cluster.clusterName);
    return renderTopologyIntent(this.topologyIntent());
  }

  /** What the diagram draws, from the intents of the cluster and its attachments. */
  private topologyIntent(): TopologyIntent {
    const c = this.cluster;
    const i = c.intent;
    const volume = (v: { size: { asString(): string }; storageClass?: string }) => ({ size: v.size.asString(), storageClass: v.storageClass });
    const archive = c.walArchive;
    return {
      namespace: this.namespace,
      clusterName: c.clusterName,
      instances: i.instances,
      synchronousStandbys: i.highlyAvailable ? i.synchronousStandbys : 0,
      dataDurability: i.highlyAvailable ? i.dataDurability : '',
      zoneTopologyKey: i.zoneTopologyKey,
      zones: i.zones && i.zones.length > 0 ? [...i.zones] : undefined,
      storage: volume(i.storage),
      walStorage: i.walStorage ? volume(i.walStorage) : undefined,
      pools: c.attachments.pools.map(({ intent: p }: IPoolerIntent): TopologyPool => ({ name: p.name, type: p.type === PoolType.READ_ONLY ? 'ro' : 'rw', instances: p.instances, poolMode: p.poolMode })),
      archive: archive ? `${archive.destination.destinationPath} (ObjectStore ${archive.name})` : undefined,
      backups: c.attachments.scheduledBackups.map((b) => ({ name: b.name, schedule: b.schedule.toCronWithSeconds(), suspend: b.suspend })),
      drills: c.attachments.restoreDrills.map((d) => ({ cronJobName: d.cronJobName, schedule: d.schedule.toCron(), namespace: d.namespace })),
    };
  }

  private get namespace(): string {
    return Chart.of(this.cluster).namespace ?? 'default';
  }
}
