/** `s3://bucket/prefix` destinations, as barman-cloud takes them. */
import { s3BucketNameProblem } from '../../model/s3-names';
import { CliError } from '../cli-error';

export interface S3Location {
  readonly bucket: string;
  /** Without leading or trailing slash; '' for the bucket root. */
  readonly prefix: string;
}

/** Parses `s3://bucket[/prefix]`; a bare bucket name is accepted when `allowBareBucket`. */
export function parseS3Location(text: string, what: string, allowBareBucket = false): S3Location {
  let bucket: string;
  let prefix = '';
  if (text.startsWith('s3://')) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new CliError(`${what} ${JSON.stringify(text)} is not a URL. Fix: write s3://<bucket>/<prefix>`);
    }
    bucket = url.hostname;
    prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  } else if (allowBareBucket && !text.includes('/') && !text.includes(':')) {
    bucket = text;
  } else {
    throw new CliError(`${what} ${JSON.stringify(text)} is not an s3:// URL. Fix: write s3://<bucket>/<prefix>${allowBareBucket ? ' or a bucket name' : ''}`);
  }
  // The same rules as the constructs' bucket names (ArchiveBucket, ArchiveDestination).
  const problem = s3BucketNameProblem(bucket);
  if (problem) {
    throw new CliError(`${what} ${JSON.stringify(text)}: ${JSON.stringify(bucket)} is not a valid S3 bucket name: it ${problem}. Fix: use 3-63 lowercase letters, digits, dots or hyphens`);
  }
  return { bucket, prefix };
}

/** The folder barman-cloud writes a server's archive to: `<prefix>/<serverName>/`. */
export function serverFolder(location: S3Location, serverName: string): string {
  return location.prefix === '' ? `${serverName}/` : `${location.prefix}/${serverName}/`;
}
