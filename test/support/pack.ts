/**
 * What `npm pack` makes of the construct package and of the CLI package (packages/cli),
 * for the tests that install them the way a user does. Packing builds (`prepack`), so a
 * pack is made once per content: it is cached under node_modules/.cache (which `npm ci`
 * empties, so CI always packs afresh) by a hash of every file that goes into it, and test
 * files in other Jest workers wait for a pack in progress instead of building into
 * build/ at the same time.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { join, relative } from 'path';

export const ROOT = join(__dirname, '../..');
const CACHE = join(ROOT, 'node_modules/.cache/cdk8s-ha-postgres-tests');
/** A pack takes ~20 s; a lock older than this is from a run that died. */
const STALE_LOCK_MS = 10 * 60_000;

/** The environment for npm, tsc, jest… run in another project: none of this run's npm or test settings. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || ['NODE_OPTIONS', 'JEST_WORKER_ID', 'INIT_CWD', 'NODE_ENV'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a program (no shell) and returns its stdout; on failure the error carries the tail of its output. */
export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): string {
  try {
    return execFileSync(file, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e: any) {
    const out = `${String(e.stdout ?? '')}\n${String(e.stderr ?? '')}`.trim();
    throw new Error(`${file} ${args.join(' ')} (in ${cwd}) failed with ${e.status ?? e.signal}:\n${out.slice(-8000)}`);
  }
}

function filesUnder(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = join(d, name);
      if (skip(relative(ROOT, p))) continue;
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

function hashOf(paths: string[]): string {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(relative(ROOT, p)).update('\0');
    h.update(fs.readFileSync(p)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `make` while holding the pack lock (one pack at a time across Jest workers). */
function withLock<T>(make: () => T): T {
  fs.mkdirSync(CACHE, { recursive: true });
  const lock = join(CACHE, 'pack.lock');
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
      } catch { /* released meanwhile */ }
      sleep(500);
    }
  }
  try {
    return make();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** `npm pack` of the package in `dir` (ROOT or a workspace), cached by the hash of `inputs`. */
function pack(name: string, dir: string, inputs: string[]): string {
  const target = join(CACHE, 'packs', `${name}-${hashOf(inputs)}`);
  const tarball = () => fs.existsSync(target) ? fs.readdirSync(target).find((f) => f.endsWith('.tgz')) : undefined;
  const existing = tarball();
  if (existing) return join(target, existing);
  return withLock(() => {
    const made = tarball(); // another worker may have packed it while we waited
    if (made) return join(target, made);
    const tmp = fs.mkdtempSync(join(os.tmpdir(), `pack-${name}-`));
    try {
      run('npm', ['pack', '--silent', '--pack-destination', tmp], dir);
      fs.mkdirSync(join(CACHE, 'packs'), { recursive: true });
      const staging = `${target}.tmp-${process.pid}`;
      fs.cpSync(tmp, staging, { recursive: true });
      fs.renameSync(staging, target);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return join(target, tarball() as string);
  });
}

const COMMON_INPUTS = ['tsconfig.json', 'README.md', 'CHANGELOG.md'].map((f) => join(ROOT, f));

/** The construct package `cdk8s-ha-postgres` as `npm pack` makes it (path of the .tgz). */
export function packedLibrary(): string {
  const inputs = [
    ...COMMON_INPUTS,
    join(ROOT, 'package.json'),
    join(ROOT, 'tsconfig.build.json'),
    ...filesUnder(join(ROOT, 'lib'), (rel) => rel === join('lib', 'cli')),
    ...filesUnder(join(ROOT, 'imports')),
  ];
  return pack('cdk8s-ha-postgres', ROOT, inputs);
}

/** The CLI package `cdk8s-ha-postgres-cli` (packages/cli) as `npm pack` makes it. */
export function packedCli(): string {
  const cli = join(ROOT, 'packages/cli');
  const inputs = [
    ...COMMON_INPUTS,
    ...['package.json', 'tsconfig.json', 'README.md'].map((f) => join(cli, f)),
    ...filesUnder(join(ROOT, 'lib')),
  ];
  return pack('cdk8s-ha-postgres-cli', cli, inputs);
}

/** Paths of the files in a packed tarball (without the leading `package/`). */
export function tarballFiles(tgz: string): string[] {
  return run('tar', ['-tzf', tgz], os.tmpdir()).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')).sort();
}
