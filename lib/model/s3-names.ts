import { ConfigErrors } from '../core/config-error';
import { SynthWarnings } from '../core/synth-warnings';
import { IConstruct } from 'constructs';

const FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** What is wrong with `name` as an S3 bucket name (general purpose buckets), or undefined. */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `has ${name.length} characters; S3 bucket names have 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may only contain lower-case letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  const prefix = FORBIDDEN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix "${prefix}"`;
  const suffix = FORBIDDEN_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix "${suffix}"`;
  return undefined;
}

/** Checks an S3 bucket name; warns about dots, which break virtual-hosted-style TLS. */
export function checkS3BucketName(scope: IConstruct, errors: ConfigErrors, property: string, name: string): void {
  const problem = s3BucketNameProblem(name);
  if (problem) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
    errors.add(property, name, `is not a valid S3 bucket name: it ${problem}`,
      suggestion.length >= 3 ? `use a name such as ${JSON.stringify(suggestion)}` : 'use 3-63 lower-case letters, digits and hyphens, e.g. "acme-pg-archive"');
  } else if (name.includes('.')) {
    SynthWarnings.add(scope, `S3 bucket "${name}" contains dots: virtual-hosted-style HTTPS requests fail the certificate check ` +
      '(*.s3.amazonaws.com matches one label only). Prefer hyphens.');
  }
}

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** True when `region` has the form of an AWS region name (`eu-west-1`, `us-gov-west-1`, `us-isob-east-1`). */
export function isAwsRegion(region: string): boolean {
  return AWS_REGION.test(region);
}

/** Checks an AWS region name. */
export function checkAwsRegion(errors: ConfigErrors, property: string, region: string): void {
  if (!isAwsRegion(region)) errors.add(property, region, 'is not an AWS region name', 'use e.g. "eu-west-1"');
}

/** AWS access key ids (long-term AKIA…, temporary ASIA…) and 40-character secret keys. */
const ACCESS_KEY_ID = /\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b/;
const SECRET_KEY = /(^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}([^A-Za-z0-9/+=]|$)/;

/** True when `value` looks like a literal AWS access key id or secret access key. */
export function looksLikeLiteralCredential(value: string): boolean {
  return ACCESS_KEY_ID.test(value) || (SECRET_KEY.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value));
}

/** Adds an error when `value` looks like a literal key: credentials only come by reference. */
export function checkNoLiteralCredential(errors: ConfigErrors, property: string, value: string | undefined): void {
  if (value === undefined) return;
  let userInfo = false;
  try {
    const url = new URL(value);
    userInfo = url.username !== '' || url.password !== '' || /X-Amz-Credential|AWSAccessKeyId/i.test(url.search);
  } catch {
    // not a URL: only the key patterns apply
  }
  if (userInfo || looksLikeLiteralCredential(value)) {
    errors.add(property, '<redacted>', 'looks like a literal access key; keys must never be written into props or manifests',
      'store the keys in a Secret and use ArchiveCredentials.fromSecret(name), or use ArchiveCredentials.fromIamRole(roleArn); rotate the exposed key');
  }
}
