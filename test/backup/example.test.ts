import { Testing } from 'cdk8s';
import { BackupChart, PointInTimeRestoreChart } from '../../examples/backup/chart';
import { ManifestChecks, SynthWarnings } from '../../lib';
import { podsUnderSeveralPdbs } from '../support/pod-model';
import { expectValidManifests } from '../support/schema-validator';
import { only } from '../support/synth';

describe('backup example (production layout with archive, backups and a restore drill)', () => {
  const chart = new BackupChart(Testing.app(), 'backup');
  const manifests = Testing.synth(chart);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('every object schema-valid', () => expectValidManifests(manifests));
  test('no warnings about backups (readiness advice belongs to other features)', () => {
    expect(SynthWarnings.collect(chart).filter((w) => !/readiness: (?!a daily base backup|a restore test|WAL archiving)/.test(w))).toEqual([]);
  });
  test('no pod under two PDBs', () => expect(podsUnderSeveralPdbs(manifests)).toEqual([]));
  test('no literal credentials; drill pod is PSS restricted', () => {
    expect(ManifestChecks.literalCredentials(manifests)).toEqual([]);
    expect(ManifestChecks.podSecurityRestricted(manifests)).toEqual([]);
  });
  test('the pieces fit: archive, nightly backup, bucket retention and drill', () => {
    const cluster = only(manifests, 'Cluster');
    expect(cluster.spec.plugins[0].parameters.barmanObjectName).toBe(chart.archive.name);
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe('5min');
    expect(only(manifests, 'ScheduledBackup').spec.schedule).toBe('0 0 2 * * *');
    expect(only(manifests, 'Bucket').spec.lifecycle.rules[0].noncurrentVersionExpiration.noncurrentDays).toBe(37);
    expect(only(manifests, 'CronJob').metadata).toMatchObject({ name: 'orders-db-restore-drill', namespace: 'payments' });
    expect(chart.drill.period.toDays()).toBe(31);
  });
});

describe('point-in-time restore example', () => {
  const chart = new PointInTimeRestoreChart(Testing.app(), 'restore');
  const manifests = Testing.synth(chart);

  test('snapshot', () => expect(manifests).toMatchSnapshot());
  test('every object schema-valid', () => expectValidManifests(manifests));
  test('recovers to the timestamp from the source serverName, archives elsewhere', () => {
    const cluster = only(manifests, 'Cluster');
    expect(cluster.spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: '2026-11-29T21:55:00Z' });
    expect(cluster.spec.externalClusters[0].plugin.parameters.serverName).toBe('orders-db');
    const stores = manifests.filter((m) => m.kind === 'ObjectStore').map((m) => m.spec.configuration.destinationPath).sort();
    expect(stores).toEqual(['s3://acme-payments-pg-archive/prod', 's3://acme-payments-pg-archive/restores']);
  });
});
