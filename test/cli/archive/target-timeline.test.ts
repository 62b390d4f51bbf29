import { ArchiveObject, classifyArchive, targetTimeline } from '../../../lib/cli/archive/barman-layout';
import { GEOMETRY, seg, walKey } from './support/barman-fixture';

const at = new Date('2026-11-30T00:00:00Z');
const obj = (key: string): ArchiveObject => ({ key, size: 1, lastModified: at });
const target = (...keys: string[]): number | undefined => targetTimeline(classifyArchive(keys.map(obj), GEOMETRY));

describe('targetTimeline', () => {
  test('undefined for an archive without segments or history files', () => {
    expect(target()).toBeUndefined();
    expect(target('base/20261130T000000/backup.info')).toBeUndefined();
  });

  test('the newest timeline of the segments', () => {
    expect(target(walKey(seg(1, 2)), walKey(seg(3, 5)), walKey(seg(2, 9)))).toBe(3);
  });

  test('a history file newer than every segment wins (promoted, nothing archived yet)', () => {
    expect(target(walKey(seg(1, 2)), 'wals/00000002.history', 'wals/0000000A.history.gz')).toBe(10);
  });

  test('many segments do not overflow the call stack', () => {
    const layout = { segments: Array.from({ length: 300_000 }, (_, i) => ({ timeline: 1 + (i % 7) })), histories: [] };
    expect(targetTimeline(layout as never)).toBe(7);
  });
});
