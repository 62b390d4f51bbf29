import { execFileSync } from 'child_process';
import { join } from 'path';

/**
 * What `npm pack` ships: the built library (JS + .d.ts) and the generated imports,
 * no sources, tests or examples; and the built entry point works for a consumer.
 */
const root = join(__dirname, '..');

describe('npm package', () => {
  let files: string[] = [];
  let pkg: any;

  beforeAll(() => {
    // --dry-run still runs `prepack` (the build), so build/ is fresh afterwards
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    files = JSON.parse(out)[0].files.map((f: any) => f.path);
    pkg = require(join(root, 'package.json'));
  }, 120_000);

  test('ships the built library, its types and the CLI', () => {
    expect(files).toContain('build/lib/index.js');
    expect(files).toContain('build/lib/index.d.ts');
    expect(files).toContain('build/lib/cli/main.js');
    expect(files).toContain('build/imports/postgresql.cnpg.io.js');
    expect(files).toContain('README.md');
  });

  test('ships no TypeScript sources, tests, examples or scripts', () => {
    const unwanted = files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /(^|\/)(test|examples|scripts|\.ci)\//.test(f) || f.includes('__snapshots__'));
    expect(unwanted).toEqual([]);
  });

  test('cdk8s, cdk8s-plus-28 and constructs are peer dependencies, not bundled', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.dependencies?.[peer]).toBeUndefined();
    expect(pkg.main).toBe('build/lib/index.js');
    expect(pkg.types).toBe('build/lib/index.d.ts');
  });

  test('the built entry point synthesizes a cluster for a consumer', () => {
    const script = `
      const { Chart, Testing } = require('cdk8s');
      const { HaPostgres } = require(${JSON.stringify(join(root, 'build/lib/index.js'))});
      const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
      new HaPostgres(chart, 'db');
      process.stdout.write(Testing.synth(chart).map((m) => m.kind).sort().join(','));`;
    expect(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, HA_POSTGRES_SILENCE_WARNINGS: '1' } }))
      .toBe('Cluster,NetworkPolicy,PodDisruptionBudget');
  });
});
