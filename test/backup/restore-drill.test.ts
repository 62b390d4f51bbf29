import { Chart, Duration, Testing } from 'cdk8s';
import { ArchiveCredentials, BackupSchedule, ClusterEngine, HaPostgres, ManifestChecks, RestoreDrill, SynthWarnings } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { archivedCluster, backupSet, ofKind } from './fixtures';

const manifests = synth((c) => backupSet(c, { checks: [{ table: 'orders', minRows: 100 }, { table: 'billing.invoices' }] }));
const drillObjects = manifests.filter((m) => m.metadata?.namespace === 'restore-drills');
const cronJob = only(manifests, 'CronJob');
const config = only(manifests, 'ConfigMap');

describe('RestoreDrill resources', () => {
  test('every object passes the strict schemas; no pod under two PDBs; no literal credentials', () => {
    expectValidManifests(manifests);
    expect(podsUnderSeveralPdbs(manifests)).toEqual([]);
    expect(ManifestChecks.literalCredentials(manifests)).toEqual([]);
  });

  test('permissions, the read-only store and the default-deny policy in the scratch namespace; the CronJob next to the cluster', () => {
    expect(drillObjects.map((m) => m.kind).sort()).toEqual(['NetworkPolicy', 'ObjectStore', 'Role', 'RoleBinding']);
    for (const kind of ['CronJob', 'ServiceAccount', 'ConfigMap']) expect(only(manifests, kind).metadata.namespace).toBe('db');
  });

  test('a monthly CronJob named <cluster>-restore-drill, no overlap, no retries, bounded, history kept', () => {
    expect(cronJob.metadata.name).toBe('orders-db-restore-drill');
    expect(cronJob.spec).toMatchObject({
      schedule: '0 4 1 * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200 + 1800);
  });

  test('the period is a typed attribute for the monitoring alert (period plus margin)', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const { db } = archivedCluster(chart);
    const monthly = new RestoreDrill(chart, 'm', { cluster: db, scratchNamespace: 'scratch' });
    const weekly = new RestoreDrill(chart, 'w', { cluster: db, scratchNamespace: 'scratch', name: 'weekly-drill', schedule: BackupSchedule.weekly() });
    expect(monthly.period.toMilliseconds()).toBe(Duration.days(31).toMilliseconds());
    expect(weekly.period.toMilliseconds()).toBe(Duration.days(7).toMilliseconds());
    expect(monthly.cronJobName).toBe('orders-db-restore-drill');
  });

  test('the pod passes the Pod Security Standard "restricted", with a read-only root and /tmp on an emptyDir', () => {
    expect(ManifestChecks.podSecurityRestricted(manifests)).toEqual([]);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.image).toBe('registry.k8s.io/kubectl:v1.34.1');
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.serviceAccountName).toBe('orders-db-restore-drill');
  });

  test('least RBAC: a namespaced Role with exactly the verbs the script uses, bound to the drill only', () => {
    expect(ofKind(manifests, 'ClusterRole')).toEqual([]);
    expect(ofKind(manifests, 'ClusterRoleBinding')).toEqual([]);
    expect(only(manifests, 'Role').rules).toEqual([
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
    ]);
    expect(only(manifests, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-db-restore-drill', namespace: 'db' }]);
    // In the scratch namespace the names carry the drill's namespace (drills of same-named clusters may share it).
    expect(only(manifests, 'RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-restore-drill-db' });
    expect(only(manifests, 'Role').metadata.name).toBe('orders-db-restore-drill-db');
  });

  test('the temporary cluster recovers from a read-only ObjectStore in the scratch namespace, serverName = the source', () => {
    const store = drillObjects.find((m) => m.kind === 'ObjectStore');
    expect(store.spec.configuration.destinationPath).toBe('s3://acme-pg-archive/prod');
    expect(store.spec.retentionPolicy).toBeUndefined();
    const template = JSON.parse(config.data['cluster.json']);
    expect(template.spec.instances).toBe(1);
    expect(template.spec.bootstrap.recovery.source).toBe('origin');
    expect(template.spec.externalClusters[0].plugin.parameters).toEqual({ barmanObjectName: store.metadata.name, serverName: 'orders-db' });
    expect(template.spec.plugins).toBeUndefined(); // the drill never archives
    expect(template.spec.postgresql.parameters.max_connections).toBe('200'); // replay needs at least the source's value
    expect(template.metadata.labels['ha-postgres.io/restore-drill']).toBe('orders-db-restore-drill-db');
    expect(store.metadata.name).toBe('orders-db-restore-drill-db-source');
    // the template, with a name filled in, is a valid Cluster
    expectValidManifests([{ ...template, metadata: { ...template.metadata, name: 'orders-db-drill-1767225600', namespace: 'restore-drills' } }]);
  });

  test('a Secret-credential archive warns that the Secret must exist in the scratch namespace', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    const { db } = archivedCluster(chart, { credentials: ArchiveCredentials.fromSecret('orders-db-s3') });
    new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'scratch' });
    Testing.synth(chart);
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/Secret "orders-db-s3", which must also exist in namespace "scratch"/);
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  test('a restore drill of a cluster without an archive', () => {
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: new HaPostgres(c, 'orders-db'), scratchNamespace: 'scratch' })))
      .toMatch(/\[test\/drill\] cluster = "orders-db": has no WalArchive, so there is nothing to restore.*Fix: add new WalArchive/);
  });

  test('schedule, namespace, timeout, tables and image', () => {
    const message = synthError((c) => new RestoreDrill(c, 'drill', {
      cluster: archivedCluster(c).db, scratchNamespace: 'Scratch_NS', schedule: BackupSchedule.cron('0 * * * *'), readyTimeout: Duration.minutes(1),
      checks: [{ table: 'Orders; DROP TABLE x' }, { table: 'ok', minRows: -1 }], image: 'registry.k8s.io/kubectl',
    }));
    expect(message).toMatch(/scratchNamespace = "Scratch_NS": is not a DNS label/);
    expect(message).toMatch(/schedule = "0 \* \* \* \*": runs more than once a day/);
    expect(message).toMatch(/readyTimeout = 1 minute: must be between 5 minutes and 24 hours/);
    expect(message).toMatch(/checks\[0\]\.table = "Orders; DROP TABLE x": must be a lower-case table name/);
    expect(message).toMatch(/checks\[1\]\.minRows = -1/);
    expect(message).toMatch(/image = "registry\.k8s\.io\/kubectl": is not pinned/);
  });

  test('an invalid cron schedule shows the expression', () => {
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c).db, scratchNamespace: 's', schedule: BackupSchedule.cron('0 4 32 * *') })))
      .toMatch(/schedule = "0 4 32 \* \*": is not a valid cron expression/);
  });

  test('an engine without restore drills names the construct and the engine', () => {
    const base = ClusterEngine.cloudNativePg();
    const engine = Object.create(base, { name: { value: 'Test engine 0.1' }, capabilities: { value: { ...base.capabilities, restoreDrill: false } }, bindRestoreDrill: { value: () => { throw new Error('bindRestoreDrill called without the capability'); } } });
    expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c, {}, { engine }).db, scratchNamespace: 's' })))
      .toMatch(/\[test\/drill\] cluster = "orders-db": the engine Test engine 0\.1 cannot render a RestoreDrill yet/);
  });
});

test('a drill in a chart without a namespace is an error (the RoleBinding must name the ServiceAccount\'s namespace)', () => {
  const chart = new Chart(Testing.app(), 'no-ns');
  const { db } = archivedCluster(chart);
  new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'scratch' });
  expect(() => Testing.synth(chart)).toThrow(/namespace = "undefined": the drill's ServiceAccount is bound .*Fix: give the chart a namespace/);
});

test('the scratch namespace must not be the cluster\'s own (the drill may delete clusters there)', () => {
  expect(synthError((c) => new RestoreDrill(c, 'drill', { cluster: archivedCluster(c).db, scratchNamespace: 'db' })))
    .toMatch(/scratchNamespace = "db": is the namespace of the cluster itself.*Fix: use a namespace kept for drills/);
});
