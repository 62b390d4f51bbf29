/**
 * The PostgresCluster spec of one cluster, as a pure function of data (CrunchyRenderInput).
 * Every mapping is explained in docs/design/crunchy-engine.md; what PGO cannot express is
 * a ConfigError naming the property and the engine.
 *
 * @internal
 */
import * as pgo from '../../../imports/postgres-operator.crunchydata.com';
import { ConfigErrors, PoolMode, PoolType, RecoveryTargetKind, namedZonesAffinity, parseCnpgTargetTime, resourceRequirements } from './crunchy-model';
import { DisruptionBudgetOwner } from '../../model/disruption';
import type {
  CrunchyArchiveInput, CrunchyBackupSchedules, CrunchyContainerResources, CrunchyPoolInput, CrunchyRecoveryInput, CrunchyRenderInput, CrunchyResources, CrunchyS3Repo,
} from './crunchy-inputs';
import { checkEmittedPgBackRest } from './crunchy-pgbackrest-settings';
import { renderDynamicConfiguration } from './crunchy-patroni';
import {
  LABEL_CLUSTER, LABEL_INSTANCE_SET, STANZA, crunchyInstanceSetLabels, crunchyInstanceSetPdbName, crunchyPgBouncerLabels, crunchyPgBouncerPdbName,
} from './crunchy-names';

/** A PodDisruptionBudget PGO creates (not in the manifests): for the PDB-overlap checks. */
export interface CrunchyOperatorPdb {
  readonly name: string;
  readonly selector: { readonly matchLabels: { [key: string]: string } };
  readonly minAvailable: number | string;
}

/** What the renderer returns. */
export interface CrunchyRendering {
  readonly spec: pgo.PostgresClusterSpec;
  /** The PDBs PGO will create from this spec. */
  readonly operatorPdbs: CrunchyOperatorPdb[];
  /** The IAM role PGO's ServiceAccounts need (IRSA), when the repository uses one. */
  readonly roleArn?: string;
}

/** The final `hba` rule: PGO drops its default when rules are given, so TLS with a password is added back last. */
export const FINAL_HBA_RULE = 'hostssl all all all scram-sha-256';
const HBA_MAX = 100;
/** PGO's minAvailable of an instance set of 2 or more replicas when `instances[].minAvailable` is not set. */
export const PGO_DEFAULT_MIN_AVAILABLE = 1;
/** PGO's `postgresVersion` range in the v6.0.3 CRD. */
const MIN_MAJOR = 11;
const MAX_MAJOR = 18;

