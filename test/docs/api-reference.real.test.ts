/**
 * docs/api is the typedoc reference of lib/index.ts (`npm run docs:api`, options in typedoc.json).
 * It is generated again into a temporary directory and compared file by file, so a change to the
 * public API or its JSDoc without regenerating the reference fails here.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';

const root = join(__dirname, '../..');

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

test('docs/api is current with lib/index.ts and its JSDoc', () => {
  const out = mkdtempSync(join(tmpdir(), 'api-reference-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: root, stdio: 'pipe' });
    const fresh = files(out);
    const committed = files(join(root, 'docs/api'));
    const stale = [
      ...[...fresh.keys()].filter((f) => !committed.has(f)).map((f) => `missing: docs/api/${f}`),
      ...[...committed.keys()].filter((f) => !fresh.has(f)).map((f) => `no longer generated: docs/api/${f}`),
      ...[...fresh.keys()].filter((f) => committed.has(f) && committed.get(f) !== fresh.get(f)).map((f) => `differs: docs/api/${f}`),
    ];
    if (stale.length > 0) throw new Error(`docs/api is out of date; run \`npm run docs:api\` and commit it:\n${stale.join('\n')}`);
    expect(fresh.size).toBeGreaterThan(50);
    expect(fresh.get('classes/HaPostgres.md')).toContain('# Class: HaPostgres');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
