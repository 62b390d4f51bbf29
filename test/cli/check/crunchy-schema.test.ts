/**
 * `ha-postgres check` validates PostgresCluster objects against the vendored PGO v6.0.3 CRD
 * (crds/crunchy/), like CloudNativePG's: its structural schema is generated into a module of
 * its own (lib/cli/check/schemas/crd-schemas-pgo.generated.ts), loaded only when the input has
 * an object of the postgres-operator.crunchydata.com group.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { CrunchyChart } from '../../../examples/crunchy/chart';
import { objectProblems } from '../../../lib/cli/check/schemas';
import { goPattern } from '../../../lib/cli/check/schemas/structural-schema';
import { runCheck } from '../../../lib/cli/check/check-command';

const example = (): any[] => JSON.parse(JSON.stringify(Testing.synth(new CrunchyChart(Testing.app(), 'crunchy'))));
const pc = (ms: any[]) => ms.find((m) => m.kind === 'PostgresCluster');
const problems = (obj: any) => objectProblems(obj).map((p) => `${p.path}: ${p.message}`);

test('the generated PGO schema module is that of the vendored CRD (node scripts/check-schemas.mjs)', async () => {
  const { generatedModules } = await import('../../../scripts/check-schemas.mjs' as string);
  const modules: { [path: string]: string } = generatedModules();
  const pgo = Object.keys(modules).find((p) => p.endsWith('crd-schemas-pgo.generated.ts'))!;
  expect(pgo).toBeDefined();
  for (const [path, text] of Object.entries(modules)) expect(readFileSync(path, 'utf8')).toBe(text);
  expect(modules[pgo]).toMatch(/postgres-operator\.crunchydata\.com\/v1beta1\/PostgresCluster/);
});

describe('PostgresCluster against the PGO CRD schema', () => {
  test('every object of the crunchy example is valid', () => {
    for (const m of example()) expect([m.kind, problems(m)]).toEqual([m.kind, []]);
  });

  test.each<[string, (s: any) => void, RegExp]>([
    ['an unknown field', (s) => { s.instances[0].replica = 3; }, /^spec\.instances\[0\]\.replica: unknown field \(kubectl rejects it\); did you mean replicas\?$/],
    ['postgresVersion out of range', (s) => { s.postgresVersion = 10; }, /^spec\.postgresVersion: must be at least 11, got 10$/],
    ['replicas as a string', (s) => { s.instances[0].replicas = '3'; }, /^spec\.instances\[0\]\.replicas: must be an integer, got the string "3"$/],
    ['a repo name PGO refuses', (s) => { s.backups.pgbackrest.repos[0].name = 'primary'; }, /^spec\.backups\.pgbackrest\.repos\[0\]\.name: the string "primary" does not match \^repo\[1-4\]$/],
    ['a missing required field', (s) => { delete s.instances[0].dataVolumeClaimSpec; }, /^spec\.instances\[0\]\.dataVolumeClaimSpec: is required$/],
    ['no replicas', (s) => { s.instances[0].replicas = 0; }, /^spec\.instances\[0\]\.replicas: must be at least 1, got 0$/],
    ['a sidecar field PGO does not have', (s) => { s.backups.pgbackrest.sidecars.pgbackrestConfg = {}; },
      /^spec\.backups\.pgbackrest\.sidecars\.pgbackrestConfg: unknown field \(kubectl rejects it\); did you mean pgbackrestConfig\?$/],
    // PGO's hba pattern uses a POSIX class ([[:print:]]), translated for JavaScript.
    ['an hba rule with a control character', (s) => { s.authentication.rules[0].hba = 'host all all all\tscram-sha-256'; },
      /^spec\.authentication\.rules\[0\]\.hba: the string "host all all all\\tscram-sha-256" does not match \^\[\[:print:\]\]\+\$$/],
  ])('%s', (_name, mutate, expected) => {
    const obj = pc(example());
    mutate(obj.spec);
    const found = problems(obj);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  test('a version the CRD does not serve', () => {
    const obj = { ...pc(example()), apiVersion: 'postgres-operator.crunchydata.com/v2' };
    expect(problems(obj)).toEqual(['apiVersion: postgres-operator.crunchydata.com/v2 does not serve PostgresCluster '
      + '(the vendored CRD serves postgres-operator.crunchydata.com/v1, postgres-operator.crunchydata.com/v1beta1)']);
  });

  test('Go patterns as JavaScript: case-insensitive groups and POSIX classes', () => {
    expect(goPattern('^(PT)?( *[0-9]+ *(?i:(h|hr)|(hour)s?))+$')).toBe('^(PT)?( *[0-9]+ *(?:([hH]|[hH][rR])|([hH][oO][uU][rR])[sS]?))+$');
    const duration = new RegExp(goPattern('^((PT)?( *[0-9]+ *(?i:(ms|s|m)|(milli|sec|min)s?))+|0)$'), 'u');
    expect(['10s', '5 MIN', 'PT1m', '0'].map((v) => duration.test(v))).toEqual([true, true, true, true]);
    expect(['10', '1h', 's'].map((v) => duration.test(v))).toEqual([false, false, false]);
    expect(goPattern('^[[:print:]]+$')).toBe('^[\\x20-\\x7E]+$');
  });
});

test('check reports a schema-invalid PostgresCluster with its file and line, and exits as for any invalid input', () => {
  const ms = example();
  pc(ms).spec.instances[0].replica = 3;
  const dir = mkdtempSync(join(tmpdir(), 'crunchy-schema-'));
  writeFileSync(join(dir, 'all.yaml'), ms.map((m) => stringify(m)).join('---\n'));
  let error: any;
  let err = '';
  try {
    runCheck([dir], { json: true }, () => undefined, (t) => { err += t; });
  } catch (e) {
    error = e;
  }
  expect(err).toMatch(/^error: .*all\.yaml:\d+: PostgresCluster payments\/orders-db: spec\.instances\[0\]\.replica: unknown field \(kubectl rejects it\); did you mean replicas\?$/m);
  expect(error?.exitCode ?? error?.code).toBe(3);
  expect(error.message).toMatch(/^1 input problem\(s\) in 1 file\(s\)/);
});
