/**
 * Runs the Patroni failover drill N times on this machine (real etcd, Patroni and
 * PostgreSQL on loopback) and prints the median and max failover outage, the
 * switchover outage, lost commits, bring-up time, leader changes and lost leader locks
 * under load, how the old leader rejoined (pg_rewind proven by its backup label), and
 * the two-member loss (leader and synchronous standby killed together).
 *
 *   npm run drill -- --runs 5 --stability-seconds 120
 *
 * A timing the engine refuses (ttl < loop_wait + 2 × retry_timeout), measured:
 *
 *   npm run drill -- --unsafe-timing --ttl 4 --loop-wait 2 --retry-timeout 3 --stability-only --stability-seconds 30 --runs 1
 */
import * as os from 'os';
import { Duration } from 'cdk8s';
import { Command } from 'commander';
import { DataDurability } from '../lib';
import { drillManifests, DrillVariant } from '../test/patroni/drill-cluster';
import { DrillResult, runPatroniDrill, UnsafeTiming } from '../test/support/patroni-drill';

const program = new Command()
  .name('drill')
  .description('Patroni failover drill on real etcd, Patroni and PostgreSQL (loopback)')
  .option('-n, --runs <count>', 'number of drills', '3')
  .option('-s, --stability-seconds <seconds>', 'healthy write load in which leader changes and lost leader locks are counted', '120')
  .option('--ttl <seconds>', 'override the default ttl (to measure alternatives)')
  .option('--loop-wait <seconds>', 'override the default loop_wait')
  .option('--retry-timeout <seconds>', 'override the default retry_timeout')
  .option('--unsafe-timing', 'write --ttl/--loop-wait/--retry-timeout into the emitted bootstrap.dcs after synthesis, '
    + 'bypassing the engine\'s check (to measure a timing it refuses)')
  .option('--stability-only', 'stop after the stability window (no failover, switchover or two-member loss)')
  .option('--preferred', 'dataDurability PREFERRED (synchronous_mode_strict off) instead of the default REQUIRED')
  .option('-q, --quiet', 'only the summary')
  .parse();
const opts = program.opts<{
  runs: string; stabilitySeconds: string; quiet?: boolean; ttl?: string; loopWait?: string; retryTimeout?: string; preferred?: boolean;
  unsafeTiming?: boolean; stabilityOnly?: boolean;
}>();
const num = (v?: string) => (v === undefined ? undefined : Number(v));
const sec = (v?: string) => (v === undefined ? undefined : Duration.seconds(Number(v)));
const unsafeTiming: UnsafeTiming | undefined = opts.unsafeTiming
  ? { ttl: num(opts.ttl), loopWait: num(opts.loopWait), retryTimeout: num(opts.retryTimeout) }
  : undefined;
const variant: DrillVariant = {
  timing: opts.unsafeTiming ? undefined : { ttl: sec(opts.ttl), loopWait: sec(opts.loopWait), retryTimeout: sec(opts.retryTimeout) },
  dataDurability: opts.preferred ? DataDurability.PREFERRED : undefined,
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x: number) => `${x.toFixed(2)} s`;
const stats = (xs: number[]) => `median ${f(median(xs))}  max ${f(Math.max(...xs))}  (${xs.map(f).join(', ')})`;

async function main(): Promise<number> {
  const runs = Number(opts.runs);
  const stabilitySeconds = Number(opts.stabilitySeconds);
  const started = new Date();
  const load = os.loadavg();
  const results: DrillResult[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await runPatroniDrill({
      manifests: drillManifests(variant),
      stabilitySeconds,
      unsafeTiming,
      stabilityOnly: opts.stabilityOnly,
      log: opts.quiet ? undefined : (line) => console.log(`[drill ${i}/${runs}] ${line}`),
    });
    results.push(r);
  }
  const t = results[0].timing;
  const dcs = results[0].memberConfigs[0].bootstrap.dcs;
  const cpus = os.cpus();
  console.log(`\nPatroni drill, ${started.toISOString()} to ${new Date().toISOString()}: ${runs} run(s) on ${os.hostname()} ` +
    `(${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average at start ${load.map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`timing ttl ${t.ttl} / loop_wait ${t.loopWait} / retry_timeout ${t.retryTimeout}${t.unsafe ? ' (UNSAFE: set after synthesis, the engine refuses it)' : ''}, ` +
    `synchronous_mode ${dcs.synchronous_mode}, synchronous_mode_strict ${dcs.synchronous_mode_strict}`);
  const lost = results.reduce((n, r) => n + r.lostCommits.length, 0);
  const acked = results.reduce((n, r) => n + r.ackedCommits, 0);
  const changes = results.reduce((n, r) => n + r.spuriousLeaderChanges, 0);
  const lockLosses = results.reduce((n, r) => n + r.leaderLockLosses, 0);
  const promotions = results.reduce((n, r) => n + r.stabilityPromotions, 0);
  console.log(`during ${stabilitySeconds} s of write load per run: leader changes ${changes}, leader locks lost ${lockLosses}, promotions ${promotions} ` +
    `(per run: ${results.map((r) => `${r.leaderLockLosses} lost, ${r.stabilityPromotions} promoted`).join('; ')})`);
  console.log(`bring-up          ${stats(results.map((r) => r.bringUpSeconds))}` +
    `${results.some((r) => !r.topologyReached) ? `; never reached Leader + Sync Standby + Replica in ${results.filter((r) => !r.topologyReached).length} run(s)` : ''}`);
  const checks: Array<[string, boolean]> = [
    ['0 acknowledged commits lost', lost === 0],
    ['no leader change and no lost leader lock under healthy load', changes === 0 && lockLosses === 0],
  ];
  if (!opts.stabilityOnly) {
    const fo = results.map((r) => r.failoverOutageSeconds!);
    const so = results.map((r) => r.switchoverOutageSeconds!);
    const rewound = results.filter((r) => r.rejoin!.method === 'pg_rewind').length;
    const loss = results.map((r) => r.twoMemberLoss!);
    console.log(`failover outage   ${stats(fo)}`);
    console.log(`switchover outage ${stats(so)}`);
    console.log(`rejoin            ${stats(results.map((r) => r.rejoin!.seconds))}; ` +
      `rewound by pg_rewind (its backup label and exit code 0) in ${rewound} of ${runs}; methods: ${results.map((r) => r.rejoin!.method).join(', ')}`);
    console.log(`two-member loss   survivor promoted in ${loss.filter((l) => l.survivorPromoted).length} of ${runs}; ` +
      `survivor (WAL receiver held before the kill) lacked ${loss.map((l) => `${l.survivorMissingAcked} of ${l.ackedAtKill}`).join(', ')} acknowledged commits; ` +
      `commits acknowledged with both down: ${loss.reduce((n, l) => n + l.acksAfterKillBeforeRecovery, 0)}; ` +
      `back to writes after restarting both: ${stats(loss.map((l) => l.recoverySeconds))}`);
    checks.push(
      ['median failover outage <= 10 s', median(fo) <= 10],
      ['switchover outage <= 2 s', Math.max(...so) <= 2],
      ['leader and synchronous standby lost together: no promotion, or no acknowledged commit missing',
        loss.every((l) => !l.survivorPromoted || l.survivorMissingAcked === 0)],
    );
  }
  console.log(`lost acknowledged commits ${lost} of ${acked}`);
  for (const [target, met] of checks) console.log(`${met ? 'met    ' : 'NOT MET'} ${target}`);
  return checks.every(([, met]) => met) ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(2);
});