export function renderPostgresClusterSpec(errors: ConfigErrors, input: CrunchyRenderInput): CrunchyRendering {
  const i = input.intent;
  const e = input.engineName;
  const set = input.instanceSetName;

  if (i.version.major < MIN_MAJOR || i.version.major > MAX_MAJOR) {
    errors.add('version', i.version.fullVersion, `${e} runs PostgreSQL ${MIN_MAJOR} to ${MAX_MAJOR}`, 'use PostgresVersion.V18 (the default) or another supported major');
  }
  if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.test(set) || i.name.length + set.length > 46) {
    errors.add('engine.instanceSetName', set,
      `must be a DNS label whose length plus the cluster name's (${i.name.length}) is at most 46 (PGO names pods <cluster>-<set>-<suffix>)`,
      `use a short name such as "pg", or shorten the cluster name`);
  }
  // The final parameters (lib/model/cluster-parameters.ts finalParameters, TLS minimum included): rendered as given.
  const dynamicConfiguration = renderDynamicConfiguration(errors, e, i, input.patroni, sortKeys(input.parameters));

  const instanceLabels = crunchyInstanceSetLabels(i.name, set);
  const spread = (key: string) => ({ maxSkew: 1, topologyKey: key, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: instanceLabels } });
  const volume = (v: { size: { asString(): string }; storageClass?: string }) => ({
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: v.size.asString() } },
    ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
  });
  const zoneAffinity = namedZonesAffinity(i);
  // Either way the budget is PGO's <cluster>-set-<set> PDB and the library renders none of its own:
  // DisruptionBudget.minAvailable(n) sets instances[].minAvailable; operatorManaged() leaves it unset,
  // so PGO keeps its default (minAvailable 1 from 2 replicas; the readiness checklist warns that a
  // drain may then take all but one instance).
  const operatorBudget = i.highlyAvailable && i.disruptionBudget?.owner === DisruptionBudgetOwner.OPERATOR;
  const minAvailable = i.highlyAvailable && i.disruptionBudget?.owner === DisruptionBudgetOwner.LIBRARY ? i.disruptionBudget.minAvailableCount : undefined;
  const requirements = resourceRequirements(i);
  const quantities = (m: { [k: string]: { value: string | number } }) => Object.fromEntries(Object.entries(m).map(([k, q]) => [k, String(q.value)]));

  const instance: pgo.PostgresClusterSpecInstances = {
    name: set,
    replicas: i.instances,
    dataVolumeClaimSpec: volume(i.storage),
    ...(i.walStorage ? { walVolumeClaimSpec: volume(i.walStorage) } : {}),
    resources: { requests: quantities(requirements.requests), limits: quantities(requirements.limits) },
    // PGO's replication-cert-copy container (internal/postgres/reconcile.go) gets only what this says.
    sidecars: { replicaCertCopy: { resources: copy(input.containerResources.helpers) } },
    // One instance per zone and per node, hard (PGO's own defaults are ScheduleAnyway and are turned off below).
    topologySpreadConstraints: i.highlyAvailable ? [spread(i.zoneTopologyKey), spread(i.nodeTopologyKey)] : undefined,
    affinity: zoneAffinity || i.nodeSelector ? { nodeAffinity: nodeAffinity(zoneAffinity, i.nodeSelector) } : undefined,
    tolerations: i.tolerations?.map((t) => ({ ...t })),
    // 0 deletes PGO's PDB (a standalone instance must stay drainable); unset: PGO's default.
    minAvailable: minAvailable ?? (i.highlyAvailable ? undefined : 0),
  };

  const operatorPdbs: CrunchyOperatorPdb[] = [];
  if (minAvailable !== undefined) {
    operatorPdbs.push({ name: crunchyInstanceSetPdbName(i.name, set), selector: { matchLabels: instanceLabels }, minAvailable });
  } else if (operatorBudget && i.instances > 1) {
    operatorPdbs.push({ name: crunchyInstanceSetPdbName(i.name, set), selector: { matchLabels: instanceLabels }, minAvailable: PGO_DEFAULT_MIN_AVAILABLE });
  }

  const hba = [...input.hbaRules, FINAL_HBA_RULE];
  hba.forEach((line, n) => {
    if (line.length > HBA_MAX) {
      errors.add(`addHbaRule()[${n}]`, line, `renders a pg_hba line of ${line.length} characters; PGO's authentication.rules[].hba takes at most ${HBA_MAX}`,
        'shorten the rule (fewer databases or users per rule, or a CIDR instead of several addresses)');
    }
  });

  const tls = input.tls;
  if ((tls.serverSecretName === undefined) !== (tls.replicationSecretName === undefined)) {
    errors.add('engine.customTlsSecretName', tls.serverSecretName ?? '(none)',
      'PGO needs customTLSSecret and customReplicationTLSSecret together (the CRD says so: one custom CA signs both)',
      'give both engine.customTlsSecretName and engine.customReplicationTlsSecretName, or neither (PGO then issues both from its own CA)');
  }

  let roleArn: string | undefined;
  let backups: pgo.PostgresClusterSpecBackups | undefined;
  if (input.archive) {
    const rendered = renderBackups(errors, e, input.archive, input.containerResources);
    backups = rendered.backups;
    roleArn = rendered.roleArn;
  }
  if (!input.archive && i.highlyAvailable) {
    // Without backups PGO sets archive_command to `true` and throws WAL away.
    errors.add('WalArchive', '(none)', `${e} without a pgBackRest repository discards WAL (archive_command \`true\`): no point-in-time recovery and no backups`,
      'add a WalArchive (S3) for the cluster');
  }

  let dataSource: pgo.PostgresClusterSpecDataSource | undefined;
  if (input.recovery) {
    const r = renderDataSource(errors, e, input.recovery, input.containerResources.jobs);
    dataSource = r.dataSource;
    roleArn ??= r.roleArn;
  }

  let proxy: pgo.PostgresClusterSpecProxy | undefined;
  if (input.pool) {
    proxy = { pgBouncer: renderPgBouncer(errors, e, i.name, input.pool, input.containerResources.helpers) };
    if (input.pool.minAvailable !== undefined && input.pool.minAvailable > 0) {
      operatorPdbs.push({ name: crunchyPgBouncerPdbName(i.name), selector: { matchLabels: crunchyPgBouncerLabels(i.name) }, minAvailable: input.pool.minAvailable });
    }
  }

  const spec: pgo.PostgresClusterSpec = {
    postgresVersion: i.version.major,
    ...(input.postgresImage ? { image: input.postgresImage } : {}),
    instances: [instance],
    // PGO otherwise appends ScheduleAnyway zone and host spreads that weaken ours.
    disableDefaultPodScheduling: true,
    patroni: {
      leaderLeaseDurationSeconds: input.patroni.leaderLeaseSeconds,
      syncPeriodSeconds: input.patroni.syncPeriodSeconds,
      dynamicConfiguration,
    },
    authentication: { rules: hba.map((line) => ({ hba: line })) },
    ...(tls.serverSecretName ? { customTLSSecret: { name: tls.serverSecretName } } : {}),
    ...(tls.replicationSecretName ? { customReplicationTLSSecret: { name: tls.replicationSecretName } } : {}),
    users: [{ name: i.credentials.owner, databases: [i.credentials.database] }],
    ...(backups ? { backups } : {}),
    ...(dataSource ? { dataSource } : {}),
    ...(proxy ? { proxy } : {}),
    ...(input.monitoring ? {
      monitoring: { pgmonitor: { exporter: { ...(input.exporterImage ? { image: input.exporterImage } : {}), resources: copy(input.containerResources.exporter) } } },
    } : {}),
  };
  if (i.credentials.existingSecretName !== undefined) {
    errors.add('credentials', `AppCredentials.fromSecret('${i.credentials.existingSecretName}')`,
      `${e} generates each user's password into its own Secret <cluster>-pguser-<user> and cannot take a password from another Secret`,
      `use AppCredentials.generated() (the default); applications read ${i.name}-pguser-${i.credentials.owner}`);
  }
  // PGO's users[].name is a DNS label (CRD pattern): PostgreSQL's underscores are refused at admission.
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(i.credentials.owner)) {
    errors.add('credentials.owner', i.credentials.owner,
      `${e} names the user in spec.users[].name, which takes lower-case letters, digits and hyphens only (no underscores), starting and ending with a letter or digit`,
      `use a name of lower-case letters and digits only, e.g. "${i.credentials.owner.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^[0-9]+/, '').replace(/^pg/, '') || 'app'}" (the default is "app")`);
  }
  // The generator's checks on what is emitted (repository names, global options, restore options).
  if (errors.isEmpty) checkEmittedPgBackRest(errors, spec);
  return { spec, operatorPdbs, roleArn };
}

