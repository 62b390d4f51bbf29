import type { Construct } from 'constructs';
import { addSynthValidation } from '../../core/app-index';
import type { IArchiveIntent, IClusterModel } from '../../model/cluster-engine';
import type { k8s } from 'cdk8s-plus-28';
import { ArchiveCredentials, ArchiveCredentialsKind } from '../../model/archive-credentials';
import type { ArchiveSource } from '../../model/recovery';

import { ConfigErrors } from '../../core/config-error';
import {
  atLeast, BACKUP_COMPRESSION_FLAGS, BarmanFlag, BarmanRelease, BarmanWriteOptions, commandLine, KMS_KEY_SINCE, releaseLabel, WAL_COMPRESSION_FLAGS,
  walArchiveArgv, walRestoreArgv,
} from './barman-commands';

/**
 * WAL archiving on the Patroni engine: `archive_command` with barman-cloud-wal-archive in
 * the local `postgresql.parameters` of patroni.yml (a ConfigMap change rolls the members;
 * no re-bootstrap), `restore_command` with barman-cloud-wal-restore for standbys, and the
 * credentials as environment variables from Secrets or as an IRSA role.
 */

/** Environment variables the source archive's keys are given under (a restore reads them). */
export const RECOVERY_ENV_PREFIX = 'RECOVERY_';

/** What barman-cloud needs to write the archive. */
export function writeOptions(archive: IArchiveIntent): BarmanWriteOptions {
  return {
    destination: archive.destination,
    serverName: archive.serverName,
    walCompression: archive.walCompression,
    backupCompression: archive.backupCompression,
    encryption: archive.encryption,
    backupJobs: archive.backupJobs,
    retention: archive.retention,
  };
}

/**
 * The local PostgreSQL parameters an archive owns. `archiveTimeout` is `archive_timeout`
 * from the final parameters (lib/model/cluster-parameters.ts, `archiveApart`).
 */
export function archiveParameters(archive: IArchiveIntent, archiveTimeout: string): { [name: string]: string } {
  return {
    archive_mode: 'on',
    archive_timeout: archiveTimeout,
    archive_command: commandLine(walArchiveArgv(writeOptions(archive))),
  };
}

/** `postgresql.recovery_conf` of every member: a standby that fell behind its slot catches up from the archive. */
export function standbyRecoveryConf(archive: IArchiveIntent): { [name: string]: string } {
  return { restore_command: commandLine(walRestoreArgv(archive.destination, archive.serverName)) };
}

/**
 * Environment of the Patroni container for the archive and the recovery source: keys from
 * Secrets by reference only, the regions as values. PostgreSQL (and so archive_command and
 * restore_command) inherits it from Patroni; `kubectl exec` sees it too.
 */
export function archiveEnv(cluster: IClusterModel): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [];
  const archive = cluster.walArchive;
  if (archive) {
    env.push(...secretKeyEnv('', archive.credentials));
    if (archive.destination.region) env.push({ name: 'AWS_DEFAULT_REGION', value: archive.destination.region });
  }
  const source = cluster.bootstrap.source;
  if (source) env.push(...secretKeyEnv(RECOVERY_ENV_PREFIX, source.credentials));
  return env;
}

function secretKeyEnv(prefix: string, c: ArchiveCredentials): k8s.EnvVar[] {
  if (c.kind !== ArchiveCredentialsKind.SECRET) return [];
  const ref = (name: string, key: string): k8s.EnvVar => ({ name: `${prefix}${name}`, valueFrom: { secretKeyRef: { name: c.secretName as string, key } } });
  return [
    ref('AWS_ACCESS_KEY_ID', c.accessKeyIdKey),
    ref('AWS_SECRET_ACCESS_KEY', c.secretAccessKeyKey),
    ...(c.sessionTokenKey ? [ref('AWS_SESSION_TOKEN', c.sessionTokenKey)] : []),
  ];
}

/**
 * `env …` prefix of a command that reads the recovery source: its keys (from the
 * `RECOVERY_*` variables) replace the archive's, or with an IAM role the archive's keys
 * are dropped so the pod's web identity is used; its region when it has one.
 */
