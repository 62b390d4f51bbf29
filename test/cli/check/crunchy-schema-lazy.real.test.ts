/**
 * `ha-postgres check` loads the PGO schema module (340 KB of JSON) only for inputs with an
 * object of the postgres-operator.crunchydata.com group. On Jest's isolating runner (the
 * `real` project), which can count module loads; nothing is spawned.
 */
import { Testing } from 'cdk8s';
import { CrunchyChart } from '../../../examples/crunchy/chart';

const pc = () => JSON.parse(JSON.stringify(Testing.synth(new CrunchyChart(Testing.app(), 'crunchy')))).find((m: any) => m.kind === 'PostgresCluster');

test('the PGO schema module is loaded only for inputs with a PostgresCluster', () => {
  jest.isolateModules(() => {
    let loaded = 0;
    jest.doMock('../../../lib/cli/check/schemas/crd-schemas-pgo.generated', () => {
      loaded++;
      return jest.requireActual('../../../lib/cli/check/schemas/crd-schemas-pgo.generated');
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schemas = require('../../../lib/cli/check/schemas') as typeof import('../../../lib/cli/check/schemas');
    schemas.objectProblems({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'x' }, spec: { instances: 3, storage: { size: '1Gi' } } });
    schemas.objectProblems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(loaded).toBe(0);
    const cluster = pc();
    schemas.objectProblems(cluster);
    expect(schemas.objectProblems(cluster)).toEqual([]);
    expect(loaded).toBe(1);
  });
});
