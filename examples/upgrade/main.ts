import { App } from 'cdk8s';
import { PoolSwitchSide } from '../../lib/replication';
import { UpgradeChart } from './chart';

const app = new App();
new UpgradeChart(app, 'upgrade', { serve: process.env.SERVE_TARGET === '1' ? PoolSwitchSide.TARGET : PoolSwitchSide.SOURCE });
app.synth();
