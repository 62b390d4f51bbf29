/**
 * `archive ensure-bucket`: creates the bucket when missing and brings versioning, default
 * encryption, the public access block and the lifecycle rule to the shared defaults. Reads each
 * setting first and writes only what differs, so a second run changes nothing. Endpoints that do
 * not implement a setting (s3rver, some S3-compatible stores) get it reported, not a failure.
 */
import {
  BucketLifecycleConfiguration,
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  LifecycleRule,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  ServerSideEncryptionByDefault,
} from '@aws-sdk/client-s3';
import { BucketSettings, bucketPolicy } from './bucket-defaults';
import { errorCodeOf, httpStatusOf, toCliError } from './s3-errors';
import { S3ConnectionOptions } from './s3-connection';

/** What happened to one setting. */
export enum SettingOutcome {
  CREATED = 'created',
  APPLIED = 'applied',
  ALREADY_SET = 'already set',
  WOULD_APPLY = 'would apply (dry run)',
  NOT_SUPPORTED = 'not supported by this endpoint',
}

export interface SettingResult {
  /** bucket, versioning, encryption, public-access-block, lifecycle */
  readonly setting: string;
  readonly outcome: SettingOutcome;
  /** The wanted value, or the endpoint's answer when not supported. */
  readonly detail: string;
  /** The value found before a change, when there was one. */
  readonly previous?: string;
}

/** The part of an S3Client used here (a fake in unit tests). */
export interface S3Sender {
  send(command: unknown): Promise<any>;
}

export interface EnsureBucketOptions {
  readonly bucket: string;
  readonly region: string;
  readonly settings: BucketSettings;
  readonly dryRun?: boolean;
  readonly connection: S3ConnectionOptions;
}

/** Endpoint answers meaning "this API is not implemented here". */
function isNotSupported(err: unknown, isPut: boolean): boolean {
  const status = httpStatusOf(err);
  const code = errorCodeOf(err);
  if (status === 501 || status === 405 || code === 'NotImplemented' || code === 'MethodNotAllowed') return true;
  // s3rver and some others ignore the sub-resource and take `PUT /bucket?versioning` for CreateBucket
  return isPut && (status === 409 || code === 'BucketAlreadyExists' || code === 'BucketAlreadyOwnedByYou');
}

function unsupportedDetail(err: unknown, operation: string): string {
  const status = httpStatusOf(err);
  return `${operation} answered ${status ? `HTTP ${status} ` : ''}${errorCodeOf(err)}`;
}

/** What a read returns when the endpoint lacks the API (`undefined` means "not set"). */
const UNSUPPORTED = Symbol('unsupported');

