/**
 * ScheduledBackup on the Patroni engine: a CronJob (and a one-off Job) that runs
 * barman-cloud-backup in a member through `kubectl exec`, with the least RBAC and a
 * NetworkPolicy that lets the backup pod reach only the Kubernetes API.
 */
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveEncryption, BackupCompression, BackupSchedule, BackupTarget, ClusterMode, HaPostgres, HaPostgresProps, ManifestChecks,
  NetworkEndpoint, NetworkPolicyModel, PatroniEngineProps, PatroniVersion, PostgresVersion, RetentionWindow, ScheduledBackup, ScheduledBackupProps, WalArchive,
  WalArchiveProps, WeekDay,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { synth, synthError } from '../support/synth';
import { byName, patroniProps } from './patroni-fixtures';

const DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' });

interface Options {
  readonly backup?: Partial<ScheduledBackupProps>;
  readonly archive?: Partial<WalArchiveProps>;
  readonly engine?: Partial<PatroniEngineProps>;
  readonly cluster?: HaPostgresProps;
}

function backedUp(c: Construct, o: Options = {}): ScheduledBackup {
  const db = new HaPostgres(c, 'orders', patroniProps(o.engine, o.cluster));
  const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3'), ...o.archive });
  return new ScheduledBackup(c, 'nightly', { archive, ...o.backup });
}

const kinds = (ms: any[]) => ms.filter((m) => m.metadata.labels?.['app.kubernetes.io/component'] === 'backup').map((m) => `${m.kind}/${m.metadata.name}`).sort();
const script = (ms: any[], name = 'orders-backup') => byName(ms, 'ConfigMap', name).data['backup.sh'] as string;

describe('a daily ScheduledBackup (defaults)', () => {
  const ms = synth((c) => { backedUp(c, { backup: { schedule: BackupSchedule.daily({ hour: 2, minute: 30 }) } }); });
  const cron = byName(ms, 'CronJob', 'orders-backup');
  const pod = cron.spec.jobTemplate.spec.template.spec;
  const s = script(ms);

  test('every object passes its schema', () => expectValidManifests(ms));

  test('its objects: CronJob, the immediate Job, script, ServiceAccount, Role, RoleBinding, NetworkPolicy', () => {
    expect(kinds(ms)).toEqual([
      'ConfigMap/orders-backup', 'CronJob/orders-backup', 'Job/orders-backup-immediate', 'NetworkPolicy/orders-backup',
      'Role/orders-backup', 'RoleBinding/orders-backup', 'ServiceAccount/orders-backup',
    ]);
  });

  test('a batch/v1 CronJob: 5-field UTC schedule, Forbid, a starting deadline, not suspended, one try', () => {
    expect(cron.apiVersion).toBe('batch/v1');
    expect(cron.spec).toMatchObject({
      schedule: '30 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 3600, suspend: false,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 86_400 - 600 });
  });

  test('the pod runs the script in the pinned kubectl image, as its own ServiceAccount', () => {
    expect(pod.serviceAccountName).toBe('orders-backup');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].image).toBe('registry.k8s.io/kubectl:v1.34.1');
    expect(pod.containers[0].command).toEqual(['/bin/bash', '/etc/ha-postgres-backup/backup.sh', '0']);
    expect(pod.volumes).toContainEqual({ name: 'script', configMap: { name: 'orders-backup', defaultMode: 0o555 } });
  });

  test('pod security: non-root, read-only root file system, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(ManifestChecks.podSecurityRestricted(ms)).toEqual([]);
    expect(ManifestChecks.writableRootFilesystems(ms)).toEqual([]);
  });

  test('RBAC is exactly: get/list pods, get/create pods/exec on the StatefulSet\'s pods by name, bound to its ServiceAccount', () => {
    expect(byName(ms, 'Role', 'orders-backup').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'], resourceNames: ['orders-0', 'orders-1', 'orders-2'] },
    ]);
    expect(byName(ms, 'RoleBinding', 'orders-backup')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-backup' },
      subjects: [{ kind: 'ServiceAccount', name: 'orders-backup' }],
    });
    expect(ms.some((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toBe(false);
    expect(ManifestChecks.rbacLeastPrivilege(ms)).toEqual([]);
  });

  test('no literal credential: the superuser password and the S3 keys stay in the member\'s environment', () => {
    expect(ManifestChecks.literalCredentials(ms)).toEqual([]);
    expect(s).toContain('export PGPASSWORD="$PATRONI_SUPERUSER_PASSWORD" PGTZ=UTC; exec "$@"');
    expect(JSON.stringify(byName(ms, 'CronJob', 'orders-backup'))).not.toMatch(/AWS_|PASSWORD/);
  });

  test('the script picks a Ready standby by the role label, else the leader (Patroni 4.1: primary)', () => {
    expect(s).toContain('SELECTOR=app.kubernetes.io/component=instance,app.kubernetes.io/instance=orders,app.kubernetes.io/name=patroni');
    expect(s).toContain('kubectl get pods -l "$SELECTOR,role=$1" --sort-by=.metadata.name');
    expect(s).toContain('{.status.conditions[?(@.type=="Ready")].status}');
    expect(s).toMatch(/ {2}pick replica\n {2}if \[ -z "\$TARGET" \]; then pick primary; fi\n/);
  });

  test('barman-cloud-backup over the Unix socket as the superuser, then the retention window', () => {
    expect(s).toContain('kubectl exec "$TARGET" -c patroni -- sh -c \'export PGPASSWORD="$PATRONI_SUPERUSER_PASSWORD" PGTZ=UTC; exec "$@"\' sh '
      + 'barman-cloud-backup --cloud-provider aws-s3 --gzip -e AES256 -J 2 -h /var/run/postgresql -p 5432 -U postgres -d postgres s3://acme-pg-archive/prod orders\n');
    expect(s).toContain('kubectl exec "$TARGET" -c patroni -- barman-cloud-backup-delete --cloud-provider aws-s3 '
      + '--retention-policy \'RECOVERY WINDOW OF 30 DAYS\' s3://acme-pg-archive/prod orders\n');
    expect(s.indexOf('barman-cloud-backup --')).toBeLessThan(s.indexOf('barman-cloud-backup-delete'));
    expect(s).toMatch(/^set -euo pipefail$/m);
  });

  test('immediate: a one-off Job with the same pod, waiting up to 30 minutes for a Ready member', () => {
    const job = byName(ms, 'Job', 'orders-backup-immediate');
    const jobPod = job.spec.template.spec;
    expect(jobPod.containers[0].command).toEqual(['/bin/bash', '/etc/ha-postgres-backup/backup.sh', '1800']);
    expect({ ...jobPod, containers: [{ ...jobPod.containers[0], command: undefined }] }).toEqual({ ...pod, containers: [{ ...pod.containers[0], command: undefined }] });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 86_400 - 600 + 1800 });
  });
});

