/**
 * The public API compiles with the jsii compiler (scripts/jsii.mjs: lib/ without lib/cli, in a
 * staging folder), the compiler that makes Python, Java, Go and .NET packages of a construct
 * library and whose assembly Construct Hub lists. Every name lib/index.ts exports is in the
 * assembly (jsii silently drops free functions and constants, so none may be exported), and
 * the only warnings are the known ones.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { cleanEnv, ROOT } from './support/pack';

/** The names lib/index.ts exports, with what they are. */
function indexExports(): Map<string, string> {
  const index = join(ROOT, 'lib/index.ts');
  const program = ts.createProgram([index], { strict: true, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index) as ts.SourceFile) as ts.Symbol;
  const out = new Map<string, string>();
  for (const s of checker.getExportsOfModule(module)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    out.set(s.name, ts.SyntaxKind[target.declarations?.[0]?.kind ?? ts.SyntaxKind.Unknown]);
  }
  return out;
}

describe('jsii compile of the public API', () => {
  let stage: string;
  let output: string;
  let status: number | null;
  let assembly: any;

  beforeAll(() => {
    stage = fs.mkdtempSync(join(os.tmpdir(), 'jsii-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/jsii.mjs'), '--out', stage], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
    status = r.status;
    output = `${r.stdout}\n${r.stderr}`;
    if (status === 0) assembly = JSON.parse(fs.readFileSync(join(stage, '.jsii'), 'utf8'));
  }, 300_000);

  afterAll(() => fs.rmSync(stage, { recursive: true, force: true }));

  test('succeeds', () => {
    if (status !== 0) throw new Error(`jsii failed:\n${output.slice(-10000)}`);
    expect(output).toMatch(/Errors: 0/);
  });

  test('warns only about reserved words and the peers\' dev dependencies', () => {
    const warnings = output.split('\n').filter((l) => /warning JSII\d+/.test(l));
    const codes = [...new Set(warnings.map((l) => /warning (JSII\d+)/.exec(l)![1]))].sort();
    // JSII5018: a member named `namespace`, `type`, `from` or `operator` (reserved in C#, Go or
    // Python); jsii-pacmak renames it in those languages. JSII6: jsii would like each peer as a
    // devDependency pinned at the peer range's lower end; the fixture repository on
    // cdk8s-plus-28 (test/platform) tests that end instead.
    expect(codes.filter((c) => !['JSII5018', 'JSII6'].includes(c))).toEqual([]);
  });

  test('every name lib/index.ts exports is in the assembly, nothing else is', () => {
    const exported = indexExports();
    const dropped = [...exported].filter(([, kind]) => !['ClassDeclaration', 'InterfaceDeclaration', 'EnumDeclaration'].includes(kind));
    expect(dropped).toEqual([]); // jsii would drop these (free functions, constants, type aliases)
    const inAssembly = Object.values<any>(assembly.types).filter((t) => t.namespace === undefined).map((t) => t.name).sort();
    expect(inAssembly).toEqual([...exported.keys()].sort());
  });

  test('the assembly depends on cdk8s, constructs and cdk8s-plus-28 only, and hides the plumbing', () => {
    expect(Object.keys(assembly.dependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    for (const internal of ['ConfigError', 'ConfigErrors', 'EngineFeatures', 'SecretReader']) expect(assembly.types[`cdk8s-ha-postgres.${internal}`]).toBeUndefined();
    // cdk8s-plus-28 is what the library renders with, not part of its API: a user's objects
    // of any cdk8s-plus are taken by their shape (IContainerLike, IPodSelectorLike…).
    expect(JSON.stringify(assembly.types).match(/cdk8s-plus-\d+\.\w+/g) ?? []).toEqual([]);
    const engine = assembly.types['cdk8s-ha-postgres.IClusterEngine'];
    // No optional methods: they would be abstract ones in Java, C# and Go.
    expect((engine.methods ?? []).filter((m: any) => m.optional)).toEqual([]);
    expect((engine.methods ?? []).map((m: any) => m.name).sort()).toEqual([
      'bindArchive', 'bindDatabase', 'bindDatabaseRole', 'bindPooler', 'bindPublication', 'bindRecovery', 'bindRestoreDrill',
      'bindScheduledBackup', 'bindSchemaImport', 'bindSubscription', 'bindToCluster', 'endpointsFor', 'imageFor', 'instanceLabels',
      'managedParameters', 'monitoringProfile', 'networkProfile', 'parameterDefaults', 'propertyOwnedPaths', 'readinessProfile',
      'serverCertificateAuthority', 'synchronizesLogicalSlots',
    ]);
  });
});
