import type { IClusterModel } from '../model/cluster-engine';
import * as crypto from 'crypto';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { scriptPodSpec } from '../core/script-pod';
import { shellQuote } from '../core/shell';
import { NetworkPeer } from '../model/network-peer';
import { dnsEgress, samePodsPeer, tcp, userPeer } from '../model/policy-rules';
import { quoteIdent } from '../model/sql-identifier';

/**
 * A Job that applies SQL to a cluster with psql: the engines' way to apply intent that no
 * operator resource expresses (Patroni: every role, database, grant, publication and
 * subscription; CloudNativePG: grants and row-filtered publications). One Job per cluster,
 * named after a hash of its content, so a change of the intent creates a new Job (a Job's
 * pod template cannot change) and re-applying unchanged manifests changes nothing. The
 * script retries every step until it succeeds or the deadline passes (the cluster may
 * still be starting, a table may not exist yet), and every step is idempotent.
 *
 * The pod runs under Pod Security "restricted" (non-root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, read-only root file system), with a
 * ServiceAccount without token and without any Role: it only connects to PostgreSQL.
 * Passwords reach psql as environment variables from Secret references.
 */

/** Where to find a Secret value. */
export interface SecretRef {
  readonly name: string;
  readonly key: string;
}

/** A login the script uses: `<prefix>_USER` and `<prefix>_PASSWORD` in the environment. */
export interface SqlJobCredential {
  /** Environment variable prefix, upper case (e.g. `SUPERUSER`, `OWNER_1`). */
  readonly prefix: string;
  /** The user name, or where to read it. */
  readonly user: string | SecretRef;
  readonly password: SecretRef;
}

/** One psql run of the script. */
export interface SqlStep {
  /** File name in the ConfigMap, e.g. `10-roles.sql`. */
  readonly file: string;
  /** Database to connect to. */
  readonly database: string;
  /** Prefix of the credential to connect with. */
  readonly credential: string;
  /** A line for the log, e.g. `roles`. */
  readonly description: string;
  /** The psql script. */
  readonly sql: string;
}

/** The schema copy of a blue/green upgrade: pg_dump from the source, pg_restore into the target. */
export interface SchemaImportStep {
  /** Source connection: host and port from the environment variables SOURCE_HOST and SOURCE_PORT (set in `env`), sslmode, database. */
  readonly sourceSslMode: string;
  readonly sourceDatabase: string;
  /** Credential prefix for the source (the replication role). */
  readonly sourceCredential: string;
  /** Target database and its owner (objects are restored as that role). */
  readonly targetDatabase: string;
  readonly targetOwner: string;
  /** Credential prefix of a superuser on the target. */
  readonly targetCredential: string;
}

/** What the Job does. */
export interface SqlJobPlan {
  readonly credentials: SqlJobCredential[];
  /** Extra environment variables: values, or Secret references (role and subscription passwords read by psql). */
  readonly env: Array<{ readonly name: string; readonly value?: string; readonly secret?: SecretRef }>;
  /** Steps before `importSchema` (roles, databases). */
  readonly setup: SqlStep[];
  readonly importSchema?: SchemaImportStep;
  /** Steps after it (schemas, extensions, grants, publications, subscriptions). */
  readonly steps: SqlStep[];
}

/** How the Job reaches the cluster. */
export interface SqlJobRuntime {
  /** Image with psql (and pg_dump/pg_restore for a schema import) and `sh`. */
  readonly image: string;
  /** User (and group) id the container runs as. */
  readonly userId: number;
  /** Host of the cluster's primary (its read-write Service). */
  readonly host: string;
  readonly port: number;
  /** libpq sslmode of the connections to the cluster. */
  readonly sslMode: string;
  /** The cluster's CA certificate, for sslmode verify-full. */
  readonly caCertificate?: SecretRef;
  /** Labels that select the cluster's instance pods (the Job's only egress besides DNS and `extraEgress`). */
  readonly instanceLabels: { [key: string]: string };
}

/** Where the ConfigMap is mounted. */
export const SQL_DIR = '/etc/ha-postgres-sql';
const CA_DIR = '/etc/ha-postgres-sql-ca';
/** Longest time the script keeps retrying (a new cluster may take long to become ready). */
const SQL_JOB_WAIT_SECONDS = 3600;

/** Label on the SQL Job pods (value: the cluster name). */
export const SQL_JOB_LABEL = 'ha-postgres.io/sql-job';

function sqlJobLabels(clusterName: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': clusterName, 'app.kubernetes.io/component': 'sql-intent' };
}

/** Labels of the SQL Job's pods of `clusterName`. */
export function sqlJobPodLabels(clusterName: string): { [key: string]: string } {
  return { ...sqlJobLabels(clusterName), [SQL_JOB_LABEL]: clusterName };
}

