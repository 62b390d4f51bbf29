/**
 * lib/model/cluster-parameters.ts: the one function that computes an engine's final
 * parameters from the user's values, the attachments, the engine's rules and the TLS minimum.
 */
import { App, Chart, Duration } from 'cdk8s';
import { ArchiveCredentials, ArchiveDestination, HaPostgres, TlsVersion, WalArchive } from '../lib';
import { finalParameters, propertyOwnedParameters } from '../lib/model/cluster-parameters';

function cluster(parameters: { [name: string]: string } = {}): { app: App; db: HaPostgres; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'c', { namespace: 'db' });
  const db = new HaPostgres(chart, 'orders', { parameters, tls: { minimumVersion: TlsVersion.TLS_1_2 } });
  return { app, db, chart };
}

function archive(chart: Chart, db: HaPostgres, archiveTimeout = Duration.seconds(90)): WalArchive {
  return new WalArchive(chart, 'archive', {
    cluster: db,
    destination: ArchiveDestination.s3({ bucket: 'acme-pg', region: 'eu-west-1' }),
    credentials: ArchiveCredentials.fromSecret('orders-s3'),
    archiveTimeout,
  });
}

test('the archive owns archive_timeout; with archiveApart the engine gets it apart, not in the main set', () => {
  const { db, chart } = cluster({ work_mem: '64MB' });
  expect(finalParameters(db, { tlsMinimum: false }).parameters.archive_timeout).toBeUndefined();
  archive(chart, db);
  const together = finalParameters(db, { tlsMinimum: false });
  expect(together.parameters.archive_timeout).toBe('90s');
  expect(together.archiveParameters).toEqual({});
  const apart = finalParameters(db, { tlsMinimum: false, archiveApart: true, renderedDefaults: { hot_standby: 'on', work_mem: '4MB' } });
  expect(apart.parameters.archive_timeout).toBeUndefined();
  expect(apart.archiveParameters).toEqual({ archive_timeout: '90s' });
  // The engine's rendered defaults sit below the user's values.
  expect(apart.parameters).toMatchObject({ hot_standby: 'on', work_mem: '64MB' });
});

test('the TLS minimum is written only for an engine that renders it, and the result is sorted', () => {
  const { db } = cluster();
  expect(finalParameters(db, { tlsMinimum: true }).parameters.ssl_min_protocol_version).toBe('TLSv1.2');
  expect(finalParameters(db, { tlsMinimum: false }).parameters.ssl_min_protocol_version).toBeUndefined();
  const names = Object.keys(finalParameters(db, { tlsMinimum: true }).parameters);
  expect(names).toEqual([...names].sort());
});

test('property-owned parameters: the archive\'s four only while an archive is attached', () => {
  const { db, chart } = cluster();
  expect(Object.keys(propertyOwnedParameters(db.walArchive))).not.toContain('archive_timeout');
  archive(chart, db);
  expect(propertyOwnedParameters(db.walArchive)).toMatchObject({ archive_timeout: 'WalArchive archiveTimeout', archive_mode: 'WalArchive', archive_command: 'WalArchive' });
});

test('archive_timeout set before the archive is refused naming archiveTimeout; set after, naming the property', () => {
  const before = cluster({ archive_timeout: '1min' });
  archive(before.chart, before.db);
  expect(() => before.app.synth()).toThrow(/parameters\.archive_timeout = "1min": is set by the archiveTimeout property of the WalArchive attached to this cluster\. Fix: remove archive_timeout from parameters/);
  const after = cluster();
  archive(after.chart, after.db);
  after.db.addParameters({ archive_timeout: '1min' });
  expect(() => after.app.synth()).toThrow(/addParameters\(\)\.archive_timeout = "1min": this parameter is set from the WalArchive archiveTimeout property/);
});
