/**
 * The parsers ported from CloudNativePG v1.30.0 and its dependencies, tested against the
 * upstream projects' own test vectors (robfig/cron v1.2.0 `getRange`, lib/pq v1.10.9
 * `ParseTimestamp`, machinery `types.ParseTargetTime`, `reference.New`, `version.FromTag`)
 * and the CloudNativePG webhook's conversions (`parsePostgresQuantityValue`,
 * `ParsePostgresConfigBoolean`).
 */
import { Duration, Size } from 'cdk8s';
import { parseCnpgTargetTime } from '../../lib/model/target-time';
import { ConfigErrors } from '../../lib/core/config-error';
import { CRON_FIELDS, dayOfWeekWithoutSeven, robfigFieldProblem, robfigProblem } from '../../lib/core/robfig-cron';
import { checkDns1035Label, isDns1035Label, suggestDns1035Label } from '../../lib/core/dns';
import { cnpgImageTagProblem, imageTagAndDigest, postgresVersionOfTag } from '../../lib/core/image-reference';
import { boundedName, labelSlug } from '../../lib/core/names';
import { positiveMebibytes, wholeMilliseconds, wholeSeconds } from '../../lib/core/duration-size-checks';
import { cnpgSizeBytes, CNPG_PARAMETER_NAME, postgresBoolean, postgresSize } from '../../lib/model/parameter-values';

const [, , DOM, MONTH, DOW] = CRON_FIELDS;

describe('robfig/cron ranges (getRange)', () => {
  test.each([
    ['*', DOW], ['?', DOW], ['0-6', DOW], ['sun-sat', DOW], ['MON', DOW], ['1-5', DOW], ['*/2', DOW], ['1/2', DOW], ['1,3,5', DOW], ['1,,3', DOW],
    ['jan-dec', MONTH], ['12', MONTH], ['1-31/5', DOM], ['+5', DOM],
  ])('%s is accepted', (field, bounds) => {
    expect(robfigFieldProblem(field, bounds)).toBeUndefined();
  });

  test.each([
    ['7', DOW, '7 is above the maximum 6'],
    ['1-7', DOW, '7 is above the maximum 6'],
    ['0', DOM, '0 is below the minimum 1'],
    ['13', MONTH, '13 is above the maximum 12'],
    ['5-1', DOW, 'starts after it ends'],
    ['1-2-3', DOW, 'too many hyphens'],
    ['1/2/3', DOW, 'too many slashes'],
    ['*/0', DOW, 'must be positive'],
    ['L', DOM, 'is not a number'],
    ['monday', DOW, 'is not a number or a name'],
  ])('%s is refused: %s', (field, bounds, problem) => {
    expect(robfigFieldProblem(field, bounds)).toContain(problem);
  });

  test('a whole expression names the field', () => {
    expect(robfigProblem('0 3 * * 7')).toEqual({ field: 'day-of-week', problem: '7 is above the maximum 6' });
    expect(robfigProblem('61 3 * * *')).toEqual({ field: 'minute', problem: '61 is above the maximum 59' });
    expect(robfigProblem('0 3 * * 0')).toBeUndefined();
  });

  test.each([['7', '0'], ['1-7', '*'], ['5-7', '0,5-6'], ['0,7', '0'], ['1-3', '1-3']])('Sunday as 0: %s → %s', (field, fixed) => {
    expect(dayOfWeekWithoutSeven(field)).toBe(fixed);
  });
});