export function sourceEnvPrefix(source: ArchiveSource): string {
  const c = source.credentials;
  const words = ['env'];
  if (c.kind === ArchiveCredentialsKind.IAM_ROLE) {
    words.push('-u AWS_ACCESS_KEY_ID', '-u AWS_SECRET_ACCESS_KEY', '-u AWS_SESSION_TOKEN');
  } else {
    if (!c.sessionTokenKey) words.push('-u AWS_SESSION_TOKEN');
    words.push(`AWS_ACCESS_KEY_ID="$${RECOVERY_ENV_PREFIX}AWS_ACCESS_KEY_ID"`, `AWS_SECRET_ACCESS_KEY="$${RECOVERY_ENV_PREFIX}AWS_SECRET_ACCESS_KEY"`);
    if (c.sessionTokenKey) words.push(`AWS_SESSION_TOKEN="$${RECOVERY_ENV_PREFIX}AWS_SESSION_TOKEN"`);
  }
  if (source.destination.region) words.push(`AWS_DEFAULT_REGION=${source.destination.region}`);
  return words.join(' ');
}

/** What the engine renders archives with. */
export interface PatroniArchiveOptions {
  /** Display name of the engine, for messages. */
  readonly engineName: string;
  /** The barman-cli-cloud release of the image. */
  readonly barman: BarmanRelease;
}

/**
 * Renders a WalArchive for Patroni: only its checks. Parameters, recovery_conf,
 * environment and the IRSA annotation come from `cluster.walArchive` when the lazy
 * ConfigMap, StatefulSet and ServiceAccount are produced. Props this engine cannot
 * express fail synthesis.
 */
export function renderPatroniArchive(scope: Construct, archive: IArchiveIntent, opts: PatroniArchiveOptions): void {
  const errors = new ConfigErrors();
  addSynthValidation(scope, () => errors.messages);
  checkArchive(errors, archive, opts);
}

/** Errors for archive props Patroni with this barman-cli-cloud release cannot render. */
export function checkArchive(errors: ConfigErrors, archive: IArchiveIntent, opts: PatroniArchiveOptions): void {
  const e = opts.engineName;
  if (archive.sidecarResourcesGiven) {
    errors.add('sidecarResources', 'set', `${e} runs barman-cloud-wal-archive and barman-cloud-backup inside the PostgreSQL container (archive_command, exec), so there is no sidecar to size: they use the instance's resources`,
      'remove sidecarResources, and size the instances with the cluster\'s resources');
  }
  if (archive.walMaxParallel !== 1) {
    errors.add('walMaxParallel', archive.walMaxParallel,
      `${e} archives through PostgreSQL's archive_command, which uploads one WAL segment per call (and restore_command fetches one per call), so WAL cannot be uploaded in parallel`,
      'remove walMaxParallel (1 on this engine), or use ClusterEngine.cloudNativePg() whose Barman Cloud plugin uploads in parallel');
  }
  const have = releaseLabel(opts.barman);
  const tooNew = (property: string, value: string, flag: BarmanFlag | undefined, tool: string, alternatives: string) => {
    if (!flag || atLeast(opts.barman, flag.since)) return;
    errors.add(property, value,
      `${tool} has no ${flag.flag} before Barman ${releaseLabel(flag.since)}, and ${e} renders for barman-cli-cloud ${have} (the engine's barmanCloudVersion)`,
      `use ${alternatives}, or set barmanCloudVersion in ClusterEngine.patroni({...}) to the barman-cli-cloud release of the image (${releaseLabel(flag.since)} or newer)`);
  };
  tooNew('walCompression', archive.walCompression, WAL_COMPRESSION_FLAGS[archive.walCompression], 'barman-cloud-wal-archive',
    'WalCompression.GZIP, BZIP2 or SNAPPY');
  tooNew('backupCompression', archive.backupCompression, BACKUP_COMPRESSION_FLAGS[archive.backupCompression], 'barman-cloud-backup',
    'BackupCompression.GZIP, BZIP2 or SNAPPY');
  if (archive.encryption.kmsKeyId !== undefined && !atLeast(opts.barman, KMS_KEY_SINCE)) {
    errors.add('encryption', archive.encryption,
      `barman-cloud-wal-archive and barman-cloud-backup have no --sse-kms-key-id before Barman ${releaseLabel(KMS_KEY_SINCE)}, and ${e} renders for barman-cli-cloud ${have} (the engine's barmanCloudVersion)`,
      `use ArchiveEncryption.AES256, or set barmanCloudVersion in ClusterEngine.patroni({...}) to the barman-cli-cloud release of the image (${releaseLabel(KMS_KEY_SINCE)} or newer)`);
  }
}
