import { k8s } from 'cdk8s-plus-28';

/** What a script pod runs: a bash script from a ConfigMap, with kubectl in the image. */
export interface ScriptPodOptions {
  /** ServiceAccount of the pod (its Role says what the script may do). */
  readonly serviceAccountName: string;
  /** Container name. */
  readonly containerName: string;
  /** Image with bash and kubectl. */
  readonly image: string;
  /** The command, e.g. `['/bin/bash', '/etc/drill/drill.sh']`. */
  readonly command: string[];
  /** ConfigMap holding the script, mounted read-only (mode 0555) at `scriptDir`. */
  readonly configMapName: string;
  /** Where the ConfigMap is mounted. */
  readonly scriptDir: string;
  /** Name of the ConfigMap volume. */
  readonly scriptVolumeName: string;
}

/**
 * The pod spec of a kubectl script (restore drills, Patroni backups): Pod Security
 * "restricted" (non-root 65532, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp), a read-only root with /tmp on a small emptyDir (kubectl keeps
 * its cache under $HOME), small bounded resources, never restarted in place.
 */
export function scriptPodSpec(o: ScriptPodOptions): k8s.PodSpec {
  return {
    serviceAccountName: o.serviceAccountName,
    restartPolicy: 'Never',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [{
      name: o.containerName,
      image: o.image,
      command: o.command,
      env: [{ name: 'HOME', value: '/tmp' }],
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
      volumeMounts: [{ name: o.scriptVolumeName, mountPath: o.scriptDir, readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [
      { name: o.scriptVolumeName, configMap: { name: o.configMapName, defaultMode: 0o555 } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ],
  };
}
