/**
 * The property-based suite of one engine; property.cloudnative-pg.test.ts, property.patroni.test.ts
 * and property.crunchy.test.ts run it (one file per engine, so Jest can run the engines in parallel).
 * On Crunchy PGO the PostgresCluster's pods are PGO's (it sets their security contexts, like
 * CloudNativePG's Cluster): PSS is checked on the pods the library renders itself (the restore
 * drill's CronJob), the PDB-overlap check counts PGO's own PDBs (lib/monitoring/readiness/pod-model.ts),
 * and the drill's PostgresCluster template is checked against the vendored CRD.
 * test/security/random-stacks.ts draws the stacks:
 * - stacks VALID BY CONSTRUCTION (cluster, pools, peers, an archive with several backups and,
 *   on CloudNativePG, a restore drill; sometimes the same cluster again in a second namespace
 *   with drills sharing one scratch namespace; for Patroni also random engine props)
 *   synthesize, and their manifests pass the strict schemas, have no pod under two PDBs, pass
 *   PSS, the credential and RBAC scans, resolve their references, pass the admission model of
 *   CloudNativePG's webhooks and the API server (test/support/admission.ts, with no object
 *   applied twice), keep replication and pool → cluster reachable and keep strangers out;
 * - the same stacks with one or two documented rules broken fail with a ConfigError whose
 *   every line reads `prop = value: problem. Fix: …` and names each broken rule's
 *   property; never a TypeError or another crash.
 * `npm test` (CI) checks 1,000 valid and 250 invalid stacks per engine; `npm run test:unit`
 * sets PROPERTY_RUNS=100 (100 valid, 25 invalid) for a fast loop.
 */
import * as fc from 'fast-check';
import { ArchiveSpec, buildStack, Defect, DRILL_NAMESPACE, EngineKind, invalidStacks, StackSpec, validStacks } from './random-stacks';
import { badErrorLines, reachabilityFindings, stackFindings } from './stack-checks';

const VALID_RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);
const INVALID_RUNS = Math.ceil(VALID_RUNS / 4);

/** Errors that mean a crash, not a configuration error. */
const CRASHES = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'];

function synthError(stack: StackSpec): Error | undefined {
  try {
    buildStack(stack);
    return undefined;
  } catch (e) {
    if (!(e instanceof Error) || CRASHES.includes(e.name)) throw e;
    return e;
  }
}

