/**
 * Timeline history files (`0000000N.history`): one line per ancestor timeline,
 * `<parent tli>\t<switch LSN X/Y>\t<reason>`, oldest first. Recovery follows them to the
 * newest timeline, so a timeline switch is not a gap in the WAL sequence.
 */
import { WalGeometry } from './wal-segment';

/** One timeline on the path recovery follows, with the segments read from it: [beginSegNo, endSegNo). */
export interface TimelineSpan {
  readonly timeline: number;
  readonly beginSegNo: number;
  /** Exclusive; Infinity for the target timeline. */
  readonly endSegNo: number;
}

/** The path to `targetTimeline` from its history file text: oldest first. Throws on a malformed file. */
export function parseTimelineHistory(targetTimeline: number, text: string, geometry: WalGeometry): TimelineSpan[] {
  const spans: TimelineSpan[] = [];
  let begin = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [tli, lsn] = line.split(/\s+/);
    const timeline = Number.parseInt(tli, 10);
    const switchSeg = geometry.segNoOfLsn(lsn ?? '');
    if (!Number.isInteger(timeline) || timeline <= 0 || switchSeg === undefined) {
      throw new Error(`malformed line ${JSON.stringify(line)}`);
    }
    // the segment holding the switch point is read from the newer timeline
    spans.push({ timeline, beginSegNo: begin, endSegNo: switchSeg });
    begin = switchSeg;
  }
  spans.push({ timeline: targetTimeline, beginSegNo: begin, endSegNo: Infinity });
  return spans;
}

/**
 * The path inferred from the segments alone (when the history file is missing or cannot be
 * read): each timeline starts at its lowest archived segment.
 */
export function inferTimelinePath(firstSegNoByTimeline: Map<number, number>): TimelineSpan[] {
  const tlis = [...firstSegNoByTimeline.keys()].sort((a, b) => a - b);
  return tlis.map((timeline, i) => ({
    timeline,
    beginSegNo: i === 0 ? 0 : firstSegNoByTimeline.get(timeline)!,
    endSegNo: i + 1 < tlis.length ? firstSegNoByTimeline.get(tlis[i + 1])! : Infinity,
  }));
}

/** The timeline recovery reads segment `segNo` from; undefined before the path starts. */
export function timelineOfSegment(path: TimelineSpan[], segNo: number): number | undefined {
  return path.find((s) => segNo >= s.beginSegNo && segNo < s.endSegNo)?.timeline;
}
