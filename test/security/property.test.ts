/**
 * Property-based: random HaPostgres and PgBouncerPool props either fail with documented
 * errors (`property = value: problem. Fix: …`) or synthesize manifests that pass every
 * schema and rule check. 1,000 runs per engine.
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ClusterEngine, HaPostgres, HaPostgresProps, IClusterEngine, NetworkPeer, PatroniVersion,
  PgBouncerPool, PostgresVersion, RestoreDrill, ScheduledBackup, WalArchive,
} from '../../lib';
import { RandomStack, stacks } from './random-props';
import { badErrorLines, reachabilityFindings, stackFindings } from './stack-checks';
import { engineFeatures } from '../../lib/engines/cluster-engine';

// `npm run test:unit` samples fewer stacks for a fast loop; `npm test` (CI) runs 1,000 per engine.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

interface Outcome { readonly manifests?: any[]; readonly error?: string; readonly db?: HaPostgres; readonly pools?: PgBouncerPool[] }

function build(stack: RandomStack, engineProps: (props: HaPostgresProps) => HaPostgresProps): Outcome {
  process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  try {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop', disableResourceNameHashes: true });
    const db = new HaPostgres(chart, 'db', engineProps(stack.props));
    if (stack.peerLabels) db.connections.allowFrom(NetworkPeer.podsWithLabels(stack.peerLabels));
    const pools = stack.pools.map((p, i) => {
      const pool = new PgBouncerPool(chart, `pool${i}`, { cluster: db, ...p });
      if (p.allowApp) pool.connections.allowFrom(NetworkPeer.podsWithLabels({ app: 'web' }));
      return pool;
    });
    // Shapes of issue 20: several backups per archive, same names in another namespace, drills sharing a scratch namespace.
    const charts = [chart];
    const archived = (c: Chart, cluster: HaPostgres) => new WalArchive(c, 'archive', {
      cluster,
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: c.namespace, region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/shop-archive'),
    });
    if (stack.backups || stack.twin) {
      const archive = archived(chart, db);
      (stack.backups ?? []).forEach((schedule, i) => new ScheduledBackup(chart, `backup${i}`, { archive, schedule }));
    }
    if (stack.twin) {
      const other = new Chart(app, 'other', { namespace: 'shop-b', disableResourceNameHashes: true });
      const twin = new HaPostgres(other, 'db', engineProps(stack.props));
      archived(other, twin);
      charts.push(other);
      if (engineFeatures(db.engine).renderRestoreDrill) {
        new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'drills' });
        new RestoreDrill(other, 'drill', { cluster: twin, scratchNamespace: 'drills' });
      }
    }
    return { manifests: charts.flatMap((c) => Testing.synth(c)), db, pools };
  } catch (e) {
    if (!(e instanceof Error) || e.name === 'TypeError' || e.name === 'RangeError' || e.name === 'ReferenceError') throw e;
    return { error: e.message };
  }
}

const ENGINES: Array<[string, (props: HaPostgresProps) => HaPostgresProps]> = [
  ['CloudNativePG', (props) => props],
  ['Patroni', (props) => {
    // Patroni's required inputs, and a version its release line supports; the rest is random.
    const old = props.version === undefined;
    return {
      credentials: AppCredentials.fromSecret('orders-app'),
      ...props,
      version: old ? PostgresVersion.of(15, 8) : props.version,
      engine: patroniEngine(),
    };
  }],
];

function patroniEngine(): IClusterEngine {
  return ClusterEngine.patroni({
    version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni',
    tlsSecretName: 'orders-tls', pgbouncerImage: 'registry.example.com/pgbouncer:1.18.0',
  });
}

describe.each(ENGINES)('random props (%s)', (engineName, engineProps) => {
  test(`${RUNS} random stacks: a documented error or manifests passing every check`, () => {
    const counts = { valid: 0, invalid: 0 };
    const started = Date.now();
    fc.assert(fc.property(stacks, (stack) => {
      const outcome = build(stack, engineProps);
      if (outcome.error !== undefined) {
        counts.invalid++;
        expect(badErrorLines(outcome.error)).toEqual([]);
        return;
      }
      counts.valid++;
      const db = outcome.db!;
      expect(stackFindings(outcome.manifests!)).toEqual([]);
      const profile = engineFeatures(db.engine).networkProfile?.();
      if (profile) {
        expect(reachabilityFindings(outcome.manifests!, {
          namespace: 'shop',
          instance: db.engine.instanceLabels(db.clusterName),
          poolers: outcome.pools!.map((p) => profile.poolerPodLabels(p.poolName)),
        })).toEqual([]);
      }
    }), { numRuns: RUNS });
    // Both outcomes must be exercised, or the generator is too narrow.
    expect(counts.valid).toBeGreaterThan(RUNS / 20);
    expect(counts.invalid).toBeGreaterThan(RUNS / 20);
    // eslint-disable-next-line no-console
    console.log(`property (${engineName}): ${RUNS} runs, ${counts.valid} valid, ${counts.invalid} invalid, ${Date.now() - started} ms`);
  });
});

describe('the checks themselves', () => {
  test('they catch an unresolved Pooler, a PDB over no pod, a schema error and an undocumented error line', () => {
    const findings = stackFindings([
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'p', namespace: 'shop' }, spec: { cluster: { name: 'gone' }, type: 'bogus', pgbouncer: {} } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'none' } } } },
    ]);
    expect(findings.join('\n')).toContain('Pooler/p: cluster gone is not in the output');
    expect(findings.join('\n')).toContain('PodDisruptionBudget/b: selects no pod');
    expect(findings.some((f) => f.startsWith('Pooler/p spec'))).toBe(true);
    expect(badErrorLines('Validation failed with the following errors:\n  [t/db] something broke')).toEqual(['[t/db] something broke']);
    expect(badErrorLines('Validation failed with the following errors:\n  [t/db] name = "X": is bad. Fix: use "x"')).toEqual([]);
  });

  test('the reachability check catches a policy that isolates the instances', () => {
    const pods = { namespace: 'shop', instance: { role: 'db' }, poolers: [{ role: 'pool' }] };
    const deny = { kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(reachabilityFindings([deny], pods)).toEqual(['instances cannot replicate', 'pooler {"role":"pool"} cannot reach its cluster']);
  });
});
