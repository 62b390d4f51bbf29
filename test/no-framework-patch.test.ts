/**
 * The library composes with cdk8s; it never replaces a method of the user's App, Charts or
 * ApiObjects at run time (issue 16). Builds the production, Patroni and PGO examples plus every
 * construct, synthesizes twice (synth and synthYaml), and checks that no cdk8s object gained an
 * own property holding a function, and that the cdk8s prototypes are untouched.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ProductionChart } from '../examples/production/chart';
import { PatroniChart } from '../examples/patroni/chart';
import { CrunchyChart } from '../examples/crunchy/chart';

process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

const PROTOTYPES = [App.prototype, Chart.prototype, ApiObject.prototype];

function methodsOf(proto: object): Map<string, unknown> {
  return new Map(Object.getOwnPropertyNames(proto).map((n) => [n, Object.getOwnPropertyDescriptor(proto, n)?.value]));
}

/** Own properties of `o` whose value is a function (a replaced method shadows the prototype's). */
function ownFunctions(o: object): string[] {
  return Object.getOwnPropertyNames(o).filter((n) => typeof Object.getOwnPropertyDescriptor(o, n)?.value === 'function');
}

test('no cdk8s method is replaced: the App, its charts and objects keep their prototypes\' methods', () => {
  const before = PROTOTYPES.map(methodsOf);
  const outdir = mkdtempSync(join(tmpdir(), 'no-patch-'));
  try {
    const app = new App({ outdir });
    new ProductionChart(app, 'production', { namespace: 'shop' });
    new PatroniChart(app, 'patroni', { namespace: 'patroni' });
    new CrunchyChart(app, 'crunchy', { namespace: 'crunchy' });
    const objects = app.node.findAll().filter((c) => c instanceof ApiObject || Chart.isChart(c));
    expect(objects.length).toBeGreaterThan(50);

    const check = () => {
      expect(ownFunctions(app)).toEqual([]);
      for (const o of objects) expect([o.node.path, ownFunctions(o)]).toEqual([o.node.path, []]);
    };
    check();
    app.synth();
    check();
    app.synthYaml();
    check();
    PROTOTYPES.forEach((proto, i) => expect(methodsOf(proto)).toEqual(before[i]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