function nodeAffinity(zones: ReturnType<typeof namedZonesAffinity>, selector: { [key: string]: string } | undefined) {
  const expressions = [
    ...(zones?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions ?? []),
    ...Object.entries(selector ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
  ];
  return { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } };
}

/** `repo1` options for an S3 repository (pgBackRest option names, PGO's `global` section). */
export function repoGlobal(repo: CrunchyS3Repo): { [key: string]: string } {
  return {
    'repo1-path': repo.path,
    'repo1-s3-uri-style': repo.uriStyle,
    ...(repo.credentials.roleArn ? { 'repo1-s3-key-type': 'web-id' } : {}),
  };
}

function repoConfiguration(repo: CrunchyS3Repo) {
  const c = repo.credentials;
  return c.secretName ? [{ secret: { name: c.secretName, items: [{ key: c.secretKey ?? 's3.conf', path: c.secretKey ?? 's3.conf' }] } }] : undefined;
}

function checkRepo(errors: ConfigErrors, engine: string, repo: CrunchyS3Repo): void {
  const c = repo.credentials;
  if ((c.secretName === undefined) === (c.roleArn === undefined)) {
    errors.add(`${repo.property}.credentials`, c, 'needs exactly one of a Secret and an IAM role', 'use ArchiveCredentials.fromSecret(name) or ArchiveCredentials.fromIamRole(arn)');
  }
  if (c.secretKey !== undefined && !/^[-._a-zA-Z0-9]+\.conf$/.test(c.secretKey)) {
    errors.add(`${repo.property}.credentials`, c.secretKey,
      `${engine} projects the Secret key into pgBackRest's conf.d, which reads only files ending in .conf`,
      'name the key like "s3.conf" (an INI file with [global] repo1-s3-key=… and repo1-s3-key-secret=…)');
  }
  if (!repo.path.startsWith('/')) {
    errors.add(`${repo.property}.path`, repo.path, 'pgBackRest repository paths are absolute', 'start the path with "/"');
  }
}

