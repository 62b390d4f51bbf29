import { Construct } from 'constructs';
import { ConfigErrors } from '../core/config-error';
import { isDnsSubdomain } from '../core/dns';
import { SynthWarnings } from '../core/synth-warnings';
import { ArchiveCredentials, ArchiveCredentialsKind } from './archive-credentials';
import { ArchiveDestination } from './archive-destination';
import { checkAwsRegion, checkNoLiteralCredential, checkS3BucketName } from './s3-names';

/** Checks an archive destination (bucket, path, region, endpoint). */
export function checkDestination(scope: Construct, errors: ConfigErrors, property: string, d: ArchiveDestination): void {
  checkS3BucketName(scope, errors, `${property}.bucket`, d.bucket);
  if (d.path !== '' && (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(d.path) || d.path.split('/').some((s) => s === '.' || s === '..'))) {
    errors.add(`${property}.path`, d.path, 'must be a relative key prefix: segments of letters, digits and !_.*\'()- separated by single slashes, no leading or trailing slash',
      'use e.g. "postgres/prod"');
  }
  if (d.region !== undefined) checkAwsRegion(errors, `${property}.region`, d.region);
  checkNoLiteralCredential(errors, `${property}.endpoint`, d.endpoint);
  checkNoLiteralCredential(errors, `${property}.path`, d.path);
  if (d.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(d.endpoint);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      errors.add(`${property}.endpoint`, d.endpoint, 'is not an http(s) URL', 'use e.g. "https://minio.storage.svc:9000"');
    } else if (url.protocol === 'http:') {
      SynthWarnings.add(scope, `${property}.endpoint ${d.endpoint} is plain HTTP: backups and credentials cross the network unencrypted. Use HTTPS.`);
    }
  }
}

/** Checks credentials: a well-formed role ARN, or a Secret reference that is not a literal key. */
export function checkCredentials(errors: ConfigErrors, property: string, c: ArchiveCredentials): void {
  if (c.kind === ArchiveCredentialsKind.IAM_ROLE) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/.test(c.roleArn ?? '')) {
      errors.add(`${property}.roleArn`, c.roleArn, 'is not an IAM role ARN', 'use e.g. "arn:aws:iam::123456789012:role/orders-db-archive"');
    }
    return;
  }
  const name = c.secretName ?? '';
  checkNoLiteralCredential(errors, `${property}.secretName`, name);
  if (!isDnsSubdomain(name)) {
    if (!errors.messages.some((m) => m.startsWith(`${property}.secretName`))) {
      errors.add(`${property}.secretName`, name, 'is not a Kubernetes Secret name', 'give the name of an existing Secret, e.g. "orders-db-s3"');
    }
  }
  for (const [k, v] of [['accessKeyId', c.accessKeyIdKey], ['secretAccessKey', c.secretAccessKeyKey], ['sessionToken', c.sessionTokenKey]] as const) {
    if (v === undefined) continue;
    checkNoLiteralCredential(errors, `${property}.keys.${k}`, v);
    if (!/^[-._a-zA-Z0-9]{1,253}$/.test(v)) {
      if (!errors.messages.some((m) => m.startsWith(`${property}.keys.${k}`))) {
        errors.add(`${property}.keys.${k}`, v, 'is not a valid Secret key', 'give the key name inside the Secret, e.g. "ACCESS_KEY_ID"');
      }
    }
  }
}
