import { literalCredentials } from './credential-scan';
import { podTemplates, restrictedViolations, writableRootFilesystems } from './pod-security';
import { rbacFindings } from './rbac-check';

/**
 * Checks platform teams can run on any synthesized manifests (theirs included) in their
 * own tests, e.g. `expect(ManifestChecks.podSecurityRestricted(Testing.synth(chart))).toEqual([])`.
 * Each returns human-readable findings; an empty list means the check passed.
 */
export class ManifestChecks {
  /**
   * Pod templates (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)
   * that violate the Pod Security Standard "restricted".
   */
  public static podSecurityRestricted(manifests: any[]): string[] {
    return podTemplates(manifests).flatMap((t) => restrictedViolations(t.spec).map((v) => `${t.source}: ${v}`));
  }

  /** Containers of pod templates whose root filesystem is writable (hardening beyond PSS "restricted"). */
  public static writableRootFilesystems(manifests: any[]): string[] {
    return podTemplates(manifests).flatMap((t) => writableRootFilesystems(t.spec).map((v) => `${t.source}: ${v}`));
  }

  /** Values that look like literal credentials (inline Secret data, password-like keys, keys, URIs with passwords). */
  public static literalCredentials(manifests: any[]): string[] {
    return literalCredentials(manifests);
  }

  /**
   * RBAC that is not least-privilege: ClusterRoles and ClusterRoleBindings, wildcards,
   * escalating verbs, and Secrets readable without `resourceNames` or with verbs other than `get`.
   */
  public static rbacLeastPrivilege(manifests: any[]): string[] {
    return rbacFindings(manifests);
  }

  private constructor() {}
}