describe('the backup pod\'s NetworkPolicy: only the Kubernetes API', () => {
  const ms = synth((c) => { backedUp(c); });
  const model = new NetworkPolicyModel(ms, 'db');
  const backupPod: NetworkEndpoint = { namespace: 'db', labels: byName(ms, 'CronJob', 'orders-backup').spec.jobTemplate.spec.template.metadata.labels };
  const member: NetworkEndpoint = { namespace: 'db', labels: { 'app.kubernetes.io/name': 'patroni', 'app.kubernetes.io/component': 'instance', 'app.kubernetes.io/instance': 'orders' } };
  const dns: NetworkEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

  test('egress to the API server on 443 and 6443, nothing else', () => {
    expect(model.allows(backupPod, { ip: '10.96.0.1' }, 443)).toBe(true);
    expect(model.allows(backupPod, { ip: '10.0.0.5' }, 6443)).toBe(true);
    expect(model.allows(backupPod, member, 5432)).toBe(false);
    expect(model.allows(backupPod, member, 8008)).toBe(false);
    expect(model.allows(backupPod, dns, 53, 'UDP')).toBe(false);
    expect(model.allows(backupPod, { ip: '52.218.1.1' }, 80)).toBe(false);
  });

  test('no ingress, and the backup pod is no member (not in the members\' Services, PDB or policy)', () => {
    expect(model.allows(member, backupPod, 8080)).toBe(false);
    expect(model.policiesSelecting(backupPod, 'Egress')).toEqual(['orders-backup']);
    const selects = (selector: { [k: string]: string }) => Object.entries(selector).every(([k, v]) => backupPod.labels![k] === v);
    for (const svc of ms.filter((m) => m.kind === 'Service' && m.spec.selector)) expect(selects(svc.spec.selector)).toBe(false);
    expect(selects(byName(ms, 'PodDisruptionBudget', 'orders-pdb').spec.selector.matchLabels)).toBe(false);
  });

  test('without NetworkPolicies on the cluster, none for the backup either', () => {
    const off = synth((c) => { backedUp(c, { cluster: { network: { enabled: false } } }); });
    expect(off.filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
  });
});

test('Patroni 3.0 labels the leader master; target PRIMARY asks for the leader only', () => {
  const ms = synth((c) => {
    backedUp(c, {
      engine: { version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15' },
      cluster: { version: PostgresVersion.of(15, 8) },
      backup: { target: BackupTarget.PRIMARY },
    });
  });
  const s = script(ms);
  expect(s).toMatch(/ {2}pick master\n {2}\[ -z "\$TARGET" \] \|\| break/);
  expect(s).not.toMatch(/pick replica/);
});

test('compression, encryption, jobs and retention of the archive reach the commands', () => {
  const ms = synth((c) => {
    backedUp(c, {
      engine: { barmanCloudVersion: '3.18' },
      archive: {
        backupCompression: BackupCompression.LZ4, backupJobs: 8, retention: RetentionWindow.weeks(6),
        encryption: ArchiveEncryption.kms('alias/pg-archive'), destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', endpoint: 'https://minio.storage.svc:9000' }),
      },
    });
  });
  const s = script(ms);
  expect(s).toContain('barman-cloud-backup --cloud-provider aws-s3 --endpoint-url https://minio.storage.svc:9000 --lz4 -e aws:kms --sse-kms-key-id=alias/pg-archive -J 8 ');
  expect(s).toContain("--retention-policy 'RECOVERY WINDOW OF 6 WEEKS' s3://acme-pg-archive orders\n");
  expect(synth((c) => { backedUp(c, { archive: { retention: RetentionWindow.months(3) } }); }).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'orders-backup').data['backup.sh'])
    .toContain("'RECOVERY WINDOW OF 3 MONTHS'");
});

test('weekly, suspended, no immediate backup, with a name and a pinned image of one\'s own', () => {
  const ms = synth((c) => {
    backedUp(c, {
      engine: { backupJobImage: 'registry.example.com/kubectl:1.34@sha256:' + 'a'.repeat(64) },
      backup: { name: 'orders-weekly', schedule: BackupSchedule.weekly({ day: WeekDay.SATURDAY, hour: 3 }), suspend: true },
    });
  });
  const cron = byName(ms, 'CronJob', 'orders-weekly');
  expect(cron.spec.schedule).toBe('0 3 * * 6');
  expect(cron.spec.suspend).toBe(true);
  expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(86_400);
  expect(cron.spec.jobTemplate.spec.template.spec.containers[0].image).toMatch(/^registry\.example\.com\/kubectl:1\.34@sha256:a{64}$/);
  expect(ms.filter((m) => m.kind === 'Job')).toEqual([]);
  expect(synth((c) => { backedUp(c, { backup: { immediate: false } }); }).filter((m) => m.kind === 'Job')).toEqual([]);
});

test('the RBAC follows the number of members', () => {
  const ms = synth((c) => { backedUp(c, { cluster: { mode: ClusterMode.highAvailability(5) } }); });
  expect(byName(ms, 'Role', 'orders-backup').rules[1].resourceNames).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4']);
});

describe('errors name the prop, the value and the engine', () => {
  test('a name longer than a CronJob allows', () => {
    const name = 'orders-backup-with-a-name-that-is-far-too-long-for-it';
    expect(synthError((c) => { backedUp(c, { backup: { name } }); }))
      .toMatch(new RegExp(`\\[test/nightly\\] name = "${name}": Patroni 4\\.1 renders a CronJob of this name, and CronJob names may have at most 52 characters.*Fix: give a shorter name`));
  });

  test('an unpinned backup job image', () => {
    expect(synthError((c) => { backedUp(c, { engine: { backupJobImage: 'bitnami/kubectl:latest' } }); }))
      .toMatch(/engine\.backupJobImage = "bitnami\/kubectl:latest": is not pinned to a tag or digest.*Fix: pin it/);
  });

  test('an archive prop the engine cannot express fails on the WalArchive, not silently in the backup', () => {
    expect(synthError((c) => { backedUp(c, { archive: { backupCompression: BackupCompression.LZ4 } }); }))
      .toMatch(/\[test\/archive\] backupCompression = "lz4": barman-cloud-backup has no --lz4 before Barman 3\.18/);
  });
});
