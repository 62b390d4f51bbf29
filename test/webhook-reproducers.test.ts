/**
 * Issue 20: the twelve configurations that synthesized manifests CloudNativePG's webhook or
 * the Kubernetes API server refuses, objects that silently overwrote each other, or errors
 * that could not be acted on. Each is reproduced with a few lines of the public API.
 */
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveSource, BackupSchedule, ClusterBootstrap, ClusterMode, ClusterMonitoring, HaPostgres, HaPostgresProps,
  PgBouncerPool, RecoveryTarget, RestoreDrill, ScheduledBackup, WalArchive,
} from '../lib';
import { patroniProps } from './patroni/patroni-fixtures';
import { admissionFindings } from './support/admission';
import { expectValidManifests } from './support/schema-validator';
import { synth, synthError } from './support/synth';

const DEST = ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' });
const ROLE = ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-archive');

/** Every (group, kind, namespace, name) that occurs more than once. */
function duplicates(manifests: any[]): string[] {
  const seen = new Map<string, number>();
  for (const m of manifests) {
    const group = String(m.apiVersion).includes('/') ? String(m.apiVersion).split('/')[0] : '';
    const key = `${group}/${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Synthesizes every chart of an app, returning all manifests (or the error). */
function synthApp(build: (app: App) => void): any[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => Testing.synth(c));
}

const chartIn = (app: App, namespace: string) => new Chart(app, namespace, { namespace, disableResourceNameHashes: true });

describe('1. restore drills of same-named clusters in two namespaces, one scratch namespace', () => {
  const manifests = synthApp((app) => {
    for (const ns of ['team-a', 'team-b']) {
      const chart = chartIn(app, ns);
      const db = new HaPostgres(chart, 'orders', {});
      new WalArchive(chart, 'archive', { cluster: db, destination: ArchiveDestination.s3({ bucket: `${ns}-archive`, region: 'eu-west-1' }), credentials: ROLE });
      new RestoreDrill(chart, 'drill', { cluster: db, scratchNamespace: 'drills' });
    }
  });
  const scratch = manifests.filter((m) => m.metadata?.namespace === 'drills');

  test('no two objects share kind, namespace and name', () => {
    expect(duplicates(manifests)).toEqual([]);
    expect(scratch.length).toBe(8);
  });

  test('each ObjectStore reads its own team\'s archive, each RoleBinding binds its own ServiceAccount', () => {
    const stores = scratch.filter((m) => m.kind === 'ObjectStore');
    expect(stores.map((s) => s.spec.configuration.destinationPath).sort()).toEqual(['s3://team-a-archive', 's3://team-b-archive']);
    const bindings = scratch.filter((m) => m.kind === 'RoleBinding');
    expect(bindings.map((b) => b.subjects[0].namespace).sort()).toEqual(['team-a', 'team-b']);
  });

  test('the cleanup labels and the temporary cluster names differ, so one drill never deletes the other\'s copy', () => {
    const scripts = manifests.filter((m) => m.kind === 'ConfigMap' && m.data?.['drill.sh']);
    const labels = scripts.map((s) => /LABEL='([^']+)'/.exec(s.data['drill.sh'])![1]);
    const prefixes = scripts.map((s) => /NAME='([^']+)'/.exec(s.data['drill.sh'])![1]);
    expect(new Set(labels).size).toBe(2);
    expect(new Set(prefixes).size).toBe(2);
    for (const s of scripts) {
      const template = JSON.parse(s.data['cluster.json']);
      const label = /LABEL='([^=]+)=([^']+)'/.exec(s.data['drill.sh'])!;
      expect(template.metadata.labels[label[1]]).toBe(label[2]);
      // the template reads the store of its own namespace's drill
      const store = template.spec.externalClusters[0].plugin.parameters.barmanObjectName;
      const own = scratch.find((m) => m.kind === 'ObjectStore' && m.metadata.name === store);
      expect(own.spec.configuration.destinationPath).toBe(`s3://${s.metadata.namespace}-archive`);
    }
  });
});

