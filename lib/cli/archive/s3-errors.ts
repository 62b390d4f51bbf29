/**
 * SDK errors turned into one-line CliErrors (no stack trace): wrong endpoint, wrong
 * credentials, missing bucket, missing permission. Anything else keeps the SDK's message.
 */
import { CliError } from '../cli-error';
import { describeCredentialSource, describeEndpoint, S3ConnectionOptions } from './s3-connection';

/** The fields of an SDK (smithy) service exception we look at. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPROTO', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired']);

/** HTTP status of a service error, if it got that far. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as SdkErrorShape;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/** The S3 error code (`NoSuchBucket`, `NotImplemented`…), or the error name. */
export function errorCodeOf(err: unknown): string {
  const e = err as SdkErrorShape;
  return e?.Code ?? e?.name ?? 'Error';
}

function networkCode(err: unknown): string | undefined {
  for (let e = err as SdkErrorShape | undefined, depth = 0; e && depth < 5; e = e.cause as SdkErrorShape | undefined, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'timeout';
  }
  return undefined;
}

/**
 * A CliError for an SDK failure of `operation` on `bucket`. Returns the error itself when it is
 * already a CliError.
 */
export function toCliError(err: unknown, operation: string, bucket: string, conn: S3ConnectionOptions): CliError {
  if (err instanceof CliError) return err;
  const e = err as SdkErrorShape;
  const net = networkCode(err);
  if (net) {
    return new CliError(`cannot reach ${describeEndpoint(conn)} (${net}) for ${operation}. Fix: check --endpoint-url, the network and TLS`);
  }
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e?.message ?? '')) {
    return new CliError('no AWS credentials found. Fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or use workload identity (web identity / instance role)');
  }
  const code = errorCodeOf(err);
  const status = httpStatusOf(err);
  if (code === 'NoSuchBucket' || (status === 404 && (operation === 'HeadBucket' || operation === 'ListObjectsV2'))) {
    return new CliError(`bucket ${bucket} does not exist at ${describeEndpoint(conn)} (create it with \`ha-postgres archive ensure-bucket ${bucket}\`)`);
  }
  if (CREDENTIAL_CODES.has(code)) {
    return new CliError(`the endpoint rejected the credentials (${code}) for ${operation} on bucket ${bucket}: ${describeCredentialSource()}. Fix: check the access key id and secret`);
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    // HEAD answers carry no error body: the SDK only knows the status
    const label = code === 'AccessDenied' ? code : `HTTP ${status ?? 403}`;
    return new CliError(`access denied (${label}) for ${operation} on bucket ${bucket} with ${describeCredentialSource()}. `
      + `Fix: check the credentials, that the bucket belongs to your account, and the s3 permission for ${operation}`);
  }
  const where = status ? `HTTP ${status} ${code}` : code;
  const message = e?.message && e.message !== code ? `: ${e.message}` : '';
  return new CliError(`${operation} on bucket ${bucket} failed (${where})${message}`);
}