function renderBackups(errors: ConfigErrors, engine: string, a: CrunchyArchiveInput, resources: CrunchyContainerResources): { backups: pgo.PostgresClusterSpecBackups; roleArn?: string } {
  checkRepo(errors, engine, a.repo);
  if (!Number.isInteger(a.retentionDays) || a.retentionDays < 1 || a.retentionDays > 9_999_999) {
    errors.add('retention', a.retentionDays, 'pgBackRest keeps full backups for a whole number of days, at least 1', 'use RetentionWindow.days(30) (the default)');
  }
  const global: { [key: string]: string } = {
    ...repoGlobal(a.repo),
    'repo1-retention-full-type': 'time',
    'repo1-retention-full': String(a.retentionDays),
    'compress-type': a.compressType,
    'process-max': String(a.processMax),
    ...(a.kmsKeyId ? { 'repo1-s3-kms-key-id': a.kmsKeyId } : {}),
  };
  const schedules = renderSchedules(errors, a.schedules);
  const repo: pgo.PostgresClusterSpecBackupsPgbackrestRepos = {
    name: 'repo1',
    s3: { bucket: a.repo.bucket, endpoint: a.repo.endpoint, region: a.repo.region },
    ...(schedules ? { schedules } : {}),
  };
  return {
    roleArn: a.repo.credentials.roleArn,
    backups: {
      pgbackrest: {
        ...(a.image ? { image: a.image } : {}),
        global: sortKeys(global),
        ...(repoConfiguration(a.repo) ? { configuration: repoConfiguration(a.repo) } : {}),
        repos: [repo],
        // The instance pods' pgbackrest (archive-push, TLS server) and pgbackrest-config containers.
        sidecars: { pgbackrest: { resources: copy(resources.pgbackrest) }, pgbackrestConfig: { resources: copy(resources.helpers) } },
        // The scheduled and replica-create backup Jobs.
        jobs: { resources: copy(resources.jobs) },
        // An in-place restore (PGO runs it when an operator sets enabled and the restore
        // annotation); rendered disabled so that its Job is sized when it is used.
        restore: { enabled: false, repoName: 'repo1', resources: copy(resources.jobs) },
      },
    },
  };
}

/**
 * PGO's schedules are Kubernetes CronJob schedules (robfig/cron v3 ParseStandard: 5 fields,
 * no seconds). BackupSchedule keeps to the subset both parsers read; its problems are errors here.
 */