describe('2. several ScheduledBackups on one archive (daily and weekly)', () => {
  const twoBackups = (props: HaPostgresProps) => (c: Construct) => {
    const db = new HaPostgres(c, 'orders', props);
    const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3') });
    new ScheduledBackup(c, 'daily', { archive, schedule: BackupSchedule.daily({ hour: 2 }) });
    new ScheduledBackup(c, 'weekly', { archive, schedule: BackupSchedule.weekly({ hour: 3 }) });
  };

  test('CloudNativePG: two ScheduledBackup objects with their own names', () => {
    const ms = synth(twoBackups({}));
    expect(duplicates(ms)).toEqual([]);
    expect(ms.filter((m) => m.kind === 'ScheduledBackup').map((m) => m.spec.schedule).sort()).toEqual(['0 0 2 * * *', '0 0 3 * * 0']);
  });

  test('Patroni: CronJobs, Jobs, ConfigMaps and RBAC of each backup are distinct', () => {
    const ms = synth(twoBackups(patroniProps()));
    expect(duplicates(ms)).toEqual([]);
    expect(ms.filter((m) => m.kind === 'CronJob').length).toBe(2);
    expect(ms.filter((m) => m.kind === 'Job').length).toBe(2);
    expectValidManifests(ms);
  });
});

describe('3. shared_buffers above the memory request', () => {
  test('a user value above the request is refused, naming the parameter', () => {
    expect(synthError((c) => new HaPostgres(c, 'orders', { parameters: { shared_buffers: '16GB' } })))
      .toMatch(/parameters\.shared_buffers = "16GB": .*memory request.*Fix: /);
  });

  test('the default never exceeds the request (request below limit)', () => {
    const ms = synth((c) => new HaPostgres(c, 'orders', { resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(8) } }));
    const cluster = ms.find((m) => m.kind === 'Cluster');
    expect(cluster.spec.postgresql.parameters.shared_buffers).toBe('256MB');
  });
});

describe('4. cluster names must be DNS-1035 labels', () => {
  test('a name starting with a digit is refused', () => {
    expect(synthError((c) => new HaPostgres(c, 'orders', { name: '2024-orders' }))).toMatch(/name = "2024-orders": .*letter.*Fix: /);
  });

  test('also from the construct id', () => {
    expect(synthError((c) => new HaPostgres(c, '2024-orders', {}))).toMatch(/name \(from the construct id\) = "2024-orders"/);
  });
});

describe('5. day-of-week 7 (robfig/cron allows 0-6)', () => {
  const withSchedule = (expression: string, props: HaPostgresProps = {}) => (c: Construct) => {
    const db = new HaPostgres(c, 'orders', props);
    const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ArchiveCredentials.fromSecret('orders-s3') });
    new ScheduledBackup(c, 'backup', { archive, schedule: BackupSchedule.cron(expression) });
  };

  test.each(['0 3 * * 7', '0 3 * * 1-7'])('ScheduledBackup %s is refused with a fix that uses 0 for Sunday', (expression) => {
    const escaped = expression.replace(/\*/g, '\\*');
    expect(synthError(withSchedule(expression))).toMatch(new RegExp(`schedule = "${escaped}": .*day-of-week.*0-6.*Fix: .*"0 3 \\* \\* (0|0-6|\\*)"`));
  });

  test('Patroni CronJob', () => {
    expect(synthError(withSchedule('0 3 * * 7', patroniProps()))).toMatch(/schedule = "0 3 \* \* 7": .*day-of-week/);
  });

  test('RestoreDrill', () => {
    expect(synthError((c) => {
      const db = new HaPostgres(c, 'orders', {});
      new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ROLE });
      new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'drills', schedule: BackupSchedule.cron('0 4 * * 7') });
    })).toMatch(/schedule = "0 4 \* \* 7": .*day-of-week/);
  });
});

describe('6. parameter values the webhook refuses', () => {
  test.each<[string, { [k: string]: string }, RegExp]>([
    ['max_wal_size above the WAL volume', { max_wal_size: '30GB' }, /parameters\.max_wal_size = "30GB": .*volume that holds WAL \(walStorage\.size = 20Gi\).*Fix: /],
    ['min_wal_size not below max_wal_size', { min_wal_size: '2GB', max_wal_size: '1GB' }, /parameters\.min_wal_size = "2GB": .*max_wal_size.*Fix: /],
    ['min_wal_size not below the default max_wal_size (1GB)', { min_wal_size: '2GB' }, /parameters\.min_wal_size = "2GB": .*1GB.*Fix: /],
    ['wal_level minimal with several instances', { wal_level: 'minimal' }, /parameters\.wal_level = "minimal": .*Fix: /],
    ['wal_log_hints off with several instances', { wal_log_hints: 'off' }, /parameters\.wal_log_hints = "off": .*Fix: /],
  ])('%s', (_what, parameters, expected) => {
    expect(synthError((c) => new HaPostgres(c, 'orders', { parameters }))).toMatch(expected);
  });
});

