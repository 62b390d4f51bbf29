/**
 * Throwaway real PostgreSQL servers, and PostgreSQL's own configuration
 * parser, for tests that check the settings this library renders.
 *
 * - `startPostgres()` gives each server a fresh initdb'ed cluster in its own
 *   temp dir (a copy of a cached initdb output, see initdbTemplate), writes
 *   the parameters into a file included from postgresql.conf, and starts the
 *   server on 127.0.0.1 on a free port. Start failures reject with the tail
 *   of the server log, so a bad parameter shows PostgreSQL's own message.
 * - `checkConfig()` validates a parameter set without a data directory
 *   (`postgres --config-file=… -C data_directory`, tens of milliseconds). It
 *   does not see cross-parameter rules (e.g. wal_level=minimal with
 *   max_wal_senders > 0), nor, once it meets an unrecognized parameter, the
 *   invalid values after it; a real start does.
 *
 * PostgreSQL refuses to run as root: when the test process is root, server
 * programs run through `runuser -u postgres --` and the temp dirs are chowned
 * to the `postgres` user.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { findBinary } from './binaries';
import { embeddedPostgres } from './embedded-postgres';
import { freePort, ownForPostgres, runProgram, RunResult } from './processes';

export interface StartPostgresOptions {
  /** Server parameters, written as `name = 'value'` lines (values quoted and escaped for postgresql.conf). */
  readonly parameters?: Record<string, string>;
  /** TCP port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** Raw text appended after the parameters, in the same included file. */
  readonly extraConf?: string;
  /** pg_hba.conf lines, placed before initdb's `trust` lines (so they match first). */
  readonly hba?: string[];
  /**
   * The PostgreSQL major to run, from the embedded test packages (test/support/embedded-postgres.ts).
   * Omitted: the Debian installation found on the system (PostgreSQL 15 here).
   */
  readonly major?: number;
}

export interface PgSetting {
  readonly setting: string;
  readonly unit: string | null;
  readonly source: string;
}

export interface PgServer {
  readonly port: number;
  readonly dataDir: string;
  /** Runs `psql -XAtq -h 127.0.0.1 -p port -U postgres -d postgres -c sql`; resolves with trimmed stdout, rejects with stderr. */
  query(sql: string): Promise<string>;
  /** `SHOW name`, as the server prints it (e.g. `10GB`, `30s`, `256MB`). */
  show(name: string): Promise<string>;
  /** Rows of pg_settings for `names`, keyed by the names as given; rejects when one is unknown to the server. */
  settings(names: string[]): Promise<Record<string, PgSetting>>;
  /** `pg_ctl stop -m fast`, then removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface ConfigCheckResult {
  readonly ok: boolean;
  /** PostgreSQL's messages, without timestamp prefix, e.g. `invalid value for parameter "wal_level": "bogus"`. */
  readonly errors: string[];
}

// ---------------------------------------------------------------------------
// postgresql.conf syntax

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/;

/** Parameters the server helper sets itself (use `port` in the options). */
const RESERVED_PARAMETERS = new Set(['listen_addresses', 'port', 'unix_socket_directories']);

function assertParamName(name: string): void {
  if (!PARAM_NAME.test(name)) {
    throw new Error(`invalid PostgreSQL parameter name: ${JSON.stringify(name)}`);
  }
}

/**
 * A value quoted for postgresql.conf: single quotes, `'` doubled, backslash
 * and line breaks escaped (the quoted-string scanner forbids raw newlines and
 * treats backslash as an escape).
 */
export function quoteConfValue(value: string): string {
  if (value.includes('\0')) throw new Error('PostgreSQL parameter values cannot contain NUL characters');
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "''")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
  return `'${escaped}'`;
}

/** `name = 'value'` lines for postgresql.conf. */
function renderConf(parameters: Record<string, string>): string {
  return Object.entries(parameters)
    .map(([name, value]) => {
      assertParamName(name);
      return `${name} = ${quoteConfValue(String(value))}\n`;
    })
    .join('');
}

