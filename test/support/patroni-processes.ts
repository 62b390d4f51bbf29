/**
 * Starting and killing the real programs of the Patroni drill (etcd, Patroni with
 * PostgreSQL) on 127.0.0.1, as the postgres user when we are root.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** uid/gid of the postgres user (PostgreSQL refuses to run as root). */
export function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** chown -R to postgres when root. */
export function ownForPostgres(dir: string): void {
  const ids = postgresIds();
  if (!ids) return;
  const walk = (p: string) => {
    fs.chownSync(p, ids.uid, ids.gid);
    if (fs.statSync(p).isDirectory()) for (const c of fs.readdirSync(p)) walk(path.join(p, c));
  };
  walk(dir);
}

function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PG') && !k.startsWith('PATRONI_') && !k.startsWith('ETCD')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Spawns `file args` with stdout+stderr appended to `logFile`, as postgres when root. */
export function spawnLogged(file: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = {}, asPostgres = true): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  const ids = asPostgres ? postgresIds() : undefined;
  const child = spawn(file, args, {
    stdio: ['ignore', fd, fd],
    env: cleanEnv(env),
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