describe('7. images without a version tag', () => {
  test.each([
    'ghcr.io/cloudnative-pg/postgresql:latest',
    'ghcr.io/cloudnative-pg/postgresql',
    `ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}`,
  ])('%s is refused', (imageName) => {
    expect(synthError((c) => new HaPostgres(c, 'orders', { imageName }))).toMatch(/imageName = ".*": .*tag.*Fix: /);
  });
});

describe('8. recovery target times parsed as CloudNativePG parses them', () => {
  const restore = (time: string) => (c: Construct) => {
    const db = new HaPostgres(c, 'orders', {});
    const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ROLE });
    new HaPostgres(c, 'copy', {
      bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromWalArchive(archive), RecoveryTarget.time(time)),
    });
    new WalArchive(c, 'copy-archive', { cluster: c.node.findChild('copy') as HaPostgres, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'copy', region: 'eu-west-1' }), credentials: ROLE });
  };

  test('"2026-06-01 04:00:00+02" (the format of CloudNativePG\'s docs) is accepted and rendered as given', () => {
    const ms = synth(restore('2026-06-01 04:00:00+02'));
    const copy = ms.find((m) => m.kind === 'Cluster' && m.metadata.name === 'copy');
    expect(copy.spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: '2026-06-01 04:00:00+02' });
  });

  test.each(['2026-06-01T04:00:00+0200', '2026-06-01 04:00:00Z'])('%s is refused (CloudNativePG\'s parser refuses it)', (time) => {
    expect(synthError(restore(time))).toMatch(/bootstrap\.target = .*Fix: /);
  });
});

describe('9. a WAL volume below 2Gi in HA mode', () => {
  test('the error names walStorage.size and says 2Gi; nothing about a maxSlotWalKeepSize the user never set', () => {
    const message = synthError((c) => new HaPostgres(c, 'orders', { walStorage: { size: Size.gibibytes(1) } }));
    expect(message).toMatch(/walStorage\.size = 1Gi: .*2Gi.*Fix: .*Size\.gibibytes\(2\)/);
    expect(message).not.toContain('maxSlotWalKeepSize =');
  });

  test('following the fix gives a valid configuration', () => {
    expectValidManifests(synth((c) => new HaPostgres(c, 'orders', { walStorage: { size: Size.gibibytes(2) } })));
  });
});

describe('10. durations that are not whole seconds', () => {
  test.each([['Duration.millis(2500)', Duration.millis(2500)], ['Duration.seconds(1.5)', Duration.seconds(1.5)]] as Array<[string, Duration]>)(
    'ClusterMonitoring thresholds: a ConfigError naming the prop (%s)', (_shown, d) => {
    const message = synthError((c) => new ClusterMonitoring(c, 'mon', { cluster: new HaPostgres(c, 'orders', {}), thresholds: { replicationLagWarning: d } }));
    expect(message).toMatch(/thresholds\.replicationLagWarning = .*whole number of seconds.*Fix: /);
    expect(message).not.toMatch(/cannot be converted/);
  });

  test('Patroni memberSlotsTtl: a ConfigError at synth, not a throw at construction', () => {
    const message = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ memberSlotsTtl: Duration.seconds(90.5) })));
    expect(message).toMatch(/engine\.memberSlotsTtl = .*whole number of seconds.*Fix: /);
  });
});

