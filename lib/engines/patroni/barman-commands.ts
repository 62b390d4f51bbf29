import type { ArchiveDestination } from '../../model/archive-destination';
import { ArchiveEncryption, BackupCompression, WalCompression } from '../../model/archive-options';
import { RetentionUnit, RetentionWindow } from '../../model/retention-window';

/**
 * The barman-cloud command lines the Patroni engine renders (archive_command,
 * restore_command, base backups, retention, restore). Every command addresses the
 * destination path and server name exactly as the CloudNativePG ObjectStore does, so
 * both engines read and write `<destinationPath>/<serverName>/{base,wals}/`.
 */

/** A barman-cli-cloud release, `major.minor`. */
export interface BarmanRelease {
  readonly major: number;
  readonly minor: number;
}

/** The oldest barman-cli-cloud the engine renders for and is tested with (Debian bookworm's). */
export const OLDEST_BARMAN: BarmanRelease = { major: 3, minor: 4 };

/** Parses `3.4`, `3.12.1`; undefined when malformed. */
export function parseBarmanRelease(text: string): BarmanRelease | undefined {
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function atLeast(have: BarmanRelease, need: BarmanRelease): boolean {
  return have.major > need.major || (have.major === need.major && have.minor >= need.minor);
}

export function releaseLabel(r: BarmanRelease): string {
  return `${r.major}.${r.minor}`;
}

/** A command-line flag and the first barman-cli-cloud release that has it. */
export interface BarmanFlag {
  readonly flag: string;
  readonly since: BarmanRelease;
}

const ANY: BarmanRelease = { major: 0, minor: 0 };

/** barman-cloud-wal-archive compression flags (lz4, xz and zstd appeared in Barman 3.12). */
export const WAL_COMPRESSION_FLAGS: { [c: string]: BarmanFlag | undefined } = {
  [WalCompression.NONE]: undefined,
  [WalCompression.GZIP]: { flag: '--gzip', since: ANY },
  [WalCompression.BZIP2]: { flag: '--bzip2', since: ANY },
  [WalCompression.SNAPPY]: { flag: '--snappy', since: ANY },
  [WalCompression.LZ4]: { flag: '--lz4', since: { major: 3, minor: 12 } },
  [WalCompression.XZ]: { flag: '--xz', since: { major: 3, minor: 12 } },
  [WalCompression.ZSTD]: { flag: '--zstd', since: { major: 3, minor: 12 } },
};

/** barman-cloud-backup compression flags (lz4 appeared in Barman 3.18). */
export const BACKUP_COMPRESSION_FLAGS: { [c: string]: BarmanFlag | undefined } = {
  [BackupCompression.NONE]: undefined,
  [BackupCompression.GZIP]: { flag: '--gzip', since: ANY },
  [BackupCompression.BZIP2]: { flag: '--bzip2', since: ANY },
  [BackupCompression.SNAPPY]: { flag: '--snappy', since: ANY },
  [BackupCompression.LZ4]: { flag: '--lz4', since: { major: 3, minor: 18 } },
};

/** `--sse-kms-key-id` (SSE-KMS with a given key) appeared in Barman 3.5. */
export const KMS_KEY_SINCE: BarmanRelease = { major: 3, minor: 5 };

/** Quotes a word for sh only when it has characters the shell would interpret. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv as one sh command line. */
export function commandLine(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Arguments every barman-cloud command takes for an S3 destination. */
function cloudArgs(d: ArchiveDestination): string[] {
  return ['--cloud-provider', 'aws-s3', ...(d.endpoint ? ['--endpoint-url', d.endpoint] : [])];
}

function encryptionArgs(e: ArchiveEncryption): string[] {
  return ['-e', e.algorithm, ...(e.kmsKeyId ? [`--sse-kms-key-id=${e.kmsKeyId}`] : [])];
}

/** What an archive writes with: the destination, the folder and the upload options. */
export interface BarmanWriteOptions {
  readonly destination: ArchiveDestination;
  readonly serverName: string;
  readonly walCompression: WalCompression;
  readonly backupCompression: BackupCompression;
  readonly encryption: ArchiveEncryption;
  readonly backupJobs: number;
  readonly retention: RetentionWindow;
}

/** `archive_command`: one WAL segment per call (PostgreSQL substitutes `%p`). */
export function walArchiveArgv(o: BarmanWriteOptions): string[] {
  const compression = WAL_COMPRESSION_FLAGS[o.walCompression];
  return ['barman-cloud-wal-archive', ...cloudArgs(o.destination), ...(compression ? [compression.flag] : []), ...encryptionArgs(o.encryption),
    o.destination.destinationPath, o.serverName, '%p'];
}

/** `restore_command` reading `serverName`'s WAL (PostgreSQL substitutes `%f` and `%p`). */
export function walRestoreArgv(destination: ArchiveDestination, serverName: string): string[] {
  return ['barman-cloud-wal-restore', ...cloudArgs(destination), destination.destinationPath, serverName, '%f', '%p'];
}

/** Where barman-cloud-backup connects: the member's Unix socket, as the superuser. */
export interface BackupConnection {
  readonly socketDir: string;
  readonly port: number;
  readonly user: string;
}

/** A base backup of the local member, uploaded with `backupJobs` parallel jobs. */
export function backupArgv(o: BarmanWriteOptions, c: BackupConnection): string[] {
  const compression = BACKUP_COMPRESSION_FLAGS[o.backupCompression];
  return ['barman-cloud-backup', ...cloudArgs(o.destination), ...(compression ? [compression.flag] : []), ...encryptionArgs(o.encryption),
    '-J', String(o.backupJobs), '-h', c.socketDir, '-p', String(c.port), '-U', c.user, '-d', 'postgres',
    o.destination.destinationPath, o.serverName];
}

const RETENTION_UNITS: { [u: string]: string } = { [RetentionUnit.DAYS]: 'DAYS', [RetentionUnit.WEEKS]: 'WEEKS', [RetentionUnit.MONTHS]: 'MONTHS' };

/** Barman's retention policy for a window: `RECOVERY WINDOW OF 30 DAYS`. */
export function retentionPolicy(r: RetentionWindow): string {
  return `RECOVERY WINDOW OF ${r.count} ${RETENTION_UNITS[r.unit]}`;
}

/** Deletes the backups (and the WAL only they need) outside the retention window. */
export function backupDeleteArgv(o: BarmanWriteOptions): string[] {
  return ['barman-cloud-backup-delete', ...cloudArgs(o.destination), '--retention-policy', retentionPolicy(o.retention),
    o.destination.destinationPath, o.serverName];
}

/** Lists the backups of `serverName` as JSON. */
export function backupListArgv(destination: ArchiveDestination, serverName: string): string[] {
  return ['barman-cloud-backup-list', ...cloudArgs(destination), '--format', 'json', destination.destinationPath, serverName];
}

/** Downloads a base backup into a directory; the backup id and directory are shell words (e.g. `"$BACKUP_ID"`). */
export function restoreCommandLine(destination: ArchiveDestination, serverName: string, backupIdWord: string, directoryWord: string): string {
  return `${commandLine(['barman-cloud-restore', ...cloudArgs(destination), destination.destinationPath, serverName])} ${backupIdWord} ${directoryWord}`;
}
