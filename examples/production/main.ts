import { App } from 'cdk8s';
import { ProductionChart } from './chart';

const app = new App();
new ProductionChart(app, 'production');
app.synth();
