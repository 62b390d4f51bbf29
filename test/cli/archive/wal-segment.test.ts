import { WalGeometry } from '../../../lib/cli/archive/wal-segment';

describe('WalGeometry', () => {
  const g16 = new WalGeometry();

  test('16 MiB segments: 256 per log, …FF is followed by the next log', () => {
    expect(g16.segmentsPerLog).toBe(256);
    const last = g16.parse('0000000100000000000000FF')!;
    expect(last).toEqual({ timeline: 1, segNo: 255 });
    expect(g16.name({ timeline: 1, segNo: last.segNo + 1 })).toBe('000000010000000100000000');
  });

  test('segment parts beyond the log size are not segment names', () => {
    expect(g16.parse('000000010000000000000100')).toBeUndefined();
    expect(g16.parse('000000000000000000000001')).toBeUndefined(); // timeline 0
    expect(g16.parse('00000001000000000000000g')).toBeUndefined();
    expect(g16.parse('00000001000000000000000A.partial')).toBeUndefined();
  });

  test('name and parse round-trip, including large logs', () => {
    for (const segNo of [0, 1, 255, 256, 257, 4096 * 256 + 17]) {
      const name = g16.name({ timeline: 0x2a, segNo });
      expect(g16.parse(name)).toEqual({ timeline: 0x2a, segNo });
    }
  });

  test('other segment sizes change the number of segments per log', () => {
    const g64 = new WalGeometry(64);
    expect(g64.segmentsPerLog).toBe(64);
    expect(g64.name({ timeline: 1, segNo: 64 })).toBe('000000010000000100000000');
    expect(g64.parse('00000001000000000000003F')).toEqual({ timeline: 1, segNo: 63 });
    expect(g64.parse('000000010000000000000040')).toBeUndefined();
  });

  test('LSNs map to the segment holding them', () => {
    expect(g16.segNoOfLsn('0/3000000')).toBe(3);
    expect(g16.segNoOfLsn('0/2FFFFFF')).toBe(2);
    expect(g16.segNoOfLsn('1/0')).toBe(256);
    expect(g16.segNoOfLsn('FFFFFFFF/FF000000')).toBe(0xffffffff * 256 + 255);
    expect(g16.segNoOfLsn('nope')).toBeUndefined();
  });

  test('invalid sizes are rejected with the allowed range', () => {
    expect(() => new WalGeometry(3)).toThrow(/powers of 2 from 1 to 1024 MB/);
    expect(() => new WalGeometry(2048)).toThrow(/powers of 2/);
  });
});
