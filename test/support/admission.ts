/**
 * What CloudNativePG v1.30's admission webhooks and the Kubernetes API server would refuse in a
 * set of rendered manifests, as findings (empty = all admitted). A model of the upstream rules
 * (internal/webhook/v1/*.go, k8s.io/apimachinery validation), written from the manifests' side,
 * independent of the props checks that are meant to prevent them. The parsers ported from
 * upstream (robfig/cron, lib/pq) come from the library: they are tested against the upstream
 * test vectors in test/core/webhook-ports.test.ts.
 */
import { parseCnpgTargetTime } from '../../lib/model/target-time';
import { robfigFieldProblem, robfigProblem } from '../../lib/core/robfig-cron';
import { cnpgImageTagProblem } from '../../lib/core/image-reference';
import { CNPG_FIXED_PARAMETERS } from '../../lib/engines/cnpg/cnpg-fixed-parameters';
import { allowedPgBouncerParameters } from '../../lib/model/pgbouncer-parameters';
import { validateManifest } from './schema-validator';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
}

function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && LABEL_NAME.test(value)));
}

/** A Kubernetes quantity (resource.ParseQuantity), in bytes or cores; undefined when it does not parse. */
export function quantity(text: unknown): number | undefined {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.exec(text);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const factors: { [s: string]: number } = {
    '': 1, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
    'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  };
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : factors[suffix];
  return Number(m[1]) * factor;
}

/** CloudNativePG's parsePostgresQuantityValue (bare numbers are MB; a unit must end in B). */
function pgQuantity(value: string): number | undefined {
  let v = value;
  if (/^[+-]?\d+$/.test(v)) v += 'MB';
  if (!v.endsWith('B')) return undefined;
  v = v.slice(0, -1).replace(/ /g, '');
  if (!/^[+-]?\d+$/.test(v)) v = `${v}i`.replace(/ki/g, 'Ki');
  return quantity(v);
}

const BOOLEAN = new Map<string, boolean>([
  ...['1', 'on', 'y', 'ye', 'yes', 't', 'tr', 'tru', 'true'].map((v) => [v, true] as [string, boolean]),
  ...['0', 'of', 'off', 'n', 'no', 'f', 'fa', 'fal', 'fals', 'false'].map((v) => [v, false] as [string, boolean]),
]);

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

const CLUSTER_SCOPED_GROUPS = new Set(['s3.aws.upbound.io']);

/** Findings of the Kubernetes API server's name, label, cron and affinity rules. */
function apiServerFindings(m: any, id: string): string[] {
  const found: string[] = [];
  const name: string = m.metadata?.name ?? '';
  const kind: string = m.kind;
  if (kind === 'Service' && !(name.length <= 63 && DNS1035_LABEL.test(name))) found.push(`${id}: Service name is not a DNS-1035 label`);
  else if (kind === 'CronJob' && !(name.length <= 52 && DNS1123_SUBDOMAIN.test(name))) found.push(`${id}: CronJob name is not a subdomain of at most 52 characters`);
  else if ((kind === 'Job' || kind === 'StatefulSet' || kind === 'Namespace') && !(name.length <= 63 && DNS1123_LABEL.test(name))) found.push(`${id}: name is not a DNS-1123 label`);
  else if (!(name.length <= 253 && DNS1123_SUBDOMAIN.test(name))) found.push(`${id}: name is not a DNS-1123 subdomain`);
  if (m.metadata?.namespace !== undefined && !DNS1123_LABEL.test(m.metadata.namespace)) found.push(`${id}: namespace is not a DNS-1123 label`);

  const labelMaps: Array<[string, any]> = [['metadata.labels', m.metadata?.labels]];
  const visit = (node: any, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach((n, i) => visit(n, `${path}[${i}]`)); return; }
    for (const [k, v] of Object.entries(node)) {
      const p = path ? `${path}.${k}` : k;
      if ((k === 'labels' || k === 'matchLabels') && v && typeof v === 'object' && !Array.isArray(v)) labelMaps.push([p, v]);
      if (k === 'matchExpressions' && Array.isArray(v)) {
        v.forEach((e: any, i: number) => {
          const values = e.values ?? [];
          if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) found.push(`${id} ${p}[${i}]: operator ${e.operator} without values`);
          if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) found.push(`${id} ${p}[${i}]: operator ${e.operator} with values`);
          if (!isLabelKey(e.key)) found.push(`${id} ${p}[${i}]: key ${JSON.stringify(e.key)} is not a label key`);
          for (const value of values) if (!isLabelValue(value)) found.push(`${id} ${p}[${i}]: value ${JSON.stringify(value)} is not a label value`);
        });
      }
      visit(v, p);
    }
  };
  visit(m.spec, 'spec');
  for (const [path, labels] of labelMaps) {
    for (const [k, v] of Object.entries(labels ?? {})) {
      if (!isLabelKey(k)) found.push(`${id} ${path}: ${JSON.stringify(k)} is not a label key`);
      if (!isLabelValue(v)) found.push(`${id} ${path}.${k}: ${JSON.stringify(v)} is not a label value`);
    }
  }
  if (kind === 'CronJob') {
    const problem = robfigProblem(String(m.spec?.schedule ?? ''));
    if (problem) found.push(`${id} spec.schedule ${JSON.stringify(m.spec?.schedule)}: ${problem.field} ${problem.problem}`);
  }
  return found;
}

