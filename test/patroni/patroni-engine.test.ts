import { Duration, Size } from 'cdk8s';
import { HaPostgres, NetworkEndpoint, NetworkPeer, NetworkPolicyModel, PatroniDcs, PatroniSynchronousMode, PatroniVersion, PostgresVersion, DataDurability, ClusterMode } from '../../lib';
import { podsUnderSeveralPdbs, podsWithoutPdb } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { byName, patroniProps, patroniYml, synthPatroni, synthPatroniWithWarnings } from './patroni-fixtures';

const SELECTOR = { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/component': 'instance', 'app.kubernetes.io/instance': 'orders' };

describe('Patroni 4.1 defaults (Kubernetes DCS)', () => {
  const ms = synthPatroni();
  const sts = only(ms, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];
  const cfg = patroniYml(ms);

  test('every object passes its schema (core kinds against the Kubernetes schemas)', () => expectValidManifests(ms));

  test('the objects of a Patroni cluster, and no operator resource', () => {
    expect(ms.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/orders-patroni', 'NetworkPolicy/orders-instances', 'PodDisruptionBudget/orders-pdb', 'Role/orders-patroni', 'RoleBinding/orders-patroni',
      'Service/orders', 'Service/orders-config', 'Service/orders-members', 'Service/orders-r', 'Service/orders-ro', 'Service/orders-rw',
      'ServiceAccount/orders-patroni', 'StatefulSet/orders',
    ]);
    expect(ms.some((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toBe(false);
  });

  test('three members, one per zone and never two on one node', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: SELECTOR },
    }]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution)
      .toEqual([{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: SELECTOR } }]);
  });

  test('ReadWriteOnce data and WAL volumes; initdb and base backups put WAL on the WAL volume', () => {
    expect(sts.spec.volumeClaimTemplates.map((v: any) => [v.metadata.name, v.spec.accessModes, v.spec.resources.requests.storage]))
      .toEqual([['data', ['ReadWriteOnce'], '50Gi'], ['wal', ['ReadWriteOnce'], '20Gi']]);
    expect(cfg.bootstrap.initdb).toContainEqual({ waldir: '/var/lib/postgresql/wal/pg_wal' });
    expect(cfg.bootstrap.initdb).toContain('data-checksums');
    expect(cfg.postgresql.basebackup).toContainEqual({ waldir: '/var/lib/postgresql/wal/pg_wal' });
    expect(container.volumeMounts).toContainEqual({ name: 'wal', mountPath: '/var/lib/postgresql/wal' });
  });

  test('one PDB, minAvailable 2, and no pod under two PDBs', () => {
    expect(only(ms, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: SELECTOR } });
    expect(podsUnderSeveralPdbs(ms)).toEqual([]);
    expect(podsWithoutPdb(ms)).toEqual([]);
  });

  test('quorum synchronous mode, strict for REQUIRED durability; slots and pg_rewind', () => {
    expect(cfg.bootstrap.dcs).toMatchObject({
      synchronous_mode: 'quorum', synchronous_node_count: 1, synchronous_mode_strict: true,
      maximum_lag_on_failover: 1048576, primary_start_timeout: 0, failsafe_mode: true,
    });
    expect(cfg.bootstrap.dcs.postgresql).toMatchObject({ use_slots: true, use_pg_rewind: true });
  });

  test('Patroni 4.1 timing defaults satisfy ttl >= loop_wait + 2 * retry_timeout and its ttl minimum', () => {
    const { ttl, loop_wait: loopWait, retry_timeout: retry } = cfg.bootstrap.dcs;
    expect([ttl, loopWait, retry]).toEqual([20, 2, 8]);
    expect(ttl).toBeGreaterThanOrEqual(loopWait + 2 * retry);
  });

  test('intent parameters in bootstrap.dcs; the socket directory in the local section', () => {
    expect(cfg.bootstrap.dcs.postgresql.parameters).toMatchObject({ max_connections: '200', max_slot_wal_keep_size: '10GB', shared_buffers: '1GB' });
    expect(cfg.postgresql.parameters.unix_socket_directories).toBe('/var/run/postgresql');
    expect(cfg.bootstrap.dcs.postgresql.parameters.wal_retrieve_retry_interval).toBe('500ms');
  });

  test('Kubernetes DCS with an Endpoints leader lock, namespaced, without the API-service bypass', () => {
    expect(cfg.kubernetes).toEqual({
      use_endpoints: true, bypass_api_service: false,
      labels: { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/component': 'instance' },
      scope_label: 'app.kubernetes.io/instance', role_label: 'role', ports: [{ name: 'postgresql', port: 5432 }],
    });
    expect(cfg.scope).toBe('orders');
    expect(cfg.etcd3).toBeUndefined();
  });

  test('least RBAC: endpoints and pods in the namespace only; no configmaps, services or delete', () => {
    const role = only(ms, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
    ]);
    const binding = only(ms, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-patroni' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-patroni' }]);
    expect(pod.serviceAccountName).toBe('orders-patroni');
  });

  test('Services: headless members, the leader-lock Service and its config Service, and role-following rw/ro/r', () => {
    expect(byName(ms, 'Service', 'orders-members').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: SELECTOR });
    expect(sts.spec.serviceName).toBe('orders-members');
    expect(byName(ms, 'Service', 'orders').spec.selector).toBeUndefined();
    expect(byName(ms, 'Service', 'orders-config').spec).toEqual({ clusterIP: 'None' });
    expect(byName(ms, 'Service', 'orders-rw').spec.selector).toEqual({ ...SELECTOR, role: 'primary' });
    expect(byName(ms, 'Service', 'orders-ro').spec.selector).toEqual({ ...SELECTOR, role: 'replica' });
    expect(byName(ms, 'Service', 'orders-r').spec.selector).toEqual(SELECTOR);
  });

  test('probes on the REST API: /readiness, and /liveness that cannot restart a member before 2 × ttl', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readiness', port: 8008, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/liveness', port: 8008, scheme: 'HTTP' });
    const lp = container.livenessProbe;
    expect(lp.periodSeconds * lp.failureThreshold).toBeGreaterThan(2 * cfg.bootstrap.dcs.ttl);
  });

  test('no plaintext secret: passwords only from Secret references, none in the configuration', () => {
    const fromSecret = container.env.filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(fromSecret.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key])).toEqual([
      ['PATRONI_SUPERUSER_PASSWORD', 'orders-patroni', 'superuser-password'],
      ['PATRONI_REPLICATION_PASSWORD', 'orders-patroni', 'replication-password'],
      ['PATRONI_REWIND_PASSWORD', 'orders-patroni', 'rewind-password'],
      ['PATRONI_RESTAPI_PASSWORD', 'orders-patroni', 'restapi-password'],
      ['APP_PASSWORD', 'orders-app', 'password'],
    ]);
    expect(container.env.filter((e: any) => /PASSWORD/.test(e.name) && e.value !== undefined)).toEqual([]);
    expect(JSON.stringify(cfg)).not.toMatch(/password/);
    expect(cfg.restapi.authentication).toEqual({ username: 'patroni' });
  });

  test('NetworkPolicy: members reach each other on PostgreSQL and the REST API, and the Kubernetes API', () => {
    const np = only(ms, 'NetworkPolicy').spec;
    expect(np.podSelector).toEqual({ matchLabels: SELECTOR });
    expect(np.ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ port: 5432, protocol: 'TCP' }, { port: 8008, protocol: 'TCP' }] });
    expect(np.egress.some((r: any) => r.ports.some((p: any) => p.port === 443))).toBe(true);
  });

  test('TLS from the Secret, required: plain text refused first, then SCRAM over hostssl only', () => {
    expect(cfg.postgresql.parameters).toMatchObject({ ssl: 'on', ssl_cert_file: '/etc/patroni/tls/tls.crt', ssl_key_file: '/etc/patroni/tls/tls.key' });
    expect(cfg.bootstrap.dcs.postgresql.parameters.ssl_min_protocol_version).toBe('TLSv1.3');
    expect(cfg.postgresql.pg_hba).toEqual([
      'hostnossl all all all reject',
      'local all all scram-sha-256',
      'hostssl replication replicator 0.0.0.0/0 scram-sha-256',
      'hostssl replication replicator ::/0 scram-sha-256',
      'hostssl all all 0.0.0.0/0 scram-sha-256',
      'hostssl all all ::/0 scram-sha-256',
    ]);
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'orders-tls', defaultMode: 0o440 } });
    expect(container.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/patroni/tls', readOnly: true });
  });

  test('restricted pod security: non-root, RuntimeDefault seccomp, no capabilities, read-only root', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('the app database is created by post_bootstrap from the application Secret', () => {
    const cm = only(ms, 'ConfigMap');
    expect(cfg.bootstrap.post_bootstrap).toBe('sh /etc/patroni/post-bootstrap.sh');
    expect(cm.data['post-bootstrap.sh']).toMatch(/-v owner=app -v db=app -v password="\$APP_PASSWORD"/);
    expect(cm.data['post-bootstrap.sh']).toMatch(/CREATE DATABASE :"db" OWNER :"owner"/);
  });

  test('a configuration change rolls the pods (checksum annotation)', () => {
    const other = only(synthPatroni({}, { parameters: { work_mem: '8MB' } }), 'StatefulSet');
    expect(other.spec.template.metadata.annotations['ha-postgres/config-sha256'])
      .not.toBe(sts.spec.template.metadata.annotations['ha-postgres/config-sha256']);
  });

  test('typed outputs name the role-following Services', () => {
    synth((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps());
      expect([db.readWriteServiceName, db.readOnlyServiceName, db.anyInstanceServiceName, db.port, db.appSecretName])
        .toEqual(['orders-rw', 'orders-ro', 'orders-r', 5432, 'orders-app']);
    });
  });
});

