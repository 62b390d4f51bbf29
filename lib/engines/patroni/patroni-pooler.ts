import type { Construct } from 'constructs';
import { addSynthValidation } from '../../core/app-index';
import type { IClusterModel, IPoolerIntent } from '../../model/cluster-engine';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

import { ConfigErrors } from '../../core/config-error';

import { PoolType } from '../../model/pool-mode';
import type { PoolerEndpoint } from '../../model/cluster-engine';
import { namedZonesAffinity, zoneSpread } from '../../model/placement-rules';
import { resourceRequirements } from '../../model/resources';

const PORT = 5432;
const CONFIG_DIR = '/etc/pgbouncer';
const TLS_DIR = '/etc/pgbouncer/tls';
/** emptyDir: the auth file is written at start from the application Secret, never into a manifest. */
const RUN_DIR = '/tmp/pgbouncer';

/** Labels of every pod of the pool `name` (and no other pod). */
export function patroniPoolerPodLabels(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': name };
}

/** What the Patroni engine gives its pools. */
export interface PatroniPoolerInput {
  readonly engineName: string;
  readonly image?: string;
  readonly tlsSecretName?: string;
  readonly userId: number;
}

/** The pgbouncer.ini of a pool: every database to the cluster's rw (or ro) Service. */
export function renderPgBouncerIni(pool: IPoolerIntent, cluster: IClusterModel, tls: boolean): string {
  const i = pool.intent;
  const target = i.type === PoolType.READ_ONLY ? cluster.readOnlyServiceName : cluster.readWriteServiceName;
  const settings: { [name: string]: string } = {
    listen_addr: '0.0.0.0',
    listen_port: String(PORT),
    unix_socket_dir: '',
    auth_type: 'scram-sha-256',
    auth_file: `${RUN_DIR}/userlist.txt`,
    pool_mode: i.poolMode,
    // Drivers send these; PgBouncer would refuse the connection otherwise.
    ignore_startup_parameters: 'extra_float_digits,options',
    server_tls_sslmode: cluster.tls.requireTls ? 'require' : 'prefer',
    ...(tls ? { client_tls_cert_file: `${TLS_DIR}/tls.crt`, client_tls_key_file: `${TLS_DIR}/tls.key` } : {}),
    ...pool.pgbouncerParameters(),
  };
  return [
    '[databases]',
    `* = host=${target} port=${cluster.port}`,
    '',
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
}

/**
 * A PgBouncerPool as a pgbouncer Deployment (spread over zones, a PDB, the
 * configuration from a ConfigMap, credentials from the application Secret) in front of
 * the cluster's read-write (or read-only) Service.
 */
export function renderPatroniPooler(scope: Construct, pool: IPoolerIntent, input: PatroniPoolerInput): PoolerEndpoint {
  const i = pool.intent;
  const cluster = pool.cluster;
  const errors = new ConfigErrors();
  addSynthValidation(scope, () => errors.messages);
  if (input.image === undefined) {
    errors.add('PgBouncerPool', `engine ${input.engineName}`, `${input.engineName} has no operator to supply a PgBouncer image`,
      'give the cluster\'s engine pgbouncerImage (an image with pgbouncer and sh)');
  }
  const clientTls = (pool.pgbouncerParameters().client_tls_sslmode ?? 'disable') !== 'disable';
  if (clientTls && input.tlsSecretName === undefined) {
    errors.add('PgBouncerPool', `client_tls_sslmode = ${pool.pgbouncerParameters().client_tls_sslmode}`,
      `${input.engineName} has no certificate for the pool (it serves the engine's tlsSecretName)`,
      'give the cluster\'s engine tlsSecretName (its certificate must also name the pool\'s Service)');
  }

  const podLabels = { ...patroniPoolerPodLabels(i.name), 'app.kubernetes.io/part-of': i.clusterName };
  const selector = patroniPoolerPodLabels(i.name);
  const labels = podLabels;
  const configMapName = `${i.name}-pgbouncer`;

  new ApiObject(scope, 'Config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName, labels },
    data: Lazy.any({ produce: () => ({ 'pgbouncer.ini': renderPgBouncerIni(pool, cluster, clientTls) }) }),
  });

  new ApiObject(scope, 'Resource', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: i.name, labels },
    spec: Lazy.any({ produce: () => k8s.toJson_DeploymentSpec(deploymentSpec(pool, input, podLabels, selector, configMapName, clientTls)) }),
  });

  new k8s.KubeService(scope, 'Service', {
    metadata: { name: i.name, labels },
    spec: { selector, ports: [{ name: 'pgbouncer', port: PORT, targetPort: k8s.IntOrString.fromNumber(PORT) }] },
  });

  if (i.disruptionBudgetMinAvailable !== undefined) {
    new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
      metadata: { name: i.name, labels },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(i.disruptionBudgetMinAvailable),
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
  return { serviceName: i.name, port: PORT };
}

function deploymentSpec(pool: IPoolerIntent, input: PatroniPoolerInput, podLabels: { [key: string]: string }, selector: { [key: string]: string },
  configMapName: string, clientTls: boolean): k8s.DeploymentSpec {
  const i = pool.intent;
  const secret = pool.cluster.appSecretName;
  // The auth file holds the application owner's password, written into the emptyDir at start.
  const start = `umask 077 && printf '"%s" "%s"\\n' "$PGUSER" "$PGPASSWORD" > ${RUN_DIR}/userlist.txt && exec pgbouncer ${CONFIG_DIR}/pgbouncer.ini`;
  const volumes: k8s.Volume[] = [
    { name: 'config', configMap: { name: configMapName, defaultMode: 0o444 } },
    { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
  ];
  const mounts: k8s.VolumeMount[] = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'run', mountPath: RUN_DIR },
  ];
  if (clientTls && input.tlsSecretName) {
    volumes.push({ name: 'tls', secret: { secretName: input.tlsSecretName, defaultMode: 0o440 } });
    mounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
  }
  const tcp = { tcpSocket: { port: k8s.IntOrString.fromNumber(PORT) } };
  return {
    replicas: i.instances,
    selector: { matchLabels: selector },
    // A new pod is up before an old one goes: capacity never drops during a rollout.
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
    template: {
      metadata: { labels: podLabels },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: input.userId, runAsGroup: input.userId, fsGroup: input.userId, seccompProfile: { type: 'RuntimeDefault' } },
        topologySpreadConstraints: [zoneSpread(i, selector)],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: i.nodeTopologyKey, labelSelector: { matchLabels: selector } } }],
          },
          nodeAffinity: namedZonesAffinity(i),
        },
        containers: [{
          name: 'pgbouncer',
          image: input.image ?? 'missing-pgbouncer-image',
          command: ['sh', '-c', start],
          env: [
            { name: 'PGUSER', valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
            { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
          ],
          ports: [{ name: 'pgbouncer', containerPort: PORT, protocol: 'TCP' }],
          readinessProbe: { ...tcp, periodSeconds: 5 },
          livenessProbe: { ...tcp, periodSeconds: 10, failureThreshold: 3 },
          resources: resourceRequirements(i),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: mounts,
        }],
        volumes,
      },
    },
  };
}
