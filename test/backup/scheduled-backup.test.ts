import { Duration } from 'cdk8s';
import { BackupSchedule, BackupTarget, ClusterEngine, ScheduledBackup, WeekDay } from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { archivedCluster } from './fixtures';

describe('ScheduledBackup', () => {
  const manifests = synth((c) => new ScheduledBackup(c, 'backup', { archive: archivedCluster(c).archive }));
  const backup = only(manifests, 'ScheduledBackup');

  test('passes the strict CRD schema', () => {
    expectValidManifests(manifests);
  });

  test('daily by default, method plugin, from a standby, immediate first backup, owned by the ScheduledBackup', () => {
    expect(backup.metadata.name).toBe('orders-db-backup');
    expect(backup.spec).toEqual({
      cluster: { name: 'orders-db' },
      schedule: '0 0 0 * * *',
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      target: 'prefer-standby',
      immediate: true,
      suspend: false,
      backupOwnerReference: 'self',
    });
  });

  test('options: name, schedule, primary target, no immediate backup, suspended', () => {
    const b = only(synth((c) => new ScheduledBackup(c, 'b', {
      archive: archivedCluster(c).archive, name: 'orders-nightly', schedule: BackupSchedule.daily({ hour: 2, minute: 30 }),
      target: BackupTarget.PRIMARY, immediate: false, suspend: true,
    })), 'ScheduledBackup');
    expect(b.metadata.name).toBe('orders-nightly');
    expect(b.spec).toMatchObject({ schedule: '0 30 2 * * *', target: 'primary', immediate: false, suspend: true });
  });
});

describe('BackupSchedule: typed schedules rendered with and without seconds', () => {
  test.each([
    [BackupSchedule.daily(), '0 0 * * *', '0 0 0 * * *', Duration.days(1)],
    [BackupSchedule.daily({ hour: 3 }), '0 3 * * *', '0 0 3 * * *', Duration.days(1)],
    [BackupSchedule.weekly({ day: WeekDay.SATURDAY, hour: 1 }), '0 1 * * 6', '0 0 1 * * 6', Duration.days(7)],
    [BackupSchedule.monthly(), '0 0 1 * *', '0 0 0 1 * *', Duration.days(31)],
    [BackupSchedule.cron('30 2 * * 1-5'), '30 2 * * 1-5', '0 30 2 * * 1-5', Duration.days(3)],
    [BackupSchedule.cron('0  */6 * * *'), '0 */6 * * *', '0 0 */6 * * *', Duration.hours(6)],
    [BackupSchedule.cron('0 0 1 1 *'), '0 0 1 1 *', '0 0 0 1 1 *', Duration.days(366)],
    // Weekly-periodic expressions (day-of-month and month `*`): the week's runs, exactly.
    [BackupSchedule.cron('*/10 * * * 1-5'), '*/10 * * * 1-5', '0 */10 * * * 1-5', Duration.minutes(2 * 24 * 60 + 10)],
    [BackupSchedule.cron('* * * * 1-5'), '* * * * 1-5', '0 * * * * 1-5', Duration.minutes(2 * 24 * 60 + 1)],
    [BackupSchedule.cron('0 22 * * 5'), '0 22 * * 5', '0 0 22 * * 5', Duration.days(7)],
    [BackupSchedule.cron('15 1,13 * * *'), '15 1,13 * * *', '0 15 1,13 * * *', Duration.hours(12)],
    [BackupSchedule.cron('0 3 * * 0,3'), '0 3 * * 0,3', '0 0 3 * * 0,3', Duration.days(4)],
    // As robfig/cron runs them: a `*/2` day-of-month restricts together with day-of-week (odd days
    // that are Mondays, up to three weeks apart), and February 29 comes every four years.
    [BackupSchedule.cron('0 0 */2 * 1'), '0 0 */2 * 1', '0 0 0 */2 * 1', Duration.days(21)],
    [BackupSchedule.cron('0 0 29 2 *'), '0 0 29 2 *', '0 0 0 29 2 *', Duration.days(4 * 365 + 1)],
  ])('%p', (schedule, five, six, period) => {
    expect(schedule.problem()).toBeUndefined();
    expect(schedule.toCron()).toBe(five);
    expect(schedule.toCronWithSeconds()).toBe(six);
    expect(schedule.period.toMilliseconds()).toBe(period.toMilliseconds());
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  test.each([
    ['0 3 * *', /has 4 field\(s\); a standard cron expression has 5/],
    ['0 0 3 * * *', /has 6 field\(s\)/],
    ['61 3 * * *', /is not a valid cron expression: .*61/],
    ['0 25 * * *', /is not a valid cron expression/],
    ['0 3 L * *', /uses L, W, #, \? or @/],
    ['@daily', /has 1 field/],
  ])('schedule %s shows the expression', (expression, problem) => {
    const message = synthError((c) => new ScheduledBackup(c, 'b', { archive: archivedCluster(c).archive, schedule: BackupSchedule.cron(expression) }));
    expect(message).toContain(`schedule = ${JSON.stringify(expression)}: `);
    expect(message).toMatch(problem);
    expect(message).toMatch(/Fix: use BackupSchedule\.daily/);
  });

  test.each([
    ['0 3 1,,15 * *', /is not a valid cron expression: day-of-month "1,,15" has an empty item in its comma list/, /Fix: use BackupSchedule\.daily/],
    ['+5 3 * * *', /is not a valid cron expression: minute "\+5" has a "\+" sign/, /Fix: write the numbers without it: "5 3 \* \* \*"/],
    ['0 3 30 2 *', /never runs: no month "2" has day-of-month "30"/, /Fix: pick a day of month those months have \(every month has 1-28\)/],
    ['0 3 31 4,6 *', /never runs: no month "4,6" has day-of-month "31"/, /Fix: pick a day of month/],
  ])('schedule %s, which robfig/cron accepts, is refused', (expression, problem, fix) => {
    const message = synthError((c) => new ScheduledBackup(c, 'b', { archive: archivedCluster(c).archive, schedule: BackupSchedule.cron(expression) }));
    expect(message).toContain(`schedule = ${JSON.stringify(expression)}: `);
    expect(message).toMatch(problem);
    expect(message).toMatch(fix);
  });

  test('typed schedule with an impossible hour', () => {
    expect(synthError((c) => new ScheduledBackup(c, 'b', { archive: archivedCluster(c).archive, schedule: BackupSchedule.daily({ hour: 24 }) })))
      .toMatch(/schedule = "0 24 \* \* \*": is not a valid cron expression/);
  });

  test('an engine without scheduled backups names the construct and the engine', () => {
    const base = ClusterEngine.cloudNativePg();
    const engine = Object.create(base, { name: { value: 'Test engine 0.1' }, capabilities: { value: { ...base.capabilities, scheduledBackups: false } }, bindScheduledBackup: { value: () => { throw new Error('bindScheduledBackup called without the capability'); } } });
    expect(synthError((c) => new ScheduledBackup(c, 'b', { archive: archivedCluster(c, {}, { engine }).archive })))
      .toMatch(/\[test\/b\] archive\.cluster = "orders-db": the engine Test engine 0\.1 cannot render a ScheduledBackup yet.*Fix:/);
  });
});
