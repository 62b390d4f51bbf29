import { App } from 'cdk8s';
import { DevChart } from './chart';

const app = new App();
new DevChart(app, 'dev');
app.synth();