/** Findings of CloudNativePG's Cluster webhook. */
function clusterFindings(m: any, id: string): string[] {
  const found: string[] = [];
  const spec = m.spec ?? {};
  const name: string = m.metadata?.name ?? '';
  if (!DNS1035_LABEL.test(name) || name.length > 50) found.push(`${id}: validateName (DNS-1035 label, at most 50)`);
  if (spec.imageName) {
    const problem = cnpgImageTagProblem(spec.imageName);
    if (problem) found.push(`${id}: validateImageName: ${problem}`);
  }
  const params: { [k: string]: string } = spec.postgresql?.parameters ?? {};
  for (const [k, v] of Object.entries(params)) {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(k)) found.push(`${id}: parameter name ${k}`);
    if (k in CNPG_FIXED_PARAMETERS) found.push(`${id}: fixed parameter ${k}=${v}`);
  }
  const walLevel = params.wal_level ?? 'logical';
  if (!['logical', 'replica'].includes(walLevel)) found.push(`${id}: wal_level ${walLevel} (archive_mode is on)`);
  for (const b of ['hot_standby_feedback', 'sync_replication_slots', 'wal_log_hints']) {
    if (params[b] !== undefined && !BOOLEAN.has(params[b].toLowerCase())) found.push(`${id}: ${b} is not a boolean`);
  }
  if (params.wal_log_hints !== undefined && BOOLEAN.get(params.wal_log_hints.toLowerCase()) === false && (spec.instances ?? 1) > 1) {
    found.push(`${id}: wal_log_hints off with several instances`);
  }
  if (params.shared_buffers !== undefined) {
    const sb = pgQuantity(params.shared_buffers);
    const request = quantity(spec.resources?.requests?.memory);
    if (sb === undefined) found.push(`${id}: shared_buffers does not parse`);
    else if (request && sb > request) found.push(`${id}: validateResources: memory request below shared_buffers`);
  }
  const minWal = pgQuantity(params.min_wal_size ?? '80MB');
  const maxWal = pgQuantity(params.max_wal_size ?? '1GB');
  if (minWal === undefined || maxWal === undefined) found.push(`${id}: WAL size parameters do not parse`);
  else if (minWal >= maxWal) found.push(`${id}: min_wal_size not below max_wal_size`);
  const walVolume = quantity(spec.walStorage?.size);
  if (walVolume !== undefined) {
    if (params.max_wal_size !== undefined && maxWal !== undefined && maxWal >= walVolume) found.push(`${id}: max_wal_size not below the WAL volume`);
    if (params.min_wal_size !== undefined && minWal !== undefined && minWal >= walVolume) found.push(`${id}: min_wal_size not below the WAL volume`);
  }
  for (const r of ['cpu', 'memory']) {
    const req = quantity(spec.resources?.requests?.[r]);
    const lim = quantity(spec.resources?.limits?.[r]);
    if (req !== undefined && lim !== undefined && req > lim) found.push(`${id}: ${r} request above limit`);
  }
  for (const s of ['storage', 'walStorage']) {
    if (spec[s] && quantity(spec[s].size) === undefined) found.push(`${id}: ${s}.size does not parse`);
  }
  const sync = spec.postgresql?.synchronous;
  if (sync && !(sync.number < (spec.instances ?? 1) + (sync.standbyNamesPre?.length ?? 0) + (sync.standbyNamesPost?.length ?? 0))) {
    found.push(`${id}: synchronous.number not below the instances`);
  }
  if (spec.primaryUpdateStrategy === 'supervised' && spec.instances === 1) found.push(`${id}: supervised with one instance`);
  const walArchivers = (spec.plugins ?? []).filter((p: any) => p.enabled !== false && p.isWALArchiver === true);
  if (walArchivers.length > 1) found.push(`${id}: more than one WAL archiver plugin`);
  if (spec.serviceAccountName && spec.serviceAccountTemplate) found.push(`${id}: serviceAccountName and serviceAccountTemplate`);
  const externals: any[] = spec.externalClusters ?? [];
  if (new Set(externals.map((e) => e.name)).size !== externals.length) found.push(`${id}: duplicate externalClusters`);
  for (const e of externals) if (!e.connectionParameters && !e.barmanObjectStore && !e.plugin) found.push(`${id}: externalCluster ${e.name} without a source`);
  const bootstrap = spec.bootstrap ?? {};
  if (['initdb', 'recovery', 'pg_basebackup'].filter((b) => bootstrap[b]).length > 1) found.push(`${id}: several bootstrap methods`);
  for (const method of ['initdb', 'recovery', 'pg_basebackup']) {
    const b = bootstrap[method];
    if (b && (b.database === undefined) !== (b.owner === undefined)) found.push(`${id}: ${method} database and owner`);
  }
  const recovery = bootstrap.recovery;
  if (recovery?.source && !externals.some((e) => e.name === recovery.source)) found.push(`${id}: recovery source ${recovery.source} not found`);
  const target = recovery?.recoveryTarget;
  if (target) {
    const set = ['targetTime', 'targetLSN', 'targetName', 'targetXID', 'targetImmediate'].filter((k) => target[k] !== undefined);
    if (set.length > 1) found.push(`${id}: recovery targets are mutually exclusive`);
    if (target.targetTime !== undefined && !parseCnpgTargetTime(target.targetTime)) found.push(`${id}: targetTime ${target.targetTime} does not parse`);
    if (target.targetLSN !== undefined && !/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(target.targetLSN)) found.push(`${id}: targetLSN`);
  }
  if (spec.affinity?.podAntiAffinityType && !['preferred', 'required'].includes(spec.affinity.podAntiAffinityType)) found.push(`${id}: podAntiAffinityType`);
  return found;
}

