import type { Construct } from 'constructs';
import { addSynthValidation } from '../../core/app-index';
import type { IScheduledBackupIntent } from '../../model/cluster-engine';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { BackupTarget } from '../../model/backup-values';
import { ConfigErrors } from '../../core/config-error';
import { scriptPodSpec } from '../../core/script-pod';
import { kubernetesApiEgress } from '../../model/policy-rules';
import { backupArgv, backupDeleteArgv, commandLine, retentionPolicy, shellQuote } from './barman-commands';
import { writeOptions } from './patroni-archive';
import { PATRONI_LAYOUT as L } from './patroni-layout';
import { PatroniVersion } from './patroni-version';

/**
 * ScheduledBackup on the Patroni engine. barman-cloud-backup reads the data directory, so it
 * must run in a member's container: a CronJob (and, with `immediate`, a one-off Job) runs a
 * bash script in a kubectl image that picks the member by its role label and runs
 * barman-cloud-backup, then barman-cloud-backup-delete with the archive's retention window,
 * through `kubectl exec`. The S3 credentials and the superuser password never leave the
 * member's container. Its own ServiceAccount may only list and get pods and exec into the
 * StatefulSet's pods by name.
 */

const SCRIPT_DIR = '/etc/ha-postgres-backup';
const SCRIPT = 'backup.sh';
/** How long the one-off Job waits for a Ready member: a new cluster is still starting when it is applied. */
const IMMEDIATE_WAIT_SECONDS = 1800;

/** What the backup job needs from the engine. */
export interface PatroniBackupOptions {
  readonly engineName: string;
  readonly version: PatroniVersion;
  /** Image with bash and kubectl. */
  readonly image: string;
  /** Labels that select the cluster's member pods. */
  readonly instanceLabels: { [key: string]: string };
}

/** Names of the objects of a ScheduledBackup named `name`. */
export function backupObjectNames(name: string) {
  return { cronJob: name, immediateJob: `${name}-immediate`, serviceAccount: name, role: name, configMap: name, networkPolicy: name };
}

/** Renders the CronJob, the one-off Job, the script, the RBAC and the NetworkPolicy of a ScheduledBackup. */
export function renderPatroniScheduledBackup(scope: Construct, backup: IScheduledBackupIntent, opts: PatroniBackupOptions): void {
  const errors = new ConfigErrors();
  addSynthValidation(scope, () => errors.messages);
  const cluster = backup.archive.cluster;
  const clusterName = cluster.clusterName;
  const names = backupObjectNames(backup.name);
  const labels = { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/instance': clusterName, 'app.kubernetes.io/component': 'backup' };
  const podLabels = { ...labels, 'ha-postgres.io/scheduled-backup': backup.name };

  // Kubernetes adds an 11-character suffix to the Jobs of a CronJob (and names must fit 63).
  if (backup.name.length > 52) {
    errors.add('name', backup.name, `${opts.engineName} renders a CronJob of this name, and CronJob names may have at most 52 characters (Kubernetes appends 11 for each Job)`,
      'give a shorter name');
  }

  new k8s.KubeConfigMap(scope, 'Script', {
    metadata: { name: names.configMap, labels },
    data: {
      [SCRIPT]: Lazy.any({
        produce: () => backupScript({
          clusterName,
          selector: opts.instanceLabels,
          roleLabel: L.roleLabel,
          leaderValue: opts.version.leaderLabelValue,
          standbyValue: L.followerLabelValue,
          target: backup.target,
          container: L.container,
          backup: backupArgv(writeOptions(backup.archive), { socketDir: L.socketDir, port: L.postgresPort, user: L.superuser }),
          retention: backupDeleteArgv(writeOptions(backup.archive)),
          retentionPolicy: retentionPolicy(backup.archive.retention),
          location: backup.archive.destination.serverLocation(backup.archive.serverName),
        }),
      }) as any,
    },
  });

  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name: names.serviceAccount, labels } });
  const members = Array.from({ length: cluster.intent.instances }, (_, i) => `${clusterName}-${i}`);
  new k8s.KubeRole(scope, 'Role', {
    metadata: { name: names.role, labels },
    rules: [
      // Finding the member by its role label (list) and reading it before the exec (get).
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      // kubectl exec: POST (create), or GET for the WebSocket upgrade; only into the members.
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'], resourceNames: members },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: { name: names.role, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.role },
    subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount }],
  });

  // A backup may run until shortly before the next one (Forbid skips overlapping runs), at most a day.
  const periodSeconds = backup.schedule.problem() ? 86_400 : backup.schedule.period.toSeconds();
  const deadline = Math.min(86_400, Math.max(3_600, periodSeconds - 600));
  const jobSpec = (waitSeconds: number): k8s.JobSpec => ({
    backoffLimit: 0,
    activeDeadlineSeconds: deadline + waitSeconds,
    template: { metadata: { labels: podLabels }, spec: podSpec(names.serviceAccount, names.configMap, opts.image, waitSeconds) },
  });

  new k8s.KubeCronJob(scope, 'Resource', {
    metadata: { name: names.cronJob, labels },
    spec: {
      schedule: backup.schedule.toCron(),
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: backup.suspend,
      jobTemplate: { metadata: { labels: podLabels }, spec: jobSpec(0) },
    },
  });

  // Runs once, when first applied (a Job is not re-run while it exists); it waits for the
  // cluster's members to become Ready. Suspended backups take no immediate one.
  if (backup.immediate && !backup.suspend) {
    new k8s.KubeJob(scope, 'Immediate', { metadata: { name: names.immediateJob, labels }, spec: jobSpec(IMMEDIATE_WAIT_SECONDS) });
  }

  // Default deny for the backup pods: no ingress; egress only to the Kubernetes API (kubectl
  // reaches it by the in-cluster service address, so no DNS either).
  const settings = cluster.connections.settings;
  if (settings.enabled) {
    new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
      metadata: { name: names.networkPolicy, labels },
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [kubernetesApiEgress(settings.kubernetesApiCidr)],
      },
    });
  }
}

