/**
 * The S3 client for the archive commands. Loaded only by the archive actions: the SDK is heavy
 * and neither the constructs nor the CLI's other commands need it. Credentials come from the
 * standard AWS chain (environment, profile, web identity, container/instance role) only: no
 * flag ever takes a secret.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CliError } from '../cli-error';

export interface S3ConnectionOptions {
  /** e.g. http://127.0.0.1:9000 for MinIO or s3rver; the AWS endpoint of the region when omitted. */
  readonly endpointUrl?: string;
  /** AWS region; AWS_REGION / AWS_DEFAULT_REGION / the profile's, else us-east-1. */
  readonly region?: string;
  /** Path-style URLs (http://host/bucket/key), needed by most S3-compatible servers. */
  readonly forcePathStyle?: boolean;
}

export function createS3Client(opts: S3ConnectionOptions): S3Client {
  // The SDK version is pinned by this package; its "upgrade Node" notice is not actionable here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (opts.endpointUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(opts.endpointUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new CliError(`--endpoint-url ${JSON.stringify(opts.endpointUrl)} is not an http(s) URL. Fix: e.g. --endpoint-url https://s3.example.com`);
    }
  }
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: opts.endpointUrl,
    forcePathStyle: opts.forcePathStyle ?? false,
    // a bucket in another region answers 301; follow it instead of failing
    followRegionRedirects: true,
  });
}

/** Where the endpoint is, for messages. */
export function describeEndpoint(opts: S3ConnectionOptions): string {
  return opts.endpointUrl ?? `the AWS S3 endpoint of region ${opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'}`;
}

/** Which link of the credential chain supplies the access key id, for messages. */
export function describeCredentialSource(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_ACCESS_KEY_ID) return `access key id ${maskKeyId(env.AWS_ACCESS_KEY_ID)} from the AWS_ACCESS_KEY_ID environment variable`;
  if (env.AWS_PROFILE) return `the credentials of profile ${JSON.stringify(env.AWS_PROFILE)} (AWS_PROFILE)`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return `the web identity role ${env.AWS_ROLE_ARN ?? '(AWS_ROLE_ARN unset)'}`;
  return 'the default AWS credential chain (profile "default", then container or instance role)';
}

/** Key ids are not secret, but long ones are shortened in messages. */
function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}
