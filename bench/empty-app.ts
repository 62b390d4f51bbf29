// The baseline for the cold-synth comparison: an app with one empty chart.
import { App, Chart } from 'cdk8s';

const app = new App();
new Chart(app, 'empty');
app.synth();
