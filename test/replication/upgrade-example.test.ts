import { Testing } from 'cdk8s';
import { PoolSwitchSide, SynthWarnings } from '../../lib';
import { UpgradeChart } from '../../examples/upgrade/chart';
import { expectValidManifests } from '../support/schema-validator';

describe('upgrade example (docs/guides/upgrades.md)', () => {
  const render = (serve: PoolSwitchSide) => {
    const chart = new UpgradeChart(Testing.app(), 'upgrade', { serve });
    return { chart, manifests: Testing.synth(chart) };
  };
  const today = render(PoolSwitchSide.SOURCE);
  const switched = render(PoolSwitchSide.TARGET);

  test('schema-valid', () => {
    expectValidManifests(today.manifests);
    expectValidManifests(switched.manifests);
  });

  test('the switch changes the applications\' Service only', () => {
    const without = (m: any[]) => m.filter((x) => !(x.kind === 'Service' && x.metadata.name === 'orders-db'));
    expect(without(switched.manifests)).toEqual(without(today.manifests));
    const svc = (m: any[]) => m.find((x) => x.kind === 'Service' && x.metadata.name === 'orders-db').spec.selector['cnpg.io/poolerName'];
    expect([svc(today.manifests), svc(switched.manifests)]).toEqual(['orders-pooler-rw', 'orders-v17-pooler-rw']);
  });

  test('the warnings are the upgrade\'s caveats, not mistakes', () => {
    const text = SynthWarnings.collect(today.chart).filter((w) => !/readiness:/.test(w)).join('\n');
    expect(text).toMatch(/carries rows only/);
    expect(text).toMatch(/not a failover slot/);
    expect(today.chart.upgrade.cutoverArguments).toBe('--source "<connection string of orders-rw, database app>" --target "<connection string of orders-v17-rw, database app>" --publication upgrade_pub --subscription upgrade_sub');
  });
});
