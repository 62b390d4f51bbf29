/**
 * One `ha-postgres check` measurement in a fresh process, on the built package
 * (packages/cli/build, what `npm install cdk8s-ha-postgres-cli` installs): reads and checks the manifests under a directory, as
 * `ha-postgres check <dir>` does, and prints one JSON line with the times of reading
 * (YAML, schemas, keys) and of the checklist, and the verdict counts.
 *
 *   node -r ts-node/register bench/check-worker.ts <dir>
 */
import { join } from 'path';

const root = join(__dirname, '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const started = process.hrtime.bigint();
const { manifestFiles, readManifests } = require(join(root, 'packages/cli/build/lib/cli/check/read-manifests'));
const { evaluateReadiness } = require(join(root, 'packages/cli/build/lib/monitoring/readiness/checklist'));
const { formatReport } = require(join(root, 'packages/cli/build/lib/cli/check/check-command'));
const loaded = process.hrtime.bigint();
const cpu0 = process.cpuUsage();

const files = manifestFiles([process.argv[2]]);
const read = readManifests(files);
const readDone = process.hrtime.bigint();
const reports = evaluateReadiness(read.objects, { sourceOf: (o: object) => read.sourceOf(o)?.file });
const text = formatReport(reports);
const done = process.hrtime.bigint();
const cpu = process.cpuUsage(cpu0);

const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
process.stdout.write(JSON.stringify({
  files: files.length,
  objects: read.objects.length,
  problems: read.problems.length,
  clusters: reports.length,
  failedRequired: reports.reduce((n: number, r: any) => n + r.items.filter((i: any) => i.required && !i.passed).length, 0),
  loadMs: ms(started, loaded),
  readMs: ms(loaded, readDone),
  checkMs: ms(readDone, done),
  totalMs: ms(loaded, done),
  cpuMs: (cpu.user + cpu.system) / 1000,
  outputBytes: text.length,
}) + '\n');
