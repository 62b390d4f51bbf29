import type { IClusterModel } from './cluster-engine';

/** Keys of the access-key Secret used by `ArchiveCredentials.fromSecret`. */
export interface ArchiveSecretKeys {
  /**
   * Key holding the access key id.
   *
   * @default 'ACCESS_KEY_ID'
   */
  readonly accessKeyId?: string;

  /**
   * Key holding the secret access key.
   *
   * @default 'ACCESS_SECRET_KEY'
   */
  readonly secretAccessKey?: string;

  /**
   * Key holding a session token, for temporary credentials.
   *
   * @default - no session token
   */
  readonly sessionToken?: string;
}

/** How the archive is authenticated: never by literal keys, only by identity or Secret reference. */
export enum ArchiveCredentialsKind {
  /** The pods' identity (EKS IAM Roles for Service Accounts). */
  IAM_ROLE = 'iam-role',
  /** An existing Secret with access keys, in the cluster's namespace. */
  SECRET = 'secret',
}

/** Credentials for the archive, by workload identity or by reference to an existing Secret. */
export class ArchiveCredentials {
  /**
   * The instance pods assume an IAM role through their service account
   * (`eks.amazonaws.com/role-arn` annotation, IRSA). The role's trust policy must allow
   * `system:serviceaccount:<namespace>:<cluster name>`.
   */
  public static fromIamRole(roleArn: string): ArchiveCredentials {
    return new ArchiveCredentials(ArchiveCredentialsKind.IAM_ROLE, roleArn, undefined, {});
  }

  /** An existing Secret in the cluster's namespace holding the access keys. */
  public static fromSecret(secretName: string, keys: ArchiveSecretKeys = {}): ArchiveCredentials {
    return new ArchiveCredentials(ArchiveCredentialsKind.SECRET, undefined, secretName, keys);
  }

  /** Key of the access key id in the Secret. */
  public readonly accessKeyIdKey: string;
  /** Key of the secret access key in the Secret. */
  public readonly secretAccessKeyKey: string;
  /** Key of the session token in the Secret, if any. */
  public readonly sessionTokenKey?: string;

  private constructor(
    public readonly kind: ArchiveCredentialsKind,
    /** The IAM role's ARN (IAM_ROLE only). */
    public readonly roleArn: string | undefined,
    /** The Secret's name (SECRET only). */
    public readonly secretName: string | undefined,
    keys: ArchiveSecretKeys,
  ) {
    this.accessKeyIdKey = keys.accessKeyId ?? 'ACCESS_KEY_ID';
    this.secretAccessKeyKey = keys.secretAccessKey ?? 'ACCESS_SECRET_KEY';
    this.sessionTokenKey = keys.sessionToken;
  }
}

/** The ServiceAccount annotation that gives pods an IAM role (EKS IAM Roles for Service Accounts). */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * The IAM role the cluster's instances assume through their ServiceAccount: the WalArchive's
 * role, else the recovery source's, else undefined (Secret credentials need no role).
 * Read it when manifests are produced: the archive is attached after the cluster renders.
 */
export function instanceRoleArn(cluster: IClusterModel): string | undefined {
  return roleArnOf(cluster.walArchive?.credentials) ?? roleArnOf(cluster.bootstrap.source?.credentials);
}

function roleArnOf(c: ArchiveCredentials | undefined): string | undefined {
  return c?.kind === ArchiveCredentialsKind.IAM_ROLE ? c.roleArn : undefined;
}
