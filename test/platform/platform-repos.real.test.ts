/**
 * The library in the platform repositories it is made for: two repositories laid out the way
 * `cdk8s init typescript-app` makes them (main.ts, main.test.ts with a Jest snapshot test,
 * cdk8s.yaml, package.json, tsconfig.json, jest.config.js, __snapshots__, and the
 * package-lock.json its `npm install` writes), in test/platform/fixtures:
 *
 * - plus28: cdk8s-plus-28, at the lowest versions the peer ranges allow (cdk8s 2.70.0,
 *   constructs 10.3.0, cdk8s-plus-28 2.5.6);
 * - plus33: cdk8s-plus-33, what `cdk8s init` creates today, at the newest versions.
 *
 * Each installs the packed library (`npm pack`, then `npm install <tarball>`, as a user's
 * `npm install cdk8s-ha-postgres` does), type-checks its main.ts and the README's quick start
 * as written (no casts; its cdk8s-plus import changed to the repository's cdk8s-plus, as a
 * user of that cdk8s-plus writes it) with the repository's own tsconfig (no skipLibCheck: the
 * library's declarations are checked too), runs `cdk8s synth`, and runs its Jest snapshot
 * test (`--ci`: a missing or different snapshot fails).
 *
 * Their own dependencies (cdk8s-cli, jest, ts-jest… as `cdk8s init` adds them) are installed
 * with `npm ci` once per lockfile into a folder under the system temp directory that later
 * runs reuse; the library is installed afresh on every run.
 *
 * UPDATE_FIXTURE_SNAPSHOTS=1 runs the snapshot tests with -u and copies the snapshots back.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from '../support/schema-validator';
import { cleanEnv, packedLibrary, ROOT, run } from '../support/pack';

const FIXTURES = join(__dirname, 'fixtures');
const WORK = join(os.tmpdir(), 'cdk8s-ha-postgres-platform-repos');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** The README's quick-start code: its first TypeScript block that imports the library. */
function readmeQuickStart(): string {
  const readme = fs.readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const quickStart = blocks.find((b) => b.includes("from 'cdk8s-ha-postgres'"));
  if (!quickStart) throw new Error('README.md has no ```ts block importing from \'cdk8s-ha-postgres\'');
  return quickStart;
}

/** The fixture's files (what `cdk8s init` leaves in the repository), relative paths. */
function fixtureFiles(name: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(join(FIXTURES, name, rel), { withFileTypes: true })) {
      const r = join(rel, entry.name);
      if (entry.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/**
 * A working copy of fixture `name` with its own dependencies installed (reused while its
 * package.json and package-lock.json are unchanged) and the fixture's files copied afresh.
 */
function workingCopy(name: string): string {
  const src = join(FIXTURES, name);
  const key = createHash('sha256')
    .update(fs.readFileSync(join(src, 'package.json'))).update(fs.readFileSync(join(src, 'package-lock.json')))
    .digest('hex').slice(0, 12);
  const dir = join(WORK, `${name}-${key}`);
  const marker = join(dir, 'node_modules', '.fixture-installed');
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(join(src, f), join(dir, f));
    run('npm', ['ci', ...NPM_FLAGS], dir);
    fs.writeFileSync(marker, key);
  }
  // Everything but node_modules comes from the fixture (a previous run's output is dropped).
  for (const entry of fs.readdirSync(dir)) if (entry !== 'node_modules') fs.rmSync(join(dir, entry), { recursive: true, force: true });
  for (const f of fixtureFiles(name)) {
    fs.mkdirSync(join(dir, f, '..'), { recursive: true });
    fs.copyFileSync(join(src, f), join(dir, f));
  }
  return dir;
}

const bin = (dir: string, tool: string) => join(dir, 'node_modules/.bin', tool);

describe.each([
  { name: 'plus28', plus: 'cdk8s-plus-28', versions: { 'cdk8s': '2.70.0', 'constructs': '10.3.0', 'cdk8s-plus-28': '2.5.6' } },
  { name: 'plus33', plus: 'cdk8s-plus-33', versions: { 'cdk8s': '2.70.106', 'constructs': '10.8.1', 'cdk8s-plus-33': '2.5.57' } },
])('a platform repository made by `cdk8s init typescript-app` on $plus', ({ name, plus, versions }) => {
  let dir: string;
  const env = cleanEnv({ HA_POSTGRES_SILENCE_WARNINGS: '1' });

  beforeAll(() => {
    const tarball = packedLibrary();
    dir = workingCopy(name);
    run('npm', ['install', ...NPM_FLAGS, tarball], dir);
  }, 600_000);

  test('has the library installed next to the versions it is tested with', () => {
    const installed = (pkg: string) => JSON.parse(fs.readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    for (const [pkg, version] of Object.entries(versions)) expect([pkg, installed(pkg)]).toEqual([pkg, version]);
    expect(installed('cdk8s-ha-postgres')).toBe(require(join(ROOT, 'package.json')).version);
  });

  test('type-checks main.ts and the README quick start as written, without casts', () => {
    const quickStart = readmeQuickStart();
    expect(quickStart).not.toMatch(/\bas\s+(any|unknown)\b|<any>|@ts-(ignore|expect-error)/);
    expect(quickStart).toMatch(/from 'cdk8s-plus-\d+'/);
    // A user imports from the cdk8s-plus of their repository; nothing else changes.
    fs.writeFileSync(join(dir, 'quickstart.ts'), quickStart.replace(/'cdk8s-plus-\d+'/g, `'${plus}'`));
    try {
      run(bin(dir, 'tsc'), ['--noEmit', '-p', '.'], dir, env);
    } finally {
      fs.rmSync(join(dir, 'quickstart.ts'), { force: true });
    }
  }, 120_000);

  test('`cdk8s synth` writes valid manifests: the cluster, the pool, the application', () => {
    run(bin(dir, 'cdk8s'), ['synth', '--no-check-upgrade'], dir, env);
    const docs = fs.readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(join(dir, 'dist', f), 'utf8')).map((d) => d.toJS()));
    expect(docs.map((d) => d.kind).sort()).toEqual(
      ['Cluster', 'Deployment', 'NetworkPolicy', 'NetworkPolicy', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Pooler', 'Role', 'RoleBinding', 'ServiceAccount']);
    expectValidManifests(docs);
    const api = docs.find((d) => d.kind === 'Deployment');
    const env0 = api.spec.template.spec.containers[0].env;
    expect(env0.find((e: any) => e.name === 'PGUSER').valueFrom.secretKeyRef).toEqual({ name: 'orders-db-app', key: 'username' });
  }, 120_000);

  test('its Jest snapshot test (Testing.synth) passes', () => {
    const update = process.env.UPDATE_FIXTURE_SNAPSHOTS === '1';
    const out = run(bin(dir, 'jest'), update ? ['-u'] : ['--ci'], dir, env);
    expect(out).toBeDefined();
    const snapshot = join('__snapshots__', 'main.test.ts.snap');
    if (update) {
      fs.mkdirSync(join(FIXTURES, name, '__snapshots__'), { recursive: true });
      fs.copyFileSync(join(dir, snapshot), join(FIXTURES, name, snapshot));
    }
    expect(fs.readFileSync(join(dir, snapshot), 'utf8')).toBe(fs.readFileSync(join(FIXTURES, name, snapshot), 'utf8'));
  }, 180_000);
});
