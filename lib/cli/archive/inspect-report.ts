/** The `archive inspect` report: human text, or JSON (`--json`) with ISO times and ages in seconds. */
import { InspectExitCode } from './archive-analysis';
import { formatAge } from './format-age';
import { InspectResult } from './inspect';

const STATUS: Record<InspectExitCode, string> = {
  [InspectExitCode.OK]: 'ok',
  [InspectExitCode.ERROR]: 'error',
  [InspectExitCode.STALE]: 'stale',
  [InspectExitCode.GAP]: 'gap',
};

function statusName(code: InspectExitCode): string {
  return STATUS[code];
}

const iso = (d: Date | undefined): string | undefined => d?.toISOString();
const seconds = (msValue: number | undefined): number | undefined => (msValue === undefined ? undefined : Math.round(msValue / 1000));

export function inspectReportJson(r: InspectResult): object {
  const a = r.analysis;
  return {
    archive: r.archiveUrl,
    status: statusName(a.exitCode),
    exitCode: a.exitCode,
    objectsListed: r.objectsListed,
    pages: r.pages,
    recoverableWindow: a.window ? { first: iso(a.window.first), last: iso(a.window.last) } : null,
    newestBackup: a.newestBackup ? { backupId: a.newestBackup.backupId, endTime: iso(a.newestBackup.endTime), ageSeconds: seconds(a.newestBackupAgeMs) } : null,
    newestWal: a.newestWal ? { name: a.newestWal.name, archivedAt: iso(a.newestWal.lastModified), ageSeconds: seconds(a.newestWalAgeMs) } : null,
    oldestWal: a.oldestWal?.name ?? null,
    walSegments: a.segmentCount,
    timelines: a.timelines,
    perTimeline: a.perTimeline,
    targetTimeline: a.targetTimeline ?? null,
    backups: a.backups.map((b) => ({
      backupId: b.backupId,
      status: b.status,
      timeline: b.timeline ?? null,
      beginWal: b.beginWal ?? null,
      endWal: b.endWal ?? null,
      endTime: iso(b.endTime) ?? null,
      usable: b.usable,
      reason: b.reason ?? null,
      restorableFrom: iso(b.restorableFrom) ?? null,
      restorableTo: iso(b.restorableTo) ?? null,
    })),
    gaps: a.gaps,
    problems: a.problems,
    stale: a.stale,
    notes: a.notes,
  };
}

const age = (msValue: number | undefined): string => (msValue === undefined ? '' : ` (${formatAge(msValue)} ago)`);

export function inspectReportText(r: InspectResult): string {
  const a = r.analysis;
  const lines: string[] = [`archive ${r.archiveUrl}: ${r.objectsListed} objects`];
  const done = a.backups.filter((b) => b.status === 'DONE').length;
  lines.push(`base backups: ${a.backups.length} (${done} done, ${a.backups.filter((b) => b.usable).length} restorable)`);
  for (const b of a.backups) {
    lines.push(`  ${b.backupId}  ${b.status}  ${b.beginWal ?? '-'} … ${b.endWal ?? '-'}  ended ${iso(b.endTime) ?? '-'}${b.usable ? '' : `  NOT restorable: ${b.reason}`}`);
  }
  lines.push(`WAL: ${a.segmentCount} segments${a.targetTimeline ? `, recovery follows timeline ${a.targetTimeline}` : ''}`);
  for (const t of a.perTimeline) lines.push(`  timeline ${t.timeline}: ${t.segments} segments, ${t.first} … ${t.last}`);
  lines.push(`recoverable window: ${a.window ? `${iso(a.window.first)} → ${iso(a.window.last)}` : 'none'}`);
  lines.push(`newest base backup: ${a.newestBackup ? `${a.newestBackup.backupId}, ended ${iso(a.newestBackup.endTime)}${age(a.newestBackupAgeMs)}` : 'none'}`);
  lines.push(`newest WAL: ${a.newestWal ? `${a.newestWal.name}, archived ${iso(a.newestWal.lastModified)}${age(a.newestWalAgeMs)}` : 'none'}`);
  lines.push(`gaps: ${a.gaps.length === 0 ? 'none' : a.gaps.length}`);
  for (const p of a.problems) lines.push(`  PROBLEM: ${p}`);
  for (const s of a.stale) lines.push(`  STALE: ${s}`);
  for (const n of a.notes) lines.push(`  note: ${n}`);
  lines.push(`status: ${statusName(a.exitCode).toUpperCase()}`);
  return `${lines.join('\n')}\n`;
}
