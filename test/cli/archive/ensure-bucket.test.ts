/**
 * ensure-bucket's read-compare-write logic against a fake S3 `send`: which commands go out, with
 * which inputs, and what is reported. (s3rver implements none of these settings; see
 * archive-s3rver.real.test.ts for the real-HTTP side.)
 */
import { CliError } from '../../../lib/cli/cli-error';
import { ensureBucket, lifecycleRule, SettingOutcome, S3Sender } from '../../../lib/cli/archive/ensure-bucket';
import { archiveBucketPolicy } from '../../../lib/model/bucket-policy';
import { RetentionWindow } from '../../../lib/model/retention-window';

/** An S3 error as the SDK raises it. */
function s3Error(code: string, status: number): Error {
  return Object.assign(new Error(code), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}

type Handler = (input: any) => unknown;

/** A fake client: answers per command name; records every command sent. */
function fakeS3(handlers: Record<string, Handler>): S3Sender & { sent: Array<{ name: string; input: any }>; names(): string[] } {
  const sent: Array<{ name: string; input: any }> = [];
  return {
    sent,
    names: () => sent.map((c) => c.name),
    async send(command: any) {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: command.input });
      const h = handlers[name];
      if (!h) throw new Error(`unexpected ${name}`);
      return h(command.input);
    },
  };
}