describe('recovery target times (machinery ParseTargetTime → lib/pq ParseTimestamp, then Go layouts)', () => {
  // lib/pq's timeTests (accepted) and timeErrorTests (refused), then machinery's own cases.
  test.each([
    '22001-02-03', '2001-02-03', '0001-12-31 BC', '2001-02-03 BC', '2001-02-03 04:05:06', '2001-02-03 04:05:06.000001',
    '2001-02-03 04:05:06.123456', '2001-02-03 04:05:06.123-07', '2001-02-03 04:05:06-07', '2001-02-03 04:05:06-07:42',
    '2001-02-03 04:05:06-07:30:09', '2001-02-03 04:05:06+07', '0011-02-03 04:05:06.123-07 BC', '12345-02-03 04:05:06.1',
    '2021-09-01 10:22:47', '2021-09-01 10:22:47.000000+06', '2021-09-01 10:22:47.000000+06:00', '2021-09-01T10:22:47Z',
    '2021-09-01T10:22:47+00:00', '2021-09-01T10:22:47', '2006-01-02T15:04:05.000000Z', '2026-06-01 04:00:00+02',
  ])('accepted: %s', (text) => {
    expect(parseCnpgTargetTime(text)).toBeDefined();
  });

  test.each([
    'BC', ' BC', '2001', '2001-2-03', '2001-02-3', '2001-02-03 ', '2001-02-03 B', '2001-02-03 04', '2001-02-03 04:', '2001-02-03 04:05',
    '2001-02-03 04:05 B', '2001-02-03 04:05 BC', '2001-02-03 04:05:', '2001-02-03 04:05:6', '2001-02-03 04:05:06 B', '2001-02-03 04:05:06BC',
    '2001-02-03 04:05:06.123 B',
    // issue 20: an RFC 3339 offset without its colon, and Z after a space
    '2026-06-01T04:00:00+0200', '2026-06-01 04:00:00Z', '2026-06-01T04:00:00+02', '2026-13-01T04:00:00Z', 'yesterday', '',
  ])('refused: %p', (text) => {
    expect(parseCnpgTargetTime(text)).toBeUndefined();
  });

  test('offsets and instants', () => {
    expect(parseCnpgTargetTime('2026-06-01 04:00:00+02')).toEqual({ epochMs: Date.parse('2026-06-01T02:00:00Z'), hasOffset: true, calendarValid: true });
    expect(parseCnpgTargetTime('2001-02-03 04:05:06-07:30:09')?.epochMs).toBe(Date.parse('2001-02-03T11:35:15Z'));
    expect(parseCnpgTargetTime('2001-02-03 04:05:06.5+01')?.epochMs).toBe(Date.parse('2001-02-03T03:05:06.500Z'));
    expect(parseCnpgTargetTime('2026-06-01T04:00:00,25-05:30')?.epochMs).toBe(Date.parse('2026-06-01T09:30:00.250Z'));
    expect(parseCnpgTargetTime('2026-06-01 04:00:00')?.hasOffset).toBe(false);
    expect(parseCnpgTargetTime('2026-06-01T04:00:00')?.hasOffset).toBe(false);
    expect(parseCnpgTargetTime('2026-06-01')?.hasOffset).toBe(false);
  });

  test('lib/pq does not check ranges (time.Date rolls over): accepted by the webhook, flagged as not a calendar date', () => {
    expect(parseCnpgTargetTime('2026-02-30 04:00:00+00')).toMatchObject({ calendarValid: false });
    expect(parseCnpgTargetTime('2026-06-01 25:00:00+00')).toMatchObject({ calendarValid: false });
    expect(parseCnpgTargetTime('2024-02-29 04:00:00+00')).toMatchObject({ calendarValid: true });
    expect(parseCnpgTargetTime('2023-02-29T04:00:00Z')).toBeUndefined(); // Go checks the day of the month
  });
});

