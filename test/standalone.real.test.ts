import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { join } from 'path';

/**
 * The repository stands alone: its files (what `git ls-files` lists, plus new files not
 * ignored, so uncommitted work is covered too) copied into an empty temporary directory
 * with nothing beside it install with `npm ci` and pass the unit suite, which validates
 * every synthesized object against the vendored CRDs (crds/). Nothing outside the copy is
 * read: no ../shared, no CRD_DIR.
 */
const root = join(__dirname, '..');

test('a copy of the repository in an empty directory installs and passes the unit suite', () => {
  const outer = fs.mkdtempSync(join(os.tmpdir(), 'standalone-'));
  const repo = join(outer, 'repo');
  try {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\0').filter((f) => f !== '' && fs.existsSync(join(root, f)));
    for (const f of files) {
      fs.mkdirSync(join(repo, f, '..'), { recursive: true });
      fs.copyFileSync(join(root, f), join(repo, f));
    }
    expect(fs.readdirSync(outer)).toEqual(['repo']);
    expect(fs.existsSync(join(repo, 'crds/cnpg/postgresql.cnpg.io_failoverquorums.yaml'))).toBe(true);

    const env = { ...process.env, CRD_DIR: '', HA_POSTGRES_SILENCE_WARNINGS: '1' } as NodeJS.ProcessEnv;
    delete env.CRD_DIR;
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: repo, env, stdio: 'pipe' });
    let out: string;
    try {
      out = execFileSync('npx', ['jest', '--selectProjects', 'unit', '--no-watchman', '--ci'], { cwd: repo, env, encoding: 'utf8', stdio: 'pipe' });
    } catch (e: any) {
      throw new Error(`unit suite failed in the stand-alone copy:\n${String(e.stderr ?? '').slice(-6000)}`);
    }
    expect(out).toBeDefined();
  } finally {
    fs.rmSync(outer, { recursive: true, force: true });
  }
}, 600_000);
