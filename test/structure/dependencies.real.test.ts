/**
 * The allowed direction of imports between the folders of lib/ (.dependency-cruiser.cjs,
 * docs/guides/architecture.md), checked with dependency-cruiser: a folder imports only from its
 * own layer or lower ones (`import type` counts) and no two folders import each other.
 *
 * KNOWN lists the one edge left to remove (HaPostgres → the readiness warnings, which the
 * intent-based readiness checks replace) and the folder circles through it; any other violation
 * fails here with its edges. dependency-cruiser's baseline (`--ignore-known`) does not cover
 * folder-level rules, hence the filter here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** An edge (file or folder) that the readiness rework removes; remove it here then. */
const KNOWN = { from: 'lib/cluster', to: 'lib/monitoring/readiness' };

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: Array<{ readonly name: string } | string>;
}

function isKnown(v: Violation): boolean {
  const edge = (a: string, b: string) => (a === KNOWN.from || a.startsWith(`${KNOWN.from}/`)) && (b === KNOWN.to || b.startsWith(`${KNOWN.to}/`));
  if (v.rule.name !== 'no-circular') return edge(v.from, v.to);
  const path = [v.from, ...(v.cycle ?? []).map((c) => (typeof c === 'string' ? c : c.name))];
  return path.some((p, i) => edge(p, path[(i + 1) % path.length]));
}

function violations(cwd: string): Violation[] {
  const r = spawnSync(depcruiseBin(), ['lib', '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status === null || !r.stdout) throw new Error(`dependency-cruiser did not run: ${r.stderr}`);
  return JSON.parse(r.stdout).summary.violations;
}

describe('dependency direction of lib/', () => {
  test('no folder imports a higher layer, and no import circle between folders', () => {
    const found = violations(ROOT).filter((v) => !isKnown(v));
    const lines = found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (circle: ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' → ')})` : ''}`);
    expect(lines).toEqual([]);
  });

  test('the rules catch a circle between two folders and an import of a higher layer (fixture)', () => {
    const r = cruise(join(__dirname, 'fixtures', 'cycle'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/error no-circular: lib\/(cluster|model) →/);
    expect(r.output).toMatch(/error layer-1-model: lib\/model\/intent\.ts → lib\/cluster\/construct\.ts/);
  });
});
