/**
 * Runs the Patroni failover drill N times on this machine (real etcd, Patroni and
 * PostgreSQL on loopback) and prints the median and max failover outage, the
 * switchover outage, lost commits, bring-up time and leader changes under load.
 *
 *   npm run drill -- --runs 5 --stability-seconds 120
 */
import { Duration } from 'cdk8s';
import { Command } from 'commander';
import { DataDurability } from '../lib';
import { drillManifests, DrillVariant } from '../test/patroni/drill-cluster';
import { DrillResult, runPatroniDrill } from '../test/support/patroni-drill';

const program = new Command()
  .name('drill')
  .description('Patroni failover drill on real etcd, Patroni and PostgreSQL (loopback)')
  .option('-n, --runs <count>', 'number of drills', '3')
  .option('-s, --stability-seconds <seconds>', 'healthy write load with no leader change allowed', '120')
  .option('--ttl <seconds>', 'override the default ttl (to measure alternatives)')
  .option('--loop-wait <seconds>', 'override the default loop_wait')
  .option('--retry-timeout <seconds>', 'override the default retry_timeout')
  .option('--preferred', 'dataDurability PREFERRED (synchronous_mode_strict off) instead of the default REQUIRED')
  .option('-q, --quiet', 'only the summary')
  .parse();
const opts = program.opts<{
  runs: string; stabilitySeconds: string; quiet?: boolean; ttl?: string; loopWait?: string; retryTimeout?: string; preferred?: boolean;
}>();
const sec = (v?: string) => (v === undefined ? undefined : Duration.seconds(Number(v)));
const variant: DrillVariant = {
  timing: { ttl: sec(opts.ttl), loopWait: sec(opts.loopWait), retryTimeout: sec(opts.retryTimeout) },
  dataDurability: opts.preferred ? DataDurability.PREFERRED : undefined,
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x: number) => `${x.toFixed(2)} s`;

async function main(): Promise<number> {
  const runs = Number(opts.runs);
  const stabilitySeconds = Number(opts.stabilitySeconds);
  const results: DrillResult[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await runPatroniDrill({
      manifests: drillManifests(variant),
      stabilitySeconds,
      log: opts.quiet ? undefined : (line) => console.log(`[drill ${i}/${runs}] ${line}`),
    });
    results.push(r);
  }
  const fo = results.map((r) => r.failoverOutageSeconds);
  const so = results.map((r) => r.switchoverOutageSeconds);
  const lost = results.reduce((n, r) => n + r.lostCommits.length, 0);
  const acked = results.reduce((n, r) => n + r.ackedCommits, 0);
  const changes = results.reduce((n, r) => n + r.spuriousLeaderChanges, 0);
  const t = results[0].memberConfigs[0].bootstrap.dcs;
  console.log(`\nPatroni drill: ${runs} run(s), timing ttl ${t.ttl} / loop_wait ${t.loop_wait} / retry_timeout ${t.retry_timeout}, ` +
    `synchronous_mode_strict ${t.synchronous_mode_strict}`);
  console.log(`failover outage   median ${f(median(fo))}  max ${f(Math.max(...fo))}  (${fo.map(f).join(', ')})`);
  console.log(`switchover outage median ${f(median(so))}  max ${f(Math.max(...so))}`);
  console.log(`lost acknowledged commits ${lost} of ${acked}`);
  console.log(`bring-up          median ${f(median(results.map((r) => r.bringUpSeconds)))}  max ${f(Math.max(...results.map((r) => r.bringUpSeconds)))}`);
  console.log(`rejoin            median ${f(median(results.map((r) => r.rejoinSeconds)))}  (pg_rewind ran in ${results.filter((r) => r.rewindRan).length}/${runs})`);
  console.log(`leader changes during ${stabilitySeconds} s of healthy write load: ${changes}`);
  const checks: Array<[string, boolean]> = [
    ['median failover outage <= 10 s', median(fo) <= 10],
    ['switchover outage <= 2 s', Math.max(...so) <= 2],
    ['0 acknowledged commits lost', lost === 0],
    ['no leader change under healthy load', changes === 0],
  ];
  for (const [target, met] of checks) console.log(`${met ? 'met    ' : 'NOT MET'} ${target}`);
  return checks.every(([, met]) => met) ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(2);
});
