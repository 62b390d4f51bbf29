/**
 * The RestoreDrill on Crunchy PGO: the same shape as CloudNativePG's (test/backup/restore-drill.test.ts),
 * with a temporary PostgresCluster restored from the archive's pgBackRest repository.
 */
import { Chart, Size, Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, BackupSchedule, ClusterEngine, HaPostgres, ManifestChecks, RestoreDrill, ScheduledBackup, WalArchive,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth } from '../support/synth';
import { SynthWarnings } from '../../lib/core/synth-warnings';

const ROLE = 'arn:aws:iam::123456789012:role/orders-db-pgbackrest';

function drillSet(c: Construct, credentials = ArchiveCredentials.fromIamRole(ROLE), engineProps: object = {}): void {
  const db = new HaPostgres(c, 'orders-db', {
    engine: ClusterEngine.crunchy(engineProps), placement: { zones: ['a', 'b', 'c'] },
    walStorage: { size: Size.gibibytes(20) }, parameters: { max_connections: 300 },
  });
  const archive = new WalArchive(c, 'archive', {
    cluster: db, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' }), credentials,
  });
  new ScheduledBackup(c, 'backup', { archive, schedule: BackupSchedule.daily({ hour: 1 }) });
  new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'restore-drills', checks: [{ table: 'orders', minRows: 100 }, { table: 'billing.invoices' }] });
}

const manifests = synth((c) => drillSet(c));
const drillObjects = manifests.filter((m) => m.metadata?.namespace === 'restore-drills');
const cronJob = only(manifests, 'CronJob');
const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-db-restore-drill');
const template = JSON.parse(config.data['cluster.json']);

