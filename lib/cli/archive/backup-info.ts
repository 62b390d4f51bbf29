/**
 * Barman's backup.info: one `key=value` per line, written by Python (`None` for no value,
 * datetimes as `2026-11-30 03:27:51.123456+00:00`).
 */

export interface BackupInfo {
  readonly backupId: string;
  /** DONE, FAILED, STARTED… (barman's status). */
  readonly status: string;
  readonly beginWal?: string;
  readonly endWal?: string;
  readonly beginTime?: Date;
  readonly endTime?: Date;
  readonly timeline?: number;
  /** `--name` given to barman-cloud-backup, if any. */
  readonly backupName?: string;
}

/** The key/value pairs of a backup.info (first `=` splits; `None` and empty values dropped). */
function parseKeyValueFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const value = line.slice(eq + 1).trim();
    if (value === '' || value === 'None') continue;
    out.set(line.slice(0, eq).trim(), value);
  }
  return out;
}

/** A Python datetime string as a Date; undefined when it does not parse. */
function parsePythonDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const d = new Date(text.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parseBackupInfo(backupId: string, text: string): BackupInfo {
  const kv = parseKeyValueFile(text);
  const timeline = kv.has('timeline') ? Number.parseInt(kv.get('timeline')!, 10) : undefined;
  return {
    backupId,
    status: kv.get('status') ?? 'UNKNOWN',
    beginWal: kv.get('begin_wal'),
    endWal: kv.get('end_wal'),
    beginTime: parsePythonDate(kv.get('begin_time')),
    endTime: parsePythonDate(kv.get('end_time')),
    timeline: Number.isFinite(timeline) ? timeline : undefined,
    backupName: kv.get('backup_name'),
  };
}
