import type { IClusterModel } from '../../model/cluster-engine';
import { RecoveryTarget, RecoveryTargetKind } from '../../model/recovery';

import { backupListArgv, commandLine, restoreCommandLine, walRestoreArgv } from './barman-commands';
import { sourceEnvPrefix } from './patroni-archive';
import { PATRONI_LAYOUT as L } from './patroni-layout';

/**
 * Recovery from an archive on the Patroni engine: Patroni's custom bootstrap
 * (`bootstrap.method: barman_cloud`). On the first member only, Patroni runs the restore
 * script (barman-cloud-restore of the newest base backup that ends before the target),
 * then starts PostgreSQL with `recovery_conf`: barman-cloud-wal-restore from the SOURCE
 * archive, the target, `recovery_target_action: promote` and the latest timeline. The
 * other members are cloned from it as usual.
 */

/** Name of the custom bootstrap method in patroni.yml. */
export const RECOVERY_METHOD = 'barman_cloud';

/** The `bootstrap` keys of a restored cluster (`method` and its section), or an empty object. */
export function recoveryBootstrapConfig(cluster: IClusterModel): { [key: string]: any } {
  const source = cluster.bootstrap.source;
  if (!source) return {};
  const target = cluster.bootstrap.target;
  const recoveryConf: { [key: string]: string } = {
    restore_command: `${sourceEnvPrefix(source)} ${commandLine(walRestoreArgv(source.destination, source.serverName))}`,
    recovery_target_action: 'promote',
    recovery_target_timeline: 'latest',
  };
  if (target.kind === RecoveryTargetKind.TIME) recoveryConf.recovery_target_time = target.value as string;
  if (target.kind === RecoveryTargetKind.LSN) recoveryConf.recovery_target_lsn = target.value as string;
  return {
    method: RECOVERY_METHOD,
    [RECOVERY_METHOD]: {
      // Patroni appends --scope=<scope> --datadir=<data_dir>.
      command: `sh ${L.restoreScript}`,
      keep_existing_recovery_conf: false,
      recovery_conf: recoveryConf,
    },
  };
}

/** The target as the restore script compares it: an ISO time in UTC, an LSN, or nothing. */
function pickArguments(target: RecoveryTarget): [string, string] {
  if (target.kind === RecoveryTargetKind.TIME) {
    const ms = Date.parse((target.value ?? '').replace(' ', 'T'));
    return ['time', Number.isNaN(ms) ? target.value ?? '' : new Date(ms).toISOString().replace('Z', '+00:00')];
  }
  if (target.kind === RecoveryTargetKind.LSN) return ['lsn', target.value ?? ''];
  return ['latest', ''];
}

/**
 * Picks the backup from `barman-cloud-backup-list --format json` on stdin: the newest
 * completed one that ends before the target time (end times without an offset are UTC,
 * as the backup job writes them) or at or before the target LSN. No single quotes: it is
 * passed to `python3 -c '…'`.
 */
const PICK_BACKUP = `
import json, sys
from datetime import datetime, timezone
kind, value = sys.argv[1], sys.argv[2]
def lsn(text):
    hi, lo = text.split("/")
    return (int(hi, 16) << 32) | int(lo, 16)
def ended(backup):
    text = backup["end_time"]
    for parse in (datetime.fromisoformat, lambda s: datetime.strptime(s, "%a %b %d %H:%M:%S %Y")):
        try:
            t = parse(text)
            return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    sys.exit("restore: cannot read the end time %r of backup %s" % (text, backup["backup_id"]))
raw = sys.stdin.read()
if not raw.strip():
    sys.exit("restore: barman-cloud-backup-list printed nothing (its error is above)")
done = [b for b in json.loads(raw)["backups_list"] if b.get("status") == "DONE"]
if kind == "time":
    done = [b for b in done if ended(b) < datetime.fromisoformat(value)]
elif kind == "lsn":
    done = [b for b in done if lsn(b["end_xlog"]) <= lsn(value)]
if not done:
    sys.exit("restore: no completed base backup ends before the recovery target (%s %s)" % (kind, value))
print(max(done, key=lambda b: b["backup_id"])["backup_id"])
`;

/**
 * The custom bootstrap command (ConfigMap key `restore-from-archive.sh`). With a WAL
 * volume, `pg_wal` becomes a link to it again: barman-cloud-restore recreates `pg_wal` as
 * an empty directory (a linked `pg_wal` is not in the backup).
 */
export function renderRestoreScript(cluster: IClusterModel): string {
  const source = cluster.bootstrap.source;
  if (!source) return '';
  const env = sourceEnvPrefix(source);
  const [kind, value] = pickArguments(cluster.bootstrap.target);
  const location = source.destination.serverLocation(source.serverName);
  const wal = cluster.intent.walStorage
    ? [
      '# pg_wal on the WAL volume, as initdb --waldir and pg_basebackup --waldir put it.',
      `rm -rf "$DATADIR/pg_wal" '${L.walDir}'`,
      `mkdir -m 0700 '${L.walDir}'`,
      `ln -s '${L.walDir}' "$DATADIR/pg_wal"`,
    ]
    : ['[ -d "$DATADIR/pg_wal" ] || mkdir -m 0700 "$DATADIR/pg_wal"'];
  return [
    '#!/bin/sh',
    `# Patroni's custom bootstrap (bootstrap.method ${RECOVERY_METHOD}): run once, on the first member, as`,
    '# restore-from-archive.sh --scope=<cluster> --datadir=<data directory>. Restores the newest base',
    `# backup of ${location} that ends before the recovery target; PostgreSQL then replays WAL with`,
    `# the restore_command of bootstrap.${RECOVERY_METHOD}.recovery_conf and promotes.`,
    'set -eu',
    'DATADIR=',
    'for arg in "$@"; do',
    '  case "$arg" in --datadir=*) DATADIR="${arg#--datadir=}" ;; esac',
    'done',
    '[ -n "$DATADIR" ] || { echo "restore: no --datadir argument" >&2; exit 1; }',
    `BACKUP_ID="$(${env} ${commandLine(backupListArgv(source.destination, source.serverName))} | python3 -c '${PICK_BACKUP}' ${kind} '${value}')"`,
    `echo "restore: base backup $BACKUP_ID of ${location} into $DATADIR"`,
    `${env} ${restoreCommandLine(source.destination, source.serverName, '"$BACKUP_ID"', '"$DATADIR"')}`,
    'chmod 0700 "$DATADIR"',
    ...wal,
    '',
  ].join('\n');
}
