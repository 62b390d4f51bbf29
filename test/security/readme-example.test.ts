/** The README "Security model" example, as written there, with the reachability it promises. */
import { Chart } from 'cdk8s';
import { Deployment, Job, ServiceAccount } from 'cdk8s-plus-28';
import { HaPostgres, ManifestChecks, NetworkPeer, NetworkPolicyModel, PgBouncerPool } from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { synth } from '../support/synth';

test('README security example: api → pool, migrate and reporting → cluster, nothing else', () => {
  const manifests = synth((chart: Chart) => {
    const db = new HaPostgres(chart, 'orders-db', {
      network: { operatorNamespace: 'cnpg-system', monitoringNamespace: 'monitoring', kubernetesApiCidr: '172.20.0.0/16' },
    });
    const pool = new PgBouncerPool(chart, 'pool', { cluster: db });
    const api = new Deployment(chart, 'api', { containers: [{ image: 'orders-api:1.4.2', portNumber: 8080 }] });
    pool.addConnectionEnv(api.containers[0]);
    pool.connections.allowFrom(NetworkPeer.fromWorkload(api));
    db.connections.allowFrom(NetworkPeer.fromWorkload(new Job(chart, 'migrate', {
      containers: [{ image: 'orders-migrate:1.4.2' }],
    })));
    db.connections.allowFrom(NetworkPeer.podsWithLabels({ app: 'reporting' }, 'analytics'));
    db.grantReadAppSecret(new ServiceAccount(chart, 'orders-api'));
  }, 'payments');
  expectValidManifests(manifests);
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
  expect(net.allows(reporting, instance, 5432)).toBe(true);
  expect(net.allows(reporting, pooler, 5432)).toBe(false);
  expect(net.allows(instance, { ip: '172.20.3.4' }, 443)).toBe(true);
  expect(net.allows(instance, { ip: '8.8.8.8' }, 443)).toBe(false);
});
