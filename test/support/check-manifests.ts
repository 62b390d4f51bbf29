/**
 * Runs the readiness checklist on manifests written as text files, as `ha-postgres check`
 * reads them (YAML 1.1, keyed objects, schema checks), for the table-driven tests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { manifestFiles, ManifestSet, readManifests } from '../../lib/cli/check/read-manifests';
import { evaluateReadiness, ReadinessItem, ReadinessReport } from '../../lib/monitoring/readiness/checklist';

/** Writes `files` (relative path → text) under a new temporary directory; returns it. */
export function writeTree(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export interface Checked { readonly dir: string; readonly read: ManifestSet; readonly reports: ReadinessReport[] }

/** Reads and checks `files` as the CLI does. */
export function checkFiles(files: { [path: string]: string }, options: { zoneTopologyKeys?: string[]; namespace?: string } = {}): Checked {
  const dir = writeTree(files);
  const read = readManifests(manifestFiles([dir]), { namespace: options.namespace });
  const reports = evaluateReadiness(read.objects, { zoneTopologyKeys: options.zoneTopologyKeys, sourceOf: (o) => read.sourceOf(o)?.file });
  return { dir, read, reports };
}

/**
 * The item `id` of cluster `cluster` (or the only one) in `yaml` (one file); fails the
 * test when the manifests do not read cleanly, so that a verdict never hides an input problem.
 */
export function item(yaml: string, id: string, options: { zoneTopologyKeys?: string[] } = {}, cluster = 'pg'): ReadinessItem {
  const { read, reports } = checkFiles({ 'manifests.yaml': yaml }, options);
  if (read.problems.length > 0) throw new Error(`input problems: ${read.problems.map((p) => `${p.object ?? ''} ${p.message}`).join('; ')}`);
  const report = reports.find((r) => r.cluster === cluster);
  if (!report) throw new Error(`no cluster ${cluster} among ${reports.map((r) => r.cluster).join(', ')}`);
  const found = report.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

/** Indents every line of `text` by `n` spaces. */
export function indent(text: string, n: number): string {
  return text.split('\n').map((l) => (l.trim() === '' ? l : ' '.repeat(n) + l)).join('\n');
}

/** Text slots of the production-ready cluster `pg` in namespace `shop` (each a block of the spec, 2-space indented). */
export interface ClusterText {
  instances?: string;
  parameters?: string;
  synchronous?: string;
  spread?: string;
  affinity?: string;
  storage?: string;
  extraSpec?: string;
  metadata?: string;
  /** The ScheduledBackup document (null: none). */
  backup?: string | null;
  /** More documents after the cluster (each a full YAML document). */
  more?: string[];
}

/** A ScheduledBackup `pg-daily` of cluster pg with the given spec lines (schedule etc.). */
export function backupYaml(specLines: string): string {
  return `apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata:\n  name: pg-daily\n  namespace: shop\nspec:\n${indent(specLines, 2)}\n  method: plugin\n  pluginConfiguration:\n    name: barman-cloud.cloudnative-pg.io\n  cluster:\n    name: pg\n`;
}

/**
 * A production-ready Cluster as a platform team writes it by hand (every required item
 * passes), with parts replaced by the given YAML text, plus its ObjectStore and a daily
 * ScheduledBackup.
 */
export function clusterYaml(t: ClusterText = {}): string {
  const spec = [
    t.instances ?? 'instances: 3',
    'primaryUpdateMethod: switchover',
    'postgresql:',
    '  parameters:',
    indent(t.parameters ?? 'max_slot_wal_keep_size: "8GB"', 4),
    indent(t.synchronous ?? 'synchronous:\n  method: any\n  number: 1\n  failoverQuorum: true', 2),
    t.spread ?? [
      'topologySpreadConstraints:',
      '  - maxSkew: 1',
      '    topologyKey: topology.kubernetes.io/zone',
      '    whenUnsatisfiable: DoNotSchedule',
      '    labelSelector:',
      '      matchLabels:',
      '        cnpg.io/cluster: pg',
      '        cnpg.io/podRole: instance',
    ].join('\n'),
    t.affinity ?? '',
    t.storage ?? 'storage:\n  size: 100Gi\nwalStorage:\n  size: 30Gi',
    'resources:\n  requests:\n    cpu: "2"\n    memory: 8Gi\n  limits:\n    cpu: "2"\n    memory: 8Gi',
    'plugins:',
    '  - name: barman-cloud.cloudnative-pg.io',
    '    isWALArchiver: true',
    '    parameters:',
    '      barmanObjectName: pg-store',
    t.extraSpec ?? '',
  ].filter((l) => l !== '').join('\n');
  return [
    `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg\n  namespace: shop\n${t.metadata ? indent(t.metadata, 2) + '\n' : ''}spec:\n${indent(spec, 2)}\n`,
    'apiVersion: barmancloud.cnpg.io/v1\nkind: ObjectStore\nmetadata:\n  name: pg-store\n  namespace: shop\nspec:\n  configuration:\n    destinationPath: s3://backups/pg\n    s3Credentials:\n      inheritFromIAMRole: true\n  instanceSidecarConfiguration:\n    resources:\n      requests:\n        cpu: 500m\n        memory: 512Mi\n      limits:\n        cpu: 500m\n        memory: 512Mi\n',
    ...(t.backup === null ? [] : [t.backup ?? backupYaml('schedule: "0 0 3 * * *"')]),
    ...(t.more ?? []),
  ].join('---\n');
}
