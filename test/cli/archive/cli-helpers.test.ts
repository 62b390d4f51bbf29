import { InvalidArgumentError } from 'commander';
import { CliError } from '../../../lib/cli/cli-error';
import { connectionFrom, parseDurationOption, parsePositiveIntOption } from '../../../lib/cli/archive/options';
import { ListingProgress } from '../../../lib/cli/archive/progress';
import { toCliError } from '../../../lib/cli/archive/s3-errors';
import { parseS3Location, serverFolder } from '../../../lib/cli/archive/s3-location';

describe('ListingProgress', () => {
  test('prints after `every` more objects and at most once per interval, then a summary', () => {
    let now = 0;
    const lines: string[] = [];
    const p = new ListingProgress({ every: 1000, intervalMs: 1000, write: (l) => lines.push(l), clock: () => now });
    now = 500; p.update(1000); // too soon
    now = 1100; p.update(2000); // printed
    now = 1200; p.update(3000); // too soon again
    now = 2300; p.update(3500); // only 1500 more: printed
    now = 2400; p.update(3900);
    now = 3500; p.update(4000); // 500 more since the last line: not printed
    now = 4000; p.finish(4000, 4);
    expect(lines).toEqual(['listed 2000 objects…', 'listed 3500 objects…', 'listed 4000 objects in 4 pages (4.0 s)']);
  });

  test('a small listing stays quiet', () => {
    const lines: string[] = [];
    const p = new ListingProgress({ every: 1000, intervalMs: 0, write: (l) => lines.push(l) });
    p.update(12);
    p.finish(12, 1);
    expect(lines).toEqual([]);
  });
});

describe('option parsing', () => {
  test('durations use the ms syntax; nonsense is a usage error with a fix', () => {
    expect(parseDurationOption('26h')).toBe(26 * 3600_000);
    expect(parseDurationOption('10m')).toBe(600_000);
    expect(parseDurationOption('0s')).toBe(0);
    expect(() => parseDurationOption('soon')).toThrow(InvalidArgumentError);
    expect(() => parseDurationOption('-5m')).toThrow('"-5m" is not a duration. Fix: write e.g. 90s, 10m, 26h or 7d');
    expect(parsePositiveIntOption('30')).toBe(30);
    expect(() => parsePositiveIntOption('0')).toThrow(InvalidArgumentError);
    expect(() => parsePositiveIntOption('3.5')).toThrow(/not a positive whole number/);
  });

  test('path-style URLs default on with a custom endpoint, off for AWS, and can be turned off', () => {
    expect(connectionFrom({}).forcePathStyle).toBe(false);
    expect(connectionFrom({ endpointUrl: 'http://127.0.0.1:9000' }).forcePathStyle).toBe(true);
    expect(connectionFrom({ endpointUrl: 'http://minio:9000', forcePathStyle: false }).forcePathStyle).toBe(false);
  });

  test('s3:// destinations and bucket names', () => {
    expect(parseS3Location('s3://pg-wal/clusters/prod/', 'destination')).toEqual({ bucket: 'pg-wal', prefix: 'clusters/prod' });
    expect(serverFolder(parseS3Location('s3://pg-wal', 'destination'), 'db')).toBe('db/');
    expect(serverFolder(parseS3Location('s3://pg-wal/x', 'destination'), 'db')).toBe('x/db/');
    expect(parseS3Location('pg-wal', 'bucket', true)).toEqual({ bucket: 'pg-wal', prefix: '' });
    expect(() => parseS3Location('pg-wal/x', 'destination')).toThrow('destination "pg-wal/x" is not an s3:// URL. Fix: write s3://<bucket>/<prefix>');
    expect(() => parseS3Location('s3://PG_WAL/x', 'destination')).toThrow(/"PG_WAL" is not a valid S3 bucket name/);
    // The constructs' rules, not a looser copy: adjacent periods, IP-shaped names, reserved prefixes.
    expect(() => parseS3Location('s3://pg..wal/x', 'destination')).toThrow(/not a valid S3 bucket name: it must not contain two adjacent periods/);
    expect(() => parseS3Location('10.0.0.1', 'bucket', true)).toThrow(/must not be formatted as an IP address/);
    expect(() => parseS3Location('s3://xn--pg-wal', 'destination')).toThrow(/reserved prefix "xn--"/);
  });
});

describe('toCliError', () => {
  const conn = { endpointUrl: 'https://s3.example.com' };
  const withStatus = (name: string, status: number): Error => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  test('network failures name the endpoint, even when nested in `cause`', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND s3.example.com'), { code: 'ENOTFOUND' });
    expect(toCliError(dns, 'ListObjectsV2', 'b', conn).message).toBe('cannot reach https://s3.example.com (ENOTFOUND) for ListObjectsV2. Fix: check --endpoint-url, the network and TLS');
    const nested = Object.assign(new Error('socket'), { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) });
    expect(toCliError(nested, 'HeadBucket', 'b', {}).message).toMatch(/^cannot reach the AWS S3 endpoint of region .* \(ECONNRESET\)/);
  });

  test('missing bucket, credentials, access denied, and the rest', () => {
    expect(toCliError(withStatus('NoSuchBucket', 404), 'ListObjectsV2', 'b1', conn).message)
      .toBe('bucket b1 does not exist at https://s3.example.com (create it with `ha-postgres archive ensure-bucket b1`)');
    expect(toCliError(withStatus('SignatureDoesNotMatch', 403), 'ListObjectsV2', 'b1', conn).message).toMatch(/^the endpoint rejected the credentials \(SignatureDoesNotMatch\)/);
    expect(toCliError(withStatus('Unknown', 403), 'HeadBucket', 'b1', conn).message).toMatch(/^access denied \(HTTP 403\) for HeadBucket on bucket b1 with /);
    expect(toCliError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'HeadBucket', 'b', conn).message)
      .toMatch(/^no AWS credentials found. Fix:/);
    const other = toCliError(withStatus('SlowDown', 503), 'ListObjectsV2', 'b1', conn);
    expect(other).toBeInstanceOf(CliError);
    expect(other.message).toBe('ListObjectsV2 on bucket b1 failed (HTTP 503 SlowDown)');
  });
});
