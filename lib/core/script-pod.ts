import { k8s } from 'cdk8s-plus-28';

/** What a script pod runs: a script from a ConfigMap (bash with kubectl, or sh with psql). */
export interface ScriptPodOptions {
  /** ServiceAccount of the pod (its Role says what the script may do). */
  readonly serviceAccountName: string;
  /**
   * Whether the pod gets the ServiceAccount's token (false for a script that only talks to
   * PostgreSQL).
   *
   * @default - not set (the ServiceAccount decides)
   */
  readonly automountServiceAccountToken?: boolean;
  /** Container name. */
  readonly containerName: string;
  /** Image with the script's tools. */
  readonly image: string;
  /** The command, e.g. `['/bin/bash', '/etc/drill/drill.sh']`. */
  readonly command: string[];
  /**
   * User and group id the pod runs as (the image's non-root user).
   *
   * @default 65532
   */
  readonly userId?: number;
  /**
   * The container's environment (may be a Lazy); it should set HOME to /tmp.
   *
   * @default - HOME=/tmp only
   */
  readonly env?: k8s.EnvVar[];
  /** ConfigMap holding the script, mounted read-only (mode 0555) at `scriptDir`. */
  readonly configMapName: string;
  /** Where the ConfigMap is mounted. */
  readonly scriptDir: string;
  /** Name of the ConfigMap volume. */
  readonly scriptVolumeName: string;
  /**
   * Size limit of the /tmp emptyDir.
   *
   * @default 64Mi
   */
  readonly tmpSizeLimit?: string;
  /**
   * More volumes, each mounted read-only at its path, after the script and /tmp.
   *
   * @default - none
   */
  readonly extraVolumes?: Array<{ readonly volume: k8s.Volume; readonly mountPath: string }>;
}

/**
 * The pod spec of a script Job (restore drills, Patroni backups, SQL intent): Pod Security
 * "restricted" (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault
 * seccomp), a read-only root with /tmp on a small emptyDir (kubectl keeps its cache under
 * $HOME), small bounded resources, never restarted in place.
 */
export function scriptPodSpec(o: ScriptPodOptions): k8s.PodSpec {
  const userId = o.userId ?? 65532;
  const extra = o.extraVolumes ?? [];
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: o.automountServiceAccountToken,
    restartPolicy: 'Never',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: userId,
      runAsGroup: userId,
      fsGroup: userId,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [{
      name: o.containerName,
      image: o.image,
      command: o.command,
      env: o.env ?? [{ name: 'HOME', value: '/tmp' }],
      resources: {
        requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
        limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [
        { name: o.scriptVolumeName, mountPath: o.scriptDir, readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        ...extra.map((e) => ({ name: e.volume.name, mountPath: e.mountPath, readOnly: true })),
      ],
    }],
    volumes: [
      { name: o.scriptVolumeName, configMap: { name: o.configMapName, defaultMode: 0o555 } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(o.tmpSizeLimit ?? '64Mi') } },
      ...extra.map((e) => e.volume),
    ],
  };
}