describe('11. objects that would overwrite each other', () => {
  test('two HaPostgres with the same name in one namespace: an error naming both constructs', () => {
    const message = synthError((c) => {
      new HaPostgres(c, 'orders', {});
      new HaPostgres(c, 'orders-copy', { name: 'orders' });
    });
    expect(message).toMatch(/name = "orders": test\/orders and test\/orders-copy both apply Cluster "db\/orders".*Fix: give test\/orders or test\/orders-copy another name/);
  });

  test('a pool named <cluster>-pdb collides with the cluster\'s PodDisruptionBudget', () => {
    const message = synthError((c) => new PgBouncerPool(c, 'pool', { cluster: new HaPostgres(c, 'orders', {}), name: 'orders-pdb' }));
    expect(message).toMatch(/name = "orders-pdb": test\/orders and test\/pool both apply PodDisruptionBudget "db\/orders-pdb".*Fix: /);
  });
});

describe('12. a standalone cluster with placement.zones = []', () => {
  test('is refused instead of rendering node affinity In without values', () => {
    expect(synthError((c) => new HaPostgres(c, 'orders', { mode: ClusterMode.standalone(), placement: { zones: [] } })))
      .toMatch(/placement\.zones = \[\]: .*Fix: /);
  });
});

describe('the fixes lead to configurations that pass', () => {
  /** The first quoted suggestion after "Fix:" in the error of `build`. */
  const suggestion = (message: string, pattern: RegExp): string => {
    const fix = message.split('Fix: ')[1] ?? '';
    const m = pattern.exec(fix);
    if (!m) throw new Error(`no suggestion in: ${message}`);
    return m[1];
  };
  const passes = (build: (c: Construct) => void) => expect(admissionErrorsOrNone(build)).toEqual([]);
  function admissionErrorsOrNone(build: (c: Construct) => void): string[] {
    return admissionFindings(synth(build));
  }

  test('a cluster name', () => {
    const fixed = suggestion(synthError((c) => new HaPostgres(c, 'orders', { name: '2024-orders' })), /"([^"]+)"/);
    passes((c) => new HaPostgres(c, 'orders', { name: fixed }));
  });

  test.each(['0 3 * * 7', '0 3 * * 1-7', '0 3 * * 5-7'])('a schedule: %s', (expression) => {
    const build = (schedule: string) => (c: Construct) => {
      const db = new HaPostgres(c, 'orders', {});
      const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ROLE });
      new ScheduledBackup(c, 'backup', { archive, schedule: BackupSchedule.cron(schedule) });
    };
    passes(build(suggestion(synthError(build(expression)), /"([^"]+)"/)));
  });

  test.each(['2026-06-01T04:00:00+0200', '2026-06-01 04:00:00Z', '2026-06-01 04:00:00'])('a recovery time: %s', (time) => {
    const build = (t: string) => (c: Construct) => {
      const db = new HaPostgres(c, 'orders', {});
      const archive = new WalArchive(c, 'archive', { cluster: db, destination: DEST, credentials: ROLE });
      const copy = new HaPostgres(c, 'copy', { bootstrap: ClusterBootstrap.pointInTime(ArchiveSource.fromWalArchive(archive), RecoveryTarget.time(t)) });
      new WalArchive(c, 'copy-archive', { cluster: copy, destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'copy', region: 'eu-west-1' }), credentials: ROLE });
    };
    passes(build(suggestion(synthError(build(time)), /RecoveryTarget\.time\("([^"]+)"\)/)));
  });

  test.each<[string, { [k: string]: string }, HaPostgresProps, (fixed: string) => { [k: string]: string }]>([
    ['shared_buffers', { shared_buffers: '16GB' }, {}, (fixed) => ({ shared_buffers: fixed })],
    ['min_wal_size (a larger max_wal_size is suggested)', { min_wal_size: '2GB' }, {}, (fixed) => ({ min_wal_size: '2GB', max_wal_size: fixed })],
    ['min_wal_size with a small WAL volume (a smaller min_wal_size is suggested)', { min_wal_size: '2GB' }, { walStorage: { size: Size.gibibytes(3) } }, (fixed) => ({ min_wal_size: fixed })],
    ['max_wal_size', { max_wal_size: '30GB' }, {}, (fixed) => ({ max_wal_size: fixed })],
  ])('a parameter: %s', (_name, parameters, props, apply) => {
    const fixed = suggestion(synthError((c) => new HaPostgres(c, 'orders', { ...props, parameters })), /"(\d+[kMGT]?B)"/);
    passes((c) => new HaPostgres(c, 'orders', { ...props, parameters: apply(fixed) }));
  });
});
