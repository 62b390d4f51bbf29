/**
 * A real S3-compatible server (s3rver 3) on 127.0.0.1 for the archive tool's tests, in a child
 * process started with `node --openssl-legacy-provider`: on Node 20 s3rver's continuation tokens
 * (DES) need the legacy provider, without it paginated ListObjectsV2 answers HTTP 500.
 * s3rver checks only the access key id (`S3RVER`).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { CliRun } from '../../../support/cli';
import { freePort } from '../../../support/processes';

export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1' };

const ROOT = path.resolve(__dirname, '../../../..');

export interface S3rverHandle {
  readonly endpoint: string;
  readonly port: number;
  /** s3rver's data directory (objects are files; their mtime is the LastModified). */
  readonly directory: string;
  stop(): Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

export async function startS3rver(buckets: string[] = []): Promise<S3rverHandle> {
  const directory = await fs.promises.mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const port = await freePort();
  const bin = require.resolve('s3rver/bin/s3rver.js', { paths: [ROOT] });
  const args = ['--openssl-legacy-provider', bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent'];
  for (const b of buckets) args.push('--configure-bucket', b);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 3000); })]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await fs.promises.rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`s3rver did not start on port ${port}: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { endpoint: `http://127.0.0.1:${port}`, port, directory, stop };
}

/** Runs the real CLI from source in its own process (`ts-node --swc lib/cli/main.ts …`). */
export function spawnCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const tsNode = path.join(ROOT, 'node_modules/.bin/ts-node');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, AWS_EC2_METADATA_DISABLED: 'true' };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    execFile(tsNode, ['--swc', path.join(ROOT, 'lib/cli/main.ts'), ...args], { cwd: ROOT, env: childEnv, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') { reject(error); return; }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
  });
}

