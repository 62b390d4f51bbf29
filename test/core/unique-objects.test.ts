/**
 * The synth-time check that no two objects the app applies share API group, kind, namespace
 * and name (lib/core/unique-objects.ts), and the names that are unique by construction.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArchiveBucket, ArchiveCredentials, ArchiveDestination, BackupSchedule, BucketController, ClusterMonitoring, DisruptionBudget, HaPostgres,
  PgBouncerPool, RestoreDrill, ScheduledBackup, WalArchive,
} from '../../lib';
import { apiGroup, isClusterScoped } from '../../lib/core/cluster-scoped';
import { patroniProps } from '../patroni/patroni-fixtures';
import { synth, synthError } from '../support/synth';

const ROLE = ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-archive');
const DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1' });

function archived(c: Construct, id = 'orders', props = {}): WalArchive {
  const db = new HaPostgres(c, id, props);
  return new WalArchive(c, `${id}-archive`, { cluster: db, destination: DEST, credentials: ROLE });
}

function appErrors(build: (app: App) => void): string {
  const app = Testing.app();
  build(app);
  try {
    for (const c of app.charts) Testing.synth(c);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('collisions are errors that name both constructs', () => {
  test('a user object of the same kind and name as a library object', () => {
    const message = synthError((c) => {
      new HaPostgres(c, 'orders', {});
      new ApiObject(c, 'mine', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'orders-pdb' } });
    });
    expect(message).toMatch(/\[test\/orders\] name \(from the construct id\) = "orders": test\/mine and test\/orders both apply PodDisruptionBudget "db\/orders-pdb".*Fix: give test\/orders another name, or rename test\/mine/);
  });

  test('a Service the operator creates for a Cluster (pool named <cluster>-rw)', () => {
    const message = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', {}), name: 'orders-rw' }));
    expect(message).toMatch(/name = "orders-rw": test\/orders and test\/pool both apply Service "db\/orders-rw" \(created by CloudNativePG for Cluster "orders"; created by CloudNativePG for Pooler "orders-rw"\)/);
  });

  test('the operator\'s own budgets, when the cluster uses them', () => {
    const build = (budget?: DisruptionBudget) => (c: Construct) =>
      new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', { disruptionBudget: budget }), name: 'orders-primary' });
    expect(synthError(build(DisruptionBudget.operatorManaged()))).toMatch(/both apply PodDisruptionBudget "db\/orders-primary" \(created by CloudNativePG for Cluster "orders"\)/);
    expect(() => synth(build())).not.toThrow(); // the library's own budget: no operator PDBs
  });

  test('two monitorings of one cluster: the fix says to keep one', () => {
    expect(synthError((c) => {
      const db = new HaPostgres(c, 'orders', {});
      new ClusterMonitoring(c, 'mon', { cluster: db });
      new ClusterMonitoring(c, 'mon2', { cluster: db, topologyDiagram: false });
    })).toMatch(/\[test\/mon2\] cluster = "orders": test\/mon and test\/mon2 both apply PrometheusRule "db\/orders-alerts".*Fix: create one ClusterMonitoring per cluster/);
  });

  test('two explicit backup names that are the same', () => {
    expect(synthError((c) => {
      const archive = archived(c, 'orders', patroniProps());
      new ScheduledBackup(c, 'a', { archive, name: 'nightly' });
      new ScheduledBackup(c, 'b', { archive, name: 'nightly', schedule: BackupSchedule.weekly() });
    })).toMatch(/\[test\/b\] name = "nightly": test\/a and test\/b both apply ConfigMap "db\/nightly", ServiceAccount "db\/nightly", Role "db\/nightly" and 4 more/);
  });

  test('cluster-scoped kinds collide across namespaces (Crossplane buckets); S3 bucket names are global for either controller', () => {
    const buckets = (controller: BucketController) => (app: App) => {
      for (const ns of ['team-a', 'team-b']) {
        new ArchiveBucket(new Chart(app, ns, { namespace: ns }), 'bucket', { bucketName: 'acme-pg-archive', region: 'eu-west-1', controller });
      }
    };
    expect(appErrors(buckets(BucketController.CROSSPLANE))).toMatch(/bucketName = "acme-pg-archive": team-a\/bucket and team-b\/bucket both apply Bucket "acme-pg-archive"/);
    expect(appErrors(buckets(BucketController.ACK))).toMatch(/\[team-b\/bucket\] bucketName = "acme-pg-archive": is also the bucket of team-a\/bucket: S3 bucket names are global/);
    expect(appErrors(buckets(BucketController.ACK)).match(/both apply/)).toBeNull(); // ACK Buckets are namespaced objects
    // The same objects twice: one error (the object check), not a second from the bucket-name check.
    expect(appErrors(buckets(BucketController.CROSSPLANE)).match(/is also the bucket of/)).toBeNull();
    const twice = (controllers: BucketController[]) => (app: App) => {
      controllers.forEach((controller, i) => new ArchiveBucket(new Chart(app, `c${i}`, { namespace: 'team-a' }), 'bucket',
        { bucketName: 'acme-pg-archive', region: 'eu-west-1', controller }));
    };
    const sameNamespace = appErrors(twice([BucketController.ACK, BucketController.ACK]));
    expect(sameNamespace).toMatch(/\[c1\/bucket\] bucketName = "acme-pg-archive": c0\/bucket and c1\/bucket both apply Bucket "team-a\/acme-pg-archive"/);
    expect(sameNamespace.match(/is also the bucket of/)).toBeNull();
    // Different controllers render different objects: only the bucket-name check sees it.
    const mixed = appErrors(twice([BucketController.ACK, BucketController.CROSSPLANE]));
    expect(mixed).toMatch(/\[c1\/bucket\] bucketName = "acme-pg-archive": is also the bucket of c0\/bucket: S3 bucket names are global/);
    expect(mixed.match(/both apply/)).toBeNull();
  });

  test('objects of users only are not the library\'s business', () => {
    expect(() => synth((c) => {
      new ApiObject(c, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
      new ApiObject(c, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
      new HaPostgres(c, 'orders', {});
    })).not.toThrow();
  });

  test('groups and scopes', () => {
    expect(apiGroup('postgresql.cnpg.io/v1')).toBe('postgresql.cnpg.io');
    expect(apiGroup('v1')).toBe('');
    expect(isClusterScoped('s3.aws.upbound.io/v1beta2', 'Bucket')).toBe(true);
    expect(isClusterScoped('s3.services.k8s.aws/v1alpha1', 'Bucket')).toBe(false);
    expect(isClusterScoped('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBe(true);
    // One list for the synth-time check and the CLI's manifest check (formerly only the CLI had it).
    expect(isClusterScoped('snapshot.storage.k8s.io/v1', 'VolumeSnapshotClass')).toBe(true);
  });
});

describe('names derived from ids are unique where constructs meet', () => {
  test('the first backup keeps <cluster>-backup, later ones add their construct id', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
    const archive = archived(chart);
    const daily = new ScheduledBackup(chart, 'daily', { archive });
    const weekly = new ScheduledBackup(chart, 'Weekly_Full', { archive, schedule: BackupSchedule.weekly() });
    const again = new ScheduledBackup(new Construct(chart, 'other'), 'Weekly_Full', { archive, schedule: BackupSchedule.monthly() });
    expect([daily.name, weekly.name]).toEqual(['orders-backup', 'orders-backup-weekly-full']);
    expect(again.name).toMatch(/^orders-backup-[0-9a-f]{8}$/); // same id in another scope: a hash of the path
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('long cluster names still give names within 52 characters, distinct per backup', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'db' });
    const archive = archived(chart, 'a'.repeat(50));
    const names = ['x', 'y'].map((id) => new ScheduledBackup(chart, id, { archive }).name);
    expect(names.every((n) => n.length <= 52)).toBe(true);
    expect(new Set(names).size).toBe(2);
  });

  test('two drills of one cluster: distinct CronJobs, scratch objects and cleanup labels', () => {
    const ms = synth((c) => {
      const archive = archived(c);
      new RestoreDrill(c, 'monthly', { cluster: archive.cluster, scratchNamespace: 'drills' });
      new RestoreDrill(c, 'weekly', { cluster: archive.cluster, scratchNamespace: 'drills', schedule: BackupSchedule.weekly() });
    });
    expect(ms.filter((m) => m.kind === 'CronJob').map((m) => m.metadata.name).sort()).toEqual(['orders-restore-drill', 'orders-restore-drill-weekly']);
    expect(ms.filter((m) => m.kind === 'Role').map((m) => m.metadata.name).sort()).toEqual(['orders-restore-drill-db', 'orders-restore-drill-weekly-db']);
  });

  test('same-named clusters in two namespaces must not archive into one folder', () => {
    const twoTeams = (path: (ns: string) => string | undefined) => (app: App) => {
      for (const ns of ['team-a', 'team-b']) {
        const chart = new Chart(app, ns, { namespace: ns });
        new WalArchive(chart, 'archive', { cluster: new HaPostgres(chart, 'orders', {}), destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', region: 'eu-west-1', path: path(ns) }), credentials: ROLE });
      }
    };
    expect(appErrors(twoTeams(() => undefined))).toMatch(/\[team-b\/archive\] destination = "s3:\/\/acme-pg-archive\/orders\/": is also where team-a\/archive \(cluster "orders"\) archives.*Fix: /);
    expect(appErrors(twoTeams((ns) => ns))).toBe('');
  });

  test('same-named clusters in two namespaces are fine', () => {
    expect(appErrors((app) => {
      for (const ns of ['team-a', 'team-b']) new HaPostgres(new Chart(app, ns, { namespace: ns }), 'orders', {});
    })).toBe('');
  });
});
