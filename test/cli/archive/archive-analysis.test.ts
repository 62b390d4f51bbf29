import { AnalysisInput, analyzeArchive, InspectExitCode } from '../../../lib/cli/archive/archive-analysis';
import { parseBackupInfo } from '../../../lib/cli/archive/backup-info';
import { ArchiveObject, classifyArchive } from '../../../lib/cli/archive/barman-layout';
import { formatAge } from '../../../lib/cli/archive/format-age';
import { backupInfoText, FixtureBackup, GEOMETRY, seg, walKey } from './support/barman-fixture';

const NOW = new Date('2026-11-30T12:00:00Z');
const HOUR = 3600_000;
const minutesAgo = (m: number): Date => new Date(NOW.getTime() - m * 60_000);

interface Fixture {
  backups?: FixtureBackup[];
  /** [timeline, segNo], archived one minute apart, the last one a minute ago */
  segments?: Array<[number, number]>;
  histories?: Record<number, string | null>;
  targetHistory?: AnalysisInput['targetHistory'];
  maxBackupAgeMs?: number;
  maxWalAgeMs?: number;
}

function analyze(f: Fixture) {
  const segs = f.segments ?? [];
  const objects: ArchiveObject[] = [
    ...segs.map(([tli, n], i) => ({ key: walKey(seg(tli, n), '.gz'), size: 1, lastModified: minutesAgo(segs.length - i) })),
    ...(f.backups ?? []).flatMap((b) => [
      { key: `base/${b.id}/backup.info`, size: 1, lastModified: b.endTime },
      { key: `base/${b.id}/data.tar`, size: 1, lastModified: b.endTime },
    ]),
    ...Object.keys(f.histories ?? {}).map((t) => ({ key: `wals/${Number(t).toString(16).padStart(8, '0').toUpperCase()}.history`, size: 1, lastModified: NOW })),
  ];
  return analyzeArchive({
    layout: classifyArchive(objects, GEOMETRY),
    backupInfos: (f.backups ?? []).map((b) => parseBackupInfo(b.id, backupInfoText(b))),
    targetHistory: f.targetHistory,
    geometry: GEOMETRY,
    now: NOW,
    maxBackupAgeMs: f.maxBackupAgeMs ?? 26 * HOUR,
    maxWalAgeMs: f.maxWalAgeMs ?? 10 * 60_000,
  });
}

const range = (tli: number, from: number, to: number): Array<[number, number]> =>
  Array.from({ length: to - from + 1 }, (_, i) => [tli, from + i] as [number, number]);

const backup = (id: string, beginSegNo: number, endSegNo: number, hoursAgo: number, tli = 1): FixtureBackup =>
  ({ id, tli, beginSegNo, endSegNo, endTime: new Date(NOW.getTime() - hoursAgo * HOUR) });

