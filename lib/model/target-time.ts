/**
 * Recovery target times as CloudNativePG's webhook parses them (`validateRecoveryTarget` →
 * machinery `types.ParseTargetTime`): first lib/pq's `ParseTimestamp` (machinery pins v1.10.9; PostgreSQL's
 * own output format `YYYY-MM-DD HH:MM:SS[.frac][±HH[:MM[:SS]]][ BC]`), then Go's layouts
 * `2006-01-02T15:04:05.000000Z07:00`, `time.RFC3339` and `2006-01-02T15:04:05`.
 *
 * So `2026-06-01 04:00:00+02` and `2026-06-01T02:00:00Z` are accepted, while
 * `2026-06-01T04:00:00+0200` (no colon in an RFC 3339 offset) and `2026-06-01 04:00:00Z`
 * (`Z` after a space) are refused.
 */

/** A parsed target time. */
export interface TargetTime {
  /** Milliseconds since the epoch (UTC), with the offset applied (UTC when none was given). */
  readonly epochMs: number;
  /** True when the text gives an offset (`+02`, `-05:30`, `Z`). */
  readonly hasOffset: boolean;
  /** True when every field is in range (month 1-12, a day of that month, 00:00:00-23:59:59, offset below 16 h). */
  readonly calendarValid: boolean;
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits. */
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function epoch(year: number, month: number, day: number, hour: number, minute: number, second: number, nanos: number, offsetSeconds: number): number {
  const d = new Date(0);
  // setUTCFullYear keeps years below 100 as given (Date.UTC would map them to 19xx); out-of-range fields roll over like Go's time.Date.
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() + Math.floor(nanos / 1e6) - offsetSeconds * 1000;
}

interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanos: number;
  readonly offsetSeconds: number;
  readonly hasOffset: boolean;
}

/**
 * lib/pq's `ParseTimestamp` (with its ` BC` suffix handling), without the location handling
 * (which does not change whether it parses). Older lib/pq releases looked for ` BC` only after
 * the offset; for text without ` BC` both read the same, and the library refuses BC anyway.
 */
function pqParse(str: string): Fields | undefined {
  let failed = false;
  const num = (begin: number, end: number): number => {
    if (failed) return 0;
    if (begin < 0 || end < 0 || begin > end || end > str.length) { failed = true; return 0; }
    const n = atoi(str.slice(begin, end));
    if (n === undefined) { failed = true; return 0; }
    return n;
  };
  const expect = (char: string, pos: number): void => {
    if (failed) return;
    if (pos + 1 > str.length || str[pos] !== char) failed = true;
  };

  const monSep = str.indexOf('-');
  const year = num(0, monSep);
  const daySep = monSep + 3;
  const month = num(monSep + 1, daySep);
  expect('-', daySep);
  const timeSep = daySep + 3;
  const day = num(daySep + 1, timeSep);

  const isBC = str.endsWith(' BC');
  const minLen = monSep + '01-01'.length + 1 + (isBC ? 3 : 0);
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (str.length > minLen) {
    expect(' ', timeSep);
    const minSep = timeSep + 3;
    expect(':', minSep);
    hour = num(timeSep + 1, minSep);
    const secSep = minSep + 3;
    expect(':', secSep);
    minute = num(minSep + 1, secSep);
    second = num(secSep + 1, secSep + 3);
  }
  let remainderIdx = monSep + '01-01 00:00:00'.length + 1;

  let nanos = 0;
  let offsetSeconds = 0;
  let hasOffset = false;
  if (remainderIdx < str.length && str[remainderIdx] === '.') {
    const fracStart = remainderIdx + 1;
    let fracOff = str.slice(fracStart).search(/[-+ ]/);
    if (fracOff < 0) fracOff = str.length - fracStart;
    const fracSec = num(fracStart, fracStart + fracOff);
    nanos = fracSec * Math.trunc(1e9 / 10 ** fracOff);
    remainderIdx += fracOff + 1;
  }
  if (remainderIdx < str.length && (str[remainderIdx] === '-' || str[remainderIdx] === '+')) {
    const sign = str[remainderIdx] === '-' ? -1 : 1;
    const tzHours = num(remainderIdx + 1, remainderIdx + 3);
    remainderIdx += 3;
    let tzMin = 0;
    let tzSec = 0;
    if (remainderIdx < str.length && str[remainderIdx] === ':') {
      tzMin = num(remainderIdx + 1, remainderIdx + 3);
      remainderIdx += 3;
    }
    if (remainderIdx < str.length && str[remainderIdx] === ':') {
      tzSec = num(remainderIdx + 1, remainderIdx + 3);
      remainderIdx += 3;
    }
    offsetSeconds = sign * (tzHours * 3600 + tzMin * 60 + tzSec);
    hasOffset = true;
  }
  let isoYear = year;
  if (isBC) {
    isoYear = 1 - year;
    remainderIdx += 3;
  }
  if (remainderIdx < str.length || failed) return undefined;
  return { year: isoYear, month, day, hour, minute, second, nanos, offsetSeconds, hasOffset };
}

/**
 * Go's `time.Parse` with `2006-01-02T15:04:05Z07:00` (RFC 3339; also its `.000000` variant,
 * which it covers) or, with `zone` false, `2006-01-02T15:04:05`: four-digit year, two-digit
 * month, day, minute and second, one- or two-digit hour, an optional fraction after the
 * seconds (`.` or `,`), and `Z` or `±hh:mm`. Go checks the ranges of every field.
 */
function goParse(str: string, zone: boolean): Fields | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(.*)$/.exec(str);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const nanos = m[7] ? Number(m[7].slice(0, 9).padEnd(9, '0')) : 0;
  const rest = m[8];
  if (!zone) return rest === '' ? { year, month, day, hour, minute, second, nanos, offsetSeconds: 0, hasOffset: false } : undefined;
  if (rest === 'Z') return { year, month, day, hour, minute, second, nanos, offsetSeconds: 0, hasOffset: true };
  const z = /^([+-])(\d{2}):(\d{2})$/.exec(rest);
  if (!z) return undefined;
  const [oh, om] = [Number(z[2]), Number(z[3])];
  if (oh > 24 || om > 60) return undefined;
  return { year, month, day, hour, minute, second, nanos, offsetSeconds: (z[1] === '-' ? -1 : 1) * (oh * 3600 + om * 60), hasOffset: true };
}

/** `text` as CloudNativePG's webhook parses a `recoveryTarget.targetTime`, or undefined when it refuses it. */
export function parseCnpgTargetTime(text: string): TargetTime | undefined {
  const f = pqParse(text) ?? goParse(text, true) ?? goParse(text, false);
  if (!f) return undefined;
  const calendarValid = f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= daysIn(f.year, f.month) &&
    f.hour <= 23 && f.minute <= 59 && f.second <= 59 && Math.abs(f.offsetSeconds) < 16 * 3600 && f.year >= 1;
  return {
    epochMs: epoch(f.year, f.month, f.day, f.hour, f.minute, f.second, f.nanos, f.offsetSeconds),
    hasOffset: f.hasOffset,
    calendarValid,
  };
}
