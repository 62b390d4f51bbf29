import { App } from 'cdk8s';
import { ProductionChart } from '../examples/production/chart';

/** N copies of the production example, each in its own chart and namespace, as a platform repo would have. */
export function buildFleet(app: App, clusters: number): void {
  for (let i = 0; i < clusters; i++) {
    new ProductionChart(app, `team-${i}`, { namespace: `team-${i}` });
  }
}
