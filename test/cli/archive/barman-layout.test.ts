import { ArchiveObject, classifyArchive } from '../../../lib/cli/archive/barman-layout';
import { GEOMETRY, seg, walKey } from './support/barman-fixture';

const at = new Date('2026-11-30T00:00:00Z');
const obj = (key: string): ArchiveObject => ({ key, size: 1, lastModified: at });

describe('classifyArchive', () => {
  test('sorts keys into backups, segments, history files and the rest', () => {
    const layout = classifyArchive([
      obj('base/20261130T000000/backup.info'),
      obj('base/20261130T000000/data.tar.gz'),
      obj('base/20261130T000000/data_0001.tar.gz'), // a second part
      obj('base/20261130T000000/16384.tar'), // a tablespace
      obj('base/20261201T000000/backup.info'), // no data.tar (failed upload)
      obj(walKey(seg(1, 3), '.gz')),
      obj(walKey(seg(1, 2))),
      obj(walKey(seg(1, 256), '.zst')),
      obj(walKey(seg(1, 4), '.partial')),
      obj(walKey(seg(1, 2), '.00000028.backup')),
      obj('wals/00000002.history'),
      obj('wals/00000003.history.bz2'),
      obj(`wals/0000000100000009/${seg(1, 2)}`), // filed under the wrong folder
      obj('README.txt'),
    ], GEOMETRY);
    expect(layout.backups).toEqual([
      { backupId: '20261130T000000', infoKey: 'base/20261130T000000/backup.info', hasData: true },
      { backupId: '20261201T000000', infoKey: 'base/20261201T000000/backup.info', hasData: false },
    ]);
    expect(layout.segments.map((s) => [s.name, s.segNo])).toEqual([[seg(1, 2), 2], [seg(1, 3), 3], ['000000010000000100000000', 256]]);
    expect(layout.histories.map((h) => [h.timeline, h.compression])).toEqual([[2, undefined], [3, 'bz2']]);
    expect(layout.otherWalFiles).toBe(2);
    expect(layout.unrecognized).toEqual([`wals/0000000100000009/${seg(1, 2)}`, 'README.txt']);
  });
});
