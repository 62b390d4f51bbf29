import { literalCredentials } from './credential-scan';
import { podTemplates, restrictedViolations } from './pod-security';

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

  /** Values that look like literal credentials (inline Secret data, password-like keys, keys, URIs with passwords). */
  public static literalCredentials(manifests: any[]): string[] {
    return literalCredentials(manifests);
  }

  private constructor() {}
}
