import { App } from 'cdk8s';
import { PoolerChart } from './chart';

const app = new App();
new PoolerChart(app, 'pooler');
app.synth();
