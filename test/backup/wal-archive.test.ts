import { Duration, Testing, Chart } from 'cdk8s';
import {
  ArchiveCredentials, ArchiveDestination, ArchiveEncryption, BackupCompression, ClusterEngine, HaPostgres, ManifestChecks, RetentionWindow, SynthWarnings,
  WalArchive, WalCompression,
} from '../../lib';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { archivedCluster, ROLE_ARN } from './fixtures';

describe('WalArchive rendered for CloudNativePG 1.30 with the Barman Cloud plugin', () => {
  const manifests = synth((c) => archivedCluster(c));
  const cluster = only(manifests, 'Cluster');
  const store = only(manifests, 'ObjectStore');

  test('every object passes the strict CRD and Kubernetes schemas', () => {
    expectValidManifests(manifests);
  });

  test('one ObjectStore per cluster with destination, compression, encryption, parallelism and retention', () => {
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
    expect(store.metadata).toMatchObject({ name: 'orders-db-archive', namespace: 'db' });
    expect(store.spec.retentionPolicy).toBe('30d');
    expect(store.spec.configuration.destinationPath).toBe('s3://acme-pg-archive/prod');
    expect(store.spec.configuration.wal).toEqual({ compression: 'gzip', encryption: 'AES256', maxParallel: 2 });
    expect(store.spec.configuration.data).toEqual({ compression: 'gzip', encryption: 'AES256', jobs: 2 });
    expect(store.spec.configuration.serverName).toBeUndefined(); // forbidden by the CRD's CEL rule
    expect(store.spec.instanceSidecarConfiguration.env).toEqual([{ name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' }]);
  });

  test('the Cluster names the plugin as its one WAL archiver, with the ObjectStore and serverName', () => {
    expect(cluster.spec.plugins).toEqual([{
      name: 'barman-cloud.cloudnative-pg.io', enabled: true, isWALArchiver: true,
      parameters: { barmanObjectName: 'orders-db-archive', serverName: 'orders-db' },
    }]);
    expect(cluster.spec.backup).toBeUndefined(); // the in-tree barmanObjectStore goes away in 1.31
  });

  test('IAM role credentials: IRSA annotation on the service account template, no keys anywhere', () => {
    expect(cluster.spec.serviceAccountTemplate.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(ROLE_ARN);
    expect(store.spec.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(ManifestChecks.literalCredentials(manifests)).toEqual([]);
  });

  test('archive_timeout defaults to 5 minutes (the RPO bound when every zone is lost)', () => {
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe('5min');
    const custom = only(synth((c) => archivedCluster(c, { archiveTimeout: Duration.seconds(90) })), 'Cluster');
    expect(custom.spec.postgresql.parameters.archive_timeout).toBe('90s');
  });

  test('a cluster without an archive has no archive_timeout, plugins or service account template', () => {
    const plain = only(synth((c) => new HaPostgres(c, 'plain')), 'Cluster');
    expect(plain.spec.postgresql.parameters.archive_timeout).toBeUndefined();
    expect(plain.spec.plugins).toBeUndefined();
    expect(plain.spec.serviceAccountTemplate).toBeUndefined();
  });
});

describe('WalArchive options', () => {
  test('Secret credentials reference the Secret keys; no IRSA annotation', () => {
    const m = synth((c) => archivedCluster(c, { credentials: ArchiveCredentials.fromSecret('orders-db-s3', { sessionToken: 'SESSION_TOKEN' }) }));
    expect(only(m, 'ObjectStore').spec.configuration.s3Credentials).toEqual({
      accessKeyId: { name: 'orders-db-s3', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'orders-db-s3', key: 'ACCESS_SECRET_KEY' },
      sessionToken: { name: 'orders-db-s3', key: 'SESSION_TOKEN' },
    });
    expect(only(m, 'Cluster').spec.serviceAccountTemplate).toBeUndefined();
    expectValidManifests(m);
    expect(ManifestChecks.literalCredentials(m)).toEqual([]);
  });

  test('S3-compatible endpoint, KMS encryption, other compression and parallelism, retention in weeks', () => {
    const m = synth((c) => archivedCluster(c, {
      destination: ArchiveDestination.s3({ bucket: 'pg-archive', endpoint: 'https://minio.storage.svc:9000' }),
      encryption: ArchiveEncryption.kms('alias/pg-archive'),
      walCompression: WalCompression.ZSTD,
      backupCompression: BackupCompression.NONE,
      walMaxParallel: 8,
      backupJobs: 4,
      retention: RetentionWindow.weeks(6),
    }));
    const store = only(m, 'ObjectStore');
    expect(store.spec.configuration.endpointURL).toBe('https://minio.storage.svc:9000');
    expect(store.spec.configuration.destinationPath).toBe('s3://pg-archive');
    expect(store.spec.configuration.wal).toEqual({
      compression: 'zstd', encryption: 'aws:kms', maxParallel: 8, archiveAdditionalCommandArgs: ['--sse-kms-key-id=alias/pg-archive'],
    });
    expect(store.spec.configuration.data).toEqual({ encryption: 'aws:kms', jobs: 4, additionalCommandArgs: ['--sse-kms-key-id=alias/pg-archive'] });
    expect(store.spec.retentionPolicy).toBe('6w');
    // No region: no AWS_DEFAULT_REGION; the sidecar's resources are always stated (Guaranteed pods).
    expect(store.spec.instanceSidecarConfiguration).toEqual({ resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } } });
    expectValidManifests(m);
  });

  // Every value of both enums must be one the ObjectStore CRD accepts (its enums differ: data
  // compression has no xz or zstd), and NONE must leave `compression` out.
  test.each(Object.values(WalCompression))('WAL compression %s renders a value the ObjectStore CRD accepts', (walCompression) => {
    const m = synth((c) => archivedCluster(c, { walCompression }));
    expect(only(m, 'ObjectStore').spec.configuration.wal.compression).toBe(walCompression === WalCompression.NONE ? undefined : walCompression);
    expectValidManifests(m);
  });

  test.each(Object.values(BackupCompression))('backup compression %s renders a value the ObjectStore CRD accepts', (backupCompression) => {
    const m = synth((c) => archivedCluster(c, { backupCompression }));
    expect(only(m, 'ObjectStore').spec.configuration.data.compression).toBe(backupCompression === BackupCompression.NONE ? undefined : backupCompression);
    expectValidManifests(m);
  });

  test('retention windows in days, weeks and months', () => {
    expect(RetentionWindow.days(30).toBarman()).toBe('30d');
    expect(RetentionWindow.months(3).toBarman()).toBe('3m');
    expect(RetentionWindow.months(3).toDays()).toBe(93);
    expect(RetentionWindow.weeks(2).toDays()).toBe(14);
  });

  test('a plain-HTTP endpoint is allowed with a warning', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    archivedCluster(chart, { destination: ArchiveDestination.s3({ bucket: 'pg-archive', endpoint: 'http://minio:9000' }) });
    Testing.synth(chart);
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/plain HTTP/);
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  function errorFor(build: Parameters<typeof synthError>[0]): string {
    const message = synthError(build);
    expect(message).toMatch(/Fix: /);
    return message;
  }

  test.each([
    ['ab', /has 2 characters/],
    ['Acme-Archive', /lower-case letters, digits, dots and hyphens/],
    ['-acme', /start and end with a letter or digit/],
    ['acme..archive', /two adjacent periods/],
    ['192.168.1.10', /IP address/],
    ['xn--acme', /reserved prefix "xn--"/],
    ['sthree-acme', /reserved prefix "sthree-"/],
    ['amzn-s3-demo-acme', /reserved prefix "amzn-s3-demo-"/],
    ['acme-s3alias', /reserved suffix "-s3alias"/],
    ['acme--ol-s3', /reserved suffix "--ol-s3"/],
    ['acme.mrap', /reserved suffix ".mrap"/],
    ['acme--x-s3', /reserved suffix "--x-s3"/],
    ['acme--table-s3', /reserved suffix "--table-s3"/],
  ])('bucket name %s', (bucket, problem) => {
    const message = errorFor((c) => archivedCluster(c, { destination: ArchiveDestination.s3({ bucket }) }));
    expect(message).toContain(`destination.bucket = ${JSON.stringify(bucket)}: is not a valid S3 bucket name`);
    expect(message).toMatch(problem);
  });

  test('a bucket name with dots is valid but warned about (TLS)', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    archivedCluster(chart, { destination: ArchiveDestination.s3({ bucket: 'acme.pg.archive' }) });
    Testing.synth(chart);
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/contains dots: virtual-hosted-style HTTPS/);
  });

  test.each([
    [RetentionWindow.days(0), '0 days'],
    [RetentionWindow.weeks(1.5), '1.5 weeks'],
    [RetentionWindow.months(200), '200 months'],
  ])('retention %p', (retention, shown) => {
    expect(errorFor((c) => archivedCluster(c, { retention }))).toContain(`retention = ${shown}:`);
  });

  test('literal access key id in the Secret name, with the value redacted', () => {
    const message = errorFor((c) => archivedCluster(c, { credentials: ArchiveCredentials.fromSecret('AKIAIOSFODNN7EXAMPLE') }));
    expect(message).toMatch(/credentials\.secretName = "<redacted>": looks like a literal access key.*Fix: store the keys in a Secret/);
    expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  test('literal secret key given as a Secret key name', () => {
    expect(errorFor((c) => archivedCluster(c, { credentials: ArchiveCredentials.fromSecret('s3', { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }) })))
      .toMatch(/credentials\.keys\.secretAccessKey = "<redacted>": looks like a literal access key/);
  });

  test('credentials inside the endpoint URL', () => {
    expect(errorFor((c) => archivedCluster(c, { destination: ArchiveDestination.s3({ bucket: 'pg-archive', endpoint: 'https://minio:minio123@minio:9000' }) })))
      .toMatch(/destination\.endpoint = "<redacted>": looks like a literal access key/);
  });

  test('malformed IAM role ARN', () => {
    expect(errorFor((c) => archivedCluster(c, { credentials: ArchiveCredentials.fromIamRole('orders-db-role') })))
      .toMatch(/credentials\.roleArn = "orders-db-role": is not an IAM role ARN/);
  });

  test('archive timeout out of bounds', () => {
    expect(errorFor((c) => archivedCluster(c, { archiveTimeout: Duration.seconds(5) }))).toMatch(/archiveTimeout = 5 seconds: must be between 30 seconds and 1 hour/);
    expect(errorFor((c) => archivedCluster(c, { archiveTimeout: Duration.hours(2) }))).toMatch(/archiveTimeout = 1 hour 60 minutes: must be between/);
  });

  test('bad region, path and parallelism', () => {
    const message = errorFor((c) => archivedCluster(c, {
      destination: ArchiveDestination.s3({ bucket: 'pg-archive', region: 'Ireland', path: '/prod/' }), walMaxParallel: 0,
    }));
    expect(message).toMatch(/destination\.region = "Ireland": is not an AWS region name/);
    expect(message).toMatch(/destination\.path = "\/prod\/": must be a relative key prefix/);
    expect(message).toMatch(/walMaxParallel = 0: must be a whole number from 1 to 32/);
  });

  test('archive_timeout in parameters is rejected when an archive owns it (either order)', () => {
    expect(errorFor((c) => archivedCluster(c, {}, { parameters: { archive_timeout: '60s' } })))
      .toMatch(/parameters\.archive_timeout = "60s": is set by the archiveTimeout property of the WalArchive.*Fix: remove archive_timeout from parameters/);
    expect(errorFor((c) => archivedCluster(c).db.addParameters({ archive_timeout: '60s' })))
      .toMatch(/addParameters\(\)\.archive_timeout = "60s": this parameter is set from the WalArchive archiveTimeout property/);
  });

  test('archive_timeout stays a plain parameter without an archive', () => {
    const cluster = only(synth((c) => new HaPostgres(c, 'plain', { parameters: { archive_timeout: '60s' } })), 'Cluster');
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe('60s');
  });

  test('two archives on one cluster', () => {
    expect(errorFor((c) => {
      const { db } = archivedCluster(c);
      new WalArchive(c, 'second', { cluster: db, destination: ArchiveDestination.s3({ bucket: 'other-bucket' }), credentials: ArchiveCredentials.fromIamRole(ROLE_ARN) });
    })).toMatch(/already archives through test\/archive/);
  });

  test('an engine without archive support names the construct and the engine', () => {
    const base = ClusterEngine.cloudNativePg();
    const engine = Object.create(base, { name: { value: 'Test engine 0.1' }, capabilities: { value: { ...base.capabilities, archive: false } }, bindArchive: { value: () => { throw new Error('bindArchive called without the capability'); } } });
    expect(errorFor((c) => archivedCluster(c, {}, { engine })))
      .toMatch(/\[test\/archive\] cluster = "orders-db": the engine Test engine 0\.1 cannot render a WalArchive yet/);
  });
});
