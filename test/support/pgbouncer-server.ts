/**
 * Throwaway real PgBouncer processes on 127.0.0.1, configured from the parameters a
 * PgBouncerPool emits, for tests.
 *
 * - `renderPgBouncerIni()` writes a pgbouncer.ini: the pool's parameters plus the local
 *   wiring (listen address and port, socket dir, pid and log files, auth, admin user,
 *   one database entry pointing at a real PostgreSQL).
 * - `startPgBouncer()` starts it daemonized (`-d`, so it is stopped by the PID in its
 *   pidfile, never by name) and waits until the admin console answers.
 * - `tryPgBouncerConfig()` starts it with a config and reports whether PgBouncer
 *   refused it (1.18 has no check-only mode: a bad config makes `-d` exit 1 before it
 *   daemonizes; a good one is started and stopped again).
 *
 * PgBouncer refuses to run as root: as root it runs through `runuser -u postgres --`
 * and its temp dir is chowned to `postgres`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findBinary } from './binaries';
import { alive, freePort, ownForPostgres, runProgram, sleep } from './processes';

export interface PgBouncerOptions {
  /** PgBouncer parameters (the pool's, plus `pool_mode`), written into `[pgbouncer]`. */
  readonly parameters: Record<string, string>;
  /** Port of the PostgreSQL server on 127.0.0.1 that the database entry points at. */
  readonly backendPort: number;
  /** Database name clients use (and on the server). */
  readonly database: string;
  /** userlist.txt lines: user → password secret as stored by PostgreSQL (SCRAM), never a plaintext password. */
  readonly users: Record<string, string>;
  /** Users allowed on the admin console (`pgbouncer` database). */
  readonly adminUser: string;
}

export interface PgBouncerServer {
  readonly port: number;
  /** Runs `sql` (`SHOW POOLS`…) on the admin console as the admin user. */
  admin(sql: string, password: string): Promise<Array<Record<string, string>>>;
  /** `SHOW CONFIG` as key → value. */
  showConfig(password: string): Promise<Record<string, string>>;
  /** Stops the daemon (SIGTERM: immediate shutdown) and removes its dir. Safe to call twice. */
  stop(): Promise<void>;
}

function binary(name: string): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} not found`);
  return found;
}

/** A pgbouncer.ini for `opts`, listening on 127.0.0.1:`port`, its files in `dir`. */
export function renderPgBouncerIni(opts: PgBouncerOptions, dir: string, port: number): string {
  const wiring: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: dir,
    pidfile: path.join(dir, 'pgbouncer.pid'),
    logfile: path.join(dir, 'pgbouncer.log'),
    auth_type: 'scram-sha-256',
    auth_file: path.join(dir, 'userlist.txt'),
    admin_users: opts.adminUser,
  };
  const lines = Object.entries({ ...opts.parameters, ...wiring }).map(([k, v]) => `${k} = ${v}`);
  return `[databases]\n${opts.database} = host=127.0.0.1 port=${opts.backendPort} dbname=${opts.database}\n\n[pgbouncer]\n${lines.join('\n')}\n`;
}

async function prepareDir(opts: PgBouncerOptions, port: number): Promise<{ dir: string; ini: string }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pgbouncer-test-'));
  const ini = path.join(dir, 'pgbouncer.ini');
  await fs.promises.writeFile(ini, renderPgBouncerIni(opts, dir, port));
  const userlist = Object.entries(opts.users).map(([u, secret]) => `"${u}" "${secret.replace(/"/g, '""')}"`).join('\n') + '\n';
  await fs.promises.writeFile(path.join(dir, 'userlist.txt'), userlist, { mode: 0o600 });
  ownForPostgres(dir);
  return { dir, ini };
}

/** Stops the daemon whose pidfile is in `dir` (waiting for the pidfile when it was started), then removes `dir`. */
async function stopDaemon(dir: string, started: boolean): Promise<void> {
  const readPid = async (): Promise<number> => Number((await fs.promises.readFile(path.join(dir, 'pgbouncer.pid'), 'utf8').catch(() => '')).trim());
  let pid = await readPid();
  for (let i = 0; started && !(pid > 0) && i < 60; i++) {
    await sleep(50);
    pid = await readPid();
  }
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await fs.promises.rm(dir, { recursive: true, force: true });
}

