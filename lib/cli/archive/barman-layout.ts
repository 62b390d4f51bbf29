/**
 * Sorting the object keys of a Barman Cloud archive (`<prefix>/<server>/`) into base backups,
 * WAL segments and timeline history files. Only names are looked at here; backup.info and
 * .history contents are read later, for the few objects that need it.
 */
import { WalGeometry } from './wal-segment';

/** The compression suffixes barman-cloud writes (`--gzip`, `--bzip2`, `--snappy`, …). */
const COMPRESSION = '(?:\\.(gz|bz2|snappy|xz|lz4|zst))?';
const SEGMENT_KEY = new RegExp(`^wals/([0-9A-F]{16})/([0-9A-F]{24})${COMPRESSION}$`);
const PARTIAL_KEY = new RegExp(`^wals/[0-9A-F]{16}/[0-9A-F]{24}\\.partial${COMPRESSION}$`);
const BACKUP_LABEL_KEY = new RegExp(`^wals/[0-9A-F]{16}/[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup${COMPRESSION}$`);
const HISTORY_KEY = new RegExp(`^wals/([0-9A-F]{8})\\.history${COMPRESSION}$`);
const BACKUP_INFO_KEY = /^base\/([^/]+)\/backup\.info$/;
// the first (or only) part of the data tar; further parts are data_0001.tar…
const BACKUP_DATA_KEY = new RegExp(`^base/([^/]+)/data\\.tar${COMPRESSION}$`);

/** One listed object: its key relative to the server's folder, its size and its LastModified. */
export interface ArchiveObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface WalSegmentObject extends ArchiveObject {
  readonly name: string;
  readonly timeline: number;
  readonly segNo: number;
}

export interface HistoryObject extends ArchiveObject {
  readonly timeline: number;
  /** `gz`, `bz2`…, or undefined when uncompressed. */
  readonly compression?: string;
}

export interface BaseBackupObjects {
  readonly backupId: string;
  /** Key of backup.info (relative), when present. */
  readonly infoKey?: string;
  /** Whether a data.tar[.gz|.bz2|.snappy] was found. */
  readonly hasData: boolean;
}

export interface BarmanLayout {
  readonly backups: BaseBackupObjects[];
  readonly segments: WalSegmentObject[];
  readonly histories: HistoryObject[];
  /** `.partial` segments and `.backup` labels: archived, but not part of the segment sequence. */
  readonly otherWalFiles: number;
  /** Keys that fit no Barman Cloud name (a segment in the wrong folder, stray files). */
  readonly unrecognized: string[];
}

/** Classifies keys (relative to `<prefix>/<server>/`). */
export function classifyArchive(objects: Iterable<ArchiveObject>, geometry: WalGeometry): BarmanLayout {
  const backups = new Map<string, { infoKey?: string; hasData: boolean }>();
  const segments: WalSegmentObject[] = [];
  const histories: HistoryObject[] = [];
  const unrecognized: string[] = [];
  let otherWalFiles = 0;
  const backup = (id: string): { infoKey?: string; hasData: boolean } => {
    let b = backups.get(id);
    if (!b) backups.set(id, (b = { hasData: false }));
    return b;
  };

  for (const obj of objects) {
    const key = obj.key;
    let m: RegExpExecArray | null;
    if ((m = SEGMENT_KEY.exec(key))) {
      const pos = geometry.parse(m[2]);
      // barman files a segment under the folder named by its first 16 characters
      if (pos && m[2].startsWith(m[1])) {
        segments.push({ ...obj, name: m[2], ...pos });
        continue;
      }
    } else if ((m = HISTORY_KEY.exec(key))) {
      histories.push({ ...obj, timeline: parseInt(m[1], 16), compression: m[2] });
      continue;
    } else if (PARTIAL_KEY.test(key) || BACKUP_LABEL_KEY.test(key)) {
      otherWalFiles++;
      continue;
    } else if ((m = BACKUP_INFO_KEY.exec(key))) {
      backup(m[1]).infoKey = key;
      continue;
    } else if ((m = BACKUP_DATA_KEY.exec(key))) {
      backup(m[1]).hasData = true;
      continue;
    } else if (key.startsWith('base/')) {
      continue; // tablespace tars and other per-backup files
    }
    unrecognized.push(key);
  }

  return {
    backups: [...backups.entries()].map(([backupId, b]) => ({ backupId, ...b })).sort((a, b) => a.backupId.localeCompare(b.backupId)),
    segments: segments.sort((a, b) => a.segNo - b.segNo || a.timeline - b.timeline),
    histories: histories.sort((a, b) => a.timeline - b.timeline),
    otherWalFiles,
    unrecognized,
  };
}

/**
 * The timeline recovery follows: the newest one with a segment or a history file
 * (timelines only grow). `undefined` when the archive has neither.
 */
export function targetTimeline(layout: Pick<BarmanLayout, 'segments' | 'histories'>): number | undefined {
  let target = 0;
  for (const s of layout.segments) target = Math.max(target, s.timeline);
  for (const h of layout.histories) target = Math.max(target, h.timeline);
  return target || undefined;
}
