import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { join } from 'path';
import { cleanEnv, packedCli, packedLibrary, ROOT, run, tarballFiles } from './support/pack';

/**
 * The two packages this repository publishes, as `npm pack` makes them and as a user installs
 * them into an empty project:
 * - `cdk8s-ha-postgres`, the constructs: the built library (JS + .d.ts) and the generated
 *   imports, no sources, tests, examples or CLI; cdk8s and constructs as peers; none of the
 *   CLI's dependencies. The test measures what it installs and prints the figures.
 * - `cdk8s-ha-postgres-cli` (packages/cli), the `ha-postgres` command: one install command,
 *   and neither cdk8s nor the constructs at run time.
 */
const pkg = require(join(ROOT, 'package.json'));
const cliPkg = require(join(ROOT, 'packages/cli/package.json'));
/** The CLI's own dependencies that the constructs do not use: they must not come with them. */
const CLI_ONLY = Object.keys(cliPkg.dependencies).filter((d) => !(d in pkg.dependencies));

interface InstallSize {
  package: string;
  dependencies: string[];
  peerDependencies: string[];
  bytesWithoutPeers: number;
  bytesTotal: number;
  packages: { name: string; version: string; bytes: number; peer: boolean }[];
}

/** Installs `tarball` into an empty project in a new temporary folder (scripts/install-size.mjs): the folder and what it holds. */
function installIntoEmptyProject(tarball: string, prefix: string): { dir: string; size: InstallSize; text: string } {
  const dir = fs.mkdtempSync(join(os.tmpdir(), prefix));
  const size = JSON.parse(run(process.execPath, [join(ROOT, 'scripts/install-size.mjs'), tarball, '--json', '--keep', dir], ROOT)) as InstallSize;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const text = [
    `${size.package}: ${mb(size.bytesWithoutPeers)} installed with its dependencies, peers excluded; ${mb(size.bytesTotal)} with its peers (${size.peerDependencies.join(', ')})`,
    ...size.packages.map((p) => `  ${p.name}@${p.version}${p.peer ? ' (peer)' : ''}: ${mb(p.bytes)}`),
  ].join('\n');
  return { dir, size, text };
}

describe('cdk8s-ha-postgres (the constructs)', () => {
  let tarball: string;
  let files: string[] = [];

  beforeAll(() => {
    tarball = packedLibrary();
    files = tarballFiles(tarball);
  }, 600_000);

  test('ships the built library, its types and the generated imports, not the CLI', () => {
    expect(files).toContain('build/lib/index.js');
    expect(files).toContain('build/lib/index.d.ts');
    expect(files).toContain('build/imports/postgresql.cnpg.io.js');
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('build/lib/cli/'))).toEqual([]);
    expect(pkg.bin).toBeUndefined();
  });

  test('ships no TypeScript sources, tests, examples or scripts', () => {
    const unwanted = files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /(^|\/)(test|examples|scripts|packages|\.ci)\//.test(f) || f.includes('__snapshots__'));
    expect(unwanted).toEqual([]);
  });

  test('cdk8s and constructs are peer dependencies; the runtime dependencies are what the constructs use', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
    // the PromQL grammar reads alert matchers for the synth-time readiness checklist
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@lezer/highlight', '@lezer/lr', '@prometheus-io/lezer-promql', 'cdk8s-plus-28']);
    for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.dependencies[peer]).toBeUndefined();
    expect(CLI_ONLY.sort()).toEqual(['@aws-sdk/client-s3', 'commander', 'ms', 'pg', 'yaml']);
    expect(pkg.main).toBe('build/lib/index.js');
    expect(pkg.types).toBe('build/lib/index.d.ts');
  });

  describe('installed into an empty project (`npm install cdk8s-ha-postgres`)', () => {
    let dir: string;
    let size: InstallSize;

    beforeAll(() => {
      const installed = installIntoEmptyProject(tarball, 'consumer-');
      ({ dir, size } = installed);
      // The figures of docs/guides/install.md (node scripts/install-size.mjs <tarball> prints the same).
      console.log(installed.text);
    }, 600_000);

    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('brings its dependencies and its peers (cdk8s, constructs), none of the CLI\'s', () => {
      const names = [...new Set(size.packages.map((p) => p.name))].sort();
      expect(size.dependencies).toEqual(['@lezer/highlight', '@lezer/lr', '@prometheus-io/lezer-promql', 'cdk8s-plus-28']);
      expect(size.peerDependencies).toEqual(['cdk8s', 'constructs']);
      expect(names).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-ha-postgres', 'cdk8s-plus-28', 'constructs']));
      const cliOnly = names.filter((n) => CLI_ONLY.includes(n) || n.startsWith('@aws-sdk/') || n.startsWith('@smithy/'));
      expect(cliOnly).toEqual([]);
      // Nothing of theirs on disk either (bundled dependencies of a dependency included).
      const onDisk = run('find', ['node_modules', '-name', 'package.json', '-path', '*node_modules/*'], dir).split('\n');
      expect(onDisk.filter((p) => /node_modules\/(@aws-sdk|@smithy|commander)\//.test(p))).toEqual([]);
      // With the CLI inside (commit b0cb469) an install brought 30.6 MB, 9.0 MB of it the CLI's
      // dependencies (24 packages: the AWS SDK, commander, yaml, ms, tslib); now about 21 MB.
      expect(size.bytesTotal).toBeLessThan(25e6);
    });

    test('the installed entry point synthesizes a cluster', () => {
      const script = `
        const { Chart, Testing } = require('cdk8s');
        const { HaPostgres } = require('cdk8s-ha-postgres');
        const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
        new HaPostgres(chart, 'db');
        process.stdout.write(Testing.synth(chart).map((m) => m.kind).sort().join(','));`;
      expect(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: cleanEnv({ HA_POSTGRES_SILENCE_WARNINGS: '1' }) }))
        .toBe('Cluster,NetworkPolicy,PodDisruptionBudget');
    });
  });
});

