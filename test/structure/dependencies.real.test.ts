/**
 * The allowed direction of imports between the folders of lib/ (.dependency-cruiser.cjs,
 * docs/guides/architecture.md), checked with dependency-cruiser: a folder imports only from its
 * own layer or lower ones (`import type` counts) and no two folders import each other, with no
 * exception. A folder of lib/ missing from the layer table would escape every layer rule, so
 * that fails here too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

/** The depcruise CLI: the devDependency, or DEPCRUISE_BIN; missing fails loudly. */
function depcruiseBin(): string {
  const fromEnv = process.env.DEPCRUISE_BIN;
  if (fromEnv) return fromEnv;
  const local = join(ROOT, 'node_modules', '.bin', 'depcruise');
  if (existsSync(local)) return local;
  throw new Error('dependency-cruiser is not installed: run npm install (it is a devDependency), or set DEPCRUISE_BIN');
}

function cruise(cwd: string): { status: number | null; output: string } {
  const r = spawnSync(depcruiseBin(), ['lib', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: Array<{ readonly name: string } | string>;
}

function violations(cwd: string): Violation[] {
  const r = spawnSync(depcruiseBin(), ['lib', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status === null || !r.stdout) throw new Error(`dependency-cruiser did not run: ${r.stderr}`);
  return JSON.parse(r.stdout).summary.violations;
}

describe('dependency direction of lib/', () => {
  test('no folder imports a higher layer, and no import circle between folders', () => {
    const found = violations(ROOT);
    const lines = found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (circle: ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' → ')})` : ''}`);
    expect(lines).toEqual([]);
  });

  test('every folder of lib/ is in the layer table', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const layers: string[][] = require(CONFIG).layers;
    const folders = readdirSync(join(ROOT, 'lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const missing = folders.filter((f) => !layers.some((layer) => layer.includes(f)));
    expect(missing).toEqual([]);
    // And the table names no folder that does not exist (a typo would leave the real one out).
    expect(layers.flat().filter((f) => !folders.includes(f))).toEqual([]);
  });

  test('the rules catch a circle between two folders and an import of a higher layer (fixture)', () => {
    const r = cruise(join(__dirname, 'fixtures', 'cycle'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/error no-circular: lib\/(cluster|model) →/);
    expect(r.output).toMatch(/error layer-1-model: lib\/model\/intent\.ts → lib\/cluster\/construct\.ts/);
  });
});