// ---------------------------------------------------------------------------
// processes

interface PgBinaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pgCtl: string;
  readonly psql: string;
}

let cachedBinaries: PgBinaries | undefined;

/**
 * postgres, initdb, pg_ctl and psql, taken from one installation where possible so their
 * versions match; for a `major`, the embedded package's server programs and Debian's psql.
 */
function pgBinaries(major?: number): PgBinaries {
  if (major !== undefined) {
    const e = embeddedPostgres(major);
    const psql = findBinary('psql');
    if (!psql) throw new Error('psql binary not found; run `bash scripts/ensure-test-deps.sh`');
    return { postgres: e.postgres, initdb: e.initdb, pgCtl: e.pgCtl, psql };
  }
  if (cachedBinaries) return cachedBinaries;
  const postgres = findBinary('postgres');
  if (!postgres) throw new Error('postgres binary not found; run `bash scripts/ensure-test-deps.sh`');
  const binDir = path.dirname(fs.realpathSync(postgres));
  const sibling = (name: string): string => {
    const candidate = path.join(binDir, name);
    if (fs.existsSync(candidate)) return candidate;
    const found = findBinary(name);
    if (!found) throw new Error(`${name} binary not found; run \`bash scripts/ensure-test-deps.sh\``);
    return found;
  };
  cachedBinaries = { postgres, initdb: sibling('initdb'), pgCtl: sibling('pg_ctl'), psql: sibling('psql') };
  return cachedBinaries;
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    const text = await fs.promises.readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** Makes a temp dir under os.tmpdir(), owned by postgres when we are root. */
async function makeTempDir(prefix: string): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
  ownForPostgres(dir);
  return dir;
}

// ---------------------------------------------------------------------------
// initdb template

const INITDB_ARGS = ['--auth-local=trust', '--auth-host=trust', '-U', 'postgres', '--data-checksums', '-E', 'UTF8', '--locale=C', '--no-sync'];

const templatePromises = new Map<string, Promise<string>>();

/**
 * The data dir of a freshly initdb'ed cluster, cached under os.tmpdir() as
 * `pgtest-initdb-<hash>/data` (keyed by the initdb binary, its size and mtime,
 * the arguments and the user; about 40 MB; kept across runs and shared by
 * jest workers) and copied with `cp -a` for each server: ~0.3 s instead of
 * ~1.5 s for initdb. All servers so share a system identifier, as a primary
 * and its base-backup standby do. Delete `$TMPDIR/pgtest-initdb-*` to drop it.
 * (A per-process template can't be removed reliably: jest's sandboxed
 * `process.on('exit')` handlers never fire.)
 */