describe('cdk8s-ha-postgres-cli (the `ha-postgres` command)', () => {
  let dir: string;
  let files: string[];

  let size: InstallSize;

  beforeAll(() => {
    const tarball = packedCli();
    files = tarballFiles(tarball);
    ({ dir, size } = installIntoEmptyProject(tarball, 'cli-')); // the one install command (here from the tarball)
  }, 600_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const haPostgres = (args: string[]) => {
    try {
      return { code: 0, out: execFileSync(join(dir, 'node_modules/.bin/ha-postgres'), args, { cwd: dir, encoding: 'utf8', env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e: any) {
      return { code: e.status as number, out: `${e.stdout}${e.stderr}` };
    }
  };

  test('ships the compiled CLI and what it uses of lib/, no sources', () => {
    expect(files).toContain('build/lib/cli/main.js');
    expect(files).toContain('build/lib/monitoring/readiness/checklist.js');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(cliPkg.bin).toEqual({ 'ha-postgres': 'build/lib/cli/main.js' });
    expect(cliPkg.version).toBe(pkg.version); // released together: the check rules are the constructs' own
  });

  test('installs `ha-postgres` without cdk8s, constructs or cdk8s-plus', () => {
    const names = new Set(size.packages.map((p) => p.name));
    expect(names.has('@aws-sdk/client-s3')).toBe(true);
    for (const n of ['cdk8s', 'constructs', 'cdk8s-plus-28', 'cdk8s-ha-postgres']) expect([n, names.has(n)]).toEqual([n, false]);
    const help = haPostgres(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/archive/);
    expect(help.out).toMatch(/check \[options\] <paths\.\.\.>/);
  });

  test('`ha-postgres check` reads synthesized manifests', () => {
    const manifest = join(dir, 'cluster.yaml');
    fs.writeFileSync(manifest, [
      'apiVersion: postgresql.cnpg.io/v1', 'kind: Cluster', 'metadata:', '  name: orders', '  namespace: db',
      'spec:', '  instances: 1', '  storage:', '    size: 1Gi', '',
    ].join('\n'));
    const r = haPostgres(['check', manifest]);
    expect(r.out).toMatch(/orders/);
    expect(r.out).toMatch(/FAIL/);
    expect(r.code).toBe(1);
  });

  test('`ha-postgres archive` loads the S3 SDK from the installed package', () => {
    // Nothing listens on port 9 of loopback: the SDK is loaded, the connection is refused.
    const r = haPostgres(['archive', 'inspect', 's3://pg-wal/prod', 'orders', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'eu-west-1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^error: /m);
    expect(r.out).not.toMatch(/Cannot find module/);
  });
});