export async function ensureBucket(client: S3Sender, opts: EnsureBucketOptions): Promise<SettingResult[]> {
  const { bucket } = opts;
  const fail = (err: unknown, op: string): never => {
    throw toCliError(err, op, bucket, opts.connection);
  };
  const read = async <T>(op: string, command: unknown, notSetCodes: string[], pick: (out: any) => T | undefined): Promise<T | undefined | typeof UNSUPPORTED> => {
    try {
      return pick(await client.send(command));
    } catch (err) {
      if (notSetCodes.includes(errorCodeOf(err))) return undefined;
      if (isNotSupported(err, false)) return UNSUPPORTED;
      return fail(err, op);
    }
  };
  /** Writes a setting; the outcome, with the endpoint's answer when it does not implement it. */
  const write = async (setting: string, op: string, command: unknown, detail: string, previous?: string): Promise<SettingResult> => {
    if (opts.dryRun) return { setting, outcome: SettingOutcome.WOULD_APPLY, detail, previous };
    try {
      await client.send(command);
      return { setting, outcome: SettingOutcome.APPLIED, detail, previous };
    } catch (err) {
      if (isNotSupported(err, true)) return { setting, outcome: SettingOutcome.NOT_SUPPORTED, detail: unsupportedDetail(err, op) };
      return fail(err, op);
    }
  };

  const results: SettingResult[] = [];

  // 1. the bucket
  let exists = true;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (httpStatusOf(err) === 404 || errorCodeOf(err) === 'NotFound' || errorCodeOf(err) === 'NoSuchBucket') exists = false;
    else fail(err, 'HeadBucket');
  }
  if (exists) {
    results.push({ setting: 'bucket', outcome: SettingOutcome.ALREADY_SET, detail: `${bucket} exists` });
  } else if (opts.dryRun) {
    results.push({ setting: 'bucket', outcome: SettingOutcome.WOULD_APPLY, detail: `create ${bucket}` });
    // nothing to read on a bucket that is not there: every setting would be applied
    for (const [setting, detail] of wantedDetails(opts.settings)) results.push({ setting, outcome: SettingOutcome.WOULD_APPLY, detail });
    return results;
  } else {
    try {
      // us-east-1 is the one region that must not be named as a location constraint
      await client.send(new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: opts.region === 'us-east-1' ? undefined : { LocationConstraint: opts.region as any },
      }));
    } catch (err) {
      fail(err, 'CreateBucket');
    }
    results.push({ setting: 'bucket', outcome: SettingOutcome.CREATED, detail: `${bucket} in ${opts.region}` });
  }
  const details = new Map(wantedDetails(opts.settings));

  // 2. versioning: noncurrent versions are what makes a deleted or overwritten WAL recoverable
  const versioning = await read('GetBucketVersioning', new GetBucketVersioningCommand({ Bucket: bucket }), [], (o) => o.Status as string | undefined);
  if (versioning === 'Enabled') {
    results.push({ setting: 'versioning', outcome: SettingOutcome.ALREADY_SET, detail: details.get('versioning')! });
  } else {
    results.push(await write('versioning', 'PutBucketVersioning',
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      details.get('versioning')!, versioning === UNSUPPORTED ? undefined : versioning ?? 'never enabled'));
  }

  // 3. default encryption
  const policy = bucketPolicy(opts.settings);
  const wantedSse: ServerSideEncryptionByDefault = policy.kmsKeyId
    ? { SSEAlgorithm: policy.sseAlgorithm as ServerSideEncryptionByDefault['SSEAlgorithm'], KMSMasterKeyID: policy.kmsKeyId }
    : { SSEAlgorithm: policy.sseAlgorithm as ServerSideEncryptionByDefault['SSEAlgorithm'] };
  const sse = await read('GetBucketEncryption', new GetBucketEncryptionCommand({ Bucket: bucket }),
    ['ServerSideEncryptionConfigurationNotFoundError'],
    (o) => o.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault as ServerSideEncryptionByDefault | undefined);
  if (sse !== UNSUPPORTED && sse && encryptionSatisfies(sse, wantedSse)) {
    results.push({ setting: 'encryption', outcome: SettingOutcome.ALREADY_SET, detail: describeSse(sse) });
  } else {
    results.push(await write('encryption', 'PutBucketEncryption',
      new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: wantedSse }] } }),
      details.get('encryption')!, sse === UNSUPPORTED ? undefined : sse ? describeSse(sse) : 'none'));
  }

  // 4. public access block: all four switches on
  const pab = await read('GetPublicAccessBlock', new GetPublicAccessBlockCommand({ Bucket: bucket }),
    ['NoSuchPublicAccessBlockConfiguration'], (o) => o.PublicAccessBlockConfiguration as Record<string, boolean | undefined> | undefined);
  const pabOn = pab !== UNSUPPORTED && pab !== undefined
    && !!pab.BlockPublicAcls && !!pab.IgnorePublicAcls && !!pab.BlockPublicPolicy && !!pab.RestrictPublicBuckets;
  if (pabOn) {
    results.push({ setting: 'public-access-block', outcome: SettingOutcome.ALREADY_SET, detail: details.get('public-access-block')! });
  } else {
    results.push(await write('public-access-block', 'PutPublicAccessBlock',
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
      details.get('public-access-block')!, pab === UNSUPPORTED ? undefined : pab ? describePab(pab) : 'none'));
  }

  // 5. lifecycle: our rule replaced or added, other rules kept
  const rules = await read('GetBucketLifecycleConfiguration', new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
    ['NoSuchLifecycleConfiguration'], (o) => (o.Rules ?? []) as LifecycleRule[]);
  const wantedRule = lifecycleRule(opts.settings);
  const current = rules === UNSUPPORTED ? undefined : rules?.find((r) => r.ID === policy.lifecycleRuleId);
  if (current && ruleMatches(current, wantedRule)) {
    results.push({ setting: 'lifecycle', outcome: SettingOutcome.ALREADY_SET, detail: details.get('lifecycle')! });
  } else {
    const others = rules === UNSUPPORTED || !rules ? [] : rules.filter((r) => r.ID !== policy.lifecycleRuleId);
    const config: BucketLifecycleConfiguration = { Rules: [...others, wantedRule] };
    results.push(await write('lifecycle', 'PutBucketLifecycleConfiguration',
      new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: config }),
      details.get('lifecycle')!, rules === UNSUPPORTED ? undefined : current ? describeRule(current) : 'no such rule'));
  }
  return results;
}

