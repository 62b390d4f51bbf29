/**
 * Locating the real programs (PostgreSQL, PgBouncer, Patroni, etcd, promtool…)
 * that some tests run, and gating those tests on their presence.
 *
 * `scripts/ensure-test-deps.sh` (the `pretest` script) installs them on
 * Debian. In CI a missing binary is a failure; locally the tests are skipped
 * with a warning.
 */
import * as fs from 'fs';
import * as path from 'path';

const INSTALL_HINT = 'run `bash scripts/ensure-test-deps.sh` as root (Debian: apt-get installs the packages)';

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Parses the version out of a `/usr/lib/postgresql/<version>` directory name ("15", "9.6"). */
function versionKey(name: string): number[] {
  return name.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersionsDesc(a: string, b: string): number {
  const va = versionKey(a);
  const vb = versionKey(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const diff = (vb[i] ?? 0) - (va[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `/usr/lib/postgresql/<version>/bin` directories, newest version first. */
function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = fs.readdirSync(root);
  } catch {
    return [];
  }
  return versions
    .filter((v) => /^\d+(\.\d+)*$/.test(v))
    .sort(compareVersionsDesc)
    .map((v) => path.join(root, v, 'bin'))
    .filter((dir) => fs.existsSync(dir));
}

/** The directories findBinary searches, in order: PATH, then PostgreSQL's versioned bin dirs, /usr/sbin, /usr/bin. */
function binarySearchPath(): string[] {
  const fromEnv = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const dirs = [...fromEnv, ...postgresBinDirs(), '/usr/sbin', '/usr/bin'];
  return [...new Set(dirs)];
}

/**
 * Absolute path of an executable called `name`, or undefined. Searches PATH,
 * then /usr/lib/postgresql/<version>/bin (newest version first), /usr/sbin and
 * /usr/bin. A hit that is Debian's pg_wrapper symlink (/usr/bin/psql…) gives
 * way to the real binary in the newest /usr/lib/postgresql/<version>/bin. A
 * name containing a slash is checked as given.
 */
export function findBinary(name: string): string | undefined {
  if (name.includes('/')) {
    const abs = path.resolve(name);
    return isExecutableFile(abs) ? abs : undefined;
  }
  const pgDirs = postgresBinDirs();
  for (const dir of binarySearchPath()) {
    const candidate = path.join(dir, name);
    if (!isExecutableFile(candidate)) continue;
    if (isPgWrapper(candidate)) {
      // Debian's /usr/bin/psql, pg_basebackup… are symlinks to a Perl wrapper
      // that picks a version at run time: prefer the real binary.
      const real = pgDirs.map((d) => path.join(d, name)).find(isExecutableFile);
      if (real) return real;
    }
    return candidate;
  }
  return undefined;
}

function isPgWrapper(file: string): boolean {
  try {
    return path.basename(fs.realpathSync(file)) === 'pg_wrapper';
  } catch {
    return false;
  }
}

/** The names among `names` that findBinary cannot find. */
function missingBinaries(names: string[]): string[] {
  return names.filter((name) => findBinary(name) === undefined);
}

/** CI is set and not empty, 0 or false; scripts/ensure-test-deps.sh applies the same rule. */
export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * `describe(title, fn)` when every binary in `names` is found. When any is
 * missing: in CI (env CI set) registers a failing test naming the missing
 * binaries and how to install them; locally registers `describe.skip` and
 * prints a warning.
 */
export function describeWithBinaries(names: string[], title: string, fn: () => void): void {
  const missing = missingBinaries(names);
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  const message = `missing binar${missing.length === 1 ? 'y' : 'ies'} ${missing.map((m) => `\`${m}\``).join(', ')} `
    + `(not on PATH, nor in /usr/lib/postgresql/*/bin, /usr/sbin, /usr/bin); to install: ${INSTALL_HINT}`;
  if (isCI()) {
    describe(title, () => {
      test('required binaries are installed', () => {
        throw new Error(message);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping "${title}": ${message}`);
  describe.skip(title, fn);
}