describe('Patroni versions', () => {
  const v3 = synthPatroni({ version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15' }, { version: PostgresVersion.of(15, 18) });
  const cfg3 = patroniYml(v3);

  test('3.0: leader label "master", boolean synchronous mode with a node count, strict', () => {
    expectValidManifests(v3);
    expect(byName(v3, 'Service', 'orders-rw').spec.selector.role).toBe('master');
    expect(cfg3.bootstrap.dcs).toMatchObject({ synchronous_mode: true, synchronous_node_count: 1, synchronous_mode_strict: true });
  });

  test('3.0: bootstrap.pg_hba repeats postgresql.pg_hba (its validator requires the key; Patroni ignores it while postgresql.pg_hba is set); 4.1 has none', () => {
    expect(cfg3.bootstrap.pg_hba).toEqual(cfg3.postgresql.pg_hba);
    expect(cfg3.postgresql.pg_hba[0]).toBe('hostnossl all all all reject');
    expect(patroniYml(synthPatroni()).bootstrap.pg_hba).toBeUndefined();
  });

  test('3.0 timing defaults: ttl 8 / loop_wait 2 / retry_timeout 3 (the rule holds exactly)', () => {
    expect([cfg3.bootstrap.dcs.ttl, cfg3.bootstrap.dcs.loop_wait, cfg3.bootstrap.dcs.retry_timeout]).toEqual([8, 2, 3]);
  });

  test('4.1 with priority mode renders synchronous_mode true; PREFERRED durability is not strict', () => {
    const cfg = patroniYml(synthPatroni({ synchronousMode: PatroniSynchronousMode.PRIORITY }, { dataDurability: DataDurability.PREFERRED }));
    expect(cfg.bootstrap.dcs).toMatchObject({ synchronous_mode: true, synchronous_mode_strict: false });
  });

  test('4.1 member_slots_ttl is rendered when set', () => {
    expect(patroniYml(synthPatroni({ memberSlotsTtl: Duration.minutes(45) })).bootstrap.dcs.member_slots_ttl).toBe('2700s');
  });
});

describe('etcd DCS', () => {
  const ms = synthPatroni({ dcs: PatroniDcs.etcd(['https://etcd-0.etcd:2379', 'https://etcd-1.etcd:2379', 'https://etcd-2.etcd']) });
  const cfg = patroniYml(ms);
  const container = only(ms, 'StatefulSet').spec.template.spec.containers[0];

  test('etcd v3 hosts, no kubernetes section, and no PATRONI_KUBERNETES_* variables', () => {
    expectValidManifests(ms);
    expect(cfg.etcd3).toEqual({ protocol: 'https', hosts: ['etcd-0.etcd:2379', 'etcd-1.etcd:2379', 'etcd-2.etcd:2379'] });
    expect(cfg.kubernetes).toBeUndefined();
    expect(container.env.map((e: any) => e.name).filter((n: string) => n.startsWith('PATRONI_KUBERNETES'))).toEqual([]);
  });

  test('pods label themselves from the role callbacks; RBAC is pods get/patch only; no leader-lock Services', () => {
    expect(cfg.postgresql.callbacks).toEqual({ on_start: 'sh /etc/patroni/label-pod.sh', on_role_change: 'sh /etc/patroni/label-pod.sh' });
    expect(only(ms, 'ConfigMap').data['label-pod.sh']).toMatch(/merge-patch\+json/);
    expect(only(ms, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }]);
    expect(ms.filter((m) => m.kind === 'Service').map((m) => m.metadata.name).sort()).toEqual(['orders-members', 'orders-r', 'orders-ro', 'orders-rw']);
  });

  test('endpoints by host name and nothing named: any address on the etcd ports, and a warning that says how to narrow it', () => {
    const policy = ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'orders-instances');
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 2379 }] });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const { warnings } = synthPatroniWithWarnings({ dcs: PatroniDcs.etcd(['https://etcd-0.etcd:2379', 'https://etcd-1.etcd:2379']) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/engine\.dcs: the etcd endpoints https:\/\/etcd-0\.etcd:2379, https:\/\/etcd-1\.etcd:2379 are host names, which a NetworkPolicy cannot name, so the members may open TCP 2379 to any address/);
    expect(warnings[0]).toMatch(/PatroniDcs\.etcd\(urls, \{ peers: \[NetworkPeer\.podsWithLabels/);
  });
});

