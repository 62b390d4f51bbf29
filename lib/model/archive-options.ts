/** Compression of WAL segments on upload (barman-cloud-wal-archive). */
export enum WalCompression {
  NONE = 'none',
  GZIP = 'gzip',
  BZIP2 = 'bzip2',
  LZ4 = 'lz4',
  SNAPPY = 'snappy',
  XZ = 'xz',
  ZSTD = 'zstd',
}

/** Compression of base backups on upload (barman-cloud-backup). */
export enum BackupCompression {
  NONE = 'none',
  GZIP = 'gzip',
  BZIP2 = 'bzip2',
  LZ4 = 'lz4',
  SNAPPY = 'snappy',
}

/** Server-side encryption algorithm of uploaded objects. */
export enum SseAlgorithm {
  AES256 = 'AES256',
  AWS_KMS = 'aws:kms',
}

/** Server-side encryption of archived objects (SSE-S3 or SSE-KMS). */
export class ArchiveEncryption {
  /** SSE-S3: keys managed by S3 (`AES256`). */
  public static readonly AES256 = new ArchiveEncryption(SseAlgorithm.AES256, undefined);

  /** SSE-KMS with the given KMS key id, alias or ARN. */
  public static kms(keyId: string): ArchiveEncryption {
    return new ArchiveEncryption(SseAlgorithm.AWS_KMS, keyId);
  }

  private constructor(public readonly algorithm: SseAlgorithm, public readonly kmsKeyId: string | undefined) {}

  /** `AES256` or `aws:kms (<key>)`, for messages. */
  public toHumanString(): string {
    return this.kmsKeyId ? `${this.algorithm} (${this.kmsKeyId})` : this.algorithm;
  }
}