const OUR_RULE = lifecycleRule({ retentionDays: 30 });
const ALL_SET: Record<string, Handler> = {
  HeadBucket: () => ({}),
  GetBucketVersioning: () => ({ Status: 'Enabled' }),
  GetBucketEncryption: () => ({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
  GetPublicAccessBlock: () => ({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
  GetBucketLifecycleConfiguration: () => ({ Rules: [OUR_RULE] }),
};
const PUTS_OK: Record<string, Handler> = {
  CreateBucket: () => ({}),
  PutBucketVersioning: () => ({}),
  PutBucketEncryption: () => ({}),
  PutPublicAccessBlock: () => ({}),
  PutBucketLifecycleConfiguration: () => ({}),
};
const opts = (extra: object = {}) => ({ bucket: 'pg-wal', region: 'eu-west-1', settings: { retentionDays: 30 }, connection: {}, ...extra });

describe('ensureBucket', () => {
  test('a missing bucket is created and every setting applied with the shared defaults', async () => {
    const s3 = fakeS3({
      ...PUTS_OK,
      HeadBucket: () => { throw s3Error('NotFound', 404); },
      GetBucketVersioning: () => ({}),
      GetBucketEncryption: () => { throw s3Error('ServerSideEncryptionConfigurationNotFoundError', 404); },
      GetPublicAccessBlock: () => { throw s3Error('NoSuchPublicAccessBlockConfiguration', 404); },
      GetBucketLifecycleConfiguration: () => { throw s3Error('NoSuchLifecycleConfiguration', 404); },
    });
    const results = await ensureBucket(s3, opts());
    expect(results.map((r) => [r.setting, r.outcome])).toEqual([
      ['bucket', SettingOutcome.CREATED],
      ['versioning', SettingOutcome.APPLIED],
      ['encryption', SettingOutcome.APPLIED],
      ['public-access-block', SettingOutcome.APPLIED],
      ['lifecycle', SettingOutcome.APPLIED],
    ]);
    const input = (name: string) => s3.sent.find((c) => c.name === name)!.input;
    expect(input('CreateBucket')).toEqual({ Bucket: 'pg-wal', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
    expect(input('PutBucketVersioning').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(input('PutBucketEncryption').ServerSideEncryptionConfiguration).toEqual({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(input('PutPublicAccessBlock').PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    });
    expect(input('PutBucketLifecycleConfiguration').LifecycleConfiguration).toEqual({
      Rules: [{
        ID: 'expire-noncurrent-versions',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        NoncurrentVersionExpiration: { NoncurrentDays: 37 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }],
    });
  });

  test('us-east-1 sends no location constraint', async () => {
    const s3 = fakeS3({ ...ALL_SET, ...PUTS_OK, HeadBucket: () => { throw s3Error('NotFound', 404); } });
    await ensureBucket(s3, opts({ region: 'us-east-1' }));
    expect(s3.sent.find((c) => c.name === 'CreateBucket')!.input).toEqual({ Bucket: 'pg-wal', CreateBucketConfiguration: undefined });
  });

  test('idempotent: when everything is set, only reads go out and nothing is reported as changed', async () => {
    const s3 = fakeS3(ALL_SET);
    const results = await ensureBucket(s3, opts());
    expect(s3.names()).toEqual(['HeadBucket', 'GetBucketVersioning', 'GetBucketEncryption', 'GetPublicAccessBlock', 'GetBucketLifecycleConfiguration']);
    expect(results.every((r) => r.outcome === SettingOutcome.ALREADY_SET)).toBe(true);
  });

  test('only what differs is written; the previous value is reported; other lifecycle rules are kept', async () => {
    const otherRule = { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 3 } };
    const s3 = fakeS3({
      ...ALL_SET,
      ...PUTS_OK,
      GetBucketVersioning: () => ({ Status: 'Suspended' }),
      GetPublicAccessBlock: () => ({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false } }),
      GetBucketLifecycleConfiguration: () => ({ Rules: [otherRule, { ...OUR_RULE, NoncurrentVersionExpiration: { NoncurrentDays: 10 } }] }),
    });
    const results = await ensureBucket(s3, opts({ settings: { retentionDays: 14 } }));
    expect(s3.names().filter((n) => n.startsWith('Put'))).toEqual(['PutBucketVersioning', 'PutPublicAccessBlock', 'PutBucketLifecycleConfiguration']);
    const byName = Object.fromEntries(results.map((r) => [r.setting, r]));
    expect(byName.versioning).toMatchObject({ outcome: SettingOutcome.APPLIED, previous: 'Suspended' });
    expect(byName.encryption.outcome).toBe(SettingOutcome.ALREADY_SET);
    expect(byName['public-access-block']).toMatchObject({ outcome: SettingOutcome.APPLIED, previous: 'only BlockPublicAcls, IgnorePublicAcls' });
    expect(byName.lifecycle).toMatchObject({ outcome: SettingOutcome.APPLIED, previous: 'Enabled, noncurrent 10 days, multipart 7 days' });
    expect(byName.lifecycle.detail).toMatch('noncurrent versions expire after 21 days');
    const rules = s3.sent.find((c) => c.name === 'PutBucketLifecycleConfiguration')!.input.LifecycleConfiguration.Rules;
    expect(rules).toEqual([otherRule, lifecycleRule({ retentionDays: 14 })]);
  });

  test('KMS: a different key is re-applied; an existing KMS config satisfies the AES256 default (no downgrade)', async () => {
    const kmsBucket = fakeS3({
      ...ALL_SET,
      ...PUTS_OK,
      GetBucketEncryption: () => ({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'old-key' } }] } }),
    });
    const withKey = await ensureBucket(kmsBucket, opts({ settings: { retentionDays: 30, kmsKeyId: 'new-key' } }));
    expect(withKey.find((r) => r.setting === 'encryption')).toMatchObject({ outcome: SettingOutcome.APPLIED, previous: 'aws:kms with key old-key' });
    expect(kmsBucket.sent.find((c) => c.name === 'PutBucketEncryption')!.input.ServerSideEncryptionConfiguration.Rules[0])
      .toEqual({ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'new-key' } });

    const kept = fakeS3({
      ...ALL_SET,
      GetBucketEncryption: () => ({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'k' } }] } }),
    });
    const noKey = await ensureBucket(kept, opts());
    expect(noKey.find((r) => r.setting === 'encryption')!.outcome).toBe(SettingOutcome.ALREADY_SET);
    expect(kept.names().some((n) => n.startsWith('Put'))).toBe(false);
  });

  test('"not implemented" answers are reported per setting, not raised', async () => {
    const s3 = fakeS3({
      HeadBucket: () => ({}),
      GetBucketVersioning: () => ({}), // s3rver: 200 without Status
      PutBucketVersioning: () => { throw s3Error('BucketAlreadyExists', 409); }, // s3rver takes it for CreateBucket
      GetBucketEncryption: () => { throw s3Error('NotImplemented', 501); },
      PutBucketEncryption: () => { throw s3Error('NotImplemented', 501); },
      GetPublicAccessBlock: () => { throw s3Error('MethodNotAllowed', 405); },
      PutPublicAccessBlock: () => { throw s3Error('MethodNotAllowed', 405); },
      GetBucketLifecycleConfiguration: () => { throw s3Error('NotImplemented', 501); },
      PutBucketLifecycleConfiguration: () => { throw s3Error('NotImplemented', 501); },
    });
    const results = await ensureBucket(s3, opts());
    expect(results.slice(1).map((r) => [r.setting, r.outcome, r.detail])).toEqual([
      ['versioning', SettingOutcome.NOT_SUPPORTED, 'PutBucketVersioning answered HTTP 409 BucketAlreadyExists'],
      ['encryption', SettingOutcome.NOT_SUPPORTED, 'PutBucketEncryption answered HTTP 501 NotImplemented'],
      ['public-access-block', SettingOutcome.NOT_SUPPORTED, 'PutPublicAccessBlock answered HTTP 405 MethodNotAllowed'],
      ['lifecycle', SettingOutcome.NOT_SUPPORTED, 'PutBucketLifecycleConfiguration answered HTTP 501 NotImplemented'],
    ]);
  });

  test('dry run reads but never writes', async () => {
    const s3 = fakeS3({ ...ALL_SET, GetBucketVersioning: () => ({ Status: 'Suspended' }) });
    const results = await ensureBucket(s3, opts({ dryRun: true }));
    expect(results.find((r) => r.setting === 'versioning')!.outcome).toBe(SettingOutcome.WOULD_APPLY);
    expect(s3.names().some((n) => n.startsWith('Put') || n === 'CreateBucket')).toBe(false);
    const missing = fakeS3({ HeadBucket: () => { throw s3Error('NotFound', 404); } });
    const all = await ensureBucket(missing, opts({ dryRun: true }));
    expect(all.map((r) => r.outcome)).toEqual(Array(5).fill(SettingOutcome.WOULD_APPLY));
    expect(missing.names()).toEqual(['HeadBucket']);
  });

  test('access denied on a read is an error naming the operation, not a silent skip', async () => {
    const s3 = fakeS3({ ...ALL_SET, GetBucketLifecycleConfiguration: () => { throw s3Error('AccessDenied', 403); } });
    const err = await ensureBucket(s3, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(/^access denied \(AccessDenied\) for GetBucketLifecycleConfiguration on bucket pg-wal/);
  });
});

describe('shared defaults with the ArchiveBucket construct', () => {
  test.each([7, 30, 90])('retention %d days: the same lifecycle rule as the construct', (days) => {
    const policy = archiveBucketPolicy(RetentionWindow.days(days));
    const rule = lifecycleRule({ retentionDays: days });
    expect(rule.ID).toBe(policy.lifecycleRuleId);
    expect(rule.NoncurrentVersionExpiration!.NoncurrentDays).toBe(policy.noncurrentVersionExpirationDays);
    expect(rule.AbortIncompleteMultipartUpload!.DaysAfterInitiation).toBe(policy.abortIncompleteMultipartUploadDays);
    expect(policy.sseAlgorithm).toBe('AES256');
  });
});