const SEPARATOR = '\x1f';

/** psql to 127.0.0.1:`port` with a password; rows as column → value (from psql's header line). Rejects on failure. */
export async function psql(port: number, user: string, password: string, database: string, sql: string): Promise<Array<Record<string, string>>> {
  const res = await runProgram(binary('psql'),
    ['-XAq', '-F', SEPARATOR, '-P', 'footer=off', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-c', sql],
    { env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' }, timeoutMs: 30_000 });
  if (res.code !== 0) throw new Error(`psql ${user}@${database}:${port} failed for ${JSON.stringify(sql)}: ${res.stderr.trim()}`);
  const [header, ...lines] = res.stdout.split('\n').filter((l) => l !== '');
  if (header === undefined) return [];
  const columns = header.split(SEPARATOR);
  return lines.map((l) => Object.fromEntries(l.split(SEPARATOR).map((v, i) => [columns[i], v])));
}

/** Starts PgBouncer with `opts`; rejects with its log when it does not come up. */
export async function startPgBouncer(opts: PgBouncerOptions, adminPassword: string): Promise<PgBouncerServer> {
  const port = await freePort();
  const { dir, ini } = await prepareDir(opts, port);
  let stopping: Promise<void> | undefined;
  let started = false;
  const stop = (): Promise<void> => (stopping ??= stopDaemon(dir, started));
  try {
    const res = await runProgram(binary('pgbouncer'), ['-d', ini], { asPostgres: true, timeoutMs: 10_000 });
    started = res.code === 0;
    if (res.code !== 0) throw new Error(`pgbouncer refused to start (exit ${res.code}): ${res.stderr.trim()}`);
    let lastError: unknown;
    for (let i = 0; i < 50; i++) {
      try {
        await psql(port, opts.adminUser, adminPassword, 'pgbouncer', 'SHOW VERSION');
        lastError = undefined;
        break;
      } catch (e) {
        lastError = e;
        await sleep(100);
      }
    }
    if (lastError) throw lastError;
  } catch (err) {
    const log = await fs.promises.readFile(path.join(dir, 'pgbouncer.log'), 'utf8').catch(() => '(no log)');
    await stop();
    throw new Error(`${(err as Error).message}\n--- pgbouncer log ---\n${log.trim().split('\n').slice(-20).join('\n')}`);
  }
  const admin = (sql: string, password: string): Promise<Array<Record<string, string>>> => psql(port, opts.adminUser, password, 'pgbouncer', sql);
  return {
    port,
    admin,
    async showConfig(password: string): Promise<Record<string, string>> {
      return Object.fromEntries((await admin('SHOW CONFIG', password)).map((row) => [row.key, row.value]));
    },
    stop,
  };
}

/**
 * Whether PgBouncer accepts `opts` at startup: `{ ok: false, errors }` with its own
 * messages when it refuses, `{ ok: true }` (after stopping it again) when it starts.
 */
export async function tryPgBouncerConfig(opts: PgBouncerOptions): Promise<{ ok: boolean; errors: string[] }> {
  const port = await freePort();
  const { dir, ini } = await prepareDir(opts, port);
  let started = false;
  try {
    const res = await runProgram(binary('pgbouncer'), ['-d', ini], { asPostgres: true, timeoutMs: 10_000 });
    started = res.code === 0;
    if (started) return { ok: true, errors: [] };
    const log = await fs.promises.readFile(path.join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
    const errors = `${res.stderr}\n${log}`.split('\n').filter((l) => /ERROR|FATAL/.test(l)).map((l) => l.replace(/^.*?(ERROR|FATAL)/, '$1'));
    return { ok: false, errors: [...new Set(errors)] };
  } finally {
    await stopDaemon(dir, started);
  }
}
