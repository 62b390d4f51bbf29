/** Hand-made Barman Cloud archives for tests: backup.info text and WAL segment names. */
import { WalGeometry } from '../../../../lib/cli/archive/wal-segment';

export const GEOMETRY = new WalGeometry(16);

/** The segment name of timeline `tli`, absolute segment number `segNo` (16 MiB segments). */
export function seg(tli: number, segNo: number): string {
  return GEOMETRY.name({ timeline: tli, segNo });
}

/** `wals/<first 16>/<name><suffix>` */
export function walKey(name: string, suffix = ''): string {
  return `wals/${name.slice(0, 16)}/${name}${suffix}`;
}

/** Python's str(datetime) with a UTC offset, as barman writes it. */
export function pythonDate(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')}000+00:00`;
}

export interface FixtureBackup {
  readonly id: string;
  readonly tli: number;
  readonly beginSegNo: number;
  readonly endSegNo: number;
  readonly endTime: Date;
  readonly status?: string;
}

export function backupInfoText(b: FixtureBackup): string {
  const begin = new Date(b.endTime.getTime() - 60_000);
  return [
    'backup_label=None',
    `begin_time=${pythonDate(begin)}`,
    `begin_wal=${seg(b.tli, b.beginSegNo)}`,
    'begin_xlog=0/2000028',
    `end_time=${pythonDate(b.endTime)}`,
    `end_wal=${seg(b.tli, b.endSegNo)}`,
    'end_xlog=0/3000100',
    `status=${b.status ?? 'DONE'}`,
    `timeline=${b.tli}`,
    'version=150014',
    '',
  ].join('\n');
}