function renderSchedules(errors: ConfigErrors, s: CrunchyBackupSchedules): pgo.PostgresClusterSpecBackupsPgbackrestReposSchedules | undefined {
  const out: { [key: string]: string } = {};
  for (const [type, schedule] of [['full', s.full], ['differential', s.differential], ['incremental', s.incremental]] as const) {
    if (!schedule) continue;
    const problem = schedule.problem();
    const cron = schedule.toCron();
    if (problem) {
      errors.add(`schedule (${type})`, schedule.expression, problem, 'use BackupSchedule.daily({ hour: 2 }), .weekly() or a 5-field expression such as "0 2 * * *"');
    } else if (cron.split(' ').length !== 5) {
      errors.add(`schedule (${type})`, schedule.expression, 'is not a 5-field Kubernetes CronJob schedule', 'use 5 fields: minute hour day-of-month month day-of-week');
    } else {
      out[type] = cron;
    }
  }
  if (s.incremental && !s.full) {
    errors.add('schedule (incremental)', s.incremental.expression, 'an incremental backup needs a full one to build on, and no full backup is scheduled',
      'add a ScheduledBackup (full) for the cluster');
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * pgBackRest `--type`/`--target` restore options of a recovery target. PGO adds
 * `--target-action=promote` itself when a target is given, and refuses a restore whose options
 * carry `--target-action` (reconcileRestoreJob: event InvalidDataSource, no restore). It joins the
 * options with spaces into `bash -xc "pgbackrest restore ${opts}"`, so a time target (which has
 * a space) is double-quoted for that shell.
 */
export function restoreOptions(errors: ConfigErrors, r: CrunchyRecoveryInput): string[] {
  if (r.targetKind === RecoveryTargetKind.LATEST) return [];
  if (r.targetKind === RecoveryTargetKind.LSN) return ['--type=lsn', `--target=${r.targetValue}`];
  const parsed = parseCnpgTargetTime(r.targetValue ?? '');
  if (!parsed) {
    errors.add('bootstrap.target', r.targetValue, 'is not a timestamp', 'use e.g. RecoveryTarget.time("2026-11-30 05:00:00+00")');
    return [];
  }
  // pgBackRest picks the backup set by parsing the target itself: "YYYY-MM-DD HH:MM:SS+00" (UTC) is a form it reads.
  const d = new Date(parsed.epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  const text = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${ms ? `.${p(ms, 3)}` : ''}+00`;
  return ['--type=time', `--target="${text}"`];
}

function renderDataSource(errors: ConfigErrors, engine: string, r: CrunchyRecoveryInput, jobs: CrunchyResources): { dataSource: pgo.PostgresClusterSpecDataSource; roleArn?: string } {
  const options = restoreOptions(errors, r);
  if (r.clusterName !== undefined) {
    return { dataSource: { postgresCluster: { clusterName: r.clusterName, repoName: 'repo1', ...(options.length ? { options } : {}), resources: copy(jobs) } } };
  }
  const repo = r.repo!;
  checkRepo(errors, engine, repo);
  return {
    roleArn: repo.credentials.roleArn,
    dataSource: {
      pgbackrest: {
        stanza: STANZA,
        repo: { name: 'repo1', s3: { bucket: repo.bucket, endpoint: repo.endpoint, region: repo.region } },
        global: sortKeys(repoGlobal(repo)),
        ...(repoConfiguration(repo) ? { configuration: repoConfiguration(repo) } : {}),
        ...(options.length ? { options } : {}),
        // The restore Job's resources.
        resources: copy(jobs),
      },
    },
  };
}

/** PgBouncer settings PGO writes itself (internal/pgbouncer/config.go): refused from a pool's parameters. */
const PGBOUNCER_OWNED = ['listen_addr', 'listen_port', 'auth_file', 'auth_query', 'auth_user', 'auth_type', 'client_tls_cert_file', 'client_tls_key_file',
  'client_tls_ca_file', 'server_tls_ca_file', 'server_tls_sslmode', 'unix_socket_dir', 'conffile', 'logfile', 'pidfile'];

function renderPgBouncer(errors: ConfigErrors, engine: string, clusterName: string, p: CrunchyPoolInput, helpers: CrunchyResources): pgo.PostgresClusterSpecProxyPgBouncer {
  if (p.type === PoolType.READ_ONLY) {
    errors.add('type', 'PoolType.READ_ONLY', `${engine}'s PgBouncer proxy serves the primary only (its [databases] * target is the <cluster>-primary Service)`,
      `use PoolType.READ_WRITE, or connect read-only clients to the ${clusterName}-replicas Service directly`);
  }
  for (const key of Object.keys(p.settings)) {
    if (PGBOUNCER_OWNED.includes(key)) {
      errors.add(`parameters.${key}`, p.settings[key], `${engine} writes ${key} itself (listener, authentication and TLS files)`, `remove ${key}`);
    }
  }
  if (p.settings.client_tls_sslmode !== undefined && !['require', 'verify-ca', 'verify-full'].includes(p.settings.client_tls_sslmode)) {
    errors.add('parameters.client_tls_sslmode', p.settings.client_tls_sslmode, 'would let clients reach the pool without TLS', 'use "require" (the default)');
  }
  const labels = crunchyPgBouncerLabels(clusterName);
  const spread = (key: string) => ({ maxSkew: 1, topologyKey: key, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } });
  const affinity = namedZonesAffinity(p);
  const global = Object.fromEntries(Object.entries({ ...p.settings, pool_mode: p.poolMode as string })
    .filter(([k]) => !PGBOUNCER_OWNED.includes(k)).sort(([a], [b]) => a.localeCompare(b)));
  return {
    replicas: p.replicas,
    ...(p.image ? { image: p.image } : {}),
    ...(p.minAvailable !== undefined ? { minAvailable: p.minAvailable } : {}),
    resources: { requests: { cpu: p.cpuRequest, memory: p.memoryRequest }, limits: { cpu: p.cpuLimit, memory: p.memoryLimit } },
    topologySpreadConstraints: p.replicas > 1 ? [spread(p.zoneTopologyKey), spread(p.nodeTopologyKey)] : undefined,
    ...(affinity ? { affinity: { nodeAffinity: affinity } } : {}),
    // PGO's pgbouncer-config container (it reloads PgBouncer when its files change).
    sidecars: { pgbouncerConfig: { resources: copy(helpers) } },
    config: { global },
  };
}

/** A fresh copy (each field of the spec its own object). */
function copy(r: CrunchyResources): { requests: { [k: string]: string }; limits: { [k: string]: string } } {
  return { requests: { cpu: r.requests.cpu, memory: r.requests.memory }, limits: { cpu: r.limits.cpu, memory: r.limits.memory } };
}

function sortKeys<T>(m: { [key: string]: T }): { [key: string]: T } {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}

/** Keys of the instance set label, for callers that need them. */
export const INSTANCE_SET_SELECTOR_KEYS = [LABEL_CLUSTER, LABEL_INSTANCE_SET];
/** Pool modes PGO's PgBouncer accepts in config.global (PgBouncer's own). */
export const PGBOUNCER_POOL_MODES = [PoolMode.TRANSACTION, PoolMode.SESSION];