/** Findings of the ScheduledBackup webhook (robfig/cron v1.2.0 with seconds), and of the Backup webhook for the Backups it creates. */
function scheduledBackupFindings(m: any, id: string): string[] {
  const found: string[] = [];
  const fields = String(m.spec?.schedule ?? '').trim().split(/\s+/);
  if (fields.length !== 6) found.push(`${id}: schedule should have six fields`);
  else {
    const seconds = robfigFieldProblem(fields[0], { name: 'second', min: 0, max: 59 });
    const rest = robfigProblem(fields.slice(1).join(' '));
    if (seconds || rest) found.push(`${id}: schedule ${m.spec.schedule}: ${seconds ?? `${rest?.field} ${rest?.problem}`}`);
  }
  const method = m.spec?.method ?? 'barmanObjectStore';
  if (method === 'barmanObjectStore' && (m.spec?.online !== undefined || m.spec?.onlineConfiguration !== undefined)) found.push(`${id}: online with barmanObjectStore`);
  if (method === 'plugin' && !m.spec?.pluginConfiguration?.name) found.push(`${id}: plugin method without pluginConfiguration (its Backups are refused)`);
  return found;
}

/** Findings of the Pooler webhook. */
function poolerFindings(m: any, id: string): string[] {
  const found: string[] = [];
  if (!m.spec?.pgbouncer) found.push(`${id}: pgbouncer required`);
  if (!m.spec?.cluster?.name) found.push(`${id}: cluster name required`);
  if (m.spec?.cluster?.name === m.metadata?.name) found.push(`${id}: same name as its cluster`);
  const allowed = new Set(allowedPgBouncerParameters());
  for (const k of Object.keys(m.spec?.pgbouncer?.parameters ?? {})) if (!allowed.has(k)) found.push(`${id}: pgbouncer parameter ${k}`);
  const pg = m.spec?.pgbouncer ?? {};
  const auth = Boolean(pg.authQuerySecret?.name) || Boolean(pg.serverTLSSecret?.name);
  if (auth !== Boolean(pg.authQuery)) found.push(`${id}: authQuery and its secret`);
  if (!DNS1035_LABEL.test(m.metadata?.name ?? '')) found.push(`${id}: its Service name is not a DNS-1035 label`);
  return found;
}

