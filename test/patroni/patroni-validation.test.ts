import { Duration } from 'cdk8s';
import {
  ArchiveCredentials, ArchiveDestination, RestoreDrill, ScheduledBackup, WalArchive,
  AppCredentials, DisruptionBudget, HaPostgres, PatroniDcs, PatroniSynchronousMode, PatroniVersion, PostgresVersion, PrimaryUpdateMethod,
} from '../../lib';
import { synthError } from '../support/synth';
import { patroniProps, patroniYml, synthPatroni } from './patroni-fixtures';

const V3 = { version: PatroniVersion.V3_0, image: 'registry.example.com/patroni:3.0.2-pg15' };
const PG15 = { version: PostgresVersion.of(15, 18) };

describe('failover timing rule (ttl >= loopWait + 2 * retryTimeout)', () => {
  test('a violation fails synthesis with the numbers and a fix', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({
      ...V3, timing: { ttl: Duration.seconds(10), loopWait: Duration.seconds(4), retryTimeout: Duration.seconds(4) },
    }, PG15)));
    expect(msg).toMatch(/engine\.timing = "ttl 10s, loopWait 4s, retryTimeout 4s": breaks Patroni's rule ttl >= loopWait \+ 2 \* retryTimeout \(4 \+ 2 \* 4 = 12 > 10\)/);
    expect(msg).toMatch(/Fix: raise ttl to at least 12 s/);
  });

  test('the boundary (equality) is accepted and rendered as given', () => {
    const cfg = patroniYml(synthPatroni({ ...V3, timing: { ttl: Duration.seconds(12), loopWait: Duration.seconds(4), retryTimeout: Duration.seconds(4) } }, PG15));
    expect([cfg.bootstrap.dcs.ttl, cfg.bootstrap.dcs.loop_wait, cfg.bootstrap.dcs.retry_timeout]).toEqual([12, 4, 4]);
  });

  test('a partial override is checked against the other defaults', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ ...V3, timing: { retryTimeout: Duration.seconds(5) } }, PG15)));
    expect(msg).toMatch(/2 \+ 2 \* 5 = 12 > 8/);
  });

  test('fractions of a second and a retry timeout below 3 s are rejected', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({
      ...V3, timing: { ttl: Duration.millis(8500), retryTimeout: Duration.seconds(2) },
    }, PG15)));
    expect(msg).toMatch(/engine\.timing\.ttl = 8 seconds 500 millis: must be a positive whole number of seconds/);
    expect(msg).toMatch(/engine\.timing\.retryTimeout = 2 seconds: is below Patroni's minimum of 3 s/);
  });
});

describe('version-dependent options', () => {
  test('Patroni 4.1 rejects a ttl below its minimum of 20 s (it would raise it silently)', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ timing: { ttl: Duration.seconds(10), retryTimeout: Duration.seconds(3) } })));
    expect(msg).toMatch(/engine\.timing\.ttl = 10 seconds: Patroni 4\.1 raises a ttl below 20 s to 20 s/);
  });

  test('quorum mode on Patroni 3.0 names the option and the engine', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ ...V3, synchronousMode: PatroniSynchronousMode.QUORUM }, PG15)));
    expect(msg).toMatch(/engine\.synchronousMode = "quorum": Patroni 3\.0 has no quorum synchronous mode.*Fix: use PatroniSynchronousMode\.PRIORITY/);
  });

  test('member_slots_ttl on Patroni 3.0 is rejected', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ ...V3, memberSlotsTtl: Duration.minutes(30) }, PG15)));
    expect(msg).toMatch(/engine\.memberSlotsTtl = 30 minutes: Patroni 3\.0 has no member_slots_ttl/);
  });

  test('PostgreSQL newer than the Patroni release supports is rejected', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps(V3)));
    expect(msg).toMatch(/version = "18\.4": Patroni 3\.0 supports PostgreSQL up to 15/);
  });
});