/** The lifecycle rule the tool owns. */
export function lifecycleRule(settings: BucketSettings): LifecycleRule {
  const policy = bucketPolicy(settings);
  return {
    ID: policy.lifecycleRuleId,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    NoncurrentVersionExpiration: { NoncurrentDays: policy.noncurrentVersionExpirationDays },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: policy.abortIncompleteMultipartUploadDays },
  };
}

function ruleMatches(current: LifecycleRule, wanted: LifecycleRule): boolean {
  const f = current.Filter as { Prefix?: string; Tag?: unknown; And?: unknown; ObjectSizeGreaterThan?: number; ObjectSizeLessThan?: number } | undefined;
  const wholeBucket = (current.Prefix ?? '') === '' && (f?.Prefix ?? '') === '' && !f?.Tag && !f?.And
    && f?.ObjectSizeGreaterThan === undefined && f?.ObjectSizeLessThan === undefined;
  return current.Status === 'Enabled' && wholeBucket
    && current.NoncurrentVersionExpiration?.NoncurrentDays === wanted.NoncurrentVersionExpiration!.NoncurrentDays
    && current.NoncurrentVersionExpiration?.NewerNoncurrentVersions === undefined
    && current.AbortIncompleteMultipartUpload?.DaysAfterInitiation === wanted.AbortIncompleteMultipartUpload!.DaysAfterInitiation
    && current.Expiration === undefined;
}

/**
 * An existing KMS configuration satisfies the AES256 default (it is not downgraded); a wanted
 * KMS key must be the configured one.
 */
function encryptionSatisfies(current: ServerSideEncryptionByDefault, wanted: ServerSideEncryptionByDefault): boolean {
  if (wanted.SSEAlgorithm === 'AES256') return current.SSEAlgorithm === 'AES256' || String(current.SSEAlgorithm).startsWith('aws:kms');
  return current.SSEAlgorithm === wanted.SSEAlgorithm && current.KMSMasterKeyID === wanted.KMSMasterKeyID;
}

function describeSse(sse: ServerSideEncryptionByDefault): string {
  return sse.KMSMasterKeyID ? `${sse.SSEAlgorithm} with key ${sse.KMSMasterKeyID}` : String(sse.SSEAlgorithm);
}

function describePab(pab: Record<string, boolean | undefined>): string {
  const on = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].filter((k) => pab[k]);
  return on.length === 0 ? 'all off' : `only ${on.join(', ')}`;
}

function describeRule(rule: LifecycleRule): string {
  return `${rule.Status}, noncurrent ${rule.NoncurrentVersionExpiration?.NoncurrentDays ?? '-'} days, multipart ${rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? '-'} days`;
}

/** The wanted value of each setting, in words. */
function wantedDetails(settings: BucketSettings): Array<[string, string]> {
  const policy = bucketPolicy(settings);
  return [
    ['versioning', policy.versioning],
    ['encryption', policy.kmsKeyId ? `${policy.sseAlgorithm} with key ${policy.kmsKeyId}` : policy.sseAlgorithm],
    ['public-access-block', 'all four blocks on'],
    ['lifecycle', `rule ${policy.lifecycleRuleId}: noncurrent versions expire after ${policy.noncurrentVersionExpirationDays} days, `
      + `incomplete multipart uploads abort after ${policy.abortIncompleteMultipartUploadDays} days`],
  ];
}
