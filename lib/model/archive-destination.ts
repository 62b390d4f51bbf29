/** Where an S3 (or S3-compatible) archive lives. */
export interface S3DestinationProps {
  /** Bucket name (checked against S3's naming rules at synth time). */
  readonly bucket: string;

  /**
   * Path prefix inside the bucket, without leading or trailing slash. Each cluster writes
   * under `<prefix>/<serverName>/` (`base/` for backups, `wals/` for WAL).
   *
   * @default - the bucket root
   */
  readonly path?: string;

  /**
   * AWS region of the bucket, given to Barman as `AWS_DEFAULT_REGION`.
   *
   * @default - the pod's environment (on EKS with IRSA the webhook sets `AWS_REGION`)
   */
  readonly region?: string;

  /**
   * Endpoint URL of an S3-compatible store (MinIO, Ceph RGW, …), e.g.
   * `https://minio.storage.svc:9000`. Must not carry credentials.
   *
   * @default - AWS S3
   */
  readonly endpoint?: string;
}

/**
 * An archive destination, engine-neutral: a bucket, a path prefix, a region and an
 * optional S3-compatible endpoint. Engines derive Barman's `s3://bucket/prefix` from it.
 */
export class ArchiveDestination {
  /** An S3 bucket (AWS, or an S3-compatible store with `endpoint`). */
  public static s3(props: S3DestinationProps): ArchiveDestination {
    return new ArchiveDestination(props.bucket, props.path ?? '', props.region, props.endpoint);
  }

  private constructor(
    public readonly bucket: string,
    /** Path prefix inside the bucket ('' for the root). */
    public readonly path: string,
    public readonly region: string | undefined,
    public readonly endpoint: string | undefined,
  ) {}

  /** Barman's destination path: `s3://<bucket>` or `s3://<bucket>/<path>`. */
  public get destinationPath(): string {
    return this.path === '' ? `s3://${this.bucket}` : `s3://${this.bucket}/${this.path}`;
  }

  /** Where one server's backups and WAL live: `s3://<bucket>/<path>/<serverName>/`. */
  public serverLocation(serverName: string): string {
    return `${this.destinationPath}/${serverName}/`;
  }

  /** True when both destinations name the same bucket, prefix and store. */
  public sameStoreAs(other: ArchiveDestination): boolean {
    return this.bucket === other.bucket && normalizePath(this.path) === normalizePath(other.path) &&
      (this.endpoint ?? '') === (other.endpoint ?? '');
  }
}

function normalizePath(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}