function initdbTemplate(bin: PgBinaries): Promise<string> {
  let templatePromise = templatePromises.get(bin.initdb);
  if (templatePromise) return templatePromise;
  templatePromise = (async () => {
    const initdbReal = fs.realpathSync(bin.initdb);
    const st = fs.statSync(initdbReal);
    const key = crypto
      .createHash('sha256')
      .update(JSON.stringify([initdbReal, st.size, st.mtimeMs, INITDB_ARGS, process.getuid?.() ?? -1]))
      .digest('hex')
      .slice(0, 16);
    const cacheDir = path.join(os.tmpdir(), `pgtest-initdb-${key}`);
    const complete = (dir: string): boolean =>
      fs.existsSync(path.join(dir, 'data', 'PG_VERSION')) && fs.existsSync(path.join(dir, 'complete'));
    if (complete(cacheDir)) return path.join(cacheDir, 'data');

    // initdb beside the cache dir, then rename it into place (atomic; the first of concurrent workers wins)
    const building = await makeTempDir(`pgtest-initdb-${key}.building-`);
    try {
      const init = await runProgram(bin.initdb, ['-D', path.join(building, 'data'), ...INITDB_ARGS], {
        asPostgres: true, cwd: building, timeoutMs: 120_000,
      });
      if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.stderr.trim() || init.stdout.trim()}`);
      await fs.promises.writeFile(path.join(building, 'complete'), `${new Date().toISOString()}\n`);
      // The marker is written before the rename, so cacheDir only ever appears complete.
      try {
        await fs.promises.rename(building, cacheDir);
      } catch (err) {
        if (!complete(cacheDir)) throw new Error(`could not create the initdb cache ${cacheDir} (delete it if broken): ${(err as Error).message}`);
      }
    } finally {
      await fs.promises.rm(building, { recursive: true, force: true });
    }
    return path.join(cacheDir, 'data');
  })();
  templatePromises.set(bin.initdb, templatePromise);
  templatePromise.catch(() => {
    templatePromises.delete(bin.initdb); // let a later call retry
  });
  return templatePromise;
}

// ---------------------------------------------------------------------------
// startPostgres

/**
 * initdb + start a PostgreSQL server on 127.0.0.1 in a temp dir. Rejects, with
 * the tail of the server log, when the server does not start.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PgServer> {
  const parameters = opts.parameters ?? {};
  for (const name of Object.keys(parameters)) {
    assertParamName(name);
    if (RESERVED_PARAMETERS.has(name.toLowerCase())) {
      throw new Error(`startPostgres sets ${name} itself; use the port option instead`);
    }
  }
  const bin = pgBinaries(opts.major);
  const tempDir = await makeTempDir('pgtest-');
  const dataDir = path.join(tempDir, 'data');
  const logFile = path.join(tempDir, 'server.log');
  let started = false;

  const pgCtl = (args: string[], timeoutMs?: number): Promise<RunResult> =>
    runProgram(bin.pgCtl, ['-D', dataDir, ...args], { asPostgres: true, cwd: tempDir, timeoutMs });

  const cleanup = async (): Promise<void> => {
    if (started) await pgCtl(['stop', '-m', 'fast', '-w', '-t', '60'], 90_000).catch(() => undefined);
    await fs.promises.rm(tempDir, { recursive: true, force: true });
  };

  try {
    // a fresh cluster: a copy of the cached initdb output (~0.3 s instead of ~1.5 s)
    const template = await initdbTemplate(bin);
    const copy = await runProgram('cp', ['-a', template, dataDir], { cwd: tempDir });
    if (copy.code !== 0) throw new Error(`copying the initdb template failed: ${copy.stderr.trim()}`);

    const port = opts.port ?? (await freePort());
    const paramsFile = path.join(dataDir, 'pgtest-parameters.conf');
    const serverFile = path.join(dataDir, 'pgtest-server.conf');
    let paramsText = '# parameters given to startPostgres()\n' + renderConf(parameters);
    if (opts.extraConf) paramsText += `# extraConf\n${opts.extraConf}\n`;
    await fs.promises.writeFile(paramsFile, paramsText);
    await fs.promises.writeFile(
      serverFile,
      `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = ${quoteConfValue(tempDir)}\n`,
    );
    ownForPostgres(paramsFile, serverFile);
    // Parameters first; the connection settings last so nothing overrides them.
    await fs.promises.appendFile(
      path.join(dataDir, 'postgresql.conf'),
      "\ninclude 'pgtest-parameters.conf'\ninclude 'pgtest-server.conf'\n",
    );
    if (opts.hba && opts.hba.length > 0) {
      const hbaFile = path.join(dataDir, 'pg_hba.conf');
      const original = await fs.promises.readFile(hbaFile, 'utf8');
      await fs.promises.writeFile(hbaFile, `# hba given to startPostgres()\n${opts.hba.join('\n')}\n\n${original}`);
    }

    started = true; // from here on cleanup tries pg_ctl stop (harmless if it never came up)
    const start = await pgCtl(['start', '-w', '-t', '60', '-l', logFile], 90_000);
    if (start.code !== 0) {
      const log = await tail(logFile);
      throw new Error(`PostgreSQL failed to start (pg_ctl exit ${start.code}): ${start.stderr.trim()}\n--- server log (tail) ---\n${log}`);
    }

    return makeServer(bin, port, dataDir, cleanup);
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

function makeServer(bin: PgBinaries, port: number, dataDir: string, cleanup: () => Promise<void>): PgServer {
  let stopping: Promise<void> | undefined;

  const query = async (sql: string): Promise<string> => {
    const res = await runProgram(bin.psql, [
      '-XAtq', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql,
    ]);
    if (res.code !== 0) throw new Error(`psql failed (exit ${res.code}) for ${JSON.stringify(sql)}: ${res.stderr.trim()}`);
    return res.stdout.trim();
  };

  return {
    port,
    dataDir,
    query,
    show(name: string): Promise<string> {
      assertParamName(name);
      return query(`SHOW ${name}`);
    },
    async settings(names: string[]): Promise<Record<string, PgSetting>> {
      if (names.length === 0) return {};
      names.forEach(assertParamName);
      const list = names.map((n) => `'${n.toLowerCase()}'`).join(', ');
      const json = await query(
        "SELECT coalesce(json_object_agg(name, json_build_object('setting', setting, 'unit', unit, 'source', source)), '{}') "
        + `FROM pg_settings WHERE name = ANY (ARRAY[${list}]::text[])`,
      );
      const rows = JSON.parse(json) as Record<string, PgSetting>;
      const out: Record<string, PgSetting> = {};
      const unknown: string[] = [];
      for (const name of names) {
        const row = rows[name.toLowerCase()];
        if (row) out[name] = { setting: row.setting, unit: row.unit, source: row.source };
        else unknown.push(name);
      }
      if (unknown.length > 0) throw new Error(`not in pg_settings: ${unknown.join(', ')}`);
      return out;
    },
    stop(): Promise<void> {
      stopping ??= cleanup();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------
// checkConfig

/** Strips PostgreSQL's default log_line_prefix (`%m [%p] `) and the LOG/FATAL label. */
function cleanLogLine(line: string): string {
  return line
    .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \S+ \[\d+\] /, '')
    .replace(/^(LOG|FATAL|ERROR|WARNING):\s+/, '')
    .replace(/^(HINT|DETAIL):\s+/, '$1: ');
}

/**
 * Validates a parameter set with PostgreSQL's own parser, without a data
 * directory. Catches unknown parameters, invalid enum/bool values, bad units
 * and out-of-range numbers; not cross-parameter rules (start a server for
 * those). An unrecognized parameter stops the check before values are
 * validated, so only that error is reported then.
 */
export async function checkConfig(parameters: Record<string, string>, major?: number): Promise<ConfigCheckResult> {
  const bin = pgBinaries(major);
  let text: string;
  try {
    text = renderConf(parameters);
  } catch (err) {
    return { ok: false, errors: [(err as Error).message] };
  }
  const dir = await makeTempDir('pgcheck-');
  try {
    const empty = path.join(dir, 'empty.conf');
    const conf = path.join(dir, 'postgresql.conf');
    await fs.promises.writeFile(empty, '');
    await fs.promises.writeFile(
      conf,
      `data_directory = '/nonexistent'\nhba_file = ${quoteConfValue(empty)}\nident_file = ${quoteConfValue(empty)}\n${text}`,
    );
    ownForPostgres(empty, conf);
    const res = await runProgram(bin.postgres, [`--config-file=${conf}`, '-C', 'data_directory'], { asPostgres: true, cwd: dir });
    if (res.code === 0) return { ok: true, errors: [] };
    const errors = res.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/skipping missing configuration file/.test(l))
      .map(cleanLogLine);
    return { ok: false, errors: errors.length > 0 ? errors : [`postgres -C exited ${res.code}`] };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