describe('etcd DCS: egress limited to the etcd endpoints the user names', () => {
  const NS = 'db';
  const member: NetworkEndpoint = { namespace: NS, labels: SELECTOR };
  const etcdPolicyEgress = (ms: any[]) => ms.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'orders-instances').spec.egress
    .filter((r: any) => r.ports?.some((p: any) => p.port === 2379 || p.port === 12379));

  test('endpoints by IP address: one single-address range each, on its port; nothing else on those ports; no warning', () => {
    const { ms, warnings } = synthPatroniWithWarnings({ dcs: PatroniDcs.etcd(['http://10.0.4.10:2379', 'http://10.0.4.11:2379', 'http://[fd00::12]:12379']) });
    expectValidManifests(ms);
    expect(warnings).toEqual([]);
    expect(etcdPolicyEgress(ms)).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.4.10/32' } }, { ipBlock: { cidr: '10.0.4.11/32' } }], ports: [{ protocol: 'TCP', port: 2379 }] },
      { to: [{ ipBlock: { cidr: 'fd00::12/128' } }], ports: [{ protocol: 'TCP', port: 12379 }] },
    ]);
    const model = new NetworkPolicyModel(ms, NS);
    expect(model.allows(member, { ip: '10.0.4.10' }, 2379)).toBe(true);
    expect(model.allows(member, { ip: 'fd00::12' }, 12379)).toBe(true);
    expect(model.allows(member, { ip: '10.0.4.12' }, 2379)).toBe(false);
    expect(model.allows(member, { ip: '10.0.4.10' }, 12379)).toBe(false);
    expect(model.allows(member, { ip: '203.0.113.9' }, 2379)).toBe(false);
  });

  test('endpoints by host name with the etcd pods named: egress to those pods only, no warning', () => {
    const { ms, warnings } = synthPatroniWithWarnings({
      dcs: PatroniDcs.etcd(['https://etcd-0.etcd.infra:2379', 'https://etcd-1.etcd.infra:2379'], {
        peers: [NetworkPeer.podsWithLabels({ 'app.kubernetes.io/name': 'etcd' }, 'infra')],
      }),
    });
    expectValidManifests(ms);
    expect(warnings).toEqual([]);
    expect(etcdPolicyEgress(ms)).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'infra' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'etcd' } } }],
      ports: [{ protocol: 'TCP', port: 2379 }],
    }]);
    const model = new NetworkPolicyModel(ms, NS);
    expect(model.allows(member, { namespace: 'infra', labels: { 'app.kubernetes.io/name': 'etcd' } }, 2379)).toBe(true);
    expect(model.allows(member, { namespace: 'infra', labels: { app: 'other' } }, 2379)).toBe(false);
    expect(model.allows(member, { namespace: 'other', labels: { 'app.kubernetes.io/name': 'etcd' } }, 2379)).toBe(false);
    expect(model.allows(member, { ip: '203.0.113.9' }, 2379)).toBe(false);
  });

  test('endpoints by host name with the etcd address range named: egress to that range only, no warning', () => {
    const { ms, warnings } = synthPatroniWithWarnings({ dcs: PatroniDcs.etcd(['https://etcd.corp.example:2379'], { cidrs: ['10.20.0.0/24'] }) });
    expect(warnings).toEqual([]);
    expect(etcdPolicyEgress(ms)).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 2379 }] }]);
    const model = new NetworkPolicyModel(ms, NS);
    expect(model.allows(member, { ip: '10.20.0.7' }, 2379)).toBe(true);
    expect(model.allows(member, { ip: '10.21.0.7' }, 2379)).toBe(false);
  });

  test('with NetworkPolicies turned off: no policy and no warning', () => {
    const { ms, warnings } = synthPatroniWithWarnings({ dcs: PatroniDcs.etcd(['https://etcd-0.etcd:2379']) }, { network: { enabled: false } });
    expect(ms.some((m) => m.kind === 'NetworkPolicy')).toBe(false);
    expect(warnings).toEqual([]);
  });

  test('a bad range and a peer that would select every pod fail synthesis, naming the property', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({
      dcs: PatroniDcs.etcd(['https://etcd-0.etcd:2379'], { cidrs: ['10.20.0.0/33'], peers: [NetworkPeer.podsWithLabels({}, 'infra')] }),
    })));
    expect(msg).toMatch(/engine\.dcs\.cidrs\[0\] = "10\.20\.0\.0\/33": is not a CIDR.*Fix: /);
    expect(msg).toMatch(/engine\.dcs\.peers\[0\] = "pods \{\} in namespace infra": selects no label, so it would allow every pod of the namespace.*Fix: /);
  });
});

