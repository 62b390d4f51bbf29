import { SinglePassApp } from '../../lib';
import { ProductionChart } from './chart';

// SinglePassApp: one validation and one render per chart, then the topology diagram.
const app = new SinglePassApp();
new ProductionChart(app, 'production');
app.synth();
