/**
 * Pod Security Standard "restricted" (Kubernetes v1.28+ profile), evaluated on the pod
 * templates of synthesized manifests, the same rules the PodSecurity admission
 * controller applies at `enforce: restricted`.
 */

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const ALLOWED_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** A pod template found in a manifest, with where it came from. */
export interface PodTemplateRef {
  /** `Kind/name` of the manifest and the path of the template in it. */
  readonly source: string;
  /** The pod spec. */
  readonly spec: any;
}

/** Pod templates of workload manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, CloudNativePG Pooler). */
export function podTemplates(manifests: any[]): PodTemplateRef[] {
  const out: PodTemplateRef[] = [];
  for (const m of manifests) {
    const id = `${m?.kind}/${m?.metadata?.name}`;
    switch (m?.kind) {
      case 'Pod': out.push({ source: `${id} spec`, spec: m.spec ?? {} }); break;
      case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
        out.push({ source: `${id} spec.template.spec`, spec: m.spec?.template?.spec ?? {} }); break;
      // CloudNativePG merges a Pooler's template into the pod of its Deployment.
      case 'Pooler': out.push({ source: `${id} spec.template.spec`, spec: m.spec?.template?.spec ?? {} }); break;
      case 'CronJob': out.push({ source: `${id} spec.jobTemplate.spec.template.spec`, spec: m.spec?.jobTemplate?.spec?.template?.spec ?? {} }); break;
      default: break;
    }
  }
  return out;
}

/** Violations of PSS "restricted" in one pod spec, each as `<where>: <rule>`. */
export function restrictedViolations(spec: any): string[] {
  const v: string[] = [];
  const podSc = spec.securityContext ?? {};
  const containers: Array<[string, any]> = [
    ...(spec.initContainers ?? []).map((c: any) => [`initContainers[${c.name}]`, c] as [string, any]),
    ...(spec.containers ?? []).map((c: any) => [`containers[${c.name}]`, c] as [string, any]),
    ...(spec.ephemeralContainers ?? []).map((c: any) => [`ephemeralContainers[${c.name}]`, c] as [string, any]),
  ];

  // baseline
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) v.push('pod: host namespaces (hostNetwork/hostPID/hostIPC) must not be used');
  if (podSc.windowsOptions?.hostProcess) v.push('pod: hostProcess is not allowed');
  for (const s of podSc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) v.push(`pod: sysctl ${s.name} is not in the safe set`);
  if (podSc.seLinuxOptions && !ALLOWED_SELINUX_TYPES.has(podSc.seLinuxOptions.type ?? '')) v.push('pod: seLinuxOptions.type is not allowed');
  if (podSc.seLinuxOptions?.user || podSc.seLinuxOptions?.role) v.push('pod: seLinuxOptions.user/role must not be set');
  if (podSc.appArmorProfile?.type === 'Unconfined') v.push('pod: AppArmor profile Unconfined is not allowed');

  // restricted: volumes
  for (const vol of spec.volumes ?? []) {
    const types = Object.keys(vol).filter((k) => k !== 'name');
    for (const t of types) if (!ALLOWED_VOLUME_TYPES.has(t)) v.push(`volumes[${vol.name}]: volume type ${t} is not allowed`);
  }

  // restricted: seccomp (pod level, or every container)
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp === 'Unconfined') v.push('pod: seccompProfile Unconfined is not allowed');

  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsUser === 0) v.push('pod: runAsUser must not be 0');

  for (const [where, c] of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) v.push(`${where}: privileged is not allowed`);
    if (sc.windowsOptions?.hostProcess) v.push(`${where}: hostProcess is not allowed`);
    if (sc.procMount && sc.procMount !== 'Default') v.push(`${where}: procMount must be Default`);
    if (sc.seLinuxOptions && !ALLOWED_SELINUX_TYPES.has(sc.seLinuxOptions.type ?? '')) v.push(`${where}: seLinuxOptions.type is not allowed`);
    if (sc.appArmorProfile?.type === 'Unconfined') v.push(`${where}: AppArmor profile Unconfined is not allowed`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${where}: hostPort ${p.hostPort} is not allowed`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${where}: allowPrivilegeEscalation must be false`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${where}: capabilities must drop ALL`);
    for (const add of sc.capabilities?.add ?? []) if (add !== 'NET_BIND_SERVICE') v.push(`${where}: capability ${add} may not be added`);
    const nonRoot = sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false);
    if (!nonRoot) v.push(`${where}: runAsNonRoot must be true (pod or container)`);
    if (sc.runAsUser === 0) v.push(`${where}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${where}: seccompProfile must be RuntimeDefault or Localhost (pod or container)`);
  }
  return v;
}

/**
 * Containers (init containers included) without `readOnlyRootFilesystem: true`. Not part of
 * PSS "restricted", but a hardening the library applies wherever the image allows it.
 */
export function writableRootFilesystems(spec: any): string[] {
  const containers = [
    ...(spec.initContainers ?? []).map((c: any) => [`initContainers[${c.name}]`, c]),
    ...(spec.containers ?? []).map((c: any) => [`containers[${c.name}]`, c]),
  ] as Array<[string, any]>;
  return containers.filter(([, c]) => c.securityContext?.readOnlyRootFilesystem !== true).map(([where]) => `${where}: root filesystem is writable (set readOnlyRootFilesystem: true)`);
}