describe('RestoreDrill on Crunchy PGO', () => {
  test('every object passes the strict schemas (the template, named, against the PGO CRD); no literal credentials', () => {
    expectValidManifests(manifests);
    expectValidManifests([{ ...template, metadata: { ...template.metadata, name: 'orders-db-drill-0a1b2c3d-1767225600', namespace: 'restore-drills' } }]);
    expect(ManifestChecks.literalCredentials(manifests)).toEqual([]);
  });

  test('the CronJob, its ServiceAccount and script next to the cluster; only the Role, RoleBinding and NetworkPolicy in the scratch namespace', () => {
    expect(drillObjects.map((m) => m.kind).sort()).toEqual(['NetworkPolicy', 'Role', 'RoleBinding']);
    for (const kind of ['CronJob', 'ServiceAccount']) {
      expect(manifests.find((m) => m.kind === kind && m.metadata.name === 'orders-db-restore-drill').metadata.namespace).toBe('db');
    }
    expect(cronJob.spec).toMatchObject({ schedule: '0 4 1 * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 7200 + 1800 });
  });

  test('the pod passes the Pod Security Standard "restricted"', () => {
    expect(ManifestChecks.podSecurityRestricted(manifests)).toEqual([]);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.serviceAccountName).toBe('orders-db-restore-drill');
  });

  test('least RBAC: a namespaced Role with exactly what the script does on postgresclusters and pods, bound to the drill only', () => {
    expect(manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    const role = drillObjects.find((m) => m.kind === 'Role');
    expect(role.metadata.name).toBe('orders-db-restore-drill-db');
    expect(role.rules).toEqual([
      { apiGroups: ['postgres-operator.crunchydata.com'], resources: ['postgresclusters'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ]);
    // Nothing on Secrets, ServiceAccounts or the source's namespace.
    expect(JSON.stringify(role.rules)).not.toMatch(/secrets|serviceaccounts|\*/);
    const binding = drillObjects.find((m) => m.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-db-restore-drill', namespace: 'db' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-restore-drill-db' });
  });

  test('the temporary PostgresCluster restores the archive\'s repository (same bucket, path, key type) and writes to none', () => {
    const source = only(manifests, 'PostgresCluster');
    expect(template.kind).toBe('PostgresCluster');
    expect(template.spec.instances).toEqual([expect.objectContaining({ name: 'pg', replicas: 1 })]);
    expect(template.spec.instances[0].walVolumeClaimSpec.resources.requests.storage).toBe('20Gi');
    expect(template.spec.instances[0].resources).toEqual(source.spec.instances[0].resources);
    expect(template.spec.backups).toBeUndefined(); // never archives into the source's repository
    expect(template.spec.dataSource.pgbackrest).toEqual({
      stanza: 'db',
      repo: { name: 'repo1', s3: source.spec.backups.pgbackrest.repos[0].s3 },
      global: { 'repo1-path': source.spec.backups.pgbackrest.global['repo1-path'], 'repo1-s3-uri-style': 'host', 'repo1-s3-key-type': 'web-id' },
      resources: source.spec.backups.pgbackrest.jobs.resources,
    });
    expect(template.spec.dataSource.pgbackrest.global['repo1-path']).toBe('/prod/orders-db');
    // IRSA: PGO copies spec.metadata onto the ServiceAccounts it creates, before the restore Job runs.
    expect(template.spec.metadata).toEqual({ annotations: { 'eks.amazonaws.com/role-arn': ROLE } });
    expect(template.spec.patroni.dynamicConfiguration.postgresql.parameters.max_connections).toBe('300');
    expect(template.spec.users).toEqual([{ name: 'postgres' }]);
    expect(template.metadata.labels['ha-postgres.io/restore-drill']).toBe('orders-db-restore-drill-db');
  });

  test('Secret credentials: the repository\'s s3.conf is projected, no role; a warning says the Secret must exist in the scratch namespace', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db', disableResourceNameHashes: true });
    drillSet(chart, ArchiveCredentials.fromSecret('orders-s3'));
    const ms = Testing.synth(chart);
    const t = JSON.parse(ms.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-db-restore-drill').data['cluster.json']);
    expect(t.spec.metadata).toBeUndefined();
    expect(t.spec.dataSource.pgbackrest.configuration).toEqual([{ secret: { name: 'orders-s3', items: [{ key: 's3.conf', path: 's3.conf' }] } }]);
    expect(t.spec.dataSource.pgbackrest.global['repo1-s3-key-type']).toBeUndefined();
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/Secret "orders-s3", which must also exist in namespace "restore-drills"/);
  });

  test('the temporary clusters\' names stay within PGO\'s limit (cluster + instance set at most 46)', () => {
    const long = synth((c) => {
      const db = new HaPostgres(c, 'a-very-long-cluster-name-for-payments', { engine: ClusterEngine.crunchy(), placement: { zones: ['a', 'b', 'c'] } });
      new WalArchive(c, 'archive', { cluster: db, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'p', region: 'eu-west-1' }), credentials: ArchiveCredentials.fromIamRole(ROLE) });
      new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'restore-drills' });
    });
    const script = long.find((m) => m.kind === 'ConfigMap' && /restore-drill/.test(m.metadata.name)).data['drill.sh'] as string;
    const prefix = /^NAME='([^']+)'-\$\(date -u \+%s\)$/m.exec(script)![1];
    expect(prefix).toMatch(/^a-very-long-clus-drill-[0-9a-f]{8}$/);
    expect(prefix.length + '-1767225600'.length + 'pg'.length).toBeLessThanOrEqual(46);
  });

  test('default-deny NetworkPolicy over the temporary clusters\' pods: only each other, DNS, the API and the archive', () => {
    const np = drillObjects.find((m) => m.kind === 'NetworkPolicy');
    const pods = { matchExpressions: [{ key: 'postgres-operator.crunchydata.com/cluster', operator: 'Exists' }] };
    expect(np.spec.podSelector).toEqual(pods);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: pods }], ports: [5432, 8008, 8432].map((port) => ({ protocol: 'TCP', port })) }]);
    expect(np.spec.egress).toHaveLength(4);
    expect(np.spec.egress[1]).toEqual({ to: [{ podSelector: pods }], ports: [5432, 8008, 8432].map((port) => ({ protocol: 'TCP', port })) });
    expect(JSON.stringify(np.spec.egress[3])).toMatch(/443/);
  });

  test('the script waits for PGO\'s ready instance and finds the primary by Patroni\'s role label', () => {
    const script = config.data['drill.sh'] as string;
    expect(script).toContain(`wait --for='jsonpath={.status.instances[0].readyReplicas}=1' "$RESOURCE/$NAME" --timeout=7200s`);
    expect(script).toContain('get pods -l "postgres-operator.crunchydata.com/cluster=$NAME,postgres-operator.crunchydata.com/role=master"');
    expect(script).toContain("RESOURCE='postgresclusters.postgres-operator.crunchydata.com'");
    expect(script).toContain("-c 'database' -- psql");
  });
});
