import { describeRobfigFields, goParseDuration, parseRobfigCron, robfigLongestGapSeconds, robfigNext, RobfigSchedule } from '../../lib/core/robfig-cron';

const HOUR = 3600;
const DAY = 86_400;

function schedule(spec: string): RobfigSchedule {
  const r = parseRobfigCron(spec);
  if (!r.ok) throw new Error(`${spec}: ${r.error}`);
  return r.schedule;
}

/** `Mon Jul 9 15:45 2012` (robfig's test format), read as UTC. */
function at(text: string): Date {
  const m = /^\w{3} (\w{3}) (\d+) (\d+):(\d+)(?::(\d+))? (\d{4})$/.exec(text)!;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0)));
}

describe('parseRobfigCron: the verdicts of robfig/cron v1.2.0 cron.Parse (what the ScheduledBackup webhook runs)', () => {
  // Accepted expressions, with the longest gap between runs. Most come from robfig's own
  // parser_test.go and spec_test.go (TestRange, TestField, TestActivation, TestNext).
  test.each<[string, number]>([
    ['0 0 3 * * *', DAY],
    ['0 30 2 * * *', DAY],
    // 5 fields: second minute hour day-of-month month (day of week *), NOT crontab
    ['0 3 * * *', HOUR],
    ['5 * * * *', 60],
    ['0 0/15 * * *', 15 * 60],
    ['0 5/15 * * *', 15 * 60], // minutes 5, 20, 35, 50: 15 min apart, also across the hour
    ['0 0/15 * * Jul', 335 * DAY + 15 * 60],
    ['0 30 08 ? Jul Sun', 0], // gap checked below
    ['0 30 08 15 Jul ?', 0],
    ['15/35 20-35/15 1/2 */2 * *', 0],
    ['0 0 0 9 Apr-Oct ?', 0],
    ['0 0 0 */5 Apr,Aug,Oct Mon', 0],
    ['0 0 0 * Feb Mon/2', 0],
    ['0 * * 1,15 * Sun', 0],
    ['0 0 0 29 Feb ?', 0],
    ['0 0 0 30 Feb ?', Infinity], // accepted, never runs
    ['0 0 0 31 Apr ?', Infinity],
    ['*/30 * * * * *', 30],
    ['0 0 12 * * MON-FRI', 3 * DAY],
    ['0 0 12 * * mon,WED,fri', 3 * DAY],
    ['0 0 3 * * 0', 7 * DAY],
    ['0 0 3 * * 6', 7 * DAY],
    ['0 0 1,13 * * *', 12 * HOUR],
    ['0 0 1,,13 * * *', 12 * HOUR], // empty list items are skipped
    ['0 0 */6 * * *', 6 * HOUR],
    ['0 0 *-5 * * *', HOUR], // a star ignores what follows its hyphen
    ['+0 +0 +3 * * *', DAY], // strconv.Atoi takes a sign
    ['00 00 03 * * *', DAY],
    ['0\t0 3  *\n* *', DAY], // fields split on any white space
    ['0 0 0 1 * *', 31 * DAY],
    ['0 0 0 1 1 *', 366 * DAY],
    ['@yearly', 366 * DAY],
    ['@annually', 366 * DAY],
    ['@monthly', 31 * DAY],
    ['@weekly', 7 * DAY],
    ['@daily', DAY],
    ['@midnight', DAY],
    ['@hourly', HOUR],
    ['@every 12h', 12 * HOUR],
    ['@every 5m', 300],
    ['@every 1h30m', 5400],
    ['@every 36h', 36 * HOUR],
    ['@every 1.5h', 5400],
    ['@every 500ms', 1], // at least one second
    ['@every 90s', 90],
  ])('%j is accepted', (spec, gap) => {
    const r = parseRobfigCron(spec);
    expect(r).toMatchObject({ ok: true });
    if (gap !== 0) expect(robfigLongestGapSeconds(schedule(spec))).toBe(gap);
  });

  // Rejected expressions with robfig's message (the webhook's `spec.schedule: Invalid value`).
  test.each<[string, string]>([
    ['', 'Empty spec string'],
    ['* * * *', 'Expected 5 to 6 fields, found 4: * * * *'],
    ['0 0 0 3 * * *', 'Expected 5 to 6 fields, found 7: 0 0 0 3 * * *'],
    ['* 5 j * * *', 'Failed to parse int from j: strconv.Atoi: parsing "j": invalid syntax'],
    ['0 0 3 * * L', 'Failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    ['0 0 3 L * *', 'Failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    ['0 0 3 15W * *', 'Failed to parse int from 15W: strconv.Atoi: parsing "15W": invalid syntax'],
    ['0 0 3 * * 5#3', 'Failed to parse int from 5#3: strconv.Atoi: parsing "5#3": invalid syntax'],
    ['0 0 3 * * 7', 'End of range (7) above maximum (6): 7'],
    ['0 0 3 * * 1-7', 'End of range (7) above maximum (6): 1-7'],
    ['0 0 3 0 * *', 'Beginning of range (0) below minimum (1): 0'],
    ['0 0 24 * * *', 'End of range (24) above maximum (23): 24'],
    ['0 60 * * * *', 'End of range (60) above maximum (59): 60'],
    ['0 0 3 * 13 *', 'End of range (13) above maximum (12): 13'],
    ['0 0 5-3 * * *', 'Beginning of range (5) beyond end of range (3): 5-3'],
    ['0 0 5--5 * * *', 'Too many hyphens: 5--5'],
    ['0 0 */0 * * *', 'Step of range should be a positive number: */0'],
    ['0 0 *//2 * * *', 'Too many slashes: *//2'],
    ['0 0 */-12 * * *', 'Negative number (-12) not allowed: -12'],
    ['0 0 -1 * * *', 'Failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['0 0 2-x * * *', 'Failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['0 0 3 * jan-x *', 'Failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['0 0 3 * * monday', 'Failed to parse int from monday: strconv.Atoi: parsing "monday": invalid syntax'],
    ['0 0 jan * * *', 'Failed to parse int from jan: strconv.Atoi: parsing "jan": invalid syntax'], // names only in their field
    ['0 0 99999999999999999999 * * *', 'Failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['@every Xm', 'Failed to parse duration @every Xm: time: invalid duration "Xm"'],
    ['@every 1d', 'Failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'],
    ['@every 12', 'Failed to parse duration @every 12: time: missing unit in duration "12"'],
    ['@every', 'Unrecognized descriptor: @every'],
    ['@unrecognized', 'Unrecognized descriptor: @unrecognized'],
    ['@daily ', 'Unrecognized descriptor: @daily '], // a descriptor is not trimmed
    [' @daily', 'Expected 5 to 6 fields, found 1:  @daily'],
    ['@reboot', 'Unrecognized descriptor: @reboot'],
  ])('%j is rejected: %s', (spec, error) => {
    expect(parseRobfigCron(spec)).toEqual({ ok: false, error });
  });

  test('the first invalid field (in order) gives the message', () => {
    expect(parseRobfigCron('x y * * * *')).toEqual({ ok: false, error: 'Failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax' });
  });

  test('fields as robfig stores them (TestRange, TestField)', () => {
    const s = schedule('5-7/2 1,5-7/2,3 * */2 ? 0') as any;
    expect(s.second).toEqual({ values: [5, 7], star: false });
    expect(s.minute).toEqual({ values: [1, 3, 5, 7], star: false });
    expect(s.hour.values).toHaveLength(24);
    expect(s.dayOfMonth).toEqual({ values: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31], star: true });
    expect(s.month.star).toBe(true);
    expect(s.dayOfWeek).toEqual({ values: [0], star: false });
    expect(s.fieldCount).toBe(6);
    expect((schedule('0 3 * * *') as any).fieldCount).toBe(5);
    expect(describeRobfigFields(schedule('0 3 * * *') as any)).toBe('second 0, minute 3, every hour, every day of month, every month, every day of week');
  });
});

describe('robfigNext: robfig\'s spec_test.go (UTC cases)', () => {
  test.each<[string, string, string | undefined]>([
    ['Mon Jul 9 14:45 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
    ['Mon Jul 9 14:59 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
    ['Mon Jul 9 14:59:59 2012', '0 0/15 * * *', 'Mon Jul 9 15:00 2012'],
    ['Mon Jul 9 15:45 2012', '0 20-35/15 * * *', 'Mon Jul 9 16:20 2012'],
    ['Mon Jul 9 23:46 2012', '0 */15 * * *', 'Tue Jul 10 00:00 2012'],
    ['Mon Jul 9 23:45 2012', '0 20-35/15 * * *', 'Tue Jul 10 00:20 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * * *', 'Tue Jul 10 00:20:15 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 1/2 * *', 'Tue Jul 10 01:20:15 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 10-12 * *', 'Tue Jul 10 10:20:15 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 1/2 */2 * *', 'Thu Jul 11 01:20:15 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * 9-20 * *', 'Wed Jul 10 00:20:15 2012'],
    ['Mon Jul 9 23:35:51 2012', '15/35 20-35/15 * 9-20 Jul *', 'Wed Jul 10 00:20:15 2012'],
    ['Mon Jul 9 23:35 2012', '0 0 0 9 Apr-Oct ?', 'Thu Aug 9 00:00 2012'],
    ['Mon Jul 9 23:35 2012', '0 0 0 */5 Apr,Aug,Oct Mon', 'Mon Aug 6 00:00 2012'],
    ['Mon Jul 9 23:35 2012', '0 0 0 */5 Oct Mon', 'Mon Oct 1 00:00 2012'],
    ['Mon Jul 9 23:35 2012', '0 0 0 * Feb Mon', 'Mon Feb 4 00:00 2013'],
    ['Mon Jul 9 23:35 2012', '0 0 0 * Feb Mon/2', 'Fri Feb 1 00:00 2013'],
    ['Mon Dec 31 23:59:45 2012', '0 * * * * *', 'Tue Jan 1 00:00:00 2013'],
    ['Mon Jul 9 23:35 2012', '0 0 0 29 Feb ?', 'Mon Feb 29 00:00 2016'],
    ['Mon Jul 9 23:35 2012', '0 0 0 30 Feb ?', undefined],
    ['Mon Jul 9 23:35 2012', '0 0 0 31 Apr ?', undefined],
  ])('after %s, %j runs at %s', (after, spec, expected) => {
    expect(robfigNext(schedule(spec), at(after))).toEqual(expected === undefined ? undefined : at(expected));
  });

  // TestActivation: does the schedule fire at exactly this time?
  test.each<[string, string, boolean]>([
    ['Mon Jul 9 15:00 2012', '0 0/15 * * *', true],
    ['Mon Jul 9 15:45 2012', '0 0/15 * * *', true],
    ['Mon Jul 9 15:40 2012', '0 0/15 * * *', false],
    ['Mon Jul 9 15:05 2012', '0 5/15 * * *', true],
    ['Mon Jul 9 15:20 2012', '0 5/15 * * *', true],
    ['Mon Jul 9 15:50 2012', '0 5/15 * * *', true],
    ['Sun Jul 15 15:00 2012', '0 0/15 * * Jul', true],
    ['Sun Jul 15 15:00 2012', '0 0/15 * * Jun', false],
    ['Sun Jul 15 08:30 2012', '0 30 08 ? Jul Sun', true],
    ['Sun Jul 15 08:30 2012', '0 30 08 15 Jul ?', true],
    ['Mon Jul 16 08:30 2012', '0 30 08 ? Jul Sun', false],
    ['Mon Jul 16 08:30 2012', '0 30 08 15 Jul ?', false],
    ['Mon Jul 9 15:00 2012', '@hourly', true],
    ['Mon Jul 9 15:04 2012', '@hourly', false],
    ['Mon Jul 9 15:00 2012', '@daily', false],
    ['Mon Jul 9 00:00 2012', '@daily', true],
    ['Mon Jul 9 00:00 2012', '@weekly', false],
    ['Sun Jul 8 00:00 2012', '@weekly', true],
    ['Sun Jul 8 01:00 2012', '@weekly', false],
    ['Sun Jul 8 00:00 2012', '@monthly', false],
    ['Sun Jul 1 00:00 2012', '@monthly', true],
    // day of month and day of week both restricted: either may match
    ['Sun Jul 15 00:00 2012', '0 * * 1,15 * Sun', true],
    ['Fri Jun 15 00:00 2012', '0 * * 1,15 * Sun', true],
    ['Wed Aug 1 00:00 2012', '0 * * 1,15 * Sun', true],
    // one written with a star: both must match
    ['Sun Jul 15 00:00 2012', '0 * * * * Mon', false],
    ['Sun Jul 15 00:00 2012', '0 * * */10 * Sun', false],
    ['Mon Jul 9 00:00 2012', '0 * * 1,15 * *', false],
    ['Sun Jul 15 00:00 2012', '0 * * 1,15 * *', true],
    ['Sun Jul 15 00:00 2012', '0 * * */2 * Sun', true],
  ])('at %s, %j fires: %s', (time, spec, fires) => {
    const t = at(time);
    const next = robfigNext(schedule(spec), new Date(t.getTime() - 1000));
    expect(next?.getTime() === t.getTime()).toBe(fires);
  });

  test('@every runs the delay after the given time', () => {
    expect(robfigNext(schedule('@every 12h'), at('Mon Jul 9 15:00 2012'))).toEqual(at('Tue Jul 10 03:00 2012'));
  });
});

describe('robfigLongestGapSeconds agrees with stepping robfigNext run by run', () => {
  /** The longest gap between consecutive runs from 2026 over `years`, by stepping Next. */
  function stepped(spec: string, years: number): number {
    const s = schedule(spec);
    const end = Date.UTC(2026 + years, 0, 1);
    let t = robfigNext(s, new Date(Date.UTC(2026, 0, 1)))!;
    let longest = 0;
    for (;;) {
      const n = robfigNext(s, t);
      if (!n || n.getTime() > end) return longest;
      longest = Math.max(longest, (n.getTime() - t.getTime()) / 1000);
      t = n;
    }
  }

  test.each<[string, number]>([
    ['0 0 0 1,15 * Sun', 28], // the 1st, the 15th or a Sunday: either may match
    ['0 0 0 */2 * Sun', 28], // odd days that are Sundays: both must match
    ['0 0 0 ? * 1-5', 28],
    ['0 30 2 * * 1,3', 28],
    ['0 0 0 29 Feb ?', 28],
    ['0 0 0 13 * Fri', 28],
    ['0 0 0 31 * *', 28],
    ['0 0 0 * 2 0', 28],
    ['0 15 3,15 * * *', 2],
  ])('%j', (spec, years) => {
    const expected = stepped(spec, years);
    expect(expected).toBeGreaterThan(0);
    expect(robfigLongestGapSeconds(schedule(spec))).toBe(expected);
  });

  test('a few known figures', () => {
    expect(robfigLongestGapSeconds(schedule('0 0 0 1,15 * Sun'))).toBe(7 * DAY);
    expect(robfigLongestGapSeconds(schedule('0 0 0 29 Feb ?'))).toBe((Date.UTC(2032, 1, 29) - Date.UTC(2028, 1, 29)) / 1000);
  });
});

describe('goParseDuration: Go\'s time.ParseDuration', () => {
  test.each<[string, number | string]>([
    ['12h', 12 * 3600e9],
    ['1h30m', 5400e9],
    ['1.5h', 5400e9],
    ['.5s', 0.5e9],
    ['300ms', 300e6],
    ['2\u00b5s', 2e3],
    ['-1h', -3600e9],
    ['0', 0],
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['1w', 'time: unknown unit "w" in duration "1w"'],
    ['.', 'time: invalid duration "."'],
    ['h', 'time: invalid duration "h"'],
  ])('%j → %j', (text, expected) => {
    expect(goParseDuration(text)).toBe(expected);
  });
});
