/**
 * What an archive can restore: the recoverable window, gaps in the WAL sequence recovery
 * would read, and staleness. Pure: the listing and the few object reads happen in inspect.ts.
 */
import { BackupInfo } from './backup-info';
import { BarmanLayout, targetTimeline, WalSegmentObject } from './barman-layout';
import { formatAge } from './format-age';
import { inferTimelinePath, parseTimelineHistory, TimelineSpan, timelineOfSegment } from './timeline-history';
import { WalGeometry } from './wal-segment';

/** Exit codes of `archive inspect`. A gap wins over staleness: it makes restores fail. */
export enum InspectExitCode {
  OK = 0,
  /** usage, connection, credential or missing-bucket errors (also commander's usage errors) */
  ERROR = 1,
  STALE = 2,
  GAP = 3,
}

export interface AnalysisInput {
  readonly layout: BarmanLayout;
  /** backup.info contents of the backups that have one. */
  readonly backupInfos: BackupInfo[];
  /** The target timeline's history file: its text, or why it could not be read. Not needed for timeline 1. */
  readonly targetHistory?: { readonly text?: string; readonly unreadable?: string };
  readonly geometry: WalGeometry;
  readonly now: Date;
  readonly maxBackupAgeMs: number;
  readonly maxWalAgeMs: number;
}

export interface BackupSummary {
  readonly backupId: string;
  readonly status: string;
  readonly timeline?: number;
  readonly beginWal?: string;
  readonly endWal?: string;
  readonly endTime?: Date;
  /** Restorable: DONE, on the recovery timeline, and its WAL from begin_wal to end_wal is archived. */
  readonly usable: boolean;
  readonly reason?: string;
  /** First and last restorable points from this backup, when usable. */
  readonly restorableFrom?: Date;
  readonly restorableTo?: Date;
}

export interface WalGap {
  readonly firstMissing: string;
  readonly lastMissing: string;
  readonly missingSegments: number;
}

/** The archived segments of one timeline. */
export interface TimelineSegments {
  readonly timeline: number;
  readonly segments: number;
  readonly first: string;
  readonly last: string;
}

export interface ArchiveAnalysis {
  readonly backups: BackupSummary[];
  readonly segmentCount: number;
  readonly timelines: number[];
  readonly perTimeline: TimelineSegments[];
  readonly targetTimeline?: number;
  readonly timelinePath: TimelineSpan[];
  readonly oldestWal?: WalSegmentObject;
  /** The most recently archived segment (by LastModified). */
  readonly newestWal?: WalSegmentObject;
  readonly newestBackup?: BackupSummary;
  readonly window?: { readonly first: Date; readonly last: Date };
  readonly newestBackupAgeMs?: number;
  readonly newestWalAgeMs?: number;
  readonly gaps: WalGap[];
  /** Anything that breaks recovery: gaps, a missing history file. Non-empty → exit GAP. */
  readonly problems: string[];
  /** Why the archive is stale. Non-empty → exit STALE (unless there are problems). */
  readonly stale: string[];
  /** Informational: unreadable compressed history files, unrecognized keys… */
  readonly notes: string[];
  readonly exitCode: InspectExitCode;
}