function podSpec(serviceAccount: string, configMap: string, image: string, waitSeconds: number): k8s.PodSpec {
  return scriptPodSpec({
    serviceAccountName: serviceAccount,
    containerName: 'backup',
    image,
    command: ['/bin/bash', `${SCRIPT_DIR}/${SCRIPT}`, String(waitSeconds)],
    configMapName: configMap,
    scriptDir: SCRIPT_DIR,
    scriptVolumeName: 'script',
  });
}

/** What the backup script is built from; every value is validated before it is embedded. */
export interface BackupScriptOptions {
  readonly clusterName: string;
  readonly selector: { [key: string]: string };
  readonly roleLabel: string;
  readonly leaderValue: string;
  readonly standbyValue: string;
  readonly target: BackupTarget;
  readonly container: string;
  /** barman-cloud-backup argv, run in the member's container with PGPASSWORD from its environment. */
  readonly backup: string[];
  /** barman-cloud-backup-delete argv. */
  readonly retention: string[];
  readonly retentionPolicy: string;
  /** `s3://…/<serverName>/`, for the log. */
  readonly location: string;
}

/**
 * The backup as a bash script (argument: seconds to wait for a Ready member). Exits non-zero
 * when no member is Ready in time or a command fails, so the Job fails.
 */
export function backupScript(o: BackupScriptOptions): string {
  const selector = Object.keys(o.selector).sort().map((k) => `${k}=${o.selector[k]}`).join(',');
  const order = o.target === BackupTarget.PRIMARY ? [o.leaderValue] : [o.standbyValue, o.leaderValue];
  // Not `pick … || …`: set -e must stay in force inside pick (a failing kubectl stops the script).
  const picks = order.map((role, i) => (i === 0 ? `  pick ${shellQuote(role)}` : `  if [ -z "$TARGET" ]; then pick ${shellQuote(role)}; fi`));
  const exec = `kubectl exec "$TARGET" -c ${shellQuote(o.container)} --`;
  return `#!/bin/bash
# Base backup of PostgreSQL cluster ${o.clusterName} (Patroni) into ${o.location}
# barman-cloud-backup reads the member's data directory, so it runs in the member's
# ${o.container} container (kubectl exec); the S3 credentials and the superuser password
# stay in that container's environment.
set -euo pipefail
WAIT_SECONDS="\${1:-0}"
SELECTOR=${shellQuote(selector)}

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup: $*"; }

# Sets TARGET to the first Ready member (by name) whose ${o.roleLabel} label is $1.
pick() {
  local listing name ready
  listing="$(kubectl get pods -l "$SELECTOR,${o.roleLabel}=$1" --sort-by=.metadata.name \\
    -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}')"
  while read -r name ready; do
    if [ "$ready" = "True" ]; then TARGET="$name"; return 0; fi
  done <<< "$listing"
}

# ${o.target === BackupTarget.PRIMARY ? 'Target PRIMARY: the leader.' : 'Target PREFER_STANDBY: a Ready standby, else the leader.'}
while :; do
  TARGET=""
${picks.join('\n')}
  [ -z "$TARGET" ] || break
  if [ "$SECONDS" -ge "$WAIT_SECONDS" ]; then
    log "no Ready member (${order.map((r) => `${o.roleLabel}=${r}`).join(', ')}) of cluster ${o.clusterName} to back up from" >&2
    exit 1
  fi
  log "waiting for a Ready member of cluster ${o.clusterName}"
  sleep 10
done

log "base backup of ${o.clusterName} on $TARGET into ${o.location}"
${exec} sh -c 'export PGPASSWORD="$PATRONI_SUPERUSER_PASSWORD" PGTZ=UTC; exec "$@"' sh ${commandLine(o.backup)}
log "deleting backups outside the ${o.retentionPolicy}"
${exec} ${commandLine(o.retention)}
log "done"
`;
}
