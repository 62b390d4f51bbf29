import { App } from 'cdk8s';
import { PatroniChart } from './chart';

const app = new App();
new PatroniChart(app, 'patroni');
app.synth();