/** Every (group, kind, namespace, name) applied twice, including what CloudNativePG creates for Clusters and Poolers. */
export function duplicateObjects(manifests: any[]): string[] {
  const seen = new Map<string, number>();
  const add = (apiVersion: string, kind: string, ns: string | undefined, name: string) => {
    const key = `${group(apiVersion)}/${kind} ${CLUSTER_SCOPED_GROUPS.has(group(apiVersion)) ? '' : ns ?? 'default'}/${name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  };
  for (const m of manifests) {
    const ns = m.metadata?.namespace;
    const name = m.metadata?.name;
    add(m.apiVersion, m.kind, ns, name);
    if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Cluster') {
      for (const s of ['rw', 'ro', 'r']) add('v1', 'Service', ns, `${name}-${s}`);
      if (m.spec?.enablePDB !== false) add('policy/v1', 'PodDisruptionBudget', ns, `${name}-primary`);
    }
    if (m.apiVersion === 'postgresql.cnpg.io/v1' && m.kind === 'Pooler') {
      add('v1', 'Service', ns, name);
      add('apps/v1', 'Deployment', ns, name);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => `applied twice: ${k}`);
}

/** Everything the API server or CloudNativePG's webhooks would refuse in `manifests`. */
export function admissionFindings(manifests: any[]): string[] {
  const found: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    found.push(...apiServerFindings(m, id));
    if (m.apiVersion === 'postgresql.cnpg.io/v1') {
      if (m.kind === 'Cluster') found.push(...clusterFindings(m, id));
      if (m.kind === 'ScheduledBackup') found.push(...scheduledBackupFindings(m, id));
      if (m.kind === 'Pooler') found.push(...poolerFindings(m, id));
    }
    // Restore drills carry the Cluster they create in a ConfigMap: it is admitted at run time.
    if (m.kind === 'ConfigMap' && typeof m.data?.['cluster.json'] === 'string') {
      const template = JSON.parse(m.data['cluster.json']);
      // The script names it `<prefix>-<epoch>` (10 digits).
      const prefix = /NAME='([^']+)'/.exec(String(m.data['drill.sh'] ?? ''))?.[1] ?? 'drill';
      template.metadata.name = `${prefix}-1767225600`;
      // A Crunchy PGO drill's template is a PostgresCluster: its CRD (strict) is what admits it.
      if (template.kind === 'PostgresCluster') found.push(...validateManifest(template).map((f) => `${id} cluster.json: ${f}`));
      else found.push(...clusterFindings(template, `${id} cluster.json`));
    }
  }
  found.push(...duplicateObjects(manifests));
  return found;
}
