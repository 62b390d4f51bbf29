/**
 * Running the real programs the tests need (PostgreSQL, PgBouncer, Patroni, etcd, psql…)
 * on 127.0.0.1: as the postgres user when we are root (PostgreSQL and PgBouncer refuse to
 * run as root), with an environment free of PG*, PATRONI_* and ETCD* variables that would
 * redirect them; plus free ports, process liveness and polling.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { findBinary } from './binaries';

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

let cachedPostgresIds: { uid: number; gid: number } | undefined;

/** uid/gid of the postgres user when we are root (undefined otherwise); throws when root and there is no such user. */
export function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  if (cachedPostgresIds) return cachedPostgresIds;
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL, PgBouncer and Patroni as');
  const [, , uid, gid] = line.split(':');
  cachedPostgresIds = { uid: Number(uid), gid: Number(gid) };
  return cachedPostgresIds;
}

/** chown -R of each path to postgres when we are root (a no-op otherwise). */
export function ownForPostgres(...paths: string[]): void {
  const ids = postgresIds();
  if (!ids) return;
  const walk = (p: string) => {
    fs.chownSync(p, ids.uid, ids.gid);
    if (fs.statSync(p).isDirectory()) for (const c of fs.readdirSync(p)) walk(path.join(p, c));
  };
  for (const p of paths) walk(p);
}

/** The environment for child processes: ours without PG*, PATRONI_* and ETCD* variables, then `extra`. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PG') && !k.startsWith('PATRONI_') && !k.startsWith('ETCD')) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Run as the postgres user (through `runuser -u postgres --`) when we are root. */
  readonly asPostgres?: boolean;
  /** Working directory; os.tmpdir() when omitted. */
  readonly cwd?: string;
  /** Added to childEnv(). */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed after this long (and the promise rejects); 60 s when omitted. */
  readonly timeoutMs?: number;
}

/**
 * Runs a program; resolves with its exit code and output (never rejects for a non-zero
 * exit). Rejects when it cannot be started (ENOENT, EACCES…) or times out.
 */
export function runProgram(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, argv] = opts.asPostgres && isRoot()
    ? [findBinary('runuser') ?? 'runuser', ['-u', 'postgres', '--', file, ...args]]
    : [file, args];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { cwd: opts.cwd ?? os.tmpdir(), env: childEnv(opts.env), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          // spawn failure (ENOENT, EACCES…), not an exit status
          reject(new Error(`could not run ${cmd}: ${error.message}`));
          return;
        }
        if (error && error.killed) {
          reject(new Error(`${path.basename(file)} timed out (killed by ${error.signal ?? 'timeout'}): ${stderr.trim()}`));
          return;
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** Spawns `file args` with stdout+stderr appended to `logFile`, as postgres when root. */
export function spawnLogged(file: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = {}, asPostgres = true): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  const ids = asPostgres ? postgresIds() : undefined;
  const child = spawn(file, args, {
    stdio: ['ignore', fd, fd],
    env: childEnv(env),
    cwd: path.dirname(logFile),
    ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
  });
  fs.closeSync(fd);
  child.on('error', () => undefined);
  return child;
}

/** Direct children of `pid`, from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process is gone
    }
  }
  return out;
}

/** The postmaster pid of `dataDir`, or undefined when it has none. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** kill -9 of each pid (ignores the ones already gone). */
export function killHard(pids: Array<number | undefined>): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** True while a process with `pid` exists (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** An HTTP request to 127.0.0.1; resolves with the status (0 when refused) and body. */
export function httpRequest(port: number, method: string, urlPath: string, body?: any, auth?: string, timeoutMs = 1000):
Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: '127.0.0.1', port, method, path: urlPath, timeout: timeoutMs,
      headers: {
        ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
        ...(auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    if (data) req.write(data);
    req.end();
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
