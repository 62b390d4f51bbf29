import { App } from 'cdk8s';
import { CrunchyChart } from './chart';

const app = new App();
new CrunchyChart(app, 'crunchy');
app.synth();