describe('plain text allowed with a reason, no TLS Secret', () => {
  test('no ssl settings and host rules; the reject rule is gone', () => {
    const ms = synthPatroni({ tlsSecretName: undefined }, { tls: { allowPlainTextReason: 'legacy batch client until 2027-01' } });
    expectValidManifests(ms);
    const cfg = patroniYml(ms);
    expect(cfg.postgresql.parameters.ssl).toBeUndefined();
    expect(cfg.postgresql.pg_hba[0]).toBe('local all all scram-sha-256');
    expect(cfg.postgresql.pg_hba).toContain('host all all 0.0.0.0/0 scram-sha-256');
    expect(only(ms, 'StatefulSet').spec.template.spec.volumes.some((v: any) => v.name === 'tls')).toBe(false);
  });
});

describe('standalone with Patroni', () => {
  test('one member, no PDB, no synchronous settings', () => {
    const ms = synthPatroni({}, { mode: ClusterMode.standalone(), walStorage: undefined, separateWalVolume: false, storage: { size: Size.gibibytes(5) } });
    expectValidManifests(ms);
    expect(only(ms, 'StatefulSet').spec.replicas).toBe(1);
    expect(ms.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
    const cfg = patroniYml(ms);
    expect(cfg.bootstrap.dcs.synchronous_mode).toBeUndefined();
    expect(cfg.bootstrap.initdb.some((o: any) => o.waldir)).toBe(false);
  });
});
