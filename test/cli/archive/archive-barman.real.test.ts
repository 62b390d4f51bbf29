/**
 * `archive inspect` on a real Barman Cloud layout: a real PostgreSQL 15 archives its WAL with
 * barman-cloud-wal-archive into s3rver, barman-cloud-backup takes a base backup, and the tool
 * must find the backup, the WAL, the window and no gap; then one WAL object is deleted and
 * the gap must be reported (exit 3).
 */
import { execFile } from 'child_process';
import { DeleteObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { describeWithBinaries, findBinary } from '../../support/binaries';
import { PgServer, startPostgres } from '../../support/postgres-server';
import { S3RVER_ENV, S3rverHandle, startS3rver } from './support/s3rver';
import { runCli } from '../../support/cli';

const BUCKET = 'pg-real';
const PREFIX = 'real';
const SERVER = 'pgsrv';
const ENV_PREFIX = Object.entries(S3RVER_ENV).map(([k, v]) => `${k}=${v}`);

jest.setTimeout(90_000);

function run(file: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: '/tmp', timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') { reject(err); return; }
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs a barman-cloud program as postgres (it reads PGDATA) with the s3rver credentials. */
function barman(program: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = findBinary(program)!;
  const asRoot = process.getuid?.() === 0;
  return asRoot
    ? run(findBinary('runuser')!, ['-u', 'postgres', '--', 'env', ...ENV_PREFIX, bin, ...args])
    : run('env', [...ENV_PREFIX, bin, ...args]);
}

describeWithBinaries(['postgres', 'barman-cloud-wal-archive', 'barman-cloud-backup', 'barman-cloud-backup-list'],
  'archive inspect on a real barman-cloud archive (PostgreSQL 15 → s3rver)', () => {
    let s3rver: S3rverHandle | undefined;
    let pg: PgServer | undefined;
    let client: S3Client | undefined;
    const savedEnv = { ...process.env };

    beforeAll(async () => {
      s3rver = await startS3rver([BUCKET]);
      Object.assign(process.env, S3RVER_ENV, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
      client = new S3Client({ region: 'us-east-1', endpoint: s3rver.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const archiveCommand = [...ENV_PREFIX, findBinary('barman-cloud-wal-archive')!, '--gzip',
        '--endpoint-url', s3rver.endpoint, `s3://${BUCKET}/${PREFIX}`, SERVER, '%p'].join(' ');
      pg = await startPostgres({ parameters: { archive_mode: 'on', archive_command: archiveCommand, wal_level: 'replica' } });
    });

    afterAll(async () => {
      client?.destroy();
      await pg?.stop();
      await s3rver?.stop();
      process.env = savedEnv;
    });

    /** Writes something, switches WAL `times` times, and waits until all of it is archived. */
    async function switchAndWaitArchived(times: number): Promise<string> {
      let last = '';
      for (let i = 0; i < times; i++) {
        await pg!.query(`CREATE TABLE IF NOT EXISTS t (i int); INSERT INTO t VALUES (${i})`);
        last = await pg!.query('SELECT pg_walfile_name(pg_switch_wal())');
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [archived, failed] = (await pg!.query('SELECT coalesce(last_archived_wal, \'\'), failed_count FROM pg_stat_archiver')).split('|');
        if (archived >= last) return last;
        if (Date.now() > deadline) throw new Error(`WAL ${last} not archived after 30 s (last archived ${archived}, ${failed} failures)`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    async function walKeys(): Promise<string[]> {
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: client! }, { Bucket: BUCKET, Prefix: `${PREFIX}/${SERVER}/wals/` })) {
        for (const o of page.Contents ?? []) keys.push(o.Key!);
      }
      return keys.filter((k) => /\/[0-9A-F]{24}\.gz$/.test(k)).sort();
    }

    test('finds the backup, the WAL and the recoverable window, no gap; a deleted WAL object is a gap (exit 3)', async () => {
      // (each archived segment costs a barman-cloud-wal-archive process, ~0.7 s: switch no more than needed)
      const backup = await barman('barman-cloud-backup', ['--endpoint-url', s3rver!.endpoint, '--immediate-checkpoint',
        '-h', '127.0.0.1', '-p', String(pg!.port), '-U', 'postgres', '-d', 'postgres', `s3://${BUCKET}/${PREFIX}`, SERVER]);
      expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      // two segments after the backup's end_wal: the first is deleted below, the second stays the newest
      const newest = await switchAndWaitArchived(2);

      const listed = await barman('barman-cloud-backup-list', ['--format', 'json', '--endpoint-url', s3rver!.endpoint, `s3://${BUCKET}/${PREFIX}`, SERVER]);
      const barmanBackups = JSON.parse(listed.stdout).backups_list as Array<Record<string, string>>;
      expect(barmanBackups).toHaveLength(1);

      const ok = await runCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, SERVER, '--endpoint-url', s3rver!.endpoint, '--json']);
      const report = JSON.parse(ok.stdout);
      expect({ code: ok.code, status: report.status, gaps: report.gaps, problems: report.problems, stale: report.stale })
        .toEqual({ code: 0, status: 'ok', gaps: [], problems: [], stale: [] });
      expect(report.backups).toHaveLength(1);
      const [b] = report.backups;
      expect(b).toMatchObject({
        backupId: barmanBackups[0].backup_id,
        status: 'DONE',
        timeline: 1,
        beginWal: barmanBackups[0].begin_wal,
        endWal: barmanBackups[0].end_wal,
        usable: true,
      });
      expect(report.timelines).toEqual([1]);
      expect(report.newestWal.name).toBe(newest);
      expect(report.recoverableWindow.first).toBe(b.endTime);
      expect(Date.parse(report.recoverableWindow.last)).toBeGreaterThanOrEqual(Date.parse(b.endTime) - 1000);
      expect(report.newestBackup.ageSeconds).toBeLessThan(120);
      expect(report.newestWal.ageSeconds).toBeLessThan(120);

      // delete a segment after the backup's end, before the newest one
      const keys = await walKeys();
      const names = keys.map((k) => k.slice(-27, -3));
      const victimIndex = names.findIndex((n) => n > b.endWal && n < newest);
      expect(victimIndex).toBeGreaterThan(0);
      await client!.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[victimIndex] }));

      const gap = await runCli(['archive', 'inspect', `s3://${BUCKET}/${PREFIX}`, SERVER, '--endpoint-url', s3rver!.endpoint, '--json']);
      expect(gap.code).toBe(3);
      const gapReport = JSON.parse(gap.stdout);
      expect(gapReport.gaps).toEqual([{ firstMissing: names[victimIndex], lastMissing: names[victimIndex], missingSegments: 1 }]);
      expect(gapReport.backups[0].usable).toBe(true); // restorable up to the gap
      expect(gap.stderr).toContain(`error: the archive cannot be restored without loss: WAL segment ${names[victimIndex]} is missing`);
    });
  });