/** Double-quoted for sh (`$`, `` ` ``, `"` and `\` escaped). */
function shDouble(value: string): string {
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * The script: each step in order, all of them again after 15 s when one fails, until
 * `$WAIT_SECONDS` (first argument) pass. `SQL_DIR` (environment) overrides where the
 * SQL files are.
 */
function sqlJobScript(clusterName: string, plan: SqlJobPlan): string {
  const step = (s: SqlStep) => [
    `  log ${shellQuote(s.description)}`,
    `  PGUSER="$${s.credential}_USER" PGPASSWORD="$${s.credential}_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -d ${shellQuote(s.database)} -f "$SQL_DIR/${s.file}" || return 1`,
  ].join('\n');
  const lines = [
    '#!/bin/sh',
    `# Applies the declared SQL intent of cluster ${clusterName}; every step is idempotent.`,
    '# Passwords come from the environment (Secret references), never from a file or argument.',
    'set -u',
    `WAIT_SECONDS="\${1:-${SQL_JOB_WAIT_SECONDS}}"`,
    `SQL_DIR="\${SQL_DIR:-${SQL_DIR}}"`,
    'START=$(date +%s)',
    'log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) sql: $*"; }',
    '',
  ];
  const imp = plan.importSchema;
  if (imp) {
    const target = `PGUSER="$${imp.targetCredential}_USER" PGPASSWORD="$${imp.targetCredential}_PASSWORD"`;
    const source = `PGHOST="$SOURCE_HOST" PGPORT="$SOURCE_PORT" PGSSLMODE=${shellQuote(imp.sourceSslMode)} ` +
      `PGUSER="$${imp.sourceCredential}_USER" PGPASSWORD="$${imp.sourceCredential}_PASSWORD"`;
    const db = shellQuote(imp.targetDatabase);
    const owner = quoteIdent(imp.targetOwner);
    lines.push(
      '# The schema of the source database, once: only while the target database has no table.',
      'import_schema() {',
      `  tables=$(${target} psql -X -A -t -q -v ON_ERROR_STOP=1 -d ${db} -c "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'") || return 1`,
      '  if [ "$tables" != "0" ]; then log "target database has $tables tables: schema import skipped"; return 0; fi',
      `  log "schema import from $SOURCE_HOST:$SOURCE_PORT/"${shellQuote(imp.sourceDatabase)}`,
      '  dump="${TMPDIR:-/tmp}/schema.dump"',
      `  ${source} pg_dump -F c --schema-only -d ${shellQuote(imp.sourceDatabase)} -f "$dump" || return 1`,
      '  # As CloudNativePG\'s import: restored without owners or grants, as the target database owner (a superuser for the restore).',
      `  ${target} psql -X -q -v ON_ERROR_STOP=1 -d ${db} -c ${shDouble(`ALTER ROLE ${owner} SUPERUSER`)} || return 1`,
      '  rc=0',
      `  ${target} pg_restore --no-owner --no-privileges --role=${shellQuote(imp.targetOwner)} --section=pre-data -d ${db} "$dump" || rc=1`,
      `  [ "$rc" = 0 ] && { ${target} pg_restore --no-owner --no-privileges --role=${shellQuote(imp.targetOwner)} --section=post-data -d ${db} "$dump" || rc=1; }`,
      `  ${target} psql -X -q -v ON_ERROR_STOP=1 -d ${db} -c ${shDouble(`ALTER ROLE ${owner} NOSUPERUSER`)} || rc=1`,
      '  rm -f "$dump"',
      `  [ "$rc" = 0 ] && ${target} psql -X -q -d ${db} -c 'ANALYZE' >/dev/null`,
      '  return "$rc"',
      '}',
      '',
    );
  }
  lines.push('attempt() {');
  for (const s of plan.setup) lines.push(step(s));
  if (imp) lines.push('  import_schema || return 1');
  for (const s of plan.steps) lines.push(step(s));
  lines.push('  return 0', '}', '');
  lines.push(
    'until attempt; do',
    '  if [ $(( $(date +%s) - START )) -ge "$WAIT_SECONDS" ]; then log "giving up after ${WAIT_SECONDS}s"; exit 1; fi',
    '  log "a step failed; retrying in 15s"',
    '  sleep 15',
    'done',
    'log "done"',
    '',
  );
  return lines.join('\n');
}

/** Every file of the Job's ConfigMap: the script and the SQL of each step. */
function sqlJobFiles(clusterName: string, plan: SqlJobPlan): { [file: string]: string } {
  const files: { [file: string]: string } = { 'apply.sh': sqlJobScript(clusterName, plan) };
  for (const s of [...plan.setup, ...plan.steps]) files[s.file] = s.sql;
  return files;
}

function envFromSecret(name: string, ref: SecretRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/**
 * Renders the SQL Job of `cluster` as children of `scope`: ServiceAccount, ConfigMap,
 * Job and NetworkPolicy. `plan` is read at synth time (constructs added later land in it).
 * `extraEgress` adds servers the Job reaches besides its own cluster (a schema import's source).
 */
export function renderSqlJob(scope: Construct, cluster: IClusterModel, runtime: SqlJobRuntime, plan: () => SqlJobPlan,
  extraEgress: () => Array<{ peer: NetworkPeer; port: number }> = () => []): void {
  const base = `${cluster.clusterName}-sql`;
  const labels = sqlJobLabels(cluster.clusterName);
  const podLabels = sqlJobPodLabels(cluster.clusterName);
  // Read at synth time, every time: constructs added later change the plan (and so the name).
  const resolved = () => {
    const p = plan();
    const files = sqlJobFiles(cluster.clusterName, p);
    const env = JSON.stringify([p.credentials, p.env, runtime]);
    const hash = crypto.createHash('sha256').update(JSON.stringify(files)).update(env).digest('hex').slice(0, 8);
    return { files, name: `${base}-${hash}`, plan: p };
  };

  new k8s.KubeServiceAccount(scope, 'SqlServiceAccount', {
    metadata: { name: base, labels },
    automountServiceAccountToken: false,
  });
  new k8s.KubeConfigMap(scope, 'SqlScripts', {
    metadata: { name: Lazy.any({ produce: () => resolved().name }) as any, labels },
    data: Lazy.any({ produce: () => resolved().files }) as any,
  });

  const env = (): k8s.EnvVar[] => {
    const p = resolved().plan;
    const out: k8s.EnvVar[] = [
      { name: 'PGHOST', value: runtime.host },
      { name: 'PGPORT', value: String(runtime.port) },
      { name: 'PGSSLMODE', value: runtime.sslMode },
      { name: 'PGCONNECT_TIMEOUT', value: '10' },
      { name: 'PGAPPNAME', value: 'ha-postgres-sql' },
      // "already exists, skipping" notices of the idempotent steps stay out of the log.
      { name: 'PGOPTIONS', value: '-c client_min_messages=warning' },
      { name: 'HOME', value: '/tmp' },
    ];
    if (runtime.caCertificate) out.push({ name: 'PGSSLROOTCERT', value: `${CA_DIR}/${runtime.caCertificate.key}` });
    for (const c of p.credentials) {
      out.push(typeof c.user === 'string' ? { name: `${c.prefix}_USER`, value: c.user } : envFromSecret(`${c.prefix}_USER`, c.user));
      out.push(envFromSecret(`${c.prefix}_PASSWORD`, c.password));
    }
    for (const e of p.env) out.push(e.secret ? envFromSecret(e.name, e.secret) : { name: e.name, value: e.value ?? '' });
    return out;
  };

  new k8s.KubeJob(scope, 'SqlJob', {
    metadata: { name: Lazy.any({ produce: () => resolved().name }) as any, labels },
    spec: {
      backoffLimit: 2,
      // The script retries for SQL_JOB_WAIT_SECONDS; the deadline leaves room for the last attempt.
      activeDeadlineSeconds: SQL_JOB_WAIT_SECONDS + 900,
      // Finished Jobs go after a week; re-applying the same manifest then runs the idempotent script once more.
      ttlSecondsAfterFinished: 7 * 86_400,
      template: {
        metadata: { labels: podLabels },
        spec: scriptPodSpec({
          serviceAccountName: base,
          automountServiceAccountToken: false,
          containerName: 'sql',
          image: runtime.image,
          command: ['/bin/sh', `${SQL_DIR}/apply.sh`],
          userId: runtime.userId,
          env: Lazy.any({ produce: env }) as any,
          configMapName: Lazy.any({ produce: () => resolved().name }) as any,
          scriptDir: SQL_DIR,
          scriptVolumeName: 'sql',
          // room for a schema dump
          tmpSizeLimit: '256Mi',
          extraVolumes: runtime.caCertificate ? [{
            volume: { name: 'ca', secret: { secretName: runtime.caCertificate.name, items: [{ key: runtime.caCertificate.key, path: runtime.caCertificate.key }], defaultMode: 0o444 } },
            mountPath: CA_DIR,
          }] : [],
        }),
      },
    },
  });

  // The cluster lets the Job's pods in; they reach only DNS and PostgreSQL.
  const namespace = Chart.of(scope).namespace;
  cluster.connections.allowFrom(NetworkPeer.podsWithLabels(podLabels, namespace));
  if (cluster.connections.settings.enabled) {
    new k8s.KubeNetworkPolicy(scope, 'SqlNetworkPolicy', {
      metadata: { name: base, labels },
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: Lazy.any({
          produce: () => [
            dnsEgress(),
            { to: [samePodsPeer(runtime.instanceLabels)], ports: tcp(runtime.port) },
            ...extraEgress().map((e) => ({ to: [userPeer(e.peer.resolve())], ports: tcp(e.port) })),
          ],
        }) as any,
      },
    });
  }
}