describe('props the Patroni engine cannot express fail, naming the prop and the engine', () => {
  test('generated application credentials', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({}, { credentials: AppCredentials.generated() })));
    expect(msg).toMatch(/credentials = "AppCredentials\.generated\(\)": Patroni 4\.1 has no password generator.*Fix: .*AppCredentials\.fromSecret/);
  });

  test('required TLS without a certificate Secret', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({ tlsSecretName: undefined })));
    expect(msg).toMatch(/tls = "TLS required \(the default\)": Patroni 4\.1 has no certificate issuer.*Fix: give the engine tlsSecretName/);
  });

  test('operator-managed disruption budgets', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({}, { disruptionBudget: DisruptionBudget.operatorManaged() })));
    expect(msg).toMatch(/disruptionBudget = "DisruptionBudget\.operatorManaged\(\)": Patroni 4\.1 runs without an operator/);
  });

  test('restarting the primary in place', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({}, { primaryUpdateMethod: PrimaryUpdateMethod.RESTART })));
    expect(msg).toMatch(/primaryUpdateMethod = "PrimaryUpdateMethod\.RESTART": Patroni 4\.1 cannot restart the primary in place/);
  });

  test('parameters Patroni manages, with the reason', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({}, { parameters: { synchronous_standby_names: '*', port: 5433 } })));
    expect(msg).toMatch(/synchronous_standby_names.*Patroni writes it from its synchronous mode/);
    expect(msg).toMatch(/port.*Patroni sets it from postgresql\.listen/);
  });

  test('bad etcd endpoints and engine inputs', () => {
    const msg = synthError((c) => new HaPostgres(c, 'orders', patroniProps({
      dcs: PatroniDcs.etcd(['etcd-0:2379', 'http://etcd-1:2379', 'https://etcd-2:2379/v3']),
      image: 'Not An Image', credentialsSecretName: 'Bad_Name', userId: 0,
    })));
    expect(msg).toMatch(/engine\.dcs = "etcd-0:2379": is not an etcd client URL/);
    expect(msg).toMatch(/engine\.dcs = "https:\/\/etcd-2:2379\/v3": is not an etcd client URL/);
    expect(msg).toMatch(/engine\.image = "Not An Image"/);
    expect(msg).toMatch(/engine\.credentialsSecretName = "Bad_Name"/);
    expect(msg).toMatch(/engine\.userId = 0: must be a non-root user id/);
    expect(synthError((c) => new HaPostgres(c, 'orders', patroniProps({ dcs: PatroniDcs.etcd([]) })))).toMatch(/engine\.dcs = "PatroniDcs\.etcd\(\[\]\)": lists no etcd endpoint/);
    expect(synthError((c) => new HaPostgres(c, 'orders', patroniProps({ dcs: PatroniDcs.etcd(['http://a:2379', 'https://b:2379']) }))))
      .toMatch(/mixes http and https/);
  });
});

describe('constructs the Patroni engine does not render yet fail, naming the engine', () => {
  test('RestoreDrill (WalArchive, ScheduledBackup and recovery are rendered: test/patroni/patroni-archive.test.ts)', () => {
    const msg = synthError((c) => {
      const db = new HaPostgres(c, 'orders', patroniProps());
      const archive = new WalArchive(c, 'archive', {
        cluster: db,
        destination: ArchiveDestination.s3({ bucket: 'acme-pg-archive', path: 'prod', region: 'eu-west-1' }),
        credentials: ArchiveCredentials.fromIamRole('arn:aws:iam::123456789012:role/orders-db-archive'),
      });
      new ScheduledBackup(c, 'backup', { archive });
      new RestoreDrill(c, 'drill', { cluster: db, scratchNamespace: 'restore-drills' });
    });
    expect(msg).not.toMatch(/cannot render a WalArchive/);
    expect(msg).not.toMatch(/cannot render a ScheduledBackup/);
    expect(msg).toMatch(/the engine Patroni 4\.1 cannot render a RestoreDrill yet/);
  });
});
