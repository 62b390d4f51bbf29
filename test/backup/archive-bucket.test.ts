import { Chart, Testing } from 'cdk8s';
import {
  ArchiveBucket, ArchiveCredentials, ArchiveEncryption, BucketController, HaPostgres, ObjectLockMode, RetentionWindow, SynthWarnings, WalArchive,
} from '../../lib';
import { ARCHIVE_LIFECYCLE_RULE_ID, archiveBucketPolicy } from '../../lib/model/bucket-policy';
import { expectValidManifests } from '../support/schema-validator';
import { only, synth, synthError } from '../support/synth';
import { ofKind, ROLE_ARN } from './fixtures';

describe('ArchiveBucket with the ACK S3 controller (default)', () => {
  const m = synth((c) => new ArchiveBucket(c, 'bucket', { bucketName: 'acme-pg-archive', region: 'eu-west-1' }));
  const bucket = only(m, 'Bucket');

  test('passes the strict CRD schema', () => {
    expectValidManifests(m);
    expect(bucket.apiVersion).toBe('s3.services.k8s.aws/v1alpha1');
  });

  test('versioning, SSE, all four public access blocks, lifecycle = retention + 7 days, bucket retained on delete', () => {
    expect(bucket.metadata.annotations['services.k8s.aws/deletion-policy']).toBe('retain');
    expect(bucket.spec.name).toBe('acme-pg-archive');
    expect(bucket.spec.createBucketConfiguration).toEqual({ locationConstraint: 'eu-west-1' });
    expect(bucket.spec.versioning).toEqual({ status: 'Enabled' });
    expect(bucket.spec.encryption).toEqual({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
    expect(bucket.spec.publicAccessBlock).toEqual({ blockPublicACLs: true, ignorePublicACLs: true, blockPublicPolicy: true, restrictPublicBuckets: true });
    expect(bucket.spec.lifecycle.rules).toEqual([{
      id: 'expire-noncurrent-versions', status: 'Enabled', filter: { prefix: '' },
      noncurrentVersionExpiration: { noncurrentDays: 37 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    }]);
    expect(bucket.spec.objectLockEnabledForBucket).toBeUndefined();
  });

  test('KMS encryption, a retention in months and object lock', () => {
    const b = only(synth((c) => new ArchiveBucket(c, 'bucket', {
      bucketName: 'acme-pg-archive', region: 'us-east-1', encryption: ArchiveEncryption.kms('alias/pg'), retention: RetentionWindow.months(2),
      objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 14 },
    })), 'Bucket');
    expect(b.spec.createBucketConfiguration).toBeUndefined(); // us-east-1 must not be named
    expect(b.spec.encryption.rules[0]).toEqual({ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyID: 'alias/pg' }, bucketKeyEnabled: true });
    expect(b.spec.lifecycle.rules[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 69 });
    expect(b.spec.objectLockEnabledForBucket).toBe(true);
    expect(b.spec.objectLockConfiguration).toEqual({ rule: { defaultRetention: { mode: 'COMPLIANCE', days: 14 } } });
  });

  test('the bucket gives WalArchive its destination', () => {
    const m2 = synth((c) => {
      const b = new ArchiveBucket(c, 'bucket', { bucketName: 'acme-pg-archive', region: 'eu-west-1' });
      new WalArchive(c, 'archive', { cluster: new HaPostgres(c, 'orders-db'), destination: b.destination({ path: 'prod' }), credentials: ArchiveCredentials.fromIamRole(ROLE_ARN) });
    });
    const store = only(m2, 'ObjectStore');
    expect(store.spec.configuration.destinationPath).toBe('s3://acme-pg-archive/prod');
    expect(store.spec.instanceSidecarConfiguration.env[0].value).toBe('eu-west-1');
  });

  test('an existing bucket by name renders nothing and gives a destination', () => {
    const existing = ArchiveBucket.fromBucketName('legacy-archive', 'eu-central-1');
    expect(existing.destination({ path: 'pg' }).destinationPath).toBe('s3://legacy-archive/pg');
    expect(existing.destination().region).toBe('eu-central-1');
  });
});

describe('ArchiveBucket with Crossplane (s3.aws.upbound.io, stored versions)', () => {
  const m = synth((c) => new ArchiveBucket(c, 'bucket', { bucketName: 'acme-pg-archive', region: 'eu-west-1', controller: BucketController.CROSSPLANE }));

  test('passes the strict CRD schemas', () => {
    expectValidManifests(m);
  });

  test('Bucket v1beta2 named by the external-name annotation, cluster-scoped, orphaned on delete', () => {
    const b = only(m, 'Bucket');
    expect(b.apiVersion).toBe('s3.aws.upbound.io/v1beta2');
    expect(b.metadata.annotations['crossplane.io/external-name']).toBe('acme-pg-archive');
    expect(b.metadata.namespace).toBeUndefined();
    expect(b.spec).toEqual({ deletionPolicy: 'Orphan', providerConfigRef: { name: 'default' }, forProvider: { region: 'eu-west-1', forceDestroy: false } });
  });

  test('versioning, encryption, public access block and lifecycle as separate resources referring to the bucket', () => {
    expect(m.map((x) => `${x.kind}@${x.apiVersion}`).sort()).toEqual([
      'Bucket@s3.aws.upbound.io/v1beta2',
      'BucketLifecycleConfiguration@s3.aws.upbound.io/v1beta1',
      'BucketPublicAccessBlock@s3.aws.upbound.io/v1beta1',
      'BucketServerSideEncryptionConfiguration@s3.aws.upbound.io/v1beta2',
      'BucketVersioning@s3.aws.upbound.io/v1beta2',
    ]);
    for (const x of m) {
      expect(x.metadata.namespace).toBeUndefined();
      expect(x.spec.forProvider.region).toBe('eu-west-1');
      if (x.kind !== 'Bucket') expect(x.spec.forProvider.bucketRef).toEqual({ name: 'acme-pg-archive' });
    }
    expect(only(m, 'BucketVersioning').spec.forProvider.versioningConfiguration).toEqual({ status: 'Enabled' });
    expect(only(m, 'BucketServerSideEncryptionConfiguration').spec.forProvider.rule).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }]);
    expect(only(m, 'BucketPublicAccessBlock').spec.forProvider).toMatchObject({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
    expect(only(m, 'BucketLifecycleConfiguration').spec.forProvider.rule).toEqual([{
      id: ARCHIVE_LIFECYCLE_RULE_ID, status: 'Enabled', filter: [{ prefix: '' }],
      noncurrentVersionExpiration: [{ noncurrentDays: 37 }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
    }]);
  });

  test('object lock is enabled on the bucket, with a warning that default retention is not rendered', () => {
    const chart = new Chart(Testing.app(), 't', { namespace: 'db' });
    new ArchiveBucket(chart, 'bucket', { bucketName: 'acme-pg-archive', region: 'eu-west-1', controller: BucketController.CROSSPLANE, objectLock: { days: 7 } });
    const out = Testing.synth(chart);
    expect(ofKind(out, 'Bucket')[0].spec.forProvider.objectLockEnabled).toBe(true);
    expect(SynthWarnings.collect(chart).join('\n')).toMatch(/BucketObjectLockConfiguration/);
  });
});

test('the shared bucket policy (also used by the CLI) derives the lifecycle from the retention window', () => {
  expect(archiveBucketPolicy(RetentionWindow.weeks(4))).toMatchObject({
    versioning: 'Enabled', sseAlgorithm: 'AES256', noncurrentVersionExpirationDays: 35, abortIncompleteMultipartUploadDays: 7,
  });
});

describe('bad input fails at synth time with property, value and fix', () => {
  test.each([
    ['My_Bucket', /lower-case letters, digits, dots and hyphens/],
    ['10.0.0.1', /IP address/],
    ['backups-s3alias', /reserved suffix "-s3alias"/],
    ['a'.repeat(64), /has 64 characters/],
  ])('bucket name %s', (bucketName, problem) => {
    const message = synthError((c) => new ArchiveBucket(c, 'bucket', { bucketName, region: 'eu-west-1' }));
    expect(message).toContain(`bucketName = ${JSON.stringify(bucketName)}: is not a valid S3 bucket name`);
    expect(message).toMatch(problem);
    expect(message).toMatch(/Fix: /);
  });

  test('region, retention and an object lock longer than the retention window', () => {
    const message = synthError((c) => new ArchiveBucket(c, 'bucket', {
      bucketName: 'acme-pg-archive', region: 'EU', retention: RetentionWindow.days(0), objectLock: { days: 5 },
    }));
    expect(message).toMatch(/region = "EU": is not an AWS region name/);
    expect(message).toMatch(/retention = 0 days: must be a whole number/);
    expect(synthError((c) => new ArchiveBucket(c, 'b', { bucketName: 'acme-pg-archive', region: 'eu-west-1', objectLock: { days: 60 } })))
      .toMatch(/objectLock\.days = 60: locks objects longer than the retention window \(30 days\).*Fix: use at most 30 days/);
  });
});

test('the construct and the CLI\'s ensure-bucket agree on the bucket defaults', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require('../../lib/cli/archive/bucket-defaults');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rule = require('../../lib/cli/archive/ensure-bucket').lifecycleRule({ retentionDays: cli.DEFAULT_RETENTION_DAYS });
  const policy = archiveBucketPolicy(RetentionWindow.days(cli.DEFAULT_RETENTION_DAYS));
  expect(policy.lifecycleRuleId).toBe(rule.ID);
  expect(policy.abortIncompleteMultipartUploadDays).toBe(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation);
  expect(policy.noncurrentVersionExpirationDays).toBe(rule.NoncurrentVersionExpiration.NoncurrentDays);
  expect(RetentionWindow.days(cli.DEFAULT_RETENTION_DAYS).toDays()).toBe(30); // WalArchive's default retention
});
