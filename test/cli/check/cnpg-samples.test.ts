/**
 * CloudNativePG's own sample manifests (v1.30.0, test/fixtures/cnpg-samples/) through
 * `ha-postgres check`, one file at a time and all together: no crash, and every verdict
 * as reviewed and recorded in test/fixtures/cnpg-samples.verdicts.yaml.
 */
import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { parse } from 'yaml';
import { runCli } from '../../support/cli';

const root = join(__dirname, '../../fixtures/cnpg-samples');
const recorded = parse(readFileSync(join(__dirname, '../../fixtures/cnpg-samples.verdicts.yaml'), 'utf8'));

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}
const samples = walk(root).map((f) => relative(root, f)).filter((f) => f !== 'SOURCE.md');

test('the corpus is CloudNativePG\'s 88 sample files, byte for byte as SOURCE.md records them', () => {
  expect(samples).toHaveLength(88);
  const source = readFileSync(join(root, 'SOURCE.md'), 'utf8');
  const sums = new Map([...source.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1], m[2]]));
  expect([...sums.keys()].sort()).toEqual([...samples].sort());
  for (const f of samples) expect({ f, sha: createHash('sha256').update(readFileSync(join(root, f))).digest('hex') }).toEqual({ f, sha: sums.get(f) });
});

test('every sample has a recorded verdict', () => {
  expect(Object.keys(recorded.files).sort()).toEqual([...samples].sort());
});

describe.each(samples)('%s', (file) => {
  test('checked alone: the recorded exit code, input problems and failing items, each with its reason', async () => {
    const want = recorded.files[file];
    const { code, stdout: out, stderr: err } = await runCli(['check', '--json', join(root, file)]);
    expect(err).not.toMatch(/TypeError|ReferenceError|at .*\.ts:\d+/);
    expect(code).toBe(want.exit);
    const problems = err.split('\n').filter((l) => l.startsWith(`error: ${join(root, file)}`))
      .map((l) => l.slice(`error: ${join(root, file)}`.length).replace(/^:/, ''));
    expect(problems).toEqual((want.problems ?? []).map((p: any) => p.message));
    for (const p of want.problems ?? []) expect(p.why).toEqual(expect.any(String));
    if (!want.clusters) {
      expect(out).toBe('');
      if (!want.problems) expect(want.why).toEqual(expect.any(String));
      return;
    }
    const reports = JSON.parse(out);
    expect(reports.map((r: any) => `${r.namespace}/${r.cluster}`).sort()).toEqual(Object.keys(want.clusters).sort());
    for (const r of reports) {
      const w = want.clusters[`${r.namespace}/${r.cluster}`];
      const failing = r.items.filter((i: any) => !i.passed);
      expect(failing.map((i: any) => i.id).sort()).toEqual([...(w.fail ?? []), ...Object.keys(w.why ?? {})].sort());
      for (const i of failing) {
        const specific = w.why?.[i.id];
        if (specific) {
          expect(specific).toEqual(expect.any(String));
        } else {
          // the common reason applies: the tool says that
          expect({ id: i.id, reason: i.reason }).toEqual({ id: i.id, reason: expect.stringMatching(new RegExp(recorded.common[i.id].matches)) });
        }
      }
    }
  });
});

test('all samples at once: names reused across files are conflicting definitions (exit 3), and nothing crashes', async () => {
  const { code, stdout: out, stderr: err } = await runCli(['check', root]);
  expect(code).toBe(3);
  expect(err).not.toMatch(/TypeError|ReferenceError/);
  const conflicts = err.split('\n').filter((l) => l.includes('is defined twice with different content'));
  // cluster-example alone is defined by about twenty samples
  expect(conflicts.length).toBeGreaterThan(20);
  expect(conflicts).toContainEqual(expect.stringMatching(/Cluster default\/cluster-example: is defined twice with different content \(also in .*\.yaml:\d+\); this later definition is used/));
  // each cluster name is reported once
  const clusters = out.split('\n').filter((l) => l.includes('] 3 instances across 3 zones')).map((l) => /\[([^\]]+)\]/.exec(l)![1]);
  expect(new Set(clusters).size).toBe(clusters.length);
  expect(clusters.length).toBeGreaterThan(20);
});