describe('image references (machinery reference.New, version.FromTag)', () => {
  test.each([
    ['postgres', 'latest', ''], ['postgres:34.3', '34.3', ''], ['myimage/postgres', 'latest', ''], ['localhost:5000/postgres', 'latest', ''],
    ['registry.localhost:5000/postgres:14.4', '14.4', ''], ['ghcr.io/cloudnative-pg/postgresql:34', '34', ''],
    [`postgres:13@sha256:${'c'.repeat(64)}`, '13', 'c'.repeat(64)], [`postgres@sha256:${'c'.repeat(64)}`, '', 'c'.repeat(64)],
  ])('%s → tag %p', (image, tag, digest) => {
    expect(imageTagAndDigest(image)).toMatchObject({ tag, digest });
  });

  test.each([
    ['10.3', 10, 3], ['15beta1', 15, 0], ['13.3.2.1-1', 13, 3], ['14', 14, 0], ['15.5-10', 15, 5], ['3.4.3.2.5', 3, 4],
    ['9.4_beautiful', 9, 4], ['11-1', 11, 0], ['18.4-standard-trixie', 18, 4],
  ])('FromTag(%s) = %d.%d', (tag, major, minor) => {
    expect(postgresVersionOfTag(tag)).toEqual({ major, minor });
  });

  test.each(['', '10.five', '11.old', 'latest', '18.100', 'v18'])('FromTag(%p) fails', (tag) => {
    expect(postgresVersionOfTag(tag)).toBeUndefined();
  });

  test('the webhook refuses latest, untagged and digest-only images, and tags without a version', () => {
    expect(cnpgImageTagProblem('ghcr.io/cloudnative-pg/postgresql:latest')).toMatch(/tag "latest"/);
    expect(cnpgImageTagProblem('ghcr.io/cloudnative-pg/postgresql')).toMatch(/no tag/);
    expect(cnpgImageTagProblem(`ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}`)).toMatch(/only a digest/);
    expect(cnpgImageTagProblem('ghcr.io/cloudnative-pg/postgresql:bookworm')).toMatch(/does not start with a PostgreSQL version/);
    expect(cnpgImageTagProblem(`ghcr.io/cloudnative-pg/postgresql:18.4@sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(cnpgImageTagProblem('registry:5000/pg:17.6-standard-trixie')).toBeUndefined();
  });
});

describe('parameter values as the Cluster webhook reads them', () => {
  test.each([
    ['1GB', 2 ** 30], ['80MB', 80 * 2 ** 20], ['1024', 1024 * 2 ** 20], ['128kB', 128 * 1024], ['1 GB', 2 ** 30], ['1.5GB', 1.5 * 2 ** 30],
    ['1TB', 2 ** 40], ['2048B', 2048],
  ])('parsePostgresQuantityValue(%s) = %d bytes', (value, bytes) => {
    expect(cnpgSizeBytes(value)).toBe(bytes);
  });

  test.each(['1gb', '1G', '1GiB', 'lots', '1PB', ''])('%p is not a size both read', (value) => {
    expect(cnpgSizeBytes(value)).toBeUndefined();
  });

  test('booleans: PostgreSQL\'s words and their unambiguous prefixes', () => {
    for (const v of ['on', 'ON', 'true', 'yes', '1', 't', 'tr', 'y']) expect(postgresBoolean(v)).toBe(true);
    for (const v of ['off', 'false', 'no', '0', 'of', 'f', 'n']) expect(postgresBoolean(v)).toBe(false);
    for (const v of ['o', 'enabled', '2', '']) expect(postgresBoolean(v)).toBeUndefined();
  });

  test('parameter names: one dot at most', () => {
    expect(CNPG_PARAMETER_NAME.test('pg_stat_statements.max')).toBe(true);
    expect(CNPG_PARAMETER_NAME.test('work_mem')).toBe(true);
    expect(CNPG_PARAMETER_NAME.test('a.b.c')).toBe(false);
    expect(CNPG_PARAMETER_NAME.test('bad name')).toBe(false);
  });

  test('sizes in the largest exact PostgreSQL unit', () => {
    expect(postgresSize(2 ** 30)).toBe('1GB');
    expect(postgresSize(1536 * 2 ** 20)).toBe('1536MB');
    expect(postgresSize(3 * 2 ** 40)).toBe('3TB');
  });
});

describe('names', () => {
  test('DNS-1035 labels start with a letter', () => {
    expect(isDns1035Label('orders')).toBe(true);
    expect(isDns1035Label('2024-orders')).toBe(false);
    expect(isDns1035Label('orders-')).toBe(false);
    expect(isDns1035Label('a'.repeat(51), 50)).toBe(false);
    expect(suggestDns1035Label('2024-orders')).toBe('orders-2024');
    expect(suggestDns1035Label('Orders_DB')).toBe('orders-db');
    expect(suggestDns1035Label('2024')).toBe('pg-2024');
    const errors = new ConfigErrors();
    checkDns1035Label(errors, 'name', '9db', 50);
    expect(errors.messages[0]).toMatch(/^name = "9db": is not a DNS label of the form Service names need.*Fix: use a name such as "pg-9db"$/);
  });

  test('bounded names keep a hash of what they cut, so long names stay apart', () => {
    expect(boundedName('short', 10)).toBe('short');
    const a = boundedName(`${'x'.repeat(60)}-team-a`, 52);
    const b = boundedName(`${'x'.repeat(60)}-team-b`, 52);
    expect(a.length).toBeLessThanOrEqual(52);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^x+-[0-9a-f]{8}$/);
    expect(labelSlug('Weekly_Backup!')).toBe('weekly-backup');
  });
});

describe('durations and sizes where the prop is given', () => {
  test('whole seconds: the error names the prop and gives a whole number', () => {
    const errors = new ConfigErrors();
    expect(wholeSeconds(errors, 'thresholds.lag', Duration.millis(2500))).toBeUndefined();
    expect(wholeSeconds(errors, 'ttl', Duration.seconds(90.5))).toBeUndefined();
    expect(wholeSeconds(errors, 'ttl', Duration.seconds(0), { min: 1 })).toBeUndefined();
    expect(wholeSeconds(errors, 'ttl', Duration.minutes(2), { min: 1, max: 60 })).toBeUndefined();
    expect(wholeSeconds(errors, 'ok', Duration.minutes(2))).toBe(120);
    expect(errors.messages).toEqual([
      'thresholds.lag = "2.5 seconds": must be a whole number of seconds: it is rendered as an integer number of seconds. Fix: use Duration.seconds(3)',
      'ttl = "90.5 seconds": must be a whole number of seconds: it is rendered as an integer number of seconds. Fix: use Duration.seconds(91)',
      'ttl = 0 seconds: must be at least 1 second. Fix: use Duration.seconds(1)',
      'ttl = 2 minutes: must be between 1 and 60 seconds. Fix: use Duration.seconds(60)',
    ]);
  });

  test('whole milliseconds and finite sizes', () => {
    const errors = new ConfigErrors();
    expect(wholeMilliseconds(errors, 'delay', Duration.millis(0.5))).toBeUndefined();
    expect(positiveMebibytes(errors, 'size', Size.gibibytes(Number.NaN), 'Size.gibibytes(1)')).toBeUndefined();
    expect(positiveMebibytes(errors, 'size', Size.kibibytes(1536), 'Size.gibibytes(1)')).toBe(1.5);
    expect(errors.messages.map((m) => m.split(':')[0])).toEqual(['delay = "0.5 ms"', 'size = NaNGi']);
  });
});
