/**
 * The neutral destination layout is Barman's: a real barman-cloud-wal-archive, given the
 * ObjectStore's destinationPath, endpoint and compression and the serverName the Cluster's
 * plugin entry carries, writes the WAL segment under `<path>/<serverName>/wals/` in a real
 * S3-compatible server (s3rver on 127.0.0.1). A Patroni engine that runs the same program
 * with the same values writes the same layout, which recovery and restore drills read.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArchiveDestination, ArchiveEncryption, WalCompression } from '../../lib';
import { S3RVER_ENV, S3rverHandle, startS3rver } from '../cli/archive/support/s3rver';
import { describeWithBinaries, findBinary } from '../support/binaries';
import { only, synth } from '../support/synth';
import { archivedCluster } from './fixtures';

jest.setTimeout(60_000);

function run(file: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as any).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

describeWithBinaries(['barman-cloud-wal-archive'], 'WAL archive layout with a real barman-cloud-wal-archive and s3rver', () => {
  let s3: S3rverHandle | undefined;
  let work: string | undefined;

  beforeAll(async () => {
    s3 = await startS3rver(['acme-pg-archive']);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-layout-'));
  });

  afterAll(async () => {
    await s3?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('a segment lands at <destinationPath>/<serverName>/wals/<timeline+log>/<segment>.gz', async () => {
    const manifests = synth((c) => archivedCluster(c, {
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', endpoint: s3!.endpoint }),
      walCompression: WalCompression.GZIP,
      encryption: ArchiveEncryption.AES256,
    }));
    const store = only(manifests, 'ObjectStore').spec.configuration;
    const plugin = only(manifests, 'Cluster').spec.plugins[0].parameters;

    const segment = path.join(work!, '000000010000000000000003');
    fs.writeFileSync(segment, Buffer.alloc(16 * 1024 * 1024, 7));
    const args = ['--endpoint-url', store.endpointURL, ...(store.wal.compression === 'gzip' ? ['--gzip'] : []),
      store.destinationPath, plugin.serverName, segment];
    const r = await run(findBinary('barman-cloud-wal-archive')!, args, S3RVER_ENV);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);

    const keys = filesUnder(path.join(s3!.directory, 'acme-pg-archive')).filter((k) => !k.includes('._S3rver_metadata'));
    expect(keys.map((k) => k.replace(/\._S3rver_object$/, ''))).toContain('prod/orders-db/wals/0000000100000000/000000010000000000000003.gz');
  });
});
