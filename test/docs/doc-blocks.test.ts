/**
 * Every TypeScript block of README.md, CONTRIBUTING.md and docs/guides/*.md, extracted from the
 * pages (test/support/doc-blocks.ts explains the markers) and type-checked in one TypeScript
 * program against lib/ as `cdk8s-ha-postgres`; blocks marked `synth` are also run and their
 * manifests validated. Nothing is copied by hand: editing a page changes what is checked.
 */
import { join } from 'path';
import { brokenLinks, DocBlock, docFiles, extractBlocks, headingAnchor, readPage, runSynthBlock, runTestBlock, typeCheckBlocks } from '../support/doc-blocks';
import { expectValidManifests } from '../support/schema-validator';
import { Chart, Testing } from 'cdk8s';
import { HaPostgres, ManifestChecks, NetworkPolicyModel, PgBouncerPool } from '../../lib';

const root = join(__dirname, '../..');
const pages = docFiles(root);
const blocks = pages.flatMap((doc) => extractBlocks(readPage(root, doc), doc));
const GUIDES = ['install', 'cluster', 'backups', 'pooling', 'monitoring', 'databases-and-replication', 'upgrades', 'patroni', 'operator-rules', 'security', 'testing', 'performance'];

describe('documentation blocks', () => {
  test('the pages checked are the README, CONTRIBUTING and one guide per area', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', ...GUIDES.map((g) => `docs/guides/${g}.md`)]));
    // Every guide of an area has a runnable example: a complete app or a test that runs.
    const runnable = new Set(blocks.filter((b) => b.synth || b.run).map((b) => b.doc));
    expect(GUIDES.filter((g) => g !== 'performance' && !runnable.has(`docs/guides/${g}.md`))).toEqual([]);
  });

  test('every TypeScript block type-checks against the package (one program)', () => {
    // A deliberately wrong block rides along, to prove that errors are found and placed.
    const probe: DocBlock = { doc: 'probe.md', line: 10, given: ['db'], synth: false, code: "db.addParameters({ work_mem: 16 });\nexport const n: number = db.clusterName;" };
    const problems = typeCheckBlocks(root, [...blocks, probe]);
    expect(problems.filter((p) => p.startsWith('probe.md:'))).toEqual([expect.stringMatching(/^probe\.md:11:14: TS2322 Type 'string' is not assignable to type 'number'/)]);
    expect(problems.filter((p) => !p.startsWith('probe.md:'))).toEqual([]);
    // No block escapes extraction: as many blocks as `ts` fences in the pages.
    const fences = pages.map((p) => readPage(root, p).split('\n').filter((l) => /^\s*(```|~~~)\s*(ts|typescript)\s*$/.test(l)).length);
    expect(blocks.length).toBe(fences.reduce((a, b) => a + b, 0));
    expect(blocks.length).toBeGreaterThanOrEqual(15);
  });

  test.each(blocks.filter((b) => b.synth).map((b) => [`${b.doc}:${b.line}`, b] as const))('%s synthesizes valid manifests', (_, block) => {
    const { manifests } = runSynthBlock(root, block);
    expect(manifests.length).toBeGreaterThan(0);
    expectValidManifests(manifests);
  });

  test('the README quick start writes what it promises', () => {
    const quickStart = blocks.filter((b) => b.doc === 'README.md' && b.synth);
    expect(quickStart).toHaveLength(1);
    const { files, manifests } = runSynthBlock(root, quickStart[0]);
    expect(files).toContain('payments.k8s.yaml');
    const named = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.metadata.name);
    expect(named('Cluster')).toEqual(['orders-db']);
    expect(named('Pooler')).toEqual(['orders-db-pooler-rw']);
    expect(named('PodDisruptionBudget')).toEqual(expect.arrayContaining(['orders-db-pdb']));
    const cluster = manifests.find((m) => m.kind === 'Cluster');
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.postgresql.synchronous).toMatchObject({ method: 'any', number: 1, dataDurability: 'required' });
    const env = manifests.find((m) => m.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'PGHOST').value).toBe('orders-db-pooler-rw');
    expect(env.find((e: any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'orders-db-app', key: 'password' });
  });

  test.each(blocks.filter((b) => b.run).map((b) => [`${b.doc}:${b.line}`, b] as const))('%s: its tests pass', async (_, block) => {
    const ran = await runTestBlock(root, blocks, block, expect);
    expect(ran.length).toBeGreaterThan(0);
  });

  test('the monitoring guide example writes the topology diagram beside the manifests', () => {
    const example = blocks.filter((b) => b.doc === 'docs/guides/monitoring.md' && b.synth);
    expect(example).toHaveLength(1);
    const { files, manifests } = runSynthBlock(root, example[0]);
    expect(files).toContain('orders-db.topology.md');
    expect(manifests.filter((m) => m.kind === 'PodMonitor').map((m) => m.metadata.name).sort()).toEqual(['orders-db-instances', 'orders-db-poolers']);
  });

  test('the security guide example allows what it says, and nothing else', () => {
    const example = blocks.filter((b) => b.doc === 'docs/guides/security.md' && b.synth);
    expect(example).toHaveLength(1);
    const { manifests } = runSynthBlock(root, example[0]);
    expect(ManifestChecks.rbacLeastPrivilege(manifests)).toEqual([]);
    const labels = (kind: string) => manifests.find((m) => m.kind === kind).spec.template.metadata.labels;
    const net = new NetworkPolicyModel(manifests, 'payments');
    const api = { labels: labels('Deployment') };
    const migrate = { labels: labels('Job') };
    const reporting = { namespace: 'analytics', labels: { app: 'reporting' } };
    const instance = { labels: { 'cnpg.io/cluster': 'orders-db', 'cnpg.io/podRole': 'instance' } };
    const pooler = { labels: { 'cnpg.io/poolerName': 'orders-db-pooler-rw', 'cnpg.io/podRole': 'pooler' } };
    expect(net.allows(api, pooler, 5432)).toBe(true);
    expect(net.allows(api, instance, 5432)).toBe(false);
    expect(net.allows(migrate, instance, 5432)).toBe(true);
    expect(net.allows(migrate, pooler, 5432)).toBe(false);
    expect(net.allows(reporting, instance, 5432)).toBe(true);
    expect(net.allows(reporting, pooler, 5432)).toBe(false);
    expect(net.allows(instance, { ip: '172.20.3.4' }, 443)).toBe(true);
    expect(net.allows(instance, { ip: '8.8.8.8' }, 443)).toBe(false);
  });
});

/** The message of the synthesis error of a chart built by `build` (warnings silenced). */
function synthError(build: (chart: Chart) => void): string {
  const chart = new Chart(Testing.app(), 'payments', { namespace: 'payments' });
  build(chart);
  const silence = process.env.HA_POSTGRES_SILENCE_WARNINGS;
  process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  } finally {
    if (silence === undefined) delete process.env.HA_POSTGRES_SILENCE_WARNINGS;
    else process.env.HA_POSTGRES_SILENCE_WARNINGS = silence;
  }
  throw new Error('expected synthesis to fail');
}

describe('error output shown in the docs is what synthesis prints', () => {
  test('README and cluster guide: two HaPostgres errors at once', () => {
    const message = synthError((chart) => new HaPostgres(chart, 'orders-db', { synchronousStandbys: 3, parameters: { shared_buffer: '1GB' } }));
    expect(message).toMatch(/^Validation failed with the following errors:\n/);
    for (const page of ['README.md', 'docs/guides/cluster.md']) {
      const shown = /```\n(Validation failed with the following errors:\n[\s\S]*?)\n```/.exec(readPage(root, page))?.[1];
      expect({ page, shown }).toEqual({ page, shown: message });
    }
  });

  test('pooling guide: the sizing check', () => {
    const message = synthError((chart) => {
      const db = new HaPostgres(chart, 'orders');
      new PgBouncerPool(chart, 'pool', { cluster: db, instances: 4, defaultPoolSize: 40, reservePoolSize: 5 });
      new PgBouncerPool(chart, 'batch', { cluster: db, name: 'orders-batch', instances: 2, defaultPoolSize: 10 });
    });
    const line = message.split('\n')[1].trim();
    expect(line).toMatch(/^\[payments\/pool\] pool sizing/);
    expect(readPage(root, 'docs/guides/pooling.md').split('\n')).toContain(line);
  });
});

describe('links', () => {
  test('every relative link of the README, CONTRIBUTING and the guides reaches a file and heading', () => {
    expect(pages.flatMap((doc) => brokenLinks(root, doc))).toEqual([]);
  });

  test('anchors are computed as GitHub does', () => {
    expect(headingAnchor('Archive tool: `ha-postgres archive`')).toBe('archive-tool-ha-postgres-archive');
    expect(headingAnchor('Failover timing, measured')).toBe('failover-timing-measured');
  });
});

describe('block extraction', () => {
  test('reads markers, indented fences and non-TypeScript blocks', () => {
    const page = [
      'text', '<!-- doc-block: given=chart,db -->', '```ts', 'db.port;', '```',
      '- item', '  ```ts', "  import { App } from 'cdk8s';", '  new App();', '  ```',
      '```sh', 'npm test', '```', '<!-- doc-block: file=src/a.ts -->', '', '~~~typescript', 'export const a = 1;', '~~~',
    ].join('\n');
    expect(extractBlocks(page, 'p.md')).toEqual([
      { doc: 'p.md', line: 4, code: 'db.port;', given: ['chart', 'db'], synth: false },
      { doc: 'p.md', line: 8, code: "import { App } from 'cdk8s';\nnew App();", given: [], synth: false },
      { doc: 'p.md', line: 17, code: 'export const a = 1;', given: [], synth: false, file: 'src/a.ts' },
    ]);
  });

  test('refuses markers it cannot honour, so no block escapes the check', () => {
    expect(() => extractBlocks('<!-- doc-block: skip -->\n```ts\nx\n```', 'p.md')).toThrow('p.md:1: unknown doc-block option "skip"');
    expect(() => extractBlocks('<!-- doc-block: given=cluster -->\n```ts\nx\n```', 'p.md')).toThrow('given=cluster is not one of');
    expect(() => extractBlocks('<!-- doc-block: synth -->\ntext\n```ts\nx\n```', 'p.md')).toThrow('p.md:1: doc-block marker not followed by a ts block');
    expect(() => extractBlocks('<!-- doc-block: synth -->\n```sh\nx\n```', 'p.md')).toThrow('before a `sh` block');
    expect(() => extractBlocks('```js\nx\n```', 'p.md')).toThrow('p.md:1: a `js` block');
    expect(() => extractBlocks('```ts\nx\n', 'p.md')).toThrow('p.md:1: code fence never closed');
    expect(() => extractBlocks('<!-- doc-block: run -->\n```ts\nx\n```', 'p.md')).toThrow('run needs file=');
  });
});
