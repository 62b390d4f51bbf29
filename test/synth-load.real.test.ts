import { execFileSync } from 'child_process';
import { join } from 'path';

/**
 * Synthesis loads only what it needs: the CLI's dependencies (the S3 client, commander,
 * the YAML reader of `check`) must not be loaded when a chart imports the library.
 */
const root = join(__dirname, '..');

function modulesLoadedBy(code: string): string[] {
  const script = `${code}
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script],
    { cwd: root, encoding: 'utf8', env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' } });
  return JSON.parse(out).map((p: string) => p.replace(root + '/', ''));
}

test('importing the library and synthesizing a cluster loads no CLI dependency', () => {
  const loaded = modulesLoadedBy(`
    const { App, Chart } = require('cdk8s');
    const lib = require('./lib');
    const app = new App({ outdir: require('os').tmpdir() + '/synth-load-' + process.pid });
    new lib.HaPostgres(new Chart(app, 'c', { namespace: 'db' }), 'db');
    app.synth();`);
  expect(loaded.some((p) => p.includes('lib/cluster/ha-postgres'))).toBe(true);
  const unwanted = loaded.filter((p) => /node_modules\/(@aws-sdk|@smithy|commander)\//.test(p) || p.startsWith('node_modules/yaml/') || p.startsWith('lib/cli/'));
  expect(unwanted).toEqual([]);
}, 60_000);
