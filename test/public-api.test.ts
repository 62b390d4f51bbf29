/**
 * The public API takes the user's cdk8s-plus objects by their shape (lib/core/workload-shapes.ts),
 * so any cdk8s-plus-2x/3x works: here objects of no cdk8s-plus at all, with just that shape,
 * get the same manifests as cdk8s-plus-28's. (test/platform runs real cdk8s-plus-28 and -33
 * repositories.) Also what jsii languages can pass where TypeScript cannot: a parameter value
 * of another type is a configuration error.
 */
import { Chart } from 'cdk8s';
import { Cpu, Deployment, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as api from '../lib';
import { EnvValueLike, HaPostgres, IContainerLike, IPodSelectorLike, IServiceAccountLike, NetworkPeer, PgBouncerPool } from '../lib';
import { expectValidManifests } from './support/schema-validator';
import { only, synth, synthError } from './support/synth';

/** A workload of no cdk8s-plus: a construct that selects pods labelled `app: reports`. */
class BareWorkload extends Construct implements IPodSelectorLike {
  public toPodSelectorConfig() {
    return { labelSelector: { _toKube: () => ({ matchLabels: { app: 'reports' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }] }) } };
  }
}

/** A container of no cdk8s-plus: it records the variables it is given. */
class BareContainer implements IContainerLike {
  public readonly added: { [name: string]: EnvValueLike } = {};
  public readonly env = { addVariable: (name: string, value: EnvValueLike) => { this.added[name] = value; } };
}

/** A ServiceAccount of no cdk8s-plus. */
class BareServiceAccount extends Construct implements IServiceAccountLike {
  public readonly name = 'reports-sa';
}

const poolPolicy = (ms: any[]) => ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'orders-pooler-rw');

test('fromWorkload takes any pod selector by shape: labels and expressions as the workload gives them', () => {
  const ms = synth((c: Chart) => {
    const db = new HaPostgres(c, 'orders');
    new PgBouncerPool(c, 'pool', { cluster: db }).connections.allowFrom(NetworkPeer.fromWorkload(new BareWorkload(c, 'reports')));
  });
  expectValidManifests(ms);
  const from = poolPolicy(ms).spec.ingress.flatMap((r: any) => r.from ?? []);
  expect(from).toContainEqual({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } },
    podSelector: { matchLabels: { app: 'reports' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch'] }] },
  });
});

test('fromWorkload gives a cdk8s-plus-28 Deployment the same rule as before (its selector labels)', () => {
  const ms = synth((c: Chart) => {
    const db = new HaPostgres(c, 'orders');
    const deployment = new Deployment(c, 'api', { containers: [{ image: 'api:1' }] });
    new PgBouncerPool(c, 'pool', { cluster: db }).connections.allowFrom(NetworkPeer.fromWorkload(deployment));
  });
  const selector = only(ms, 'Deployment').spec.selector.matchLabels;
  expect(Object.keys(selector)).toEqual(['cdk8s.io/metadata.addr']);
  expect(poolPolicy(ms).spec.ingress.flatMap((r: any) => r.from ?? [])).toContainEqual({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } }, podSelector: { matchLabels: selector },
  });
});

test('addConnectionEnv takes any container by shape: the libpq variables, credentials by secretKeyRef', () => {
  const container = new BareContainer();
  synth((c: Chart) => {
    new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders') }).addConnectionEnv(container);
  });
  expect(Object.keys(container.added).sort()).toEqual(['PGDATABASE', 'PGHOST', 'PGPASSWORD', 'PGPORT', 'PGSSLMODE', 'PGUSER']);
  expect(container.added.PGHOST.value).toBe('orders-pooler-rw');
  expect(container.added.PGPASSWORD.value).toBeUndefined();
  expect(container.added.PGPASSWORD.valueFrom).toEqual({ secretKeyRef: { name: 'orders-app', key: 'password' } });
});

test('grantReadAppSecret takes any ServiceAccount by shape, and a cdk8s-plus-28 one as before', () => {
  const ms = synth((c: Chart) => {
    const db = new HaPostgres(c, 'orders');
    db.grantReadAppSecret(new BareServiceAccount(c, 'reports'));
    db.grantReadAppSecret(new ServiceAccount(c, 'api', { metadata: { name: 'api' } }));
  });
  const subjects = ms.filter((m) => m.kind === 'RoleBinding').flatMap((b) => b.subjects);
  expect(subjects).toEqual([
    { kind: 'ServiceAccount', name: 'reports-sa', namespace: 'db' },
    { kind: 'ServiceAccount', name: 'api', namespace: 'db' },
  ]);
});

test('a CPU amount is any object with `amount`: cdk8s-plus Cpu or a literal', () => {
  const resources = (cpu: api.CpuAmount) => only(synth((c: Chart) => {
    new HaPostgres(c, 'orders', { resources: { cpuRequest: cpu } });
  }), 'Cluster').spec.resources;
  expect(resources({ amount: '750m' })).toEqual(resources(Cpu.millis(750)));
  expect(resources({ amount: '750m' }).requests.cpu).toBe('750m');
  expect(synthError((c) => new HaPostgres(c, 'orders', { resources: { cpuRequest: { amount: '0' } } })))
    .toMatch(/resources\.cpuRequest = "0": must be above zero/);
});

test.each([
  [{ nested: 'x' }, 'an object value'],
  [null, 'a null value'],
  [undefined, 'an undefined value'],
])('a parameter value that is not a string, number or boolean (%p) is a configuration error', (value, kind) => {
  const message = synthError((c) => new HaPostgres(c, 'orders', { parameters: { work_mem: value as any } }));
  expect(message).toContain(`parameters.work_mem = ${value === undefined ? 'undefined' : JSON.stringify(value)}: ${kind}, where PostgreSQL takes a string, a number or a boolean. Fix: give the value as postgresql.conf has it`);
});

test('the public API is the explicit list of lib/index.ts: no plumbing, free function or constant', () => {
  const names = Object.keys(api);
  for (const internal of ['ConfigError', 'ConfigErrors', 'SecretReader', 'checkPeers', 'resolveClusterTls', 'resolveNetworkSecurity',
    'instanceRoleArn', 'NAMESPACE_NAME_LABEL', 'REJECT_PLAIN_TEXT_RULE', 'ROLE_ARN_ANNOTATION', 'engineFeatures']) {
    expect([internal, names.includes(internal)]).toEqual([internal, false]);
  }
  for (const value of ['HaPostgres', 'PgBouncerPool', 'NetworkPeer', 'WalArchive', 'ClusterEngine', 'PatroniEngine', 'ManifestChecks']) {
    expect([value, typeof (api as any)[value]]).toEqual([value, 'function']);
  }
});