export function analyzeArchive(input: AnalysisInput): ArchiveAnalysis {
  const { layout, geometry, now } = input;
  const problems: string[] = [];
  const notes: string[] = [];
  const stale: string[] = [];

  const timelines = [...new Set(layout.segments.map((s) => s.timeline))].sort((a, b) => a - b);
  const target = targetTimeline(layout);
  const timelinePath = resolveTimelinePath(input, target, problems, notes);

  // segments recovery would read, in order
  const pathSegs = layout.segments.filter((s) => timelineOfSegment(timelinePath, s.segNo) === s.timeline);
  const offPath = layout.segments.length - pathSegs.length;
  if (offPath > 0) notes.push(`${offPath} segment(s) on timelines or positions that recovery to timeline ${target} does not read`);
  if (layout.unrecognized.length > 0) {
    notes.push(`${layout.unrecognized.length} object(s) with names Barman Cloud does not write, e.g. ${layout.unrecognized[0]}`);
  }

  const infoById = new Map(input.backupInfos.map((b) => [b.backupId, b]));
  const candidates = layout.backups.map((b) => {
    const info = infoById.get(b.backupId);
    const begin = info?.beginWal ? geometry.parse(info.beginWal) : undefined;
    const end = info?.endWal ? geometry.parse(info.endWal) : undefined;
    const base = {
      backupId: b.backupId,
      status: info?.status ?? 'NO backup.info',
      timeline: info?.timeline,
      beginWal: info?.beginWal,
      endWal: info?.endWal,
      endTime: info?.endTime,
    };
    let reason: string | undefined;
    if (!info) reason = 'no backup.info';
    else if (info.status !== 'DONE') reason = `status ${info.status}`;
    else if (!b.hasData) reason = 'no data.tar';
    else if (!begin || !end || !info.endTime) reason = 'backup.info lacks begin_wal, end_wal or end_time';
    else if (timelineOfSegment(timelinePath, begin.segNo) !== begin.timeline) {
      reason = `on timeline ${begin.timeline}, which recovery to timeline ${target} does not follow at ${info.beginWal}`;
    }
    return { base, begin: reason ? undefined : begin, end: reason ? undefined : end, reason };
  });

  // gaps: from the oldest candidate backup's begin_wal (or the oldest segment) to the newest segment
  const backupStarts = candidates.flatMap((c) => (c.begin ? [c.begin.segNo] : []));
  const startSegNo = backupStarts.length > 0 ? Math.min(...backupStarts) : pathSegs[0]?.segNo ?? Infinity;
  const gaps: WalGap[] = [];
  let expected = startSegNo;
  for (const seg of pathSegs) {
    if (seg.segNo < startSegNo) continue;
    if (seg.segNo > expected) gaps.push(gapBetween(expected, seg.segNo - 1, timelinePath, geometry));
    expected = seg.segNo + 1;
  }
  for (const g of gaps) {
    problems.push(g.missingSegments === 1
      ? `WAL segment ${g.firstMissing} is missing`
      : `${g.missingSegments} WAL segments are missing: ${g.firstMissing} … ${g.lastMissing}`);
  }

  const indexBySegNo = new Map(pathSegs.map((s, i) => [s.segNo, i]));
  const backups: BackupSummary[] = candidates.map((c) => {
    if (!c.begin || !c.end) return { ...c.base, usable: false, reason: c.reason };
    let i = indexBySegNo.get(c.begin.segNo);
    if (i === undefined) return { ...c.base, usable: false, reason: `its first WAL segment ${c.base.beginWal} is not archived` };
    while (i + 1 < pathSegs.length && pathSegs[i + 1].segNo === pathSegs[i].segNo + 1) i++;
    const reach = pathSegs[i];
    if (reach.segNo < c.end.segNo) {
      return { ...c.base, usable: false, reason: `WAL after ${reach.name} is missing, before its end_wal ${c.base.endWal}` };
    }
    const from = c.base.endTime!;
    const to = reach.lastModified > from ? reach.lastModified : from;
    return { ...c.base, usable: true, restorableFrom: from, restorableTo: to };
  });

  const usable = backups.filter((b) => b.usable);
  const window = usable.length === 0 ? undefined : {
    first: new Date(Math.min(...usable.map((b) => b.restorableFrom!.getTime()))),
    last: new Date(Math.max(...usable.map((b) => b.restorableTo!.getTime()))),
  };

  const done = backups.filter((b) => b.status === 'DONE' && b.endTime);
  const newestBackup = done.reduce<BackupSummary | undefined>((a, b) => (!a || b.endTime! > a.endTime! ? b : a), undefined);
  // LastModified has one-second precision on S3: ties go to the later segment
  const newestWal = layout.segments.reduce<WalSegmentObject | undefined>(
    (a, b) => (!a || b.lastModified > a.lastModified || (b.lastModified.getTime() === a.lastModified.getTime() && b.segNo > a.segNo) ? b : a), undefined);
  const newestBackupAgeMs = newestBackup ? now.getTime() - newestBackup.endTime!.getTime() : undefined;
  const newestWalAgeMs = newestWal ? now.getTime() - newestWal.lastModified.getTime() : undefined;

  if (!newestBackup) stale.push('no completed base backup');
  else if (newestBackupAgeMs! > input.maxBackupAgeMs) stale.push(`the newest base backup ${newestBackup.backupId} is ${formatAge(newestBackupAgeMs!)} old, more than --max-backup-age ${formatAge(input.maxBackupAgeMs)}`);
  if (!newestWal) stale.push('no WAL segment archived');
  else if (newestWalAgeMs! > input.maxWalAgeMs) stale.push(`the newest WAL segment ${newestWal.name} was archived ${formatAge(newestWalAgeMs!)} ago, more than --max-wal-age ${formatAge(input.maxWalAgeMs)}`);
  if (usable.length === 0 && newestBackup) problems.push('no base backup can be restored (see the backups\' reasons)');

  return {
    backups,
    segmentCount: layout.segments.length,
    timelines,
    perTimeline: timelines.map((timeline) => {
      const own = layout.segments.filter((x) => x.timeline === timeline);
      return { timeline, segments: own.length, first: own[0].name, last: own[own.length - 1].name };
    }),
    targetTimeline: target,
    timelinePath,
    oldestWal: layout.segments[0],
    newestWal,
    newestBackup,
    window,
    newestBackupAgeMs,
    newestWalAgeMs,
    gaps,
    problems,
    stale,
    notes,
    exitCode: problems.length > 0 ? InspectExitCode.GAP : stale.length > 0 ? InspectExitCode.STALE : InspectExitCode.OK,
  };
}

function resolveTimelinePath(input: AnalysisInput, target: number | undefined, problems: string[], notes: string[]): TimelineSpan[] {
  if (target === undefined) return [];
  if (target === 1) return [{ timeline: 1, beginSegNo: 0, endSegNo: Infinity }];
  const firstSegNo = new Map<number, number>();
  for (const s of input.layout.segments) {
    if (!firstSegNo.has(s.timeline)) firstSegNo.set(s.timeline, s.segNo);
  }
  const inferred = (): TimelineSpan[] => inferTimelinePath(firstSegNo);
  const name = `${target.toString(16).toUpperCase().padStart(8, '0')}.history`;
  const history = input.targetHistory;
  if (history?.text !== undefined) {
    try {
      return parseTimelineHistory(target, history.text, input.geometry);
    } catch (e) {
      problems.push(`timeline history file ${name} is malformed (${(e as Error).message}): recovery cannot follow timeline ${target}`);
      return inferred();
    }
  }
  if (history?.unreadable) {
    notes.push(`timeline history file ${name} could not be read (${history.unreadable}); timeline switches inferred from the segments`);
    return inferred();
  }
  problems.push(`timeline history file ${name} is missing: recovery cannot follow timeline ${target}`);
  return inferred();
}

function gapBetween(first: number, last: number, path: TimelineSpan[], geometry: WalGeometry): WalGap {
  const tli = (segNo: number): number => timelineOfSegment(path, segNo) ?? 1;
  return {
    firstMissing: geometry.name({ timeline: tli(first), segNo: first }),
    lastMissing: geometry.name({ timeline: tli(last), segNo: last }),
    missingSegments: last - first + 1,
  };
}
