/**
 * WAL file names and positions. A segment name is `TTTTTTTTLLLLLLLLSSSSSSSS` (hex): timeline,
 * then the segment number split into a "log" part and a segment-within-log part. With the
 * default 16 MiB segments there are 256 segments per log (`…00000000FF` is followed by
 * `…0000000100000000`), so names are not consecutive hex numbers: compare segment numbers.
 */

/** The default WAL segment size (initdb `--wal-segsize` 16). */
export const DEFAULT_WAL_SEGMENT_SIZE_MB = 16;

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** A WAL segment: its timeline and its absolute segment number. */
export interface WalPosition {
  readonly timeline: number;
  readonly segNo: number;
}

/** Segment arithmetic for one WAL segment size. */
export class WalGeometry {
  /** Segments per 4 GiB "log" (256 with 16 MiB segments). */
  public readonly segmentsPerLog: number;
  private readonly segmentBytes: bigint;

  public constructor(public readonly segmentSizeMb: number = DEFAULT_WAL_SEGMENT_SIZE_MB) {
    if (!Number.isInteger(segmentSizeMb) || segmentSizeMb < 1 || segmentSizeMb > 1024 || (segmentSizeMb & (segmentSizeMb - 1)) !== 0) {
      throw new Error(`WAL segment size ${segmentSizeMb} MB is invalid: PostgreSQL allows powers of 2 from 1 to 1024 MB`);
    }
    this.segmentsPerLog = 4096 / segmentSizeMb;
    this.segmentBytes = BigInt(segmentSizeMb) * 1024n * 1024n;
  }

  /** Parses a 24-hex-digit segment name; undefined when it is not one (or its segment part is out of range). */
  public parse(name: string): WalPosition | undefined {
    const m = SEGMENT_NAME.exec(name);
    if (!m) return undefined;
    const timeline = parseInt(m[1], 16);
    const log = parseInt(m[2], 16);
    const seg = parseInt(m[3], 16);
    if (timeline === 0 || seg >= this.segmentsPerLog) return undefined;
    return { timeline, segNo: log * this.segmentsPerLog + seg };
  }

  /** The segment name of a position. */
  public name(pos: WalPosition): string {
    const log = Math.floor(pos.segNo / this.segmentsPerLog);
    const seg = pos.segNo % this.segmentsPerLog;
    return hex8(pos.timeline) + hex8(log) + hex8(seg);
  }

  /** The segment number holding an LSN written `X/Y` (as in timeline history files). */
  public segNoOfLsn(lsn: string): number | undefined {
    const m = LSN.exec(lsn.trim());
    if (!m) return undefined;
    const bytes = (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
    return Number(bytes / this.segmentBytes);
  }
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}