describe('analyzeArchive', () => {
  test('a complete archive: window from the oldest backup end to the newest WAL, ages, exit OK', () => {
    const a = analyze({ backups: [backup('b1', 2, 3, 30), backup('b2', 300, 301, 2)], segments: range(1, 2, 400) });
    expect(a.gaps).toEqual([]);
    expect(a.problems).toEqual([]);
    expect(a.stale).toEqual([]);
    expect(a.exitCode).toBe(InspectExitCode.OK);
    expect(a.window!.first).toEqual(new Date(NOW.getTime() - 30 * HOUR));
    expect(a.window!.last).toEqual(minutesAgo(1));
    expect(a.newestBackup!.backupId).toBe('b2');
    expect(a.newestBackupAgeMs).toBe(2 * HOUR);
    expect(a.newestWalAgeMs).toBe(60_000);
    expect(a.newestWal!.name).toBe(seg(1, 400));
    expect(a.segmentCount).toBe(399);
  });

  test('crossing a log boundary (…FF → next log) is not a gap', () => {
    const a = analyze({ backups: [backup('b1', 250, 251, 1)], segments: range(1, 250, 260) });
    expect(seg(1, 256)).toBe('000000010000000100000000');
    expect(a.gaps).toEqual([]);
    expect(a.exitCode).toBe(InspectExitCode.OK);
  });

  test('a missing segment is a gap: named, counted, exit GAP; the window ends before it', () => {
    const segments = range(1, 2, 50).filter(([, n]) => n !== 20 && n !== 30 && n !== 31);
    const a = analyze({ backups: [backup('b1', 2, 3, 1)], segments });
    expect(a.gaps).toEqual([
      { firstMissing: seg(1, 20), lastMissing: seg(1, 20), missingSegments: 1 },
      { firstMissing: seg(1, 30), lastMissing: seg(1, 31), missingSegments: 2 },
    ]);
    expect(a.problems[0]).toBe(`WAL segment ${seg(1, 20)} is missing`);
    expect(a.exitCode).toBe(InspectExitCode.GAP);
    // restorable up to the segment before the first gap (archived at its LastModified)
    const idx19 = segments.findIndex(([, n]) => n === 19);
    expect(a.window!.last).toEqual(minutesAgo(segments.length - idx19));
  });

  test('a gap before the oldest backup does not count; a gap wins over staleness', () => {
    const ok = analyze({ backups: [backup('b1', 10, 11, 1)], segments: [...range(1, 1, 3), ...range(1, 10, 20)] });
    expect(ok.gaps).toEqual([]);
    const both = analyze({ backups: [backup('b1', 10, 11, 48)], segments: [...range(1, 10, 12), ...range(1, 14, 20)] });
    expect(both.stale.length).toBe(1);
    expect(both.exitCode).toBe(InspectExitCode.GAP);
  });

  test('a backup whose WAL up to end_wal is missing is not restorable', () => {
    const a = analyze({ backups: [backup('b1', 2, 5, 1)], segments: [[1, 2], [1, 3], [1, 6]] });
    expect(a.backups[0].usable).toBe(false);
    expect(a.backups[0].reason).toMatch(`WAL after ${seg(1, 3)} is missing`);
    expect(a.window).toBeUndefined();
    expect(a.exitCode).toBe(InspectExitCode.GAP);
  });

  test('a timeline switch recorded in the history file is not a gap', () => {
    // timeline 2 starts at 0/8000000 (segment 8): recovery reads TL1 2..7, then TL2 8..
    const a = analyze({
      backups: [backup('b1', 2, 3, 1)],
      segments: [...range(1, 2, 8), ...range(2, 8, 12)],
      histories: { 2: null },
      targetHistory: { text: '1\t0/8000000\tno recovery target specified\n' },
    });
    expect(a.targetTimeline).toBe(2);
    expect(a.timelinePath).toEqual([{ timeline: 1, beginSegNo: 0, endSegNo: 8 }, { timeline: 2, beginSegNo: 8, endSegNo: Infinity }]);
    expect(a.gaps).toEqual([]);
    expect(a.exitCode).toBe(InspectExitCode.OK);
    expect(a.newestWal!.name).toBe(seg(2, 12));
    expect(a.notes[0]).toMatch(/1 segment\(s\) on timelines or positions that recovery to timeline 2 does not read/); // TL1 seg 8
  });

  test('a segment missing on the new timeline after a switch is a gap on that timeline', () => {
    const a = analyze({
      backups: [backup('b1', 2, 3, 1)],
      segments: [...range(1, 2, 7), ...range(2, 9, 12)],
      histories: { 2: null },
      targetHistory: { text: '1\t0/8000000\treason\n' },
    });
    expect(a.gaps).toEqual([{ firstMissing: seg(2, 8), lastMissing: seg(2, 8), missingSegments: 1 }]);
  });

  test('a missing history file for the newest timeline breaks recovery', () => {
    const a = analyze({ backups: [backup('b1', 2, 3, 1)], segments: [...range(1, 2, 7), ...range(2, 8, 12)] });
    expect(a.problems).toContain('timeline history file 00000002.history is missing: recovery cannot follow timeline 2');
    expect(a.gaps).toEqual([]); // the switch is inferred from the segments
    expect(a.exitCode).toBe(InspectExitCode.GAP);
  });

  test('an unreadable (bz2) history file falls back to inference with a note, not a failure', () => {
    const a = analyze({
      backups: [backup('b1', 2, 3, 1)],
      segments: [...range(1, 2, 7), ...range(2, 8, 12)],
      histories: { 2: null },
      targetHistory: { unreadable: 'bz2 compression' },
    });
    expect(a.exitCode).toBe(InspectExitCode.OK);
    expect(a.notes.join('\n')).toMatch(/could not be read \(bz2 compression\)/);
  });

  test('a backup on a branch recovery does not follow is not restorable', () => {
    // TL1 went on to segment 9 after TL2 branched off at segment 8; a backup taken on TL1 at 9
    const a = analyze({
      backups: [backup('b1', 2, 3, 3), backup('b-abandoned', 9, 9, 1)],
      segments: [...range(1, 2, 9), ...range(2, 8, 12)],
      histories: { 2: null },
      targetHistory: { text: '1\t0/8000000\treason\n' },
    });
    const abandoned = a.backups.find((b) => b.backupId === 'b-abandoned')!;
    expect(abandoned.usable).toBe(false);
    expect(abandoned.reason).toMatch(/timeline 1, which recovery to timeline 2 does not follow/);
    expect(a.backups.find((b) => b.backupId === 'b1')!.usable).toBe(true);
  });

  test('stale: newest backup older than --max-backup-age, newest WAL older than --max-wal-age', () => {
    const a = analyze({ backups: [backup('b1', 2, 3, 27)], segments: range(1, 2, 5), maxWalAgeMs: 2 * 60_000 });
    expect(a.exitCode).toBe(InspectExitCode.STALE);
    expect(a.stale).toEqual(['the newest base backup b1 is 1d 3h old, more than --max-backup-age 1d 2h']);
    const walStale = analyze({ backups: [backup('b1', 2, 3, 1)], segments: range(1, 2, 5), maxWalAgeMs: 30_000 });
    expect(walStale.stale).toEqual([`the newest WAL segment ${seg(1, 5)} was archived 1m ago, more than --max-wal-age 30s`]);
    expect(walStale.exitCode).toBe(InspectExitCode.STALE);
  });

  test('failed backups and an empty archive', () => {
    const failed = analyze({ backups: [{ ...backup('b1', 2, 3, 1), status: 'FAILED' }], segments: range(1, 2, 5) });
    expect(failed.backups[0]).toMatchObject({ usable: false, reason: 'status FAILED' });
    expect(failed.stale).toEqual(['no completed base backup']);
    expect(failed.exitCode).toBe(InspectExitCode.STALE);
    const empty = analyze({});
    expect(empty.stale).toEqual(['no completed base backup', 'no WAL segment archived']);
    expect(empty.window).toBeUndefined();
    expect(empty.exitCode).toBe(InspectExitCode.STALE);
  });
});

describe('formatAge', () => {
  test.each([
    [0, '0s'], [999, '1s'], [65_000, '1m 5s'], [3_600_000, '1h'], [26 * 3_600_000, '1d 2h'], [2 * 86_400_000 + 60_000, '2d'],
  ])('%d ms → %s', (value, text) => {
    expect(formatAge(value)).toBe(text);
  });
});
