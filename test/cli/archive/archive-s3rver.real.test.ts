/**
 * The archive tool over real HTTP against s3rver (an S3-compatible server started here on
 * 127.0.0.1): bucket creation and idempotence, pagination over >1,000 objects with progress,
 * gap and stale detection, and clean one-line errors from the real CLI process.
 */
import { gzipSync } from 'zlib';
import { DeleteObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { backupInfoText, seg, walKey } from './support/barman-fixture';
import { S3RVER_ENV, S3rverHandle, spawnCli, startS3rver } from './support/s3rver';
import { freePort } from '../../support/processes';
import { runCli } from '../../support/cli';

const BUCKET = 'pg-archive';
const PREFIX = 'clusters';
const SERVER = 'orders-db';
// Segments 2 … 1101, four log boundaries (…FF → next log). s3rver stores ~170 objects/s, so the
// count stays just above 1,000 and --page-size 400 makes the paginator fetch three pages.
const SEGMENTS = 1100;
const PAGE_SIZE = '400';
const FIRST_SEG = 2;

jest.setTimeout(60_000);

let s3rver: S3rverHandle;
let client: S3Client;
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3rver = await startS3rver();
  Object.assign(process.env, S3RVER_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  client = new S3Client({ region: 'us-east-1', endpoint: s3rver.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  process.env = savedEnv;
});

const endpointArgs = (): string[] => ['--endpoint-url', s3rver.endpoint];
const inspectArgs = (...extra: string[]): string[] =>
  ['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, SERVER, ...endpointArgs(), '--json', ...extra];

async function putAll(items: Array<{ key: string; body: string | Buffer }>, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const { key, body } = items[next++];
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('archive tool against s3rver over HTTP', () => {
  let uploadedAt = 0;

  test('ensure-bucket creates the bucket, reports each setting s3rver lacks, and is idempotent', async () => {
    const dryRun = await runCli(['archive', 'ensure-bucket', BUCKET, ...endpointArgs(), '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/^bucket: would apply \(dry run\) \(create pg-archive\)$/m);
    await expect(client.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });

    const first = await runCli(['archive', 'ensure-bucket', BUCKET, ...endpointArgs()]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`bucket: created (${BUCKET} in us-east-1)`);
    expect(first.stdout).toContain('versioning: not supported by this endpoint (PutBucketVersioning answered HTTP 409 BucketAlreadyExists)');
    expect(first.stdout).toContain('encryption: not supported by this endpoint (PutBucketEncryption answered HTTP 501 NotImplemented)');
    expect(first.stdout).toContain('lifecycle: not supported by this endpoint (PutBucketLifecycleConfiguration answered HTTP 501 NotImplemented)');
    expect(first.stdout).toMatch(/^public-access-block: not supported by this endpoint/m);
    expect(first.stdout).toContain(`${BUCKET}: 1 change(s)`);
    expect(first.stderr).toMatch(/^warning: .* does not implement versioning, encryption, public-access-block, lifecycle/);
    await expect(client.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();

    const second = await runCli(['archive', 'ensure-bucket', `s3://${BUCKET}`, ...endpointArgs(), '--json']);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.settings[0]).toEqual({ setting: 'bucket', outcome: 'already set', detail: `${BUCKET} exists` });
    expect(report.settings.filter((s: any) => s.outcome === 'applied' || s.outcome === 'created')).toEqual([]);

    const strict = await runCli(['archive', 'ensure-bucket', BUCKET, ...endpointArgs(), '--strict']);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toMatch(/^error: .* does not implement versioning/m);
  });

  test(`inspect paginates over ${SEGMENTS + 2} objects with progress on stderr and a clean JSON report on stdout`, async () => {
    const endTime = new Date(Date.now() - 3600_000);
    const items = [
      { key: `${PREFIX}/${SERVER}/base/20261130T000000/backup.info`, body: backupInfoText({ id: 'b', tli: 1, beginSegNo: FIRST_SEG, endSegNo: FIRST_SEG + 1, endTime }) },
      { key: `${PREFIX}/${SERVER}/base/20261130T000000/data.tar`, body: 'tar' },
      ...Array.from({ length: SEGMENTS }, (_, i) => ({ key: `${PREFIX}/${SERVER}/${walKey(seg(1, FIRST_SEG + i), '.gz')}`, body: 'w' })),
      { key: `${PREFIX}/other-server/${walKey(seg(1, 1))}`, body: 'not ours' },
    ];
    await putAll(items);
    uploadedAt = Date.now();

    const run = await runCli(inspectArgs('--page-size', PAGE_SIZE, '--progress-every', PAGE_SIZE, '--progress-interval', '0s'));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout); // stdout is only the report
    expect(report).toMatchObject({
      status: 'ok',
      exitCode: 0,
      objectsListed: SEGMENTS + 2,
      pages: 3,
      walSegments: SEGMENTS,
      oldestWal: seg(1, FIRST_SEG),
      gaps: [],
      problems: [],
      stale: [],
      timelines: [1],
    });
    expect(report.newestWal.name).toBe(seg(1, FIRST_SEG + SEGMENTS - 1));
    expect(seg(1, FIRST_SEG + SEGMENTS - 1)).toBe('00000001000000040000004D');
    expect(report.recoverableWindow.first).toBe(endTime.toISOString());
    expect(Date.parse(report.recoverableWindow.last)).toBeGreaterThan(endTime.getTime());
    expect(report.newestBackup.ageSeconds).toBeGreaterThanOrEqual(3600);
    expect(report.newestWal.ageSeconds).toBeLessThan(60);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('listed '))).toEqual([
      'listed 400 objects…',
      'listed 800 objects…',
      expect.stringMatching(/^listed 1102 objects in 3 pages \(\d+\.\d s\)$/),
    ]);
  });

  test('stale: an old base backup, or no WAL for longer than --max-wal-age, exits 2', async () => {
    const oldBackup = await runCli(inspectArgs('--max-backup-age', '30m', '--quiet'));
    expect(oldBackup.code).toBe(2);
    expect(JSON.parse(oldBackup.stdout).stale).toEqual([expect.stringMatching(/^the newest base backup 20261130T000000 is 1h old, more than --max-backup-age 30m$/)]);
    expect(oldBackup.stderr).toMatch(/^error: the archive is stale: the newest base backup/);
    expect(oldBackup.stderr).not.toMatch(/listed/); // --quiet

    // LastModified has one-second precision: wait until the newest WAL is surely older than 2 s
    const wait = uploadedAt + 3000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const oldWal = await runCli(inspectArgs('--max-wal-age', '2s', '--quiet'));
    expect(oldWal.code).toBe(2);
    expect(JSON.parse(oldWal.stdout).stale).toEqual([expect.stringMatching(`^the newest WAL segment [0-9A-F]{24} was archived \\d+s ago, more than --max-wal-age 2s$`)]);
  });

  test('a deleted segment in the middle is reported as a gap with exit 3', async () => {
    const missing = seg(1, 700);
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${SERVER}/${walKey(missing, '.gz')}` }));
    const run = await runCli(inspectArgs('--quiet'));
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout);
    expect(report.status).toBe('gap');
    expect(report.gaps).toEqual([{ firstMissing: missing, lastMissing: missing, missingSegments: 1 }]);
    expect(report.walSegments).toBe(SEGMENTS - 1);
    expect(run.stderr.trim()).toBe(`error: the archive cannot be restored without loss: WAL segment ${missing} is missing`);

    const text = await runCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, SERVER, ...endpointArgs(), '--quiet']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain(`PROBLEM: WAL segment ${missing} is missing`);
    expect(text.stdout).toMatch(/^status: GAP$/m);
    expect(text.stdout).toContain(`  timeline 1: ${SEGMENTS - 1} segments, ${seg(1, FIRST_SEG)} … ${seg(1, FIRST_SEG + SEGMENTS - 1)}\n`);
  });

  test('a timeline switch with a gzipped .history file is followed, not reported as a gap', async () => {
    const folder = `${PREFIX}/switched`;
    const items: Array<{ key: string; body: string | Buffer }> = [
      { key: `${folder}/base/b1/backup.info`, body: backupInfoText({ id: 'b1', tli: 1, beginSegNo: 2, endSegNo: 3, endTime: new Date(Date.now() - 60_000) }) },
      { key: `${folder}/base/b1/data.tar.gz`, body: 'tar' },
      // promotion at 0/8000028: TL1 keeps 2…7 (and 8 only as .partial), TL2 starts with segment 8
      ...[2, 3, 4, 5, 6, 7].map((n) => ({ key: `${folder}/${walKey(seg(1, n), '.gz')}`, body: 'w' })),
      { key: `${folder}/${walKey(seg(1, 8), '.partial.gz')}`, body: 'w' },
      ...[8, 9, 10].map((n) => ({ key: `${folder}/${walKey(seg(2, n), '.gz')}`, body: 'w' })),
      { key: `${folder}/wals/00000002.history.gz`, body: gzipSync('1\t0/8000028\tno recovery target specified\n') },
    ];
    await putAll(items);
    const run = await runCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, 'switched', ...endpointArgs(), '--json']);
    const report = JSON.parse(run.stdout);
    expect(run.code).toBe(0);
    expect(report).toMatchObject({ status: 'ok', timelines: [1, 2], targetTimeline: 2, gaps: [], problems: [], notes: [] });
    expect(report.perTimeline).toEqual([
      { timeline: 1, segments: 6, first: seg(1, 2), last: seg(1, 7) },
      { timeline: 2, segments: 3, first: seg(2, 8), last: seg(2, 10) },
    ]);
    expect(report.newestWal.name).toBe(seg(2, 10));
    expect(report.backups[0].usable).toBe(true);

    // without the history file recovery cannot follow timeline 2: exit 3
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${folder}/wals/00000002.history.gz` }));
    const noHistory = await runCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, 'switched', ...endpointArgs(), '--json']);
    expect(noHistory.code).toBe(3);
    expect(JSON.parse(noHistory.stdout).problems).toEqual(['timeline history file 00000002.history is missing: recovery cannot follow timeline 2']);
  });

  test('the real CLI process: wrong credentials, missing bucket, wrong endpoint → one line, exit 1, no stack trace; gap → exit 3', async () => {
    const closedPort = await freePort();
    const [wrongKey, noBucket, noServer, gap] = await Promise.all([
      spawnCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, SERVER, ...endpointArgs()], { ...S3RVER_ENV, AWS_ACCESS_KEY_ID: 'AKIAWRONGKEY0000' }),
      spawnCli(['archive', 'inspect', 's3://no-such-bucket/x', SERVER, ...endpointArgs()], S3RVER_ENV),
      spawnCli(['archive', 'ensure-bucket', BUCKET, '--endpoint-url', `http://127.0.0.1:${closedPort}`], S3RVER_ENV),
      spawnCli(inspectArgs('--quiet'), S3RVER_ENV),
    ]);
    for (const run of [wrongKey, noBucket, noServer]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(wrongKey.stderr).toBe('error: the endpoint rejected the credentials (InvalidAccessKeyId) for ListObjectsV2 on bucket pg-archive: '
      + 'access key id AKIA…0000 from the AWS_ACCESS_KEY_ID environment variable. Fix: check the access key id and secret\n');
    expect(noBucket.stderr).toBe(`error: bucket no-such-bucket does not exist at ${s3rver.endpoint} (create it with \`ha-postgres archive ensure-bucket no-such-bucket\`)\n`);
    expect(noServer.stderr).toBe(`error: cannot reach http://127.0.0.1:${closedPort} (ECONNREFUSED) for HeadBucket. Fix: check --endpoint-url, the network and TLS\n`);
    expect(gap.code).toBe(3);
    expect(JSON.parse(gap.stdout).status).toBe('gap');
    expect(gap.stderr).not.toMatch(/^\s+at /m);
  });
});
