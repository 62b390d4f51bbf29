import { App } from 'cdk8s';
import { BackupChart, PointInTimeRestoreChart } from './chart';

const app = new App();
new BackupChart(app, 'backup');
new PointInTimeRestoreChart(app, 'restore');
app.synth();
