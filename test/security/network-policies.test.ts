import { Deployment, Job } from 'cdk8s-plus-28';
import {
  AppCredentials, ArchiveCredentials, ArchiveDestination, ClusterBootstrap, ClusterEngine, ClusterMode, HaPostgres, NetworkEndpoint, NetworkPeer, NetworkPolicyModel,
  PatroniVersion, PgBouncerPool, PostgresVersion, RestoreDrill, WalArchive,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { synth, synthError } from '../support/synth';

const NS = 'shop';
const instance = (cluster = 'orders-db'): NetworkEndpoint => ({ namespace: NS, labels: { 'cnpg.io/cluster': cluster, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceName': `${cluster}-1` } });
const pooler = (name = 'orders-db-pooler-rw'): NetworkEndpoint => ({ namespace: NS, labels: { 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler' } });
const app: NetworkEndpoint = { namespace: NS, labels: { 'cdk8s.io/metadata.addr': 'placeholder' } };
const operator: NetworkEndpoint = { namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };
const prometheus: NetworkEndpoint = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const dns: NetworkEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const randomPod: NetworkEndpoint = { namespace: NS, labels: { app: 'intruder' } };
const otherNamespacePod: NetworkEndpoint = { namespace: 'other', labels: { app: 'web' } };
const internet: NetworkEndpoint = { ip: '52.218.1.1' };

/** A cluster with a pool, an app allowed into the pool, a migration job allowed into the cluster, and an archive. */
function stack(options: { archive?: boolean; endpoint?: string } = {}): { manifests: any[]; appLabels: { [k: string]: string }; jobLabels: { [k: string]: string } } {
  const manifests = synth((chart) => {
    const db = new HaPostgres(chart, 'orders-db');
    const pool = new PgBouncerPool(chart, 'pool', { cluster: db });
    const web = new Deployment(chart, 'web', { containers: [{ image: 'web:1', portNumber: 8080 }] });
    const migrate = new Job(chart, 'migrate', { containers: [{ image: 'migrate:1' }] });
    // After construction: the policies are produced lazily.
    pool.connections.allowFrom(NetworkPeer.fromWorkload(web));
    db.connections.allowFrom(NetworkPeer.fromWorkload(migrate));
    if (options.archive) {
      new WalArchive(chart, 'archive', {
        cluster: db,
        destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1', endpoint: options.endpoint }),
        credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/archive'),
      });
    }
  }, NS);
  // The labels the pods really carry: their templates'.
  const podLabels = (kind: string) => manifests.find((m) => m.kind === kind).spec.template.metadata.labels;
  return { manifests, appLabels: podLabels('Deployment'), jobLabels: podLabels('Job') };
}

describe('NetworkPolicies of a cluster and its pool (CloudNativePG)', () => {
  const { manifests, appLabels, jobLabels } = stack();
  const model = new NetworkPolicyModel(manifests, NS);
  const web: NetworkEndpoint = { ...app, labels: appLabels };
  const job: NetworkEndpoint = { namespace: NS, labels: jobLabels };

  test('the policies pass the strict schema', () => {
    expectValidManifests(manifests);
    expect(manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name).sort()).toEqual(['orders-db-instances', 'orders-db-pooler-rw']);
  });

  test('default deny: instances and poolers are selected for ingress and egress', () => {
    for (const pod of [instance(), pooler()]) {
      expect(model.policiesSelecting(pod, 'Ingress')).toHaveLength(1);
      expect(model.policiesSelecting(pod, 'Egress')).toHaveLength(1);
    }
  });

  test('app → pooler yes; app → instance no (apps go through PgBouncer)', () => {
    expect(model.allows(web, pooler(), 5432)).toBe(true);
    expect(model.allows(web, instance(), 5432)).toBe(false);
  });

  test('pooler → instance 5432 yes, and nothing else', () => {
    expect(model.allows(pooler(), instance(), 5432)).toBe(true);
    expect(model.allows(pooler(), instance(), 8000)).toBe(false);
    expect(model.allows(pooler(), randomPod, 5432)).toBe(false);
  });

  test('instance ↔ instance: replication 5432 and status 8000', () => {
    const other = instance();
    for (const port of [5432, 8000]) expect(model.allows(instance(), other, port)).toBe(true);
    expect(model.allows(instance(), other, 22)).toBe(false);
  });

  test('the cluster\'s own jobs (a new replica\'s base backup) reach the instances', () => {
    expect(model.allows({ namespace: NS, labels: { 'cnpg.io/cluster': 'orders-db', 'cnpg.io/jobRole': 'join' } }, instance(), 5432)).toBe(true);
  });

  test('operator → instance 8000 and 5432 yes; from another namespace no', () => {
    expect(model.allows(operator, instance(), 8000)).toBe(true);
    expect(model.allows(operator, instance(), 5432)).toBe(true);
    expect(model.allows({ ...operator, namespace: 'default' }, instance(), 8000)).toBe(false);
  });

  test('monitoring → 9187 (instances) and 9127 (poolers) yes; metrics from elsewhere no; monitoring → 5432 no', () => {
    expect(model.allows(prometheus, instance(), 9187)).toBe(true);
    expect(model.allows(prometheus, pooler(), 9127)).toBe(true);
    expect(model.allows(web, instance(), 9187)).toBe(false);
    expect(model.allows(prometheus, instance(), 5432)).toBe(false);
  });

  test('a pod allowed explicitly on the cluster reaches the instances on 5432 only; not the pool', () => {
    expect(model.allows(job, instance(), 5432)).toBe(true);
    expect(model.allows(job, instance(), 8000)).toBe(false);
    expect(model.allows(job, pooler(), 5432)).toBe(false);
  });

  test('random pods reach nothing', () => {
    for (const from of [randomPod, otherNamespacePod, { ...web, namespace: 'other' }]) {
      for (const [to, port] of [[instance(), 5432], [instance(), 8000], [pooler(), 5432], [instance(), 9187]] as const) {
        expect(model.allows(from, to, port)).toBe(false);
      }
    }
  });

  test('instances and poolers reach DNS (UDP and TCP 53) and the Kubernetes API (443, 6443)', () => {
    for (const pod of [instance(), pooler()]) {
      expect(model.allows(pod, dns, 53, 'UDP')).toBe(true);
      expect(model.allows(pod, dns, 53, 'TCP')).toBe(true);
      expect(model.allows(pod, { ip: '10.96.0.1' }, 443)).toBe(true);
      expect(model.allows(pod, { ip: '10.0.0.5' }, 6443)).toBe(true);
      expect(model.allows(pod, internet, 80)).toBe(false);
      expect(model.allows(pod, randomPod, 8080)).toBe(false);
    }
  });

  test('without an archive there is no object-store rule; with one, S3 on 443', () => {
    const rules = (ms: any[]) => ms.find((m) => m.metadata.name === 'orders-db-instances').spec.egress;
    expect(rules(manifests)).toHaveLength(3);
    const withArchive = stack({ archive: true }).manifests;
    const model2 = new NetworkPolicyModel(withArchive, NS);
    expect(rules(withArchive)).toHaveLength(4);
    expect(rules(withArchive)[3]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(model2.allows(instance(), internet, 443)).toBe(true);
  });

  test('a cluster restored from an archive may read it (the source endpoint\'s port)', () => {
    const ms = synth((c) => {
      new HaPostgres(c, 'orders-db', {
        bootstrap: ClusterBootstrap.fromArchive({
          destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', endpoint: 'https://minio.storage.svc:9443' }),
          credentials: ArchiveCredentials.fromSecret('orders-s3'),
          serverName: 'orders-old',
        }),
      });
    }, NS);
    const model2 = new NetworkPolicyModel(ms, NS);
    expect(model2.allows(instance(), { ip: '10.1.2.3' }, 9443)).toBe(true);
    expect(model2.allows(instance(), { ip: '10.1.2.3' }, 9000)).toBe(false);
  });

  test('an S3-compatible endpoint opens its own port', () => {
    const ms = stack({ archive: true, endpoint: 'http://minio.storage.svc:9000' }).manifests;
    const model2 = new NetworkPolicyModel(ms, NS);
    expect(model2.allows(instance(), { ip: '10.1.2.3' }, 9000)).toBe(true);
    expect(model2.allows(pooler(), { ip: '10.1.2.3' }, 9000)).toBe(false);
  });
});

describe('network settings', () => {
  test('operator namespace, monitoring namespace and API CIDR are typed props', () => {
    const ms = synth((c) => {
      new HaPostgres(c, 'db', { network: { operatorNamespace: 'postgres-operator', monitoringNamespace: 'observability', kubernetesApiCidr: '172.20.0.0/16' } });
    });
    const model = new NetworkPolicyModel(ms, 'db');
    const inst = { namespace: 'db', labels: { 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance' } };
    expect(model.allows({ ...operator, namespace: 'postgres-operator' }, inst, 8000)).toBe(true);
    expect(model.allows(operator, inst, 8000)).toBe(false);
    expect(model.allows({ ...prometheus, namespace: 'observability' }, inst, 9187)).toBe(true);
    expect(model.allows(prometheus, inst, 9187)).toBe(false);
    expect(model.allows(inst, { ip: '172.20.0.1' }, 443)).toBe(true);
    expect(model.allows(inst, { ip: '10.96.0.1' }, 443)).toBe(false);
  });

  test('peers by labels (another namespace) and by namespace', () => {
    const ms = synth((c) => {
      const db = new HaPostgres(c, 'db', { mode: ClusterMode.standalone() });
      db.connections.allowFrom(NetworkPeer.podsWithLabels({ app: 'reporting' }, 'analytics'));
      db.connections.allowFrom(NetworkPeer.allPodsInNamespace('batch'));
    });
    const model = new NetworkPolicyModel(ms, 'db');
    const inst = { namespace: 'db', labels: { 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance' } };
    expect(model.allows({ namespace: 'analytics', labels: { app: 'reporting' } }, inst, 5432)).toBe(true);
    expect(model.allows({ namespace: 'analytics', labels: { app: 'other' } }, inst, 5432)).toBe(false);
    expect(model.allows({ namespace: 'db', labels: { app: 'reporting' } }, inst, 5432)).toBe(false);
    expect(model.allows({ namespace: 'batch', labels: { any: 'pod' } }, inst, 5432)).toBe(true);
  });

  test('a peer without labels is refused: it would open the cluster (or pool) to every pod', () => {
    const msg = synthError((c) => {
      const db = new HaPostgres(c, 'db');
      db.connections.allowFrom(NetworkPeer.podsWithLabels({}));
      new PgBouncerPool(c, 'pool', { cluster: db }).connections.allowFrom(NetworkPeer.podsWithLabels({}, 'web'));
    });
    expect(msg).toContain('connections.allowFrom()[0] = "pods {}": selects no label, so it would allow every pod of the namespace. Fix: label the pods');
    expect(msg).toContain('connections.allowFrom()[0] = "pods {} in namespace web": selects no label');
  });

  test('another cluster (logical replication subscriber): its instances in, and its egress out, on 5432 only', () => {
    const ms = synth((c) => {
      const source = new HaPostgres(c, 'orders-db');
      const analytics = new HaPostgres(c, 'analytics-db');
      source.connections.allowFrom(NetworkPeer.fromCluster(analytics));
    });
    const model = new NetworkPolicyModel(ms, 'db');
    const inst = (name: string) => ({ namespace: 'db', labels: { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' } });
    expect(model.allows(inst('analytics-db'), inst('orders-db'), 5432)).toBe(true);
    expect(model.allows(inst('analytics-db'), inst('orders-db'), 8000)).toBe(false);
    expect(model.allows(inst('orders-db'), inst('analytics-db'), 5432)).toBe(false);
  });

  test('network.enabled false renders no policy', () => {
    const ms = synth((c) => { new HaPostgres(c, 'db', { network: { enabled: false } }); });
    expect(ms.filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('bad namespace and CIDR are errors naming the property', () => {
    const msg = synthError((c) => { new HaPostgres(c, 'db', { network: { operatorNamespace: 'CNPG_System', kubernetesApiCidr: '10.0.0.0/33' } }); });
    expect(msg).toContain('network.operatorNamespace = "CNPG_System": is not a namespace name');
    expect(msg).toContain('network.kubernetesApiCidr = "10.0.0.0/33": is not a CIDR');
    expect(msg).toMatch(/Fix: /);
  });
});

describe('NetworkPolicyModel', () => {
  const policy = (spec: any, namespace = 'a') => ({ kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });
  test('unselected pods are open; matchExpressions, endPort and ipBlock except are honoured', () => {
    const m = new NetworkPolicyModel([policy({
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'blocked', operator: 'DoesNotExist' }] } }], ports: [{ port: 5000, endPort: 5010 }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    })], 'a');
    const db = { labels: { tier: 'db' } };
    expect(m.allows({ labels: {} }, db, 5005)).toBe(true);
    expect(m.allows({ labels: {} }, db, 5011)).toBe(false);
    expect(m.allows({ labels: { blocked: 'x' } }, db, 5005)).toBe(false);
    expect(m.allows({ labels: { x: '1' } }, { labels: { y: '1' } }, 1)).toBe(true);
    expect(m.allows(db, { ip: '10.2.0.1' }, 1)).toBe(true);
    expect(m.allows(db, { ip: '10.1.0.1' }, 1)).toBe(false);
    expect(m.allows(db, { labels: { tier: 'db' } }, 5005)).toBe(false);
  });
});

describe('NetworkPolicies on the Patroni engine (Kubernetes DCS)', () => {
  const engine = ClusterEngine.patroni({
    version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15', credentialsSecretName: 'orders-patroni',
    tlsSecretName: 'orders-tls', pgbouncerImage: 'registry.example.com/pgbouncer:1.18.0',
  });
  const ms = synth((c) => {
    const db = new HaPostgres(c, 'orders', { engine, version: PostgresVersion.of(15, 8), credentials: AppCredentials.fromSecret('orders-app') });
    new PgBouncerPool(c, 'pool', { cluster: db }).connections.allowFrom(NetworkPeer.podsWithLabels({ app: 'web' }));
  }, NS);
  const model = new NetworkPolicyModel(ms, NS);
  const profile = engine.networkProfile()!;
  const member: NetworkEndpoint = { namespace: NS, labels: engine.instanceLabels('orders') };
  const pool: NetworkEndpoint = { namespace: NS, labels: profile.poolerPodLabels('orders-pooler-rw') };

  test('schema-valid, and members and pool are under default deny', () => {
    expectValidManifests(ms);
    expect(model.policiesSelecting(member, 'Ingress')).toHaveLength(1);
    expect(model.policiesSelecting(pool, 'Egress')).toHaveLength(1);
  });

  test('members ↔ members on PostgreSQL and the REST API; pool → members; app → pool only; strangers nothing', () => {
    for (const port of [5432, ...profile.peerPorts]) expect(model.allows(member, member, port)).toBe(true);
    expect(model.allows(pool, member, 5432)).toBe(true);
    expect(model.allows({ namespace: NS, labels: { app: 'web' } }, pool, 5432)).toBe(true);
    expect(model.allows({ namespace: NS, labels: { app: 'web' } }, member, 5432)).toBe(false);
    expect(model.allows(randomPod, member, 5432)).toBe(false);
    expect(model.allows(randomPod, pool, 5432)).toBe(false);
    expect(model.allows(member, { ip: '10.96.0.1' }, 443)).toBe(true);
  });
});

describe('restore drill scratch namespace', () => {
  const manifests = synth((chart) => {
    const db = new HaPostgres(chart, 'orders-db');
    new WalArchive(chart, 'archive', {
      cluster: db,
      destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' }),
      credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/pg'),
    });
    new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'restore-drills' });
  }, NS);
  const model = new NetworkPolicyModel(manifests, NS);
  const drillInstance: NetworkEndpoint = { namespace: 'restore-drills', labels: { 'cnpg.io/cluster': 'orders-db-drill-x1', 'cnpg.io/podRole': 'instance' } };
  const recoveryJob: NetworkEndpoint = { namespace: 'restore-drills', labels: { 'cnpg.io/cluster': 'orders-db-drill-x1', 'cnpg.io/jobRole': 'full-recovery' } };
  const scratchIntruder: NetworkEndpoint = { namespace: 'restore-drills', labels: { app: 'intruder' } };

  test('the temporary clusters get default deny: only the operator and each other get in', () => {
    expectValidManifests(manifests);
    expect(model.allows(operator, drillInstance, 8000)).toBe(true);
    expect(model.allows(operator, drillInstance, 5432)).toBe(true);
    expect(model.allows(recoveryJob, drillInstance, 5432)).toBe(true);
    expect(model.allows(scratchIntruder, drillInstance, 5432)).toBe(false);
    expect(model.allows(randomPod, drillInstance, 5432)).toBe(false);
  });

  test('they reach only DNS, the Kubernetes API and the archive', () => {
    expect(model.allows(drillInstance, dns, 53, 'UDP')).toBe(true);
    expect(model.allows(recoveryJob, internet, 443)).toBe(true);
    expect(model.allows(drillInstance, instance(), 5432)).toBe(false);
    expect(model.allows(drillInstance, internet, 80)).toBe(false);
  });
});