/** True when an error line's property (the text after `[path] ` up to ` = `) is the defect's. */
export function namesProperty(message: string, defect: Defect): boolean {
  return message.split('\n').some((line) => {
    const body = line.trim().replace(/^\[[^\]]+\] /, '');
    return body.startsWith(defect.property) && /^[ .([=]/.test(body.slice(defect.property.length));
  });
}

/** The two properties for `engine`. */
export function describeRandomStacks(engine: EngineKind): void {
  beforeAll(() => {
    process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  });

  describe(`random stacks (${engine})`, () => {
    test(`${VALID_RUNS} stacks valid by construction synthesize and pass every check`, () => {
      let checked = 0;
      const started = Date.now();
      fc.assert(fc.property(validStacks(engine), (stack) => {
        const { manifests, clusters } = buildStack(stack);
        expect(stackFindings(manifests)).toEqual([]);
        for (const c of clusters) {
          const profile = c.db.engine.networkProfile();
          if (!profile || c.spec.props.network?.enabled === false) continue;
          expect(reachabilityFindings(manifests, {
            namespace: c.spec.namespace, instance: c.db.engine.instanceLabels(c.db.clusterName), poolers: c.reachability,
          })).toEqual([]);
        }
        checked++;
      }), { numRuns: VALID_RUNS, includeErrorInReport: true });
      expect(checked).toBe(VALID_RUNS);
      // eslint-disable-next-line no-console
      console.log(`property (${engine}): ${checked} valid stacks synthesized and checked in ${Date.now() - started} ms`);
    });

    test('the valid stacks draw every shape: twins in two namespaces, several backups, drills, limits above requests, sized WAL and memory parameters', () => {
      const sample = fc.sample(validStacks(engine), { numRuns: 400, seed: 20 });
      const clusters = sample.flatMap((s) => s.clusters);
      const archives = clusters.map((c) => c.parts.archive as ArchiveSpec | undefined);
      const twins = sample.filter((s) => s.clusters.length === 2);
      const shapes: { [shape: string]: boolean } = {
        'same-named cluster in a second namespace': twins.some((s) => s.clusters[1].namespace !== s.clusters[0].namespace && s.clusters[1].id === s.clusters[0].id),
        // PGO has one full schedule per repository, and differential and incremental ones as engine props.
        ...(engine === 'Crunchy PGO' ? {
          'a full, a differential and an incremental backup of one archive': clusters.some((c) => (c.parts.archive as ArchiveSpec | undefined)?.schedules.length === 1
            && c.crunchy?.differentialBackupSchedule && c.crunchy.incrementalBackupSchedule),
          'a recovered cluster': clusters.some((c) => c.props.bootstrap !== undefined),
          'a non-default instance set': clusters.some((c) => (c.crunchy?.instanceSetName ?? 'pg') !== 'pg'),
          'monitoring off': clusters.some((c) => c.crunchy?.monitoring === false),
          'backup Job resources': clusters.some((c) => c.crunchy?.backupJobResources !== undefined),
        } : { 'a daily and a weekly backup of one archive': archives.some((a) => (a?.schedules.length ?? 0) >= 2) }),
        'drills of both twins': twins.some((s) => s.clusters.every((c) => (c.parts.archive as ArchiveSpec).drill)) === (engine !== 'Patroni'),
        'CPU limit above the request': clusters.some((c) => c.props.resources?.cpuLimit && c.props.resources.cpuLimit.amount !== c.props.resources.cpuRequest?.amount),
        'memory limit above the request': clusters.some((c) => c.props.resources?.memoryLimit && c.props.resources.memoryLimit.toMebibytes() > c.props.resources.memoryRequest!.toMebibytes()),
        ...Object.fromEntries(['shared_buffers', 'max_wal_size', 'min_wal_size'].map((p) => [p, clusters.some((c) => c.props.parameters?.[p] !== undefined)])),
      };
      expect(Object.entries(shapes).filter(([, drawn]) => !drawn).map(([shape]) => shape)).toEqual([]);
      // The twins' drills share the scratch namespace, each object under its own name (the admission check refuses duplicates).
      const twin = twins.find((s) => s.clusters.every((c) => (c.parts.archive as ArchiveSpec).drill));
      if (twin) {
        const scratch = buildStack(twin).manifests.filter((m) => m.metadata?.namespace === DRILL_NAMESPACE);
        const ids = scratch.map((m) => `${m.kind}/${m.metadata.name}`);
        expect(new Set(ids).size).toBe(ids.length);
        for (const ns of ['shop', 'shop-b']) expect(ids.filter((id) => id.endsWith(`-${ns}`) || id.endsWith(`-${ns}-source`)).length).toBeGreaterThan(0);
      }
    });

    test(`${INVALID_RUNS} stacks with broken rules fail with a ConfigError naming each broken property, never a crash`, () => {
      let rejected = 0;
      const seen = new Set<string>();
      const started = Date.now();
      fc.assert(fc.property(invalidStacks(engine), ({ stack, defects }) => {
        const error = synthError(stack);
        if (!error) throw new Error(`synthesis succeeded despite ${defects.map((d) => `"${d.name}"`).join(' and ')}`);
        expect(badErrorLines(error!.message)).toEqual([]);
        for (const d of defects) {
          if (!namesProperty(error!.message, d)) throw new Error(`defect "${d.name}": no error names ${d.property}:\n${error!.message}`);
          seen.add(d.name);
        }
        rejected++;
      }), { numRuns: INVALID_RUNS, includeErrorInReport: true });
      expect(rejected).toBe(INVALID_RUNS);
      // eslint-disable-next-line no-console
      console.log(`property (${engine}): ${rejected} invalid stacks rejected with the broken properties named (${seen.size} kinds of defect) in ${Date.now() - started} ms`);
    });
  });
}
