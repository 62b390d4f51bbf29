/**
 * `npm run bench`: synthesis speed and memory at platform scale.
 *
 * - For N = 1, 10, 100, 1000 production clusters, each N in one fresh process: wall time
 *   per cluster, peak RSS, and the floor (the same objects serialized and written with the
 *   same YAML library, without constructs).
 * - A cold `cdk8s synth` of the production example against a cold synth of an empty chart.
 * - `ha-postgres check` of 500, 1,000 and 2,000 hand-written clusters in one namespace
 *   (the built CLI, end to end), to show it is linear and under 2 s at 2,000.
 * - The unit test suite's wall time.
 * Results go to docs/benchmarks.md (with the machine described) and stdout.
 * `npm run bench -- --only=check` runs only the check benchmark and prints it (docs/benchmarks.md
 * is left as it is).
 */
import { execFileSync, spawnSync } from 'child_process';
import { cpus, loadavg, totalmem } from 'os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

interface WorkerResult { mode: string; clusters: number; repeats: number; synthMs: number; floorMs: number; objects: number; bytes: number; maxRssMiB: number }

function worker(clusters: number, repeats: number, mode = 'app'): WorkerResult {
  const out = execFileSync(bin('ts-node'), ['--swc', join(__dirname, 'synth-worker.ts'), String(clusters), String(repeats), mode],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(cmd: string, args: string[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, HA_POSTGRES_SILENCE_WARNINGS: '1' } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/**
 * Times commands in rounds (A, B, C, A, B, C, …) after one untimed warm-up round, so that a
 * drift in the shared VM's speed, or a cold disk cache right after the fleet runs, weighs on
 * every command alike instead of on whichever ran first.
 */
function timeInterleaved(commands: Array<[string, string[]]>, rounds: number): number[][] {
  for (const [cmd, args] of commands) timeCommand(cmd, args, 1);
  const times: number[][] = commands.map(() => []);
  for (let r = 0; r < rounds; r++) commands.forEach(([cmd, args], i) => times[i].push(timeCommand(cmd, args, 1)[0]));
  return times;
}

/**
 * The production example as a platform repo runs it: its two files (transpiled by ts-node,
 * like the user's own code) importing the built package (`build/lib`, what npm installs)
 * instead of this repository's TypeScript sources. Returns the app's path.
 */
function userStyleExample(): string {
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const dir = join(root, 'bench/.cold-app');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ['main.ts', 'chart.ts']) {
    const source = readFileSync(join(root, 'examples/production', file), 'utf8');
    writeFileSync(join(dir, file), source.replace(/from '\.\.\/\.\.\/lib'/g, "from '../../build/lib'"));
  }
  return join(dir, 'main.ts');
}

interface CheckRun { clusters: number; files: number; objects: number; commandMs: number[]; readMs: number; checkMs: number; cpuMs: number; failedRequired: number; problems: number; load: number[] }

/**
 * `ha-postgres check` of N hand-written clusters in one namespace (bench/check-fleet.ts), on
 * the built CLI: the whole command in a fresh process (median of `runs`), and one in-process
 * run split into reading (YAML 1.1, schemas, keys) and the checklist.
 */
function checkBench(sizes: number[], runs: number): CheckRun[] {
  // The CLI is its own package (packages/cli, built from lib/cli into packages/cli/build).
  execFileSync(bin('tsc'), ['-p', 'packages/cli/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { writeCheckFleet } = require('./check-fleet');
  const out: CheckRun[] = [];
  for (const n of sizes) {
    process.stderr.write(`ha-postgres check of ${n} clusters…\n`);
    const dir = mkdtempSync(join(tmpdir(), 'bench-check-'));
    writeCheckFleet(dir, n);
    const loadBefore = loadavg()[0];
    const cli = join(root, 'packages/cli/build/lib/cli/main.js');
    const commandMs: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [cli, 'check', dir], { cwd: root, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`ha-postgres check of ${n} clusters exited ${r.status} (the fleet should pass)`);
      // the first run warms the disk cache and is not counted
      if (i > 0) commandMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const split = JSON.parse(execFileSync(bin('ts-node'), ['--swc', join(__dirname, 'check-worker.ts'), dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() as string);
    rmSync(dir, { recursive: true, force: true });
    out.push({ clusters: n, files: split.files, objects: split.objects, commandMs, readMs: split.readMs, checkMs: split.checkMs, cpuMs: split.cpuMs,
      failedRequired: split.failedRequired, problems: split.problems, load: [loadBefore, loadavg()[0]] });
  }
  return out;
}

function checkReport(runs: CheckRun[]): string {
  const rows = runs.map((r) => `| ${r.clusters} | ${r.files} | ${r.objects} | ${median(r.commandMs).toFixed(0)} ms | ${r.commandMs.map((t) => t.toFixed(0)).join(', ')} | ${r.cpuMs.toFixed(0)} ms | ${r.readMs.toFixed(0)} ms | ${r.checkMs.toFixed(0)} ms | ${r.load.map((l) => l.toFixed(1)).join(' → ')} |`);
  const at2000 = runs.find((r) => r.clusters === 2000);
  const first = runs[0];
  const last = runs[runs.length - 1];
  // CPU time per cluster at the largest size against the smallest (1 = linear, 4 = quadratic from 500 to 2,000)
  const growth = runs.length > 1 ? (last.cpuMs / last.clusters) / (first.cpuMs / first.clusters) : NaN;
  return `## \`ha-postgres check\` at scale

N hand-written production clusters in one namespace, one file each (\`bench/check-fleet.ts\`: Cluster,
ObjectStore, ScheduledBackup, Pooler and PodDisruptionBudget per cluster, one PrometheusRule), every
required item passing. "command" is \`node packages/cli/build/lib/cli/main.js check <dir>\` end to end in a fresh
process (median of the runs after one warm-up run). "CPU" (user + system), "read" (YAML 1.1, schemas,
object keys) and "checklist" (wall) are one in-process run of the same code. The machine is shared: the
1-minute load average before and after each size is shown, and wall times above the CPU time are time
spent waiting for a core.

| clusters | files | objects | command | runs | CPU | read | checklist | load |
| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |
${rows.join('\n')}

| target | measured | |
| --- | --- | --- |
| 2,000 clusters in one namespace checked in under 2 s | ${at2000 ? `${(median(at2000.commandMs) / 1000).toFixed(2)} s` : 'not run'} | ${at2000 ? (median(at2000.commandMs) < 2000 ? 'met' : '**missed**') : ''} |
| linear: CPU per cluster at ${last.clusters} against ${first.clusters} clusters (1 = linear, ${(last.clusters / first.clusters).toFixed(0)} = quadratic) | ${growth.toFixed(2)} | ${growth < 1.3 ? 'met' : '**missed**'} |
`;
}

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${model}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function main(): void {
  if (only === 'check') {
    const report = `# \`ha-postgres check\` benchmark\n\nGenerated by \`npm run bench -- --only=check\` on ${new Date().toISOString().slice(0, 10)}.\nMachine: ${machine()}.\n\n${checkReport(checkBench([500, 1000, 2000], 5))}`;
    process.stdout.write(report);
    return;
  }
  if (only !== undefined) throw new Error(`--only=${only}: only "check" can run alone`);
  const startedAt = new Date();
  const loadAtStart = load();
  const sizes: Array<[number, number]> = quick ? [[1, 3], [10, 3], [100, 1]] : [[1, 5], [10, 5], [100, 3], [1000, 1]];
  const fleet = sizes.map(([n, r]) => { process.stderr.write(`synthesizing ${n} cluster(s)…\n`); return worker(n, r); });
  // N = 100 and 1,000 three ways: the plain App, the opt-in SinglePassApp, and cdk8s alone (no library code).
  const modes = ['app', 'single-pass', 'cdk8s'];
  const scale = sizes.filter(([n]) => n >= 100).flatMap(([n, r]) => modes.map((m) => {
    process.stderr.write(`${n} cluster(s), ${m}…\n`);
    return m === 'app' ? (fleet.find((f) => f.clusters === n) as WorkerResult) : worker(n, r, m);
  }));

  process.stderr.write('cold cdk8s synth…\n');
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const runs = quick ? 3 : 5;
  const cdk8s = [bin('cdk8s'), 'synth', '--no-check-upgrade', '--output', outdir];
  const userApp = userStyleExample();
  const [example, fromSources, empty] = timeInterleaved([
    [cdk8s[0], [...cdk8s.slice(1), '--app', `ts-node --swc ${userApp}`]],
    [cdk8s[0], [...cdk8s.slice(1), '--app', 'ts-node --swc examples/production/main.ts']],
    [cdk8s[0], [...cdk8s.slice(1), '--app', 'ts-node --swc bench/empty-app.ts']],
  ], runs);
  rmSync(join(root, 'bench/.cold-app'), { recursive: true, force: true });

  const checks = checkBench(quick ? [500, 1000] : [500, 1000, 2000], quick ? 1 : 5);

  process.stderr.write('unit test suite…\n');
  // The shared 2-core VM is noisy (±1.5 s between identical runs): the median of three.
  const unitRuns = timeCommand('npm', ['run', '--silent', 'test:unit'], quick ? 1 : 3);
  const unit = median(unitRuns);

  const at100 = fleet.find((f) => f.clusters === 100);
  const ratioOf = (f: WorkerResult | undefined) => (f ? f.synthMs / f.floorMs : NaN);
  const scaleOf = (n: number, m: string) => scale.find((f) => f.clusters === n && f.mode === m);
  const modeLabel: { [m: string]: string } = { 'app': 'plain `App`', 'single-pass': '`SinglePassApp` (opt-in)', 'cdk8s': 'cdk8s alone (no library code)' };
  const scaleRows = scale.map((f) => `| ${f.clusters} | ${modeLabel[f.mode]} | ${(f.synthMs / f.clusters).toFixed(2)} ms | ${(f.floorMs / f.clusters).toFixed(2)} ms | ${ratioOf(f).toFixed(2)}× | ${f.maxRssMiB.toFixed(0)} MiB |`);
  const perCluster = (f: WorkerResult) => f.synthMs / f.clusters;
  const floorPerCluster = (f: WorkerResult) => f.floorMs / f.clusters;
  const ratio100 = at100 ? perCluster(at100) / floorPerCluster(at100) : NaN;
  const coldRatio = median(example) / median(empty);
  const at1000 = fleet.find((f) => f.clusters === 1000);
  const rssPerCluster = fleet.length > 1
    ? (fleet[fleet.length - 1].maxRssMiB - fleet[0].maxRssMiB) / (fleet[fleet.length - 1].clusters - fleet[0].clusters) : NaN;

  const rows = fleet.map((f) => `| ${f.clusters} | ${f.objects} | ${(f.bytes / 1024).toFixed(0)} KiB | ${perCluster(f).toFixed(2)} ms | ${floorPerCluster(f).toFixed(2)} ms | ${(perCluster(f) / floorPerCluster(f)).toFixed(2)}× | ${f.maxRssMiB.toFixed(0)} MiB |`);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const report = `# Synthesis benchmark

Generated by \`npm run bench${quick ? ' -- --quick' : ''}\`, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} to ${new Date().toISOString().slice(11, 16)} UTC.
Machine: ${machine()}.
Load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end (other processes share the CPU).

Each N runs in one fresh process (median of the repeats); a cluster is the production example
(\`examples/production\`: ${fleet[0].objects} objects). The floor is writing the identical, already
resolved objects with the same YAML library (cdk8s's \`Yaml\`), without constructs.

| clusters | objects | YAML | synth per cluster | floor per cluster | ratio | peak RSS |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Memory: about ${rssPerCluster.toFixed(2)} MiB more peak RSS per additional cluster.

### Plain \`App\`, \`SinglePassApp\` and cdk8s alone

The same fleet in a plain cdk8s \`App\` (above), in the library's opt-in \`SinglePassApp\` (one validation
and one render per chart), and "cdk8s alone": the same objects as plain \`ApiObject\`s in plain charts of
a plain \`App\`, without any library code (\`bench/synth-worker.ts N repeats cdk8s\`). cdk8s's \`App.synth()\`
validates the whole app once per chart (\`chart.toJson()\`), so its own cost grows with the square of the
number of charts.

| clusters | app | synth per cluster | floor per cluster | ratio | peak RSS |
| ---: | --- | ---: | ---: | ---: | ---: |
${scaleRows.join('\n')}

Cold runs are timed in interleaved rounds (one of each command per round) after an untimed warm-up
round.

| cold run | median | runs |
| --- | ---: | --- |
| \`cdk8s synth\` of the production example, as a platform repo runs it (the example's files on the built package) | ${median(example).toFixed(0)} ms | ${example.map((t) => t.toFixed(0)).join(', ')} |
| \`cdk8s synth\` of the production example in this repository (\`npm run synth\`: ts-node also transpiles lib/ and imports/) | ${median(fromSources).toFixed(0)} ms | ${fromSources.map((t) => t.toFixed(0)).join(', ')} |
| \`cdk8s synth\` of an empty chart | ${median(empty).toFixed(0)} ms | ${empty.map((t) => t.toFixed(0)).join(', ')} |
| unit test suite (\`npm run test:unit\`) | ${unit.toFixed(0)} ms | ${unitRuns.map((t) => t.toFixed(0)).join(', ')} |

| target | measured | |
| --- | --- | --- |
| N = 100: time per cluster ≤ 2× the floor, plain \`App\` | ${ratio100.toFixed(2)}× | ${verdict(ratio100 <= 2)} |
| N = 100: ≤ 2× the floor, \`SinglePassApp\` | ${ratioOf(scaleOf(100, 'single-pass')).toFixed(2)}× | ${verdict(ratioOf(scaleOf(100, 'single-pass')) <= 2)} |
| N = 1,000: ≤ 2× the floor, plain \`App\` (cdk8s alone: ${ratioOf(scaleOf(1000, 'cdk8s')).toFixed(2)}×) | ${ratioOf(scaleOf(1000, 'app')).toFixed(2)}× | ${verdict(ratioOf(scaleOf(1000, 'app')) <= 2)} |
| N = 1,000: ≤ 2× the floor, \`SinglePassApp\` | ${ratioOf(scaleOf(1000, 'single-pass')).toFixed(2)}× | ${verdict(ratioOf(scaleOf(1000, 'single-pass')) <= 2)} |
| cold synth of the example (as a platform repo runs it) ≤ 1.3× the empty chart | ${coldRatio.toFixed(2)}× | ${verdict(coldRatio <= 1.3)} |
| 1,000 clusters well under 1 GiB | ${at1000 ? `${at1000.maxRssMiB.toFixed(0)} MiB` : 'not run (--quick)'} | ${at1000 ? verdict(at1000.maxRssMiB < 768) : ''} |
| unit test suite ≤ 15 s | ${(unit / 1000).toFixed(1)} s | ${verdict(unit <= 15000)} |

${checkReport(checks)}`;
  writeFileSync(join(root, 'docs/benchmarks.md'), report);
  process.stdout.write(report);
}

main();
